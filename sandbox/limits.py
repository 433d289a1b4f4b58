"""Decide which limit, if any, ended a job.

A killed process does not say why it died: SIGKILL from the OOM killer looks like any other SIGKILL,
and a fork that failed on the pids limit surfaces as an ordinary exception in the job. Inside a
container the cgroup's own event counters (the OOM kills and the refused forks) are the evidence;
they are read before and after each job and compared. Without cgroup evidence (the local backend),
a `MemoryError` in the job is the signal that its address-space limit was hit. Standard library only:
this runs inside the container too.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

KilledBy = Literal["timeout", "memory", "pids", "output", "scratch"]

_CGROUP = Path("/sys/fs/cgroup")
# (cgroup v1 file, cgroup v2 file, counter name) for each event we watch.
_COUNTERS = {
    "oom_kill": ("memory/memory.oom_control", "memory.events", "oom_kill"),
    "pids_max": ("pids/pids.events", "pids.events", "max"),
}
_NO_SPACE = ("No space left on device", "[Errno 28]")


@dataclass(frozen=True)
class CgroupEvents:
    """Cumulative counts of OOM kills and of forks refused by the pids limit (None if unreadable)."""

    oom_kill: int | None
    pids_max: int | None


def counter(paths: list[Path], name: str) -> int | None:
    """The value of `name` in the first readable `key value` file of `paths`."""
    for path in paths:
        try:
            text = path.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == name:
                return int(value)
    return None


def read_cgroup_events(root: Path = _CGROUP) -> CgroupEvents:
    """Read this process's cgroup counters (inside a container, the container's own cgroup)."""
    values = {
        key: counter([root / v1, root / v2], name) for key, (v1, v2, name) in _COUNTERS.items()
    }
    return CgroupEvents(**values)


def out_of_space(*texts: str) -> bool:
    """Whether an error message or stderr says a write found the file system full (ENOSPC)."""
    return any(mark in text for text in texts for mark in _NO_SPACE)


def _grew(before: int | None, after: int | None) -> bool:
    return before is not None and after is not None and after > before


def classify(
    *,
    timed_out: bool,
    output_exceeded: bool,
    exit_code: int,
    error_type: str | None,
    before: CgroupEvents | None = None,
    after: CgroupEvents | None = None,
    no_space: bool = False,
) -> KilledBy | None:
    """The limit that ended the job, most specific first; None when the job ended on its own terms.

    A fork bomb usually also runs into the timeout, and a memory hog may be cut off by it too; the
    cgroup evidence names the real cause, so it wins over "timeout". A failed job whose error
    says "No space left on device" filled its scratch area (the only place it can write).
    """
    if output_exceeded:
        return "output"
    before = before or CgroupEvents(None, None)
    after = after or CgroupEvents(None, None)
    if _grew(before.oom_kill, after.oom_kill) or error_type == "MemoryError":
        return "memory"
    failed = timed_out or exit_code != 0
    if failed and _grew(before.pids_max, after.pids_max):
        return "pids"
    if timed_out or exit_code == -signal.SIGXCPU:  # SIGXCPU: the local backend's CPU-time backstop
        return "timeout"
    if failed and no_space:
        return "scratch"
    if exit_code == -signal.SIGXFSZ:  # the local backend's per-file size backstop
        return "scratch"
    return None
