"""Errors the abstraction raises. Each names the stage or operation at fault, because that name is
what a user (or the rewrite agent's repair step) needs to find the problem."""

from __future__ import annotations


class LesterError(Exception):
    """Base class of every error Lester raises on purpose."""


class SourceError(LesterError):
    """A source could not be read: missing file, malformed CSV, bad options."""


class OperationError(LesterError):
    """A frame operation was called with something that cannot work (unknown column, bad type)."""


class StageError(LesterError):
    """A pipeline stage failed or returned the wrong type; `stage` names it."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"stage '{stage}': {message}")
        self.stage = stage


class PipelineDefinitionError(LesterError):
    """A module does not define a usable pipeline (missing or duplicated stages)."""
