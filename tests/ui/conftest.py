"""Fixtures for the UI tests: a real trace store, the real server, headless Chromium.

The store is made once per session by real rewrites in the sandbox: the running example (offline,
verified), a clinic script whose `while` loop the lifter cannot lift (offline: fails at prepare;
with a scripted model: a syntax error, then a repair that verifies), a one-case `lester eval`, an
edit fork whose candidate carries `<script>alert(1)</script>`, and a pandas-style case (its
dataflow is shown). The server is `lester ui` in a
subprocess on a free loopback port. Browser tests skip without Chromium unless
LESTER_REQUIRE_BROWSER=1; screenshots go to `ui-screenshots/` (or LESTER_UI_SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.clinic_case import PREPARE_BROKEN, PREPARE_OK, make_case
from tests.conftest import EXAMPLE, ROOT
from tests.llm_server import Answer, LLMServer
from tests.pandas_case import make_case as make_pandas_case

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("LESTER_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(os.environ.get("LESTER_UI_SCREENSHOTS") or ROOT / "ui-screenshots")
SCRIPT_TAG = "<script>alert(1)</script>"
TAKEN: list[Path] = []  # screenshots saved by this session


@dataclass(frozen=True)
class Store:
    traces: Path
    evals: Path
    example: str  # creditcard, offline, verified
    clinic_offline: str  # fails at prepare
    clinic_llm: str  # prepare repaired by the scripted model, verified
    scripted: str  # an edit fork whose candidate contains SCRIPT_TAG
    pandas: str  # a pandas-style case, verified by the trace lifter (a dataflow to show)


def _rewrite(script: Path, traces: Path, model: str = "offline", llm=None) -> str:
    from lester.agents.rewrite import RewriteOptions, rewrite

    options = RewriteOptions(
        script, model=model, sandbox="docker", traces=traces, llm=llm, job_timeout=60
    )
    return rewrite(options, lambda message: None).run_id


def _llm_rewrite(script: Path, traces: Path) -> str:
    from lester.agents.llm.proposer import LLMConfig, LLMProposer

    with LLMServer() as server:
        server.script([Answer(PREPARE_BROKEN, 900, 40), Answer(PREPARE_OK, 1100, 60)])
        config = LLMConfig(
            model="scripted", base_url=server.base_url, api_key="test", timeout=10, max_retries=1
        )
        return _rewrite(script, traces, "scripted", LLMProposer(config))


def _eval(out: Path) -> None:
    command = [sys.executable, "-m", "lester", "eval", "--cases", "housing_prices_basic"]
    command += ["--model", "offline", "--sandbox", "docker", "--jobs", "1", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


def _script_fork(traces: Path, parent: str) -> str:
    from lester.agents.edit_fork import EditFork, candidate_module, fork_with_candidate
    from lester.agents.trace_view import load_state

    state = load_state(traces, parent)
    module = candidate_module(state, len(state["history"]) - 1)
    edited = module.replace("\n\n@lt.model", f"\n\n# {SCRIPT_TAG}\n@lt.model", 1)
    assert SCRIPT_TAG in edited
    result = fork_with_candidate(EditFork(traces, parent, edited, sandbox="docker"), print)
    return result.run_id


@pytest.fixture(scope="session")
def ui_store(tmp_path_factory: pytest.TempPathFactory, docker_daemon: None) -> Store:
    root = tmp_path_factory.mktemp("ui")
    traces = root / "traces"
    example = root / "creditcard"
    shutil.copytree(
        EXAMPLE, example, ignore=shutil.ignore_patterns(".lester", "*_lester*.py", "joined.csv")
    )
    example_run = _rewrite(example / "messy.py", traces)
    clinic = make_case(root / "clinic")
    store = Store(
        traces=traces,
        evals=root / "evals",
        example=example_run,
        clinic_offline=_rewrite(clinic, traces),
        clinic_llm=_llm_rewrite(clinic, traces),
        scripted=_script_fork(traces, example_run),
        pandas=_rewrite(make_pandas_case(root / "loans"), traces),
    )
    _eval(store.evals / "housing")
    return store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def ui_url(ui_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`lester ui` serving the store, started as a user would, stopped after the session."""
    port = _free_port()
    log = tmp_path_factory.mktemp("ui-server") / "server.log"
    command = [sys.executable, "-m", "lester", "ui", "--port", str(port)]
    command += ["--traces", str(ui_store.traces), "--evals", str(ui_store.evals)]
    command += ["--sandbox", "docker"]
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"lester ui exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"lester ui did not answer on {url}: {log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"LESTER_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (set LESTER_REQUIRE_BROWSER=1 to fail instead)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page that fails the test on any dialog (an `alert` means script injection)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not dialogs, f"a dialog fired: {dialogs}"


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    TAKEN.append(path)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    if TAKEN:
        terminalreporter.write_line(f"UI screenshots ({len(TAKEN)}): {SCREENSHOTS}")
