"""The local backend: each job in a fresh, isolated and limited process tree, for hosts without Docker.

Isolation comes from `isolation` (bubblewrap, else util-linux's unshare, with setpriv dropping to a
uid of the job's own when the host runs as root): own mount, PID, network, IPC and UTS
namespaces, no capabilities, no new privileges, the seccomp filter the harness installs, and an
environment built from scratch. Where none of that can be had the backend refuses to run
(`SandboxUnavailable`), unless the caller accepted an unisolated run (`allow_unisolated`, the
CLI's `--unsafe-local`).

Per job, in a private host folder (`hostdirs`, a size-capped tmpfs when the host can mount one):
`job/` is a fresh writable copy of the data view (`dataview`) plus the code, `out/` receives the
harness's outputs, `shm/` is the job's /dev/shm. Limits cover the whole job: a cgroup bounds
memory and processes (`cgroup`, root only; otherwise per-process rlimits, which the warning
names), `prlimit` adds CPU time, file size and no core dumps, and the wall-clock timeout kills
every process the job started (its process group, its cgroup, and its PID namespace with it).
The outcome is what the host saw (exit status, time, limits), judged like the Docker backend's
(`outcome.summarize`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from . import cgroup, hostdirs
from .cgroup import JobCgroup
from .dataview import copy_view, describe_skipped
from .errors import SandboxUnavailable
from .isolation import Isolation, detect
from .job import Job, SandboxResult
from .outcome import summarize
from .outputs import pack
from .supervise import supervise

log = logging.getLogger(__name__)

_MIB = 1024 * 1024
_MS_NOSUID, _MS_NODEV = 2, 4


def _mount_tmpfs(path: Path, size_bytes: int) -> bool:
    """Mount a size-capped tmpfs on `path` (root only); False when it cannot be had."""
    if os.geteuid() != 0:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={size_bytes},mode=0711".encode()
    flags = _MS_NOSUID | _MS_NODEV
    return libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", flags, options) == 0


def _environment(home: Path, tmp: Path, threads: int) -> dict[str, str]:
    """A minimal environment, nothing copied from the host's."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
    }


def _prlimit(job: Job, group: JobCgroup | None, uid: int | None) -> list[str]:
    """Per-process limits; memory and processes only when no cgroup bounds the whole job."""
    cpu = math.ceil(job.timeout) + 1
    limits = [f"--cpu={cpu}", "--core=0", f"--fsize={job.scratch_mb * _MIB}"]
    if group is None:
        limits.append(f"--as={job.memory_mb * _MIB}")
        if uid is not None:
            limits.append(f"--nproc={job.pids}")
    return ["prlimit", *limits, "--"]


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


