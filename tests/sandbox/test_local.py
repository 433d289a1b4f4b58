"""The local backend: isolation, the script harness, timeout, memory, output and scratch behaviour."""

from __future__ import annotations

import errno
import json
import os
import resource
import socket
import uuid
from pathlib import Path

import pytest
from lester.sandbox import Job, Sandbox

from tests.sandbox import jobs

pytestmark = pytest.mark.slow  # real subprocesses, timeouts and memory limits: seconds each


def test_states_that_it_is_weaker(local_sandbox: Sandbox) -> None:
    assert local_sandbox.warning and "Weaker than Docker" in local_sandbox.warning
    assert "UNSAFE" not in local_sandbox.warning


def test_untrusted_code_cannot_reach_the_host(local_sandbox: Sandbox, script, tmp_path) -> None:
    """Issue 15, finding 3: secrets, the parent's environment, /etc and /proc/sys, the Docker
    socket, the host's network, and a daemon left behind."""
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("SECRET of the user")
    variable = f"LESTER_TEST_API_KEY_{uuid.uuid4().hex}"
    os.environ[variable] = "do-not-leak"
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        port = listener.getsockname()[1]
        job = Job(
            "script", script(jobs.ESCAPE_THE_LOCAL_SANDBOX), args=[str(secret_file), str(port)]
        )
        result = local_sandbox.run(job)
    finally:
        del os.environ[variable]
        listener.close()
    assert result.ok, (result.harness_error, result.stderr_tail[-2000:], result.trace)
    report = json.loads(result.stdout_tail)
    assert report["caps"] == "0000000000000000"
    assert report["uid"] != 0 if os.geteuid() == 0 else report["uid"] == os.geteuid()
    assert max(report["pids_seen"]) < 50, "the job sees the host's processes"
    assert not report["secret_in_env"]
    for key in ("/etc/shadow", "/root/.ssh/id_rsa", "/proc/1/environ", str(secret_file)):
        assert isinstance(report[key], int), (key, report[key])
    for key in ("/etc/lester-evil", "/usr/lester-evil", "/proc/sys/kernel/hostname"):
        assert isinstance(report[key], int), (key, report[key])
    assert (
        report["/var/run/docker.sock"] == errno.ENOENT
        and report["/run/docker.sock"] == errno.ENOENT
    )
    assert report["host_port"] in (errno.ENETUNREACH, errno.ECONNREFUSED)
    assert not Path("/etc/lester-evil").exists() and not Path("/usr/lester-evil").exists()
    if os.geteuid() == 0:
        assert not jobs.processes_of(report["uid"]), "the job's daemon outlived it"


def test_forking_300_processes_stops_at_the_process_limit(local_sandbox: Sandbox, script) -> None:
    result = local_sandbox.run(Job("script", script(jobs.FORK_300), pids=64, timeout=60))
    assert result.killed_by == "pids" or (result.trace or {}).get("error"), result.stdout_tail
    assert "forked 300" not in result.stdout_tail


def test_script_mode_records_reads_fit_and_predict(
    local_sandbox: Sandbox, script, data_dir: Path
) -> None:
    result = local_sandbox.run(Job("script", script(jobs.TRAIN)))
    assert result.backend == "local"
    jobs.check_training_trace(result, data_dir)


def test_timeout_kills_the_job(local_sandbox: Sandbox, script) -> None:
    result = local_sandbox.run(Job("script", script(jobs.INFINITE_LOOP), timeout=2))
    assert result.killed_by == "timeout"
    assert 2 <= result.wall_time < 10
    assert not result.ok


def test_memory_hog_is_stopped_and_reported(local_sandbox: Sandbox, script) -> None:
    result = local_sandbox.run(Job("script", script(jobs.MEMORY_HOG), memory_mb=1024, timeout=60))
    assert result.killed_by == "memory", (result.stderr_tail, result.trace)


def test_huge_output_is_truncated_not_buffered(local_sandbox: Sandbox, script) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = Job("script", script(jobs.PRINT_1GB), output_cap_bytes=8 * 1024 * 1024, timeout=60)
    result = local_sandbox.run(job)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.killed_by == "output"
    assert 0 < len(result.stdout_tail) <= 64 * 1024
    assert grown_mb < 100


def test_scratch_is_private_and_data_untouched(
    local_sandbox: Sandbox, script, data_dir: Path
) -> None:
    original = (data_dir / "data" / "customers.csv").read_bytes()
    first = local_sandbox.run(Job("script", script(jobs.WHERE_AM_I)))
    assert first.ok, (first.harness_error, first.trace)
    workdir = Path(first.stdout_tail.splitlines()[0])
    assert not workdir.exists(), "the scratch directory outlived its job"
    assert workdir != data_dir and data_dir not in workdir.parents
    assert (data_dir / "data" / "customers.csv").read_bytes() == original
    assert not (data_dir / "intermediate.csv").exists()
    second = local_sandbox.run(Job("script", script(jobs.WHERE_AM_I)))
    assert second.ok
    assert second.stdout_tail.splitlines()[1] == "['data', 'job.py']"
    assert not list(Path("/tmp").glob(f"lester-sbx-{os.getpid()}-local-*"))


def test_harness_crash_is_reported_not_hung(local_sandbox: Sandbox, script) -> None:
    result = local_sandbox.run(Job("script", script(jobs.BREAK_THE_HARNESS), timeout=60))
    assert result.harness_error and "trace.json" in result.harness_error
    assert result.killed_by is None and result.wall_time < 30
