"""Watch one child process: stream its output into bounded tails and enforce time and output caps.

Both backends use this loop: the local backend on the host, and the fork server inside the
container (so this module depends on the standard library only). Output is read as it is produced
and only the last `tail_bytes` of each stream are kept, so a job printing gigabytes costs a bounded
amount of memory; once the job has written more than its cap it is killed. The process's exit is
observed through a pidfd, so a finished job is noticed at once instead of at the next poll tick.
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass

TAIL_BYTES = 64 * 1024
_CHUNK = 64 * 1024
_POLL_FALLBACK = 0.01


@dataclass
class Supervised:
    """What the supervisor saw; `exit_code` is negative (minus the signal) when a signal ended it."""

    exit_code: int
    stdout_tail: bytes
    stderr_tail: bytes
    wall_time: float
    peak_memory_bytes: int
    timed_out: bool
    output_exceeded: bool
    aborted: bool


class _Tail:
    """The last `limit` bytes of a stream, plus how many bytes went by in total."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data += chunk
        if len(self.data) > self.limit:
            del self.data[: len(self.data) - self.limit]


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _drain(fd: int, tail: _Tail, budget: int) -> None:
    """Read what is already buffered in a pipe without waiting for writers that are still alive."""
    os.set_blocking(fd, False)
    while budget > 0:
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            return
        tail.add(chunk)
        budget -= len(chunk)


def supervise(
    pid: int,
    stdout_fd: int,
    stderr_fd: int,
    *,
    timeout: float,
    output_cap: int,
    kill: Callable[[], None],
    abort_fd: int | None = None,
    tail_bytes: int = TAIL_BYTES,
) -> Supervised:
    """Run until `pid` exits, the timeout passes, output exceeds `output_cap`, or `abort_fd` closes.

    `kill` must end the job (and anything it started); it is called on timeout, output overflow and
    abort. The caller owns the pipe fds and closes them afterwards.
    """
    start = time.monotonic()
    deadline = start + timeout
    tails = {stdout_fd: _Tail(tail_bytes), stderr_fd: _Tail(tail_bytes)}
    open_fds = set(tails)
    exit_fd = _pidfd(pid)
    timed_out = output_exceeded = aborted = False
    status: tuple[int, int, object] | None = None
    try:
        while True:
            status = _reap(pid, block=False)
            if status is not None:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            watched = [*open_fds, *(fd for fd in (exit_fd, abort_fd) if fd is not None)]
            wait = remaining if exit_fd is not None else min(remaining, _POLL_FALLBACK)
            ready, _, _ = select.select(watched, [], [], wait)
            if abort_fd is not None and abort_fd in ready and not os.read(abort_fd, 1):
                aborted = True
                break
            for fd in open_fds.intersection(ready):
                chunk = os.read(fd, _CHUNK)
                if chunk:
                    tails[fd].add(chunk)
                else:
                    open_fds.discard(fd)
            if sum(t.total for t in tails.values()) > output_cap:
                output_exceeded = True
                break
        if status is None:
            kill()
            status = _reap(pid, block=True)
        else:
            budget = output_cap - sum(t.total for t in tails.values()) + 1
            for fd in open_fds:
                _drain(fd, tails[fd], budget)
            output_exceeded = sum(t.total for t in tails.values()) > output_cap
    finally:
        if exit_fd is not None:
            os.close(exit_fd)
    assert status is not None
    _, code, usage = status
    return Supervised(
        exit_code=code,
        stdout_tail=bytes(tails[stdout_fd].data),
        stderr_tail=bytes(tails[stderr_fd].data),
        wall_time=time.monotonic() - start,
        peak_memory_bytes=int(usage.ru_maxrss) * 1024,  # type: ignore[attr-defined]
        timed_out=timed_out,
        output_exceeded=output_exceeded,
        aborted=aborted,
    )


def _reap(pid: int, *, block: bool) -> tuple[int, int, object] | None:
    """wait4 the child; returns (pid, exit code or minus the signal, rusage) once it has exited."""
    got, status, usage = os.wait4(pid, 0 if block else os.WNOHANG)
    if got == 0:
        return None
    return got, os.waitstatus_to_exitcode(status), usage
