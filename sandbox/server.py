"""The fork server: PID 1 of every sandbox container, running one job at a time.

    python -m lester.sandbox.server [--data DIR]

Why a fork server: importing pandas and scikit-learn costs about a second, more than most
candidate jobs. The server imports them once (`harness.preload`), tells the host it is ready, then
forks one child per job request, so a job starts with everything loaded and costs little more than
its own compute.

Why PID 1: the kernel does not deliver signals from inside the container to its init unless it
asked for them, so a job cannot kill the server; and `kill(-1, SIGKILL)` from init ends every other
process in the container, so no process a job left behind survives into the next job. After each
job the scratch areas (`/tmp`, `/dev/shm`) are emptied; when that fails, or a limit was hit, the
server says the container is not reusable and the host replaces it.

Why a job cannot speak for the server: jobs run under the server's uid (the container has no
capabilities to switch users), so the server marks itself non-dumpable, which denies same-uid
processes `ptrace`, `/proc/1/mem` and `/proc/1/fd`; the job closes every descriptor but its own
stdio before any of its code runs, and installs a seccomp filter (`seccomp`) that denies tracing
calls altogether. The outcome the host reads is written by the server alone, from what it saw of
the job (exit status, time, limits), never from anything the job can write.

A script works in a fresh copy of the staged data view (`dataview.copy_view` from `/data` into
`/tmp/job`), so it may create, overwrite and delete files anywhere under its working directory;
a declarative pipeline works in `/data` itself, read-only, since it has nothing to write.

Protocol (see `protocol`): requests arrive on stdin, answers leave on stdout; the server moves its
own stdout to stderr first so nothing a library prints can corrupt the stream. When stdin closes
(the host went away) the running job is killed and the server exits, which removes the container.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from . import harness, protocol
from .dataview import copy_view
from .limits import read_cgroup_events
from .outcome import summarize
from .outputs import pack
from .supervise import supervise

SCRATCH = Path("/tmp")
SHM = Path("/dev/shm")
JOB_DIR = SCRATCH / "job"
OUT_DIR = SCRATCH / "out"
_CHILD_CRASH = 70
_PR_SET_DUMPABLE = 4


def set_dumpable(dumpable: bool) -> None:
    """prctl(PR_SET_DUMPABLE): a non-dumpable process cannot be traced or have its memory and
    descriptors opened through /proc by processes of the same uid without CAP_SYS_PTRACE."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, int(dumpable), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _signal_all_others() -> None:
    """SIGKILL every process in the container except this one (init is exempt from kill -1)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)


def _kill_all_others() -> None:
    """End every process in the container except this one, and reap them all."""
    while True:
        _signal_all_others()
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _wipe(directory: Path) -> bool:
    """Empty a scratch directory; False when something could not be removed."""

    def force(function: Any, path: str, _exc: Any) -> None:
        parent = os.path.dirname(path)
        if os.path.samefile(parent, directory):
            raise OSError(f"{path} cannot be removed")  # the scratch's own mode stays as it is
        os.chmod(parent, 0o700)
        function(path)

    ok = True
    for entry in directory.iterdir() if directory.is_dir() else []:
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, onerror=force)
            else:
                entry.unlink()
        except OSError:
            ok = False
    return ok


def _prepare(request: dict[str, Any], code: bytes, data: Path | None) -> tuple[Path, Path]:
    """The job's code and working directory: for a script, a writable copy of the data view
    holding the code; for a pipeline, the read-only view itself (the code beside it)."""
    copy = data is not None and request["kind"] == "script"
    if copy:
        copy_view(data, JOB_DIR, writable=True, limits=False)
    JOB_DIR.mkdir(exist_ok=True)
    OUT_DIR.mkdir()
    script = JOB_DIR / Path(request["code_name"]).name
    with contextlib.suppress(FileNotFoundError):
        script.unlink()
    script.write_bytes(code)
    return script, JOB_DIR if copy or data is None else data


def _child(
    request: dict[str, Any], script: Path, workdir: Path, pipes: tuple[int, int, int, int]
) -> None:
    """In the forked child: become the job (stdio on the pipes, cwd in scratch) and never return."""
    read_out, write_out, read_err, write_err = pipes
    code = _CHILD_CRASH
    try:
        os.close(read_out)
        os.close(read_err)
        os.dup2(write_out, 1)
        os.dup2(write_err, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the protocol streams above all
        set_dumpable(True)  # the job's own processes behave as usual; the server stays closed
        with contextlib.suppress(OSError):  # the OOM killer should pick the job, not the server
            Path("/proc/self/oom_score_adj").write_text("1000")
        os.chdir(workdir)
        os.environ["HOME"] = str(JOB_DIR)
        argv = [request["kind"], str(script), "--out", str(OUT_DIR), "--", *request["args"]]
        code = harness.sandboxed_main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                code = code or _CHILD_CRASH
        os._exit(code)


def run_job(
    request: dict[str, Any], code: bytes, data: Path | None, protocol_fds: tuple[int, int]
) -> tuple[dict[str, Any], bytes]:
    """Run one job in a forked child; the outcome header and the tar of its outputs."""
    script, workdir = _prepare(request, code, data)
    before = read_cgroup_events()
    read_out, write_out = os.pipe()
    read_err, write_err = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(request, script, workdir, (read_out, write_out, read_err, write_err))
    os.close(write_out)
    os.close(write_err)
    try:
        supervised = supervise(
            pid,
            read_out,
            read_err,
            timeout=request["timeout"],
            output_cap=request["output_cap"],
            kill=_signal_all_others,
            abort_fd=protocol_fds[0],
        )
    finally:
        os.close(read_out)
        os.close(read_err)
    _kill_all_others()
    outcome = summarize(supervised, OUT_DIR, before, read_cgroup_events())
    tar, omitted = pack(OUT_DIR, request["outputs_cap"])
    clean = _wipe(SCRATCH) & _wipe(SHM)
    outcome["outputs_omitted"] = omitted
    outcome["reusable"] = clean and outcome["killed_by"] is None and not outcome["harness_error"]
    return outcome, tar


def serve(data: Path | None) -> int:
    """Preload, announce readiness, then answer job requests until stdin closes."""
    set_dumpable(False)
    proto_in, proto_out = os.dup(0), os.dup(1)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    harness.preload()
    gc.freeze()  # the children's collections then skip (and do not copy) the preloaded objects
    _wipe(SCRATCH)
    _write_all(proto_out, protocol.encode({"event": "ready", "pid": os.getpid()}))
    reader = protocol.Reader(lambda n: os.read(proto_in, n))
    while True:
        try:
            request, code = reader.message()
        except EOFError:
            return 0
        outcome, tar = run_job(request, code, data, (proto_in, proto_out))
        if outcome["aborted"]:
            return 0
        _write_all(proto_out, protocol.encode(outcome, tar))


def main(argv: list[str] | None = None) -> int:
    """Refuses to run anywhere but as a container's init: it kills every other process it can."""
    parser = argparse.ArgumentParser(prog="lester.sandbox.server")
    parser.add_argument("--data", type=Path, default=None)
    options = parser.parse_args(argv)
    if os.getpid() != 1:
        print("lester.sandbox.server only runs as PID 1 of a sandbox container", file=sys.stderr)
        return 2
    return serve(options.data)


if __name__ == "__main__":
    sys.exit(main())
