"""Why a sandbox cannot run what it was asked to, as exceptions the CLI turns into exit code 2.

Standard library only: `dataview` raises them inside the container too.
"""

from __future__ import annotations


class SandboxUnavailable(RuntimeError):
    """No sandbox can isolate jobs here (and the user did not accept running them unisolated)."""


class DataViewError(SandboxUnavailable):
    """The data directory cannot be offered to a job (too large, unreadable)."""
