"""The local backend: the script harness, timeout, memory, output and scratch-directory behaviour."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from lester.sandbox import Job, Sandbox

from tests.sandbox import jobs

pytestmark = pytest.mark.slow  # real subprocesses, timeouts and memory limits: seconds each


def test_states_that_it_is_weaker(local_sandbox: Sandbox) -> None:
    assert local_sandbox.warning and "weaker" in local_sandbox.warning


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


def test_harness_crash_is_reported_not_hung(local_sandbox: Sandbox, script) -> None:
    result = local_sandbox.run(Job("script", script(jobs.BREAK_THE_HARNESS), timeout=60))
    assert result.harness_error and "trace.json" in result.harness_error
    assert result.killed_by is None and result.wall_time < 30
