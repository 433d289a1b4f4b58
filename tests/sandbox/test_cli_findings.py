"""The smaller findings of issue 15 (finding 8), each attacked through the real CLI: an --out that
cannot be written, a corrupt trace store, --resume of another file's run, killed runs left
"running", a script that fits two models, and `lester ui` served beyond loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from lester.agents.traces import DB_NAME, TraceStore

LESTER = [sys.executable, "-m", "lester"]
pytestmark = pytest.mark.slow  # a dozen CLI processes (seconds each)


def lester(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LESTER, *args], capture_output=True, text=True, timeout=timeout)


def _bad_input(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_rewrite_checks_out_before_the_run(example_copy: Path) -> None:
    script = str(example_copy / "messy.py")
    folder = example_copy / "out"
    folder.mkdir()
    _bad_input(lester("rewrite", script, "--out", str(folder)), "is a folder")
    _bad_input(
        lester("rewrite", script, "--out", str(example_copy / "no" / "x.py")), "does not exist"
    )
    _bad_input(lester("rewrite", script, "--out", script), "is the original script")
    assert not (example_copy / ".lester").exists(), "the run started before --out was checked"


def _store_with_runs(root: Path, script: Path, count: int) -> list[str]:
    store = TraceStore(root)
    try:
        return [store.start(script, script.parent, "offline") for _ in range(count)]
    finally:
        store.close()


def test_a_corrupt_trace_store_is_reported_not_a_traceback(example_copy: Path, tmp_path) -> None:
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / DB_NAME).write_bytes(b"this is not SQLite\n" * 500)
    damaged = tmp_path / "damaged"
    _store_with_runs(damaged, example_copy / "messy.py", 400)
    data = bytearray((damaged / DB_NAME).read_bytes())
    data[4096:12288] = os.urandom(8192)  # pages of the runs table
    (damaged / DB_NAME).write_bytes(bytes(data))
    script = str(example_copy / "messy.py")
    for store in (garbage, damaged):
        _bad_input(lester("trace", "list", "--traces", str(store)), "corrupt")
        _bad_input(lester("trace", "show", "x", "--traces", str(store)), str(store))
    _bad_input(lester("rewrite", script, "--traces", str(garbage)), "not a readable trace store")
    _bad_input(lester("ui", "--traces", str(garbage)), "not a readable trace store")


def test_resume_refuses_another_files_run_and_a_run_never_saved(example_copy, tmp_path) -> None:
    other = tmp_path / "other.py"
    other.write_text("print('another script')\n")
    traces = example_copy / ".lester"
    (foreign,) = _store_with_runs(traces, other, 1)
    script = str(example_copy / "messy.py")
    _bad_input(lester("rewrite", script, "--resume", foreign), f"run {foreign} rewrote {other}")
    (unsaved,) = _store_with_runs(traces, (example_copy / "messy.py").resolve(), 1)
    _bad_input(lester("rewrite", script, "--resume", unsaved), "stopped before its first step")


def test_a_killed_run_is_listed_as_interrupted(tmp_path: Path) -> None:
    traces = tmp_path / ".lester"
    driver = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from lester.agents.traces import TraceStore
        store = TraceStore(Path({str(traces)!r}))
        print(store.start(Path("/x/messy.py"), Path("/x"), "offline"), flush=True)
        time.sleep(300)
    """)
    host = subprocess.Popen([sys.executable, "-c", driver], stdout=subprocess.PIPE, text=True)
    assert host.stdout is not None
    run_id = host.stdout.readline().strip()
    assert "running" in lester("trace", "list", "--traces", str(traces)).stdout
    host.send_signal(signal.SIGKILL)
    host.wait()
    listing = lester("trace", "list", "--traces", str(traces))
    assert (
        listing.returncode == 0
        and "interrupted" in listing.stdout
        and "running" not in listing.stdout
    )
    row = sqlite3.connect(traces / DB_NAME).execute(
        "SELECT outcome FROM runs WHERE run_id = ?", (run_id,)
    )
    assert row.fetchone() == ("interrupted",)


@pytest.mark.docker
def test_a_second_fit_is_named_with_the_reason_it_is_not_taken(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(
        "a,b,label\n" + "".join(f"{i},{2 * i},{i % 2}\n" for i in range(20))
    )
    script = tmp_path / "two_fits.py"
    script.write_text(
        "import pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.tree import DecisionTreeClassifier\n"
        "frame = pd.read_csv('data.csv')\n"
        "X, y = frame[['a', 'b']], frame['label']\n"
        "DecisionTreeClassifier(random_state=0).fit(X, y)\n"
        "LogisticRegression().fit(X, y)\n"
    )
    done = lester("analyze", str(script), "--sandbox", "docker")
    assert "fits 2 models (DecisionTreeClassifier at line 6, LogisticRegression at line 7)" in (
        done.stdout
    ), done.stdout
    assert "the last, at line 7, is taken as the final model" in done.stdout


def test_ui_beyond_loopback_warns(tmp_path: Path) -> None:
    traces = tmp_path / ".lester"
    TraceStore(traces).close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*LESTER, "ui", "--host", "0.0.0.0", "--port", str(port), "--traces", str(traces)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while "warning" not in line and time.monotonic() < deadline:
            line = server.stderr.readline()
        assert "serving on 0.0.0.0, not loopback" in line
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.docker
def test_an_input_overwritten_in_place_stays_a_source_and_intermediates_do_not(tmp_path: Path):
    """Issue 12: files the script wrote itself are never taken for sources; an input it read
    before overwriting it is one (the host reads the user's untouched original)."""
    (tmp_path / "data").mkdir()
    rows = "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30))
    (tmp_path / "data" / "train.csv").write_text("a,b,label\n" + rows)
    script = tmp_path / "messy.py"
    script.write_text(
        "import pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "frame = pd.read_csv('data/train.csv')\n"
        "frame.assign(a=frame.a * 2).to_csv('data/train.csv', index=False)\n"
        "frame.to_csv('data/.scratchspace.csv', index=False)\n"
        "again = pd.read_csv('data/.scratchspace.csv')\n"
        "LogisticRegression().fit(again[['a', 'b']], again['label'])\n"
    )
    done = lester("analyze", str(script), "--sandbox", "docker", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [source["path"] for source in report["sources"]] == ["data/train.csv"]
    assert (tmp_path / "data" / "train.csv").read_text() == "a,b,label\n" + rows