class LocalBackend:
    """Runs each job in a fresh, isolated and limited process tree of the host's interpreter."""

    name = "local"

    def __init__(self, session: str, *, allow_unisolated: bool = False) -> None:
        self.session = session
        hostdirs.sweep_stale()
        cgroup.sweep_stale()
        self.isolation: Isolation = detect(cgroup.available(), os.geteuid() == 0)
        if not self.isolation.isolated and not allow_unisolated:
            raise SandboxUnavailable(self._refusal())
        self.warning = self._describe()
        self._described: set[Path] = set()

    def _refusal(self) -> str:
        lacks = "\n".join(f"  - {item}" for item in self.isolation.missing)
        return (
            "the local sandbox cannot isolate jobs on this host; a job would lack:\n"
            f"{lacks}\n"
            "Start a Docker daemon, or install bubblewrap (apt-get install bubblewrap), or accept "
            "running untrusted code unisolated with --sandbox local --unsafe-local."
        )

    def _describe(self) -> str:
        how = {"bwrap": "bubblewrap", "unshare": "unshare", "none": "no isolation"}
        uid = self.isolation.uid
        user = f"uid {uid}" if uid is not None else f"your own uid {os.geteuid()}"
        lines = [f"local sandbox backend ({how[self.isolation.tool]}, jobs run as {user})."]
        if not self.isolation.isolated:
            lines.append("UNSAFE: jobs run unisolated (--unsafe-local); they lack:")
            lines += [f"  - {item}" for item in self.isolation.missing]
        lines.append("Weaker than Docker:")
        lines += [f"  - {item}" for item in self.isolation.weaker]
        return "\n".join(lines)

    def run(self, job: Job, data_dir: Path | None, outputs_dir: Path) -> SandboxResult:
        scratch = hostdirs.private_dir("local")
        group: JobCgroup | None = None
        try:
            self._populate(job, scratch, data_dir)
            group = JobCgroup.create(job.memory_mb * _MIB, job.pids)
            outcome, tar = self._execute(job, scratch, data_dir, group)
            if group is not None:
                outcome["peak_memory_bytes"] = group.peak_memory()
        finally:
            if group is not None:
                group.remove()
            hostdirs.remove(scratch)
        return SandboxResult.from_outcome(self.name, outcome, tar, outputs_dir)

    def _populate(self, job: Job, scratch: Path, data_dir: Path | None) -> None:
        """Mount the scratch tmpfs (data plus `scratch_mb`), then copy the data view and code.

        The scratch folder is searchable (0711) so that a job uid can reach its own folders
        inside: `out/`, `tmp/` and `shm/`, 0700 and its own, and `job/`, the working directory,
        its own too for a script; for a pipeline, read-only (owned by root, readable by the job's
        group) where the host can hand files over, read-only modes where it cannot."""
        data_bytes = _tree_bytes(data_dir) if data_dir is not None else 0
        _mount_tmpfs(scratch, data_bytes + job.scratch_mb * _MIB)
        os.chmod(scratch, 0o711)
        job_uid = self.isolation.uid
        writable = job.kind == "script"
        uid = job_uid if writable or job_uid is None else 0
        work = scratch / "job"
        stats = (
            copy_view(data_dir, work, writable=writable, uid=uid, gid=job_uid) if data_dir else None
        )
        if stats and (note := describe_skipped(stats)) and data_dir not in self._described:
            self._described.add(data_dir)
            log.info(note)
        work.mkdir(mode=0o700, exist_ok=True)
        script = work / job.code.name
        with contextlib.suppress(FileNotFoundError):
            script.unlink()
        shutil.copyfile(job.code, script)
        script.chmod(0o600 if writable else 0o440)
        if uid is not None:
            os.chown(script, uid, job_uid)
            os.chown(work, uid, job_uid)
        work.chmod(0o700 if writable else 0o550)
        for name in ("out", "tmp", "shm"):
            (scratch / name).mkdir(mode=0o700)
            if job_uid is not None:
                os.chown(scratch / name, job_uid, job_uid)

    def _execute(
        self, job: Job, scratch: Path, data_dir: Path | None, group: JobCgroup | None
    ) -> tuple[dict, bytes]:
        work, out = self.isolation.job_paths(scratch)
        harness = [sys.executable, "-m", "lester.sandbox.harness", job.kind, job.code.name]
        argv = [*_prlimit(job, group, self.isolation.uid), *harness, "--out", str(out)]
        command = self.isolation.wrap([*argv, "--", *job.args], scratch, data_dir)
        if group is not None:
            command = [*group.join_command(), *command]
        before = group.events() if group is not None else None
        process = subprocess.Popen(
            command,
            cwd=scratch / "job",
            env=_environment(work, work.parent / "tmp", max(1, int(job.cpus))),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert process.stdout is not None and process.stderr is not None
        with process.stdout, process.stderr:
            supervised = supervise(
                process.pid,
                process.stdout.fileno(),
                process.stderr.fileno(),
                timeout=job.timeout,
                output_cap=job.output_cap_bytes,
                kill=lambda: self._kill(process.pid, group),
            )
        process.returncode = supervised.exit_code  # supervise reaped it
        self._kill(process.pid, group)  # whatever the job left running
        after = group.events() if group is not None else None
        outcome = summarize(supervised, scratch / "out", before, after)
        tar, outcome["outputs_omitted"] = pack(scratch / "out", job.outputs_cap_bytes)
        return outcome, tar

    @staticmethod
    def _kill(pgid: int, group: JobCgroup | None) -> None:
        _kill_group(pgid)
        if group is not None:
            group.kill()

    def close(self) -> None:
        """Nothing outlives a job."""


def _tree_bytes(root: Path) -> int:
    """The size of the regular files under `root` (an upper bound of what the view copies)."""
    total = 0
    for directory, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(directory, name)).st_size
    return total
