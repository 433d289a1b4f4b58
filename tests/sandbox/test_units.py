"""Fast unit tests of the sandbox's pieces: protocol, outputs, limit classification, supervisor, pool.

The supervisor tests run `sh` commands written here (not candidate code)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
from pathlib import Path

import pytest
from lester.sandbox import protocol
from lester.sandbox.limits import CgroupEvents, classify, read_cgroup_events
from lester.sandbox.outputs import pack, unpack
from lester.sandbox.pool import WarmPool
from lester.sandbox.supervise import supervise


def test_protocol_round_trip_with_binary_payloads() -> None:
    stream = io.BytesIO(
        protocol.encode({"kind": "script"}, b"\x00\n{binary}\n") + protocol.encode({"n": 2})
    )
    reader = protocol.Reader(lambda n: stream.read(min(n, 3)))  # tiny reads: framing must hold
    assert reader.message() == ({"kind": "script"}, b"\x00\n{binary}\n")
    assert reader.message() == ({"n": 2}, b"")
    with pytest.raises(EOFError):
        reader.message()


def test_pack_keeps_trace_first_caps_size_and_skips_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "run").mkdir(parents=True)
    (out / "a_big.npy").write_bytes(b"x" * 1000)
    (out / "run" / "small.json").write_text("{}")
    (out / "trace.json").write_text('{"status": "ok"}')
    (out / "leak").symlink_to("/etc/passwd")
    data, omitted = pack(out, cap=100)
    assert omitted == ["a_big.npy"]
    unpack(data, tmp_path / "copy")
    names = sorted(
        p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*")
    )
    assert names == ["run", "run/small.json", "trace.json"]


def test_classify_prefers_the_specific_cause() -> None:
    quiet = CgroupEvents(oom_kill=0, pids_max=0)
    oom = CgroupEvents(oom_kill=1, pids_max=0)
    forks = CgroupEvents(oom_kill=0, pids_max=5)
    base = {"timed_out": False, "output_exceeded": False, "exit_code": 0, "error_type": None}
    assert classify(**base) is None
    assert classify(**{**base, "output_exceeded": True}) == "output"
    assert classify(**{**base, "exit_code": -9}, before=quiet, after=oom) == "memory"
    assert classify(**{**base, "error_type": "MemoryError", "exit_code": 1}) == "memory"
    assert classify(**{**base, "timed_out": True}, before=quiet, after=forks) == "pids"
    assert classify(**{**base, "exit_code": 0}, before=quiet, after=forks) is None
    assert classify(**{**base, "timed_out": True}) == "timeout"
    assert classify(**{**base, "exit_code": -signal.SIGXCPU}) == "timeout"


def test_cgroup_counters_v1_and_v2(tmp_path: Path) -> None:
    (tmp_path / "memory").mkdir()
    (tmp_path / "memory" / "memory.oom_control").write_text("oom_kill_disable 0\noom_kill 3\n")
    (tmp_path / "pids.events").write_text("max 7\n")
    assert read_cgroup_events(tmp_path) == CgroupEvents(oom_kill=3, pids_max=7)
    assert read_cgroup_events(tmp_path / "missing") == CgroupEvents(None, None)


def _spawn(command: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["sh", "-c", command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _supervise(process: subprocess.Popen, **limits: float):  # noqa: ANN202
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        return supervise(
            process.pid,
            process.stdout.fileno(),
            process.stderr.fileno(),
            kill=lambda: os.killpg(process.pid, signal.SIGKILL),
            tail_bytes=16,
            **{"timeout": 10.0, "output_cap": 1 << 20, **limits},
        )


def test_supervise_reports_exit_and_keeps_tails() -> None:
    seen = _supervise(_spawn("printf 'line one\\nthe last line\\n'; echo oops >&2; exit 3"))
    assert seen.exit_code == 3
    assert seen.stdout_tail == b"e\nthe last line\n" and seen.stderr_tail == b"oops\n"
    assert not (seen.timed_out or seen.output_exceeded)


def test_supervise_kills_at_timeout_and_output_cap() -> None:
    slow = _supervise(_spawn("sleep 30"), timeout=0.3)
    assert slow.timed_out and slow.exit_code == -signal.SIGKILL and slow.wall_time < 5
    loud = _supervise(_spawn("yes"), output_cap=1 << 16)
    assert loud.output_exceeded and len(loud.stdout_tail) == 16


class _Worker:
    made = 0

    def __init__(self) -> None:
        _Worker.made += 1
        self.number = _Worker.made
        self.discarded = False

    def discard(self) -> None:
        self.discarded = True


def test_pool_reuses_healthy_workers_and_replaces_others() -> None:
    pool = WarmPool(_Worker, size=1)
    first = pool.acquire()
    pool.release(first, reusable=True)
    assert pool.acquire() is first
    pool.release(first, reusable=False)
    assert first.discarded
    replacement = pool.acquire()
    assert replacement is not first
    pool.release(replacement, reusable=True)
    pool.close()
    assert replacement.discarded


def test_pool_of_size_zero_gives_a_fresh_worker_every_time() -> None:
    pool = WarmPool(_Worker, size=0)
    first = pool.acquire()
    pool.release(first, reusable=True)
    assert first.discarded and pool.acquire() is not first
    pool.close()
