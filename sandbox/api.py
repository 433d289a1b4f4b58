"""The one way to execute code Lester did not write: `open_sandbox(...).run(Job(...))`.

A `Sandbox` belongs to one session (one rewrite): its containers are never shared with another
session, and its jobs' outputs are collected under one directory (removed on close unless the
caller gave `outputs_root`). The backend is Docker whenever a daemon answers; otherwise the
local backend, which is weaker and says so loudly, and which refuses to run where it cannot
isolate jobs (`SandboxUnavailable`) unless asked for as `unsafe-local`. `auto` never falls back
silently: the session's first log line names the backend and why it was chosen.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import tempfile
import uuid
from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol

from .docker_backend import DockerBackend, docker_problem
from .job import Job, SandboxResult
from .local_backend import LocalBackend

log = logging.getLogger(__name__)

BackendName = Literal["auto", "docker", "local", "unsafe-local"]


class Backend(Protocol):
    name: str
    warning: str | None

    def run(self, job: Job, data_dir: Path | None, outputs_dir: Path) -> SandboxResult: ...

    def close(self) -> None: ...


class Sandbox:
    """A session's sandbox; use as a context manager so its containers go away with it."""

    def __init__(
        self, backend: Backend, session: str, data_dir: Path | None, outputs_root: Path | None
    ) -> None:
        self.backend = backend
        self.session = session
        self.data_dir = data_dir
        self._owns_outputs = outputs_root is None
        self.outputs_root = outputs_root or Path(tempfile.mkdtemp(prefix=f"lester-{session}-"))
        self._numbers = itertools.count()

    @property
    def warning(self) -> str | None:
        """Set when the backend is weaker than the Docker one."""
        return self.backend.warning

    def run(self, job: Job) -> SandboxResult:
        """Run one job (its `data_dir`, or else the sandbox's) and collect its outputs."""
        data_dir = job.data_dir if job.data_dir is not None else self.data_dir
        if not job.code.is_file():
            raise FileNotFoundError(f"no such script or pipeline module: {job.code}")
        if data_dir is not None and not data_dir.is_dir():
            raise NotADirectoryError(f"data dir is not a directory: {data_dir}")
        outputs_dir = self.outputs_root / f"job-{next(self._numbers):04d}"
        result = self.backend.run(job, data_dir, outputs_dir)
        result.limits = job.limits()
        return result

    def close(self) -> None:
        self.backend.close()
        if self._owns_outputs:
            shutil.rmtree(self.outputs_root, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_sandbox(
    backend: BackendName = "auto",
    *,
    session: str | None = None,
    data_dir: Path | None = None,
    pool_size: int = 1,
    outputs_root: Path | None = None,
    image: str | None = None,
) -> Sandbox:
    """Open a sandbox for one session, on `backend`: auto, docker, local, or unsafe-local (the
    local backend even where it cannot isolate; the CLI's --unsafe-local).

    `pool_size` containers are kept warm per data dir and limits (Docker only; 0 starts a fresh
    container for every job). `image` overrides the image (default: the current build, built
    first if the inputs changed). Outputs go under `outputs_root` (kept) or a temporary directory
    (removed on close).
    """
    session = session or uuid.uuid4().hex[:12]
    chosen: Backend
    if backend == "auto":
        backend = _auto()
    if backend == "docker":
        chosen = DockerBackend(session, pool_size=pool_size, image=image)
        log.info(
            "sandbox: docker (image %s: no network, read-only root, limits, no capabilities; "
            "like any container it shares the host's kernel; see docs/security.md)",
            chosen.image,
        )
    elif backend in ("local", "unsafe-local"):
        chosen = LocalBackend(session, allow_unisolated=backend == "unsafe-local")
        log.warning("sandbox: %s", chosen.warning)
    else:
        raise ValueError(f"unknown sandbox backend: {backend!r}")
    return Sandbox(chosen, session, data_dir, outputs_root)


def _auto() -> str:
    """Docker when a daemon answers; else the local backend, saying why Docker was not used."""
    problem = docker_problem()
    if problem is None:
        return "docker"
    log.warning("no Docker daemon answers (%s): falling back to the local sandbox", problem)
    return "local"


def choose_backend(name: str) -> str:
    """The concrete backend `open_sandbox(name)` would use, settled once for many sessions (an
    evaluation's workers); raises `SandboxUnavailable` where the local one cannot isolate."""
    if name == "auto":
        name = _auto()
    if name in ("local", "unsafe-local"):
        log.warning(
            "sandbox: %s", LocalBackend("probe", allow_unisolated=name == "unsafe-local").warning
        )
    return name
