"""Isolated execution of code Lester did not write: the user's scripts and every candidate.

Public API: `open_sandbox`, `Sandbox`, `Job`, `SandboxResult`, `docker_available`,
`choose_backend`, `SandboxUnavailable`. Exports load lazily because the package also runs inside
the sandbox image (harness, fork server), which has neither the Docker SDK nor any reason to
import it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Sandbox, choose_backend, open_sandbox
    from .docker_backend import docker_available
    from .errors import SandboxUnavailable
    from .job import Job, SandboxResult

_EXPORTS = {
    "Job": "lester.sandbox.job",
    "SandboxResult": "lester.sandbox.job",
    "Sandbox": "lester.sandbox.api",
    "open_sandbox": "lester.sandbox.api",
    "choose_backend": "lester.sandbox.api",
    "docker_available": "lester.sandbox.docker_backend",
    "SandboxUnavailable": "lester.sandbox.errors",
}
__all__ = [
    "Job",
    "Sandbox",
    "SandboxResult",
    "SandboxUnavailable",
    "choose_backend",
    "docker_available",
    "open_sandbox",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'lester.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
