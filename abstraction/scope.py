"""What `@name` in a filter's query refers to: the calling step's variables, then the globals of
the module that called, then those of the pipeline module whose stage is running.

pandas resolves `@name` from the Python frame that calls `DataFrame.eval`. A Frame's filter is one
call further down and may be reached through code that is not the step itself (a helper in another
module, a wrapper around Frame's methods, a re-application during `forget`), so the scope is taken
from the first frame outside this package, and the globals of the stage the runner is executing are
added underneath: a module constant of the pipeline resolves wherever the filter was called from,
in the sandbox and on the host alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_PACKAGE = "lester.abstraction"
_STAGE_GLOBALS: ContextVar[dict[str, Any] | None] = ContextVar("lester_stage_globals", default=None)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_LOCAL_NAME = re.compile(r"@([A-Za-z_]\w*)")


@contextmanager
def running_stage(func: Callable[..., Any]) -> Iterator[None]:
    """While `func` runs, queries also see the globals of the module that defines it."""
    token = _STAGE_GLOBALS.set(getattr(func, "__globals__", None))
    try:
        yield
    finally:
        _STAGE_GLOBALS.reset(token)


def caller_scope() -> tuple[dict[str, Any], dict[str, Any]]:
    """(locals, globals) for `@name`: of the first caller outside this package, over the
    running stage's module globals."""
    frame = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith(_PACKAGE):
        frame = frame.f_back
    stage = _STAGE_GLOBALS.get() or {}
    if frame is None:
        return {}, dict(stage)
    return dict(frame.f_locals), {**stage, **frame.f_globals}


def unresolved(expr: str, local_dict: dict[str, Any], global_dict: dict[str, Any]) -> list[str]:
    """The `@name`s of a query (outside its string literals) that neither scope defines."""
    names = _LOCAL_NAME.findall(_QUOTED.sub("", expr))
    return [n for n in dict.fromkeys(names) if n not in local_dict and n not in global_dict]
