"""The Docker backend against a real daemon: isolation, limits, cleanup, the harness, the pool."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import docker
import docker.errors
import pytest
from lester.sandbox import Job, Sandbox, open_sandbox

from tests.sandbox import jobs

pytestmark = pytest.mark.docker

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "creditcard"


def gone(container_id: str | None) -> bool:
    try:
        docker.from_env().containers.get(container_id)
    except docker.errors.NotFound:
        return True
    return False


def test_script_mode_records_reads_fit_and_predict(
    docker_sandbox: Sandbox, script, data_dir: Path
) -> None:
    result = docker_sandbox.run(Job("script", script(jobs.TRAIN)))
    assert result.backend == "docker"
    jobs.check_training_trace(result, data_dir)


def test_warm_pool_reuses_the_container_and_wipes_scratch(docker_sandbox: Sandbox, script) -> None:
    code = script("""
        import os
        print(sorted(os.listdir(".")), sorted(os.listdir("/tmp")))
        open("left-behind.txt", "w").write("x")
        open("/tmp/also-left.txt", "w").write("x")
    """)
    first = docker_sandbox.run(Job("script", code))
    started = time.monotonic()
    second = docker_sandbox.run(Job("script", code))
    assert time.monotonic() - started < 2
    assert first.ok and second.ok
    assert first.sandbox_id == second.sandbox_id
    assert second.stdout_tail.strip() == "['data', 'job.py'] ['job', 'out']"


def test_network_is_unreachable(docker_sandbox: Sandbox, script) -> None:
    code = script("""
        import socket
        print(sorted(name for _, name in socket.if_nameindex()))
        socket.create_connection(("1.1.1.1", 53), timeout=3)
    """)
    result = docker_sandbox.run(Job("script", code))
    assert result.stdout_tail.strip() == "['lo']"
    assert result.trace["status"] == "error"
    assert result.trace["error"]["type"] in {"OSError", "TimeoutError", "ConnectionRefusedError"}


def test_writes_outside_scratch_fail(docker_sandbox: Sandbox, script) -> None:
    code = script("""
        targets = ["/etc/evil", "/opt/lester/evil.py", "/usr/evil", "/evil", "/data/evil",
                   "/opt/venv/lib/evil", "scratch-ok.txt", "/tmp/scratch-ok.txt"]
        for target in targets:
            try:
                with open(target, "w") as handle:
                    handle.write("x")
                print(target, "written")
            except OSError as exc:
                print(target, "refused", exc.errno)
    """)
    result = docker_sandbox.run(Job("script", code))
    assert result.ok
    outcome = dict(line.split(" ", 1) for line in result.stdout_tail.splitlines())
    assert outcome.pop("scratch-ok.txt") == "written"
    assert outcome.pop("/tmp/scratch-ok.txt") == "written"
    assert all(value.startswith("refused") for value in outcome.values()), outcome


def test_host_environment_is_invisible(docker_sandbox: Sandbox, script) -> None:
    secret = f"LESTER_TEST_SECRET_{uuid.uuid4().hex}"
    os.environ[secret] = "do-not-leak"
    try:
        code = script("""
            import json, os
            print(json.dumps(dict(os.environ)))
        """)
        result = docker_sandbox.run(Job("script", code))
    finally:
        del os.environ[secret]
    assert result.ok
    assert secret not in result.stdout_tail and "do-not-leak" not in result.stdout_tail
    import json

    seen = json.loads(result.stdout_tail)
    allowed = {"PATH", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "LANG", "HOME"}
    allowed |= {"HOSTNAME", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"}
    allowed |= {"KMP_DUPLICATE_LIB_OK", "KMP_INIT_AT_FORK"}  # set by scikit-learn's import
    assert set(seen) <= allowed, set(seen) - allowed


def test_runs_unprivileged(docker_sandbox: Sandbox, script) -> None:
    code = script("""
        import os
        print(os.getuid(), os.getgid())
        print(open("/proc/self/status").read().split("CapEff:")[1].split()[0])
        print(open("/proc/self/status").read().split("NoNewPrivs:")[1].split()[0])
    """)
    result = docker_sandbox.run(Job("script", code))
    assert result.stdout_tail.split() == ["65534", "65534", "0000000000000000", "1"]


def test_fork_bomb_is_stopped_by_the_pids_limit(docker_sandbox: Sandbox, script) -> None:
    code = script("""
        import os
        while True:
            os.fork()
    """)
    result = docker_sandbox.run(Job("script", code, pids=64, timeout=30))
    assert result.killed_by == "pids", (result.stderr_tail[-500:], result.trace)
    assert result.wall_time < 30


def test_memory_hog_is_killed_and_reported(docker_sandbox: Sandbox, script) -> None:
    result = docker_sandbox.run(Job("script", script(jobs.MEMORY_HOG), memory_mb=768, timeout=60))
    assert result.killed_by == "memory", (result.stderr_tail[-500:], result.trace)
    assert gone(result.sandbox_id), "a container that hit a limit must be replaced"


def test_infinite_loop_is_killed_at_the_timeout(docker_sandbox: Sandbox, script) -> None:
    result = docker_sandbox.run(Job("script", script(jobs.INFINITE_LOOP), timeout=2))
    assert result.killed_by == "timeout"
    assert 2 <= result.wall_time < 6
    assert gone(result.sandbox_id)
    after = docker_sandbox.run(Job("script", script("print('fine')")))
    assert after.ok and after.sandbox_id != result.sandbox_id


def test_printing_1gb_is_truncated_not_buffered(docker_sandbox: Sandbox, script) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = Job("script", script(jobs.PRINT_1GB), output_cap_bytes=64 * 1024 * 1024, timeout=120)
    result = docker_sandbox.run(job)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.killed_by == "output"
    assert 0 < len(result.stdout_tail) <= 64 * 1024
    assert grown_mb < 100


def test_mounted_view_is_read_only_and_the_data_untouched(
    docker_sandbox: Sandbox, script, data_dir: Path
) -> None:
    target = data_dir / "data" / "customers.csv"
    original = target.read_bytes()
    code = script("""
        import os, shutil
        attempts = {
            "truncate": lambda: open("data/customers.csv", "w").close(),
            "remove_mounted": lambda: os.remove("/data/data/customers.csv"),
            "rmtree_mounted": lambda: shutil.rmtree("/data/data"),
            "rmtree_copy": lambda: shutil.rmtree("data"),
        }
        for name, attempt in attempts.items():
            try:
                attempt()
                print(name, "done")
            except OSError as exc:
                print(name, "refused", exc.errno)
    """)
    result = docker_sandbox.run(Job("script", code))
    assert result.ok, result.trace
    outcome = dict(line.split(" ", 1) for line in result.stdout_tail.splitlines())
    assert outcome["truncate"] == "done" and outcome["rmtree_copy"] == "done"  # its own copy
    assert outcome["remove_mounted"].startswith("refused")
    assert outcome["rmtree_mounted"].startswith("refused")
    assert target.read_bytes() == original


@pytest.mark.parametrize("crash", ["SEGFAULT", "BREAK_THE_HARNESS"])
def test_crashing_harness_gives_a_clear_error(docker_sandbox: Sandbox, script, crash: str) -> None:
    started = time.monotonic()
    result = docker_sandbox.run(Job("script", script(getattr(jobs, crash)), timeout=60))
    assert time.monotonic() - started < 30
    assert result.harness_error and "trace.json" in result.harness_error
    if crash == "SEGFAULT":
        assert "SIGSEGV" in result.harness_error
    assert not result.ok


def test_killed_host_leaves_no_container_behind(script, data_dir: Path) -> None:
    session = f"pytest-killed-{uuid.uuid4().hex[:8]}"
    driver = script(
        f"""
        import sys
        from pathlib import Path
        from lester.sandbox import Job, open_sandbox
        sandbox = open_sandbox("docker", session={session!r}, data_dir=Path({str(data_dir)!r}))
        job = Path(sys.argv[1])
        print("running", flush=True)
        sandbox.run(Job("script", job, timeout=300))
        """,
        name="driver.py",
    )
    sleeper = script("import time\ntime.sleep(300)\n", name="sleeper.py")
    host = subprocess.Popen(
        [sys.executable, str(driver), str(sleeper)], stdout=subprocess.PIPE, text=True
    )
    assert host.stdout is not None and host.stdout.readline().strip() == "running"
    client = docker.from_env()
    labelled = {"label": f"lester.session={session}"}
    deadline = time.monotonic() + 60
    while not client.containers.list(filters=labelled) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.containers.list(filters=labelled), "the job never started"
    time.sleep(1)
    host.send_signal(signal.SIGKILL)
    host.wait()
    with open_sandbox("docker", session="pytest-after-kill"):
        deadline = time.monotonic() + 15
        while client.containers.list(all=True, filters=labelled) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not client.containers.list(all=True, filters=labelled)


def test_pipeline_mode_runs_the_declarative_pipeline(tmp_path: Path) -> None:
    if not (EXAMPLE / "pipeline.py").exists():
        pytest.skip("examples/creditcard/pipeline.py is not there yet")
    data = tmp_path / "creditcard"
    shutil.copytree(EXAMPLE / "data", data / "data")
    with open_sandbox("docker", session="pytest-pipeline", data_dir=data) as sandbox:
        result = sandbox.run(Job("pipeline", EXAMPLE / "pipeline.py", timeout=120))
        assert result.ok, (result.harness_error, result.trace, result.stderr_tail[-2000:])
        assert result.trace["stage"] is None
        assert (result.outputs_dir / "run").is_dir()
        from lester import load_run

        run = load_run(result.outputs_dir / "run")
        assert run.X_train.shape[0] > 0

        broken = tmp_path / "broken.py"
        broken.write_text(
            (EXAMPLE / "pipeline.py").read_text()
            + textwrap.dedent("""

                @lt.step
                def target_customers(customers: lt.Frame) -> lt.Frame:
                    return customers.filter("no_such_column == 1")
            """)
        )
        failed = sandbox.run(Job("pipeline", broken, timeout=120))
        assert failed.trace["status"] == "error"
        assert failed.harness_error is None


def test_a_job_cannot_take_over_the_fork_server(docker_sandbox: Sandbox, script) -> None:
    """Issue 15, finding 4: ptrace PID 1, write its memory or its protocol stream, forge the outcome."""
    import errno
    import json

    result = docker_sandbox.run(Job("script", script(jobs.TAKE_OVER_THE_SERVER)))
    assert result.ok, (result.harness_error, result.stderr_tail, result.trace)
    assert "FORGED" not in json.dumps(result.trace)
    report = json.loads(result.stdout_tail)
    assert report["fds"] == [], "the job inherited descriptors beyond its stdio"
    assert report["ptrace_server"] == [-1, errno.EPERM]
    assert report["ptrace_own_child"] == [-1, errno.EPERM], "the seccomp filter is not in force"
    assert report["vm_write_server"] == [-1, errno.EPERM]
    assert report["/proc/1/mem"] == errno.EACCES  # the server is not dumpable
    assert report["/proc/1/fd/1"] == errno.EACCES and report["/proc/1/fd"] == errno.EACCES
    assert report["/proc/1/environ"] == errno.EACCES
    again = docker_sandbox.run(Job("script", script("print('still the server speaking')")))
    assert again.ok and again.stdout_tail.strip() == "still the server speaking"


def test_staged_data_is_private_and_goes_away(docker_daemon: None, exposed_data_dir: Path, script):
    """Issue 15, finding 2: the copy the container mounts is not world-readable, holds no
    secrets, and is removed when the session closes."""
    from lester.sandbox.hostdirs import PREFIX

    mine = f"{PREFIX}{os.getpid()}-view-"
    before = set(Path("/tmp").glob(f"{mine}*"))
    with open_sandbox("docker", data_dir=exposed_data_dir) as sandbox:
        assert sandbox.run(Job("script", script("print('hello')"))).ok
        (staged,) = set(Path("/tmp").glob(f"{mine}*")) - before
        assert staged.stat().st_mode & 0o777 == 0o700
        entries = list(staged.rglob("*"))
        assert entries and all(
            p.lstat().st_mode & 0o077 == 0 for p in entries if not p.is_symlink()
        )
        assert not any("SECRET" in p.read_text() for p in entries if p.is_file())
    assert not staged.exists()


def test_killed_host_leaves_no_data_copy_behind(script, exposed_data_dir: Path) -> None:
    """kill -9 of Lester while its staged view exists: the next sandbox removes it."""
    from lester.sandbox.hostdirs import PREFIX

    driver = script(
        f"""
        import time
        from pathlib import Path
        from lester.sandbox import Job, open_sandbox
        sandbox = open_sandbox("docker", data_dir=Path({str(exposed_data_dir)!r}))
        sandbox.run(Job("script", Path({str(script("print(1)", name="one.py"))!r})))
        print("staged", flush=True)
        time.sleep(300)
        """,
        name="driver.py",
    )
    host = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE, text=True)
    assert host.stdout is not None and host.stdout.readline().strip() == "staged"
    left = list(Path("/tmp").glob(f"{PREFIX}{host.pid}-view-*"))
    assert left
    host.send_signal(signal.SIGKILL)
    host.wait()
    with open_sandbox("docker", session="pytest-after-kill-9"):
        assert not any(path.exists() for path in left)


def test_a_container_that_left_without_answering_runs_the_job_again_in_another(
    docker_sandbox: Sandbox, script, caplog: pytest.LogCaptureFixture
) -> None:
    """The server exits 0 only when its input closes: a job it never answered is not the job's
    failure (round 17 saw "the sandbox container died: exit code 0" sent to a model to repair)."""
    import socket

    code = script("print('ran')")
    first = docker_sandbox.run(Job("script", code))
    idle = next(
        c
        for pool in docker_sandbox.backend._pools.values()
        for c in (f.result() for f in pool._idle)
        if c.id == first.sandbox_id
    )
    idle._sock.shutdown(socket.SHUT_WR)  # its input closes while it waits for a job
    deadline = time.monotonic() + 30
    while idle._state().get("Running") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert idle._state().get("ExitCode") in (0, None)  # exited, and removed soon after
    with caplog.at_level("WARNING"):
        again = docker_sandbox.run(Job("script", code))
    assert again.ok and again.stdout_tail.strip() == "ran"
    assert again.sandbox_id != first.sandbox_id
    assert "running the job again" in caplog.text
