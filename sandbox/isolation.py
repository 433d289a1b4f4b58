"""How the local backend isolates a job on this host, and what that isolation does not give.

Maintained tools do the work, nothing is hand-rolled: bubblewrap (`bwrap`) builds the job's own
mount, PID, network, IPC and UTS namespaces with a file-system view holding only the system
folders (read-only), Python's installation and Lester's runtime (read-only) and the job's scratch
area; util-linux's `unshare` gives the same namespaces over the host's file system where
bubblewrap is missing; `setpriv` drops to an unprivileged uid with no capabilities and no new
privileges; `prlimit` sets the per-process limits. Each tier is probed once per process by
running the interpreter through the very command a job would use.

When the host runs as root, jobs run as a uid of their own (`JOB_UID_BASE` + Lester's PID: no
account, nothing on the host belongs to it), so they cannot read the caller's files, signal its
processes, or share a process count with anything else. A non-root host cannot change uid;
bubblewrap then gives the job a user namespace of its own and hides the caller's files instead.

`detect()` says which tier this host gives. `missing` lists what a job would lack entirely (the
local backend refuses unless the user accepted that with `--unsafe-local`); `weaker` lists what
holds, but less than in Docker, for the warning every local session prints.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import hostdirs

Tool = Literal["bwrap", "unshare", "none"]

JOB_UID_BASE = 1 << 30
SCRATCH = Path("/tmp")
JOB_DIR = SCRATCH / "job"
_SYSTEM = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "alternatives")
_RUNTIME_PACKAGES = ("lester", "lester.abstraction", "lester.sandbox")
_RESERVED = ("/bin", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys", "/tmp", "/usr")
_NAMESPACES = ["--mount", "--pid", "--net", "--ipc", "--uts", "--fork", "--kill-child"]
_BWRAP_NAMESPACES = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
_BWRAP_NAMESPACES += ["--unshare-cgroup-try", "--die-with-parent", "--new-session"]


def job_uid() -> int | None:
    """The uid jobs run as when the host can switch users (root), else None."""
    return JOB_UID_BASE + os.getpid() if os.geteuid() == 0 else None


def _runtime_folders() -> list[Path]:
    """Python's installation, the environment and Lester's runtime packages, outermost only."""
    import importlib.util

    found = {Path(sys.base_prefix), Path(sys.prefix)}
    found.add(Path(os.path.realpath(sys.executable)).parent.parent)
    for name in _RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            found.add(Path(location))
    resolved = sorted({Path(os.path.realpath(p)) for p in found} | found)
    return [p for p in resolved if not any(p != q and q in p.parents for q in resolved)]


def _unreachable(uid: int) -> str | None:
    """The first folder on the interpreter's path that `uid` cannot search (not its owner)."""
    for folder in _runtime_folders():
        for parent in [*reversed(folder.parents), folder]:
            info = parent.stat()
            if info.st_uid != uid and not info.st_mode & stat.S_IXOTH:
                return str(parent)
    return None


@dataclass(frozen=True)
class Isolation:
    """The isolation tier of this host: how a job is started and what it does without."""

    tool: Tool
    uid: int | None
    missing: tuple[str, ...] = ()
    weaker: tuple[str, ...] = ()

    @property
    def isolated(self) -> bool:
        return not self.missing

    def wrap(self, argv: list[str], scratch: Path, data_dir: Path | None) -> list[str]:
        """`argv` (the interpreter and its arguments) as this tier starts it, with `scratch` as
        the job's /tmp (bubblewrap) and `data_dir`'s own path showing the job's working copy."""
        inner = argv
        if self.uid is not None:
            inner = [*_setpriv(self.uid), *inner]
        if self.tool == "bwrap":
            return [*_bwrap(scratch, data_dir, self.uid is None), *inner]
        if self.tool == "unshare":  # dies with Lester, as bubblewrap does with --die-with-parent
            unshare = ["unshare", *_NAMESPACES, "--mount-proc", "--"]
            return ["setpriv", "--pdeathsig", "KILL", "--", *unshare, *inner]
        return inner

    def job_paths(self, scratch: Path) -> tuple[Path, Path]:
        """The job's working and output folders as the job sees them."""
        inside = SCRATCH if self.tool == "bwrap" else scratch
        return inside / "job", inside / "out"


