"""One control group per local job: memory and process-count limits on the whole group.

Per-process limits (RLIMIT_AS, RLIMIT_NPROC) are weak: a job that forks splits its memory over
processes, and RLIMIT_NPROC counts every process of the uid. A cgroup bounds the job and
everything it starts, tells which limit ended it (the OOM-kill and refused-fork counters, read as
the Docker backend reads its container's), and lets the host kill every process in it.

Needs a writable cgroup file system (the host runs as root): cgroup v2 (memory and pids enabled
for a `lester` subtree) or v1 (the `memory` and `pids` hierarchies). `JobCgroup.create` returns
None where neither can be had; the local backend then falls back to rlimits and says so. Groups
are named after the owner's PID, so the next sandbox removes those a killed Lester left behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .hostdirs import process_alive
from .limits import CgroupEvents, counter

log = logging.getLogger(__name__)

ROOT = Path("/sys/fs/cgroup")
GROUP = "lester"


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _parents() -> list[Path] | None:
    """The folders job groups are created in (one for v2, memory and pids for v1), or None."""
    if (ROOT / "cgroup.controllers").exists():
        parent = ROOT / GROUP
        try:
            parent.mkdir(exist_ok=True)
            wanted = {"memory", "pids"}
            if not wanted <= set((parent / "cgroup.controllers").read_text().split()):
                _write(ROOT / "cgroup.subtree_control", "+memory +pids")
            _write(parent / "cgroup.subtree_control", "+memory +pids")
        except OSError:
            return None
        return [parent]
    parents = [ROOT / "memory" / GROUP, ROOT / "pids" / GROUP]
    try:
        for parent in parents:
            parent.mkdir(exist_ok=True)
    except OSError:
        return None
    return parents


def available() -> bool:
    """Whether jobs can get a cgroup of their own on this host."""
    return _parents() is not None


@dataclass
class JobCgroup:
    """The job's group: one folder (v2) or a memory and a pids folder (v1)."""

    folders: list[Path]

    @property
    def v2(self) -> bool:
        return len(self.folders) == 1

    @classmethod
    def create(cls, memory_bytes: int, pids: int) -> JobCgroup | None:
        """A new group with these limits, or None when this host gives no writable cgroups."""
        parents = _parents()
        if parents is None:
            return None
        name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        group = cls([parent / name for parent in parents])
        try:
            for folder in group.folders:
                folder.mkdir()
            group._limit(memory_bytes, pids)
        except OSError as exc:
            log.info("cannot set up a cgroup for the job: %s", exc)
            group.remove()
            return None
        return group

    def _limit(self, memory_bytes: int, pids: int) -> None:
        if self.v2:
            folder = self.folders[0]
            _write(folder / "memory.max", str(memory_bytes))
            with contextlib.suppress(OSError):  # no swap accounting: there is no swap to use
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(pids))
            return
        memory, pid_folder = self.folders
        _write(memory / "memory.limit_in_bytes", str(memory_bytes))
        with contextlib.suppress(OSError):
            _write(memory / "memory.memsw.limit_in_bytes", str(memory_bytes))
        _write(pid_folder / "pids.max", str(pids))

    def join_command(self) -> list[str]:
        """A command prefix that moves itself into the group, then execs the rest: the job is in
        the group before it can start anything (no fork/exec race, no code between them)."""
        moves = " && ".join(f"echo $$ > '{folder}/cgroup.procs'" for folder in self.folders)
        return ["/bin/sh", "-c", f'{moves} && exec "$@"', "lester-cgroup"]

    def events(self) -> CgroupEvents:
        memory, pid_folder = self.folders[0], self.folders[-1]
        return CgroupEvents(
            oom_kill=counter([memory / "memory.events", memory / "memory.oom_control"], "oom_kill"),
            pids_max=counter([pid_folder / "pids.events"], "max"),
        )

    def peak_memory(self) -> int | None:
        memory = self.folders[0]
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            with contextlib.suppress(OSError, ValueError):
                return int((memory / name).read_text())
        return None

    def _procs(self) -> list[int]:
        with contextlib.suppress(OSError, ValueError):
            return [int(p) for p in (self.folders[-1] / "cgroup.procs").read_text().split()]
        return []

    def kill(self) -> None:
        """SIGKILL every process in the group (cgroup.kill where the kernel has it)."""
        with contextlib.suppress(OSError):
            _write(self.folders[-1] / "cgroup.kill", "1")
        for _ in range(100):
            procs = self._procs()
            if not procs:
                return
            for pid in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def remove(self) -> None:
        """Kill what is left and delete the group's folders (a group with processes cannot go)."""
        self.kill()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def sweep_stale() -> None:
    """Remove the groups of jobs whose Lester process no longer runs."""
    parents = [ROOT / GROUP, ROOT / "memory" / GROUP, ROOT / "pids" / GROUP]
    for parent in parents:
        for folder in parent.glob("*-*") if parent.is_dir() else []:
            owner = folder.name.split("-", 1)[0]
            if owner.isdigit() and not process_alive(int(owner)):
                JobCgroup([folder]).remove()
