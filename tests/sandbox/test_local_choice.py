"""Choosing the local backend: never silently, never unisolated unless the user says so.

Issue 15, finding 3: `auto` picked the local backend silently when Docker did not answer (a wrong
DOCKER_HOST was enough), and the local backend ran untrusted code as root. These tests drive the
real CLI with a DOCKER_HOST that answers nothing, and with a PATH that lacks bubblewrap and
unshare, as a host without them would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lester.sandbox import SandboxUnavailable, isolation
from lester.sandbox.local_backend import LocalBackend

from tests.conftest import ROOT
from tests.sandbox import jobs

pytestmark = pytest.mark.slow

LESTER = [sys.executable, "-m", "lester"]
NO_DOCKER = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def lester(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LESTER, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def tools_without_isolation(tmp_path: Path) -> dict[str, str]:
    """A PATH holding the tools a job needs but neither bwrap nor unshare."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("setpriv", "prlimit", "sh"):
        (folder / tool).symlink_to(shutil.which(tool))
    return {"PATH": f"{Path(sys.executable).parent}:{folder}"}


@pytest.fixture
def no_isolation_tools(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    isolation.detect.cache_clear()
    monkeypatch.setattr(isolation.shutil, "which", lambda name: None)
    yield
    monkeypatch.undo()
    isolation.detect.cache_clear()


def test_auto_falls_back_loudly_naming_what_is_weaker(example_copy: Path) -> None:
    result = lester("analyze", str(example_copy / "messy.py"), env=NO_DOCKER)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no Docker daemon answers (unix:///nonexistent/docker.sock" in result.stderr
    assert "local sandbox backend (bubblewrap" in result.stderr
    assert "Weaker than Docker" in result.stderr and "shares the host's kernel" in result.stderr


@pytest.mark.e2e
def test_readme_first_command_runs_on_the_isolated_local_backend(example_copy: Path) -> None:
    """`make rewrite FILE=...` on a machine without Docker: verified, in the local sandbox, and
    the output says which sandbox it used and what that sandbox does not guarantee."""
    done = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "rewrite", f"FILE={example_copy / 'messy.py'}"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **NO_DOCKER},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "VERIFIED" in done.stdout, output
    assert "sandbox: local sandbox backend (bubblewrap" in output
    assert "Weaker than Docker:" in output and "shares the host's kernel" in output
    assert (example_copy / "messy_lester.py").is_file()


def test_local_refuses_where_it_cannot_isolate(no_isolation_tools: None) -> None:
    with pytest.raises(SandboxUnavailable, match="cannot isolate") as refused:
        LocalBackend("pytest-refused")
    assert "--unsafe-local" in str(refused.value) and "bubblewrap" in str(refused.value)
    accepted = LocalBackend("pytest-unsafe", allow_unisolated=True)
    assert accepted.warning.count("UNSAFE") == 1


def test_cli_refuses_unless_unsafe_local(example_copy: Path, tools_without_isolation) -> None:
    env = {**NO_DOCKER, **tools_without_isolation}
    script = str(example_copy / "messy.py")
    for backend in ("local", "auto"):
        refused = lester("analyze", script, "--sandbox", backend, env=env)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "cannot isolate jobs on this host" in refused.stderr
        assert "Traceback" not in refused.stderr
    wrong = lester("analyze", script, "--unsafe-local", env=env)
    assert wrong.returncode == 2 and "--unsafe-local goes with --sandbox local" in wrong.stderr
    accepted = lester("analyze", script, "--sandbox", "local", "--unsafe-local", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "UNSAFE: jobs run unisolated" in accepted.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="jobs get a uid of their own only under root")
def test_killed_host_leaves_no_job_and_no_scratch_behind(script, data_dir: Path) -> None:
    driver = script(
        f"""
        from pathlib import Path
        from lester.sandbox import Job, open_sandbox
        sandbox = open_sandbox("local", data_dir=Path({str(data_dir)!r}))
        sandbox.run(Job("script", Path({str(script("import time; time.sleep(300)", name="nap.py"))!r}), timeout=300))
        """,
        name="driver.py",
    )
    host = subprocess.Popen([sys.executable, str(driver)])
    uid = isolation.JOB_UID_BASE + host.pid
    deadline = time.monotonic() + 60

    def mounted_scratch() -> list[Path]:
        found = list(Path("/tmp").glob(f"lester-sbx-{host.pid}-local-*"))
        return found if found and os.path.ismount(found[0]) else []

    # the job's uid can show before its scratch is mounted: wait for both (a loaded machine)
    while not (jobs.processes_of(uid) and mounted_scratch()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert jobs.processes_of(uid), "the job never started"
    scratch = mounted_scratch()
    assert scratch, "the job runs without a mounted scratch"
    host.send_signal(signal.SIGKILL)
    host.wait()
    deadline = time.monotonic() + 30
    while jobs.processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not jobs.processes_of(uid), "the job outlived the host process"
    LocalBackend("pytest-after-kill")
    assert not scratch[0].exists()
    assert not list(Path("/sys/fs/cgroup").glob(f"**/lester/{host.pid}-*"))