def _setpriv(uid: int) -> list[str]:
    ids = ["--reuid", str(uid), "--regid", str(uid), "--clear-groups"]
    return ["setpriv", *ids, "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


def _bwrap(scratch: Path, data_dir: Path | None, user_namespace: bool) -> list[str]:
    command = ["bwrap", *_BWRAP_NAMESPACES, "--hostname", "sandbox"]
    if user_namespace:
        command += ["--unshare-user", "--cap-drop", "ALL"]
    command += ["--ro-bind", "/usr", "/usr"]
    for name in _SYSTEM:
        path = Path("/", name)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        command += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    command += ["--proc", "/proc", "--dev", "/dev", "--bind", str(scratch), str(SCRATCH)]
    command += ["--bind", str(scratch / "shm"), "/dev/shm"]
    made: set[Path] = {Path("/")}
    if data_dir is not None and not _clashes(str(data_dir)):
        command += [*_parents(data_dir, made), "--bind", str(scratch / "job"), str(data_dir)]
    for folder in _runtime_folders():
        if not folder.is_relative_to("/usr"):
            command += [*_parents(folder, made), "--ro-bind", str(folder), str(folder)]
    return [*command, "--chdir", str(JOB_DIR), "--"]


def _parents(path: Path, made: set[Path]) -> list[str]:
    """`--dir` options for the folders above a bind target, searchable by everyone (bubblewrap
    would copy the host's modes: a 0700 /root would hide Python from the job's uid). They hold
    nothing but the way to the bound folder."""
    options = []
    for parent in reversed(path.parents):
        if parent not in made:
            made.add(parent)
            options += ["--perms", "0755", "--dir", str(parent)]
    return options


def _clashes(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p + "/") for p in _RESERVED)


def _probe(isolation: Isolation) -> str | None:
    """Start the interpreter as a job would; None when it ran, else what went wrong."""
    scratch = hostdirs.private_dir("probe")
    try:
        for name in ("job", "out", "shm"):
            (scratch / name).mkdir()
        if isolation.uid is not None:
            for path in (scratch, *scratch.iterdir()):
                os.chown(path, isolation.uid, isolation.uid)
        harness = Path(__file__).with_name("harness.py")
        check = f"import os; open({str(harness)!r}).close(); os.listdir('.')"
        cwd = scratch / "job"
        command = isolation.wrap([sys.executable, "-c", check], scratch, None)
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=60, env=_probe_env())
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    finally:
        hostdirs.remove(scratch)
    if done.returncode != 0:
        return done.stderr.decode("utf-8", "replace").strip()[-500:] or f"exit {done.returncode}"
    return None


def _probe_env() -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", "HOME": "/"}


def _weaker(tool: Tool, uid: int | None, cgroups: bool, tmpfs: bool) -> tuple[str, ...]:
    weaker = ["the job shares the host's kernel (no container, and of Docker's seccomp profile "
              "only the part against tracing and new namespaces)"]  # fmt: skip
    if tool == "bwrap":
        weaker.append("the host's system folders and Python installation are visible, read-only")
    if tool == "unshare":
        weaker.append(
            "the host's file system is visible to the job with the rights of an unprivileged "
            "user: files readable by everyone can be read (install bubblewrap to hide them)"
        )
    if not cgroups:
        weaker.append(
            "memory is bounded per process (address space), not for the job as a whole, and "
            + ("processes per job uid" if uid is not None else "the process count is not bounded")
        )
    if not tmpfs:
        weaker.append("the scratch area is bounded per file, not in total")
    return tuple(weaker)


def _missing(reasons: dict[str, str]) -> tuple[str, ...]:
    user = "root" if os.geteuid() == 0 else f"uid {os.geteuid()}"
    missing = [
        f"an unprivileged user or a hidden file system: jobs would run as {user}, with your files",
        "its own mount, PID and network namespaces: jobs would see your processes and network",
    ]
    tried = "; ".join(f"{tool}: {reason}" for tool, reason in reasons.items())
    return (*missing, f"(tried {tried})" if tried else "(no bwrap or unshare found)")


@functools.cache
def detect(cgroups: bool, tmpfs: bool) -> Isolation:
    """The strongest tier that works here (probed once per process and per limit facility)."""
    uid = job_uid()
    reasons: dict[str, str] = {}
    tiers: list[Tool] = ["bwrap"] if shutil.which("bwrap") else []
    if uid is not None and shutil.which("unshare"):
        tiers.append("unshare")
    for tool in tiers:
        if tool == "unshare" and uid is not None and (folder := _unreachable(uid)):
            reasons[tool] = f"{folder} (on the interpreter's path) is not searchable by uid {uid}"
            continue
        candidate = Isolation(tool, uid, weaker=_weaker(tool, uid, cgroups, tmpfs))
        problem = _probe(candidate)
        if problem is None:
            return candidate
        reasons[tool] = problem
    if not tiers:
        reasons["bwrap"] = "not installed (apt-get install bubblewrap)"
    return Isolation("none", None, _missing(reasons), _weaker("none", None, cgroups, tmpfs))
