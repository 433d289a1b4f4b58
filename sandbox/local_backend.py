"""The local backend: the harness in a subprocess under resource limits, for hosts without Docker.

It is weaker than the Docker backend and says so (`warning`, logged when it is created): the job
shares the host's kernel and file system, so file-system protection rests on Unix permissions
(when the host process is root, the job runs as `nobody`; otherwise as the calling user, who can
write wherever that user can), limits are per process (RLIMIT_AS for memory: address space, not
resident memory; RLIMIT_NPROC only when running as the dedicated `nobody` user), and a process
that calls `setsid` can outlive the job. Network isolation uses a new network namespace where the
kernel allows it (as root, or through an unprivileged user namespace).

What it does guarantee: a fresh scratch directory per job holding copies of the code and of the
data (so a job cannot change the originals through links), deleted afterwards; an environment
built from scratch; a wall-clock timeout that kills the whole process group; streamed, capped
output; and the same outcome rules as the Docker backend (`outcome.summarize`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from lester.sandbox.job import Job, SandboxResult
from lester.sandbox.outcome import summarize
from lester.sandbox.outputs import pack
from lester.sandbox.supervise import supervise

log = logging.getLogger(__name__)

NOBODY = 65534
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_MIB = 1024 * 1024
_libc = ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> None:
    if _libc.unshare(flags) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def _limits(job: Job, as_nobody: bool) -> list[tuple[int, int]]:
    cpu = math.ceil(job.timeout) + 1
    limits = [
        (resource.RLIMIT_AS, job.memory_mb * _MIB),
        (resource.RLIMIT_FSIZE, job.scratch_mb * _MIB),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_CORE, 0),
    ]
    if as_nobody:
        limits.append((resource.RLIMIT_NPROC, job.pids))
    return limits


def _confine(namespaces: int, limits: list[tuple[int, int]], as_nobody: bool) -> None:
    """Runs in the child between fork and exec: namespaces, limits, then drop privileges."""
    if namespaces:
        _unshare(namespaces)
    for kind, value in limits:
        resource.setrlimit(kind, (value, value))
    if as_nobody:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def _probe(namespaces: int, as_nobody: bool) -> bool:
    """Whether a confined child can start the interpreter and read the harness."""
    harness = Path(__file__).with_name("harness.py")
    command = [sys.executable, "-c", f"open({str(harness)!r}).close()"]
    try:
        done = subprocess.run(
            command,
            cwd="/",
            env=_environment(Path("/")),
            capture_output=True,
            timeout=60,
            preexec_fn=lambda: _confine(namespaces, [], as_nobody),
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _environment(home: Path, threads: int = 1) -> dict[str, str]:
    """A minimal environment, nothing copied from the host's."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
    }


def _copy_entries(source: Path, target: Path) -> None:
    for entry in sorted(source.iterdir()):
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, symlinks=False)
        else:
            shutil.copy(entry, target / entry.name)


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(directory, name), uid, uid, follow_symlinks=False)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


class LocalBackend:
    """Runs each job in a fresh, limited subprocess of the host's interpreter."""

    name = "local"

    def __init__(self, session: str) -> None:
        self.session = session
        root = os.geteuid() == 0
        self.as_nobody = root and _probe(0, True)
        candidates = [_CLONE_NEWNET] if root else [_CLONE_NEWUSER | _CLONE_NEWNET]
        self.namespaces = next((f for f in candidates if _probe(f, self.as_nobody)), 0)
        network = "no network (own namespace)" if self.namespaces else "the host's network"
        user = "as nobody" if self.as_nobody else f"as uid {os.geteuid()}"
        self.warning = (
            "local sandbox backend: weaker than Docker (same kernel and file system, per-process "
            f"limits only); jobs run {user} with {network}"
        )
        log.warning(self.warning)

    def run(self, job: Job, data_dir: Path | None, outputs_dir: Path) -> SandboxResult:
        scratch = Path(tempfile.mkdtemp(prefix="lester-local-"))
        try:
            work, out = scratch / "job", scratch / "out"
            work.mkdir()
            out.mkdir()
            if data_dir is not None:
                _copy_entries(data_dir, work)
            script = work / job.code.name
            shutil.copy(job.code, script)
            if self.as_nobody:
                _chown_tree(scratch, NOBODY)
            outcome, tar = self._execute(job, script, work, out)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return SandboxResult.from_outcome(self.name, outcome, tar, outputs_dir)

    def _execute(self, job: Job, script: Path, work: Path, out: Path) -> tuple[dict, bytes]:
        harness = [sys.executable, "-m", "lester.sandbox.harness", job.kind, str(script)]
        limits = _limits(job, self.as_nobody)
        process = subprocess.Popen(
            [*harness, "--out", str(out), "--", *job.args],
            cwd=work,
            env=_environment(work, max(1, int(job.cpus))),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: _confine(self.namespaces, limits, self.as_nobody),
        )
        assert process.stdout is not None and process.stderr is not None
        with process.stdout, process.stderr:
            supervised = supervise(
                process.pid,
                process.stdout.fileno(),
                process.stderr.fileno(),
                timeout=job.timeout,
                output_cap=job.output_cap_bytes,
                kill=lambda: _kill_group(process.pid),
            )
        process.returncode = supervised.exit_code  # supervise reaped it
        _kill_group(process.pid)  # whatever the job left running in its group
        outcome = summarize(supervised, out)
        tar, outcome["outputs_omitted"] = pack(out, job.outputs_cap_bytes)
        return outcome, tar

    def close(self) -> None:
        """Nothing outlives a job."""
