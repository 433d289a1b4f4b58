"""The oracle's one error for input it cannot take, shared by the modules that read the original."""

from __future__ import annotations


class AnalysisError(Exception):
    """The input cannot be analysed at all (unreadable, not Python): exit code 2."""
