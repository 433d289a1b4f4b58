"""Rows deleted one at a time from a traced array (`rest = np.delete(rest, r, 0)` in a loop).

Hand-made holdouts delete one row per loop turn at a position computed while the script runs.
Recorded call by call, such a loop would exhaust the per-site bound after a few hundred turns and
leave the array it makes opaque. So a deletion of one row from an array that the previous
deletion at the same line made is folded into that node: the node is `np.delete` of the first
array, its `args` that array and the positions deleted in turn (each into the rows still left
then), and it describes the latest array. The older array is no longer followed (it no longer
is what the node describes), so a later use of it becomes opaque instead of wrong.
"""

from __future__ import annotations

import functools
import numbers
import sys
from collections.abc import Callable
from typing import Any

from . import trace_values as values
from . import tracer as tracing

MAX_DELETIONS = 100_000


def install_deletions(patch: Callable[[Any, str, Any], None]) -> None:
    import numpy as np

    patch(np, "delete", _deleting(np.delete))


def _deleting(function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(arr: Any, obj: Any, axis: Any = None) -> Any:
        result = function(arr, obj, axis)
        tracer = tracing.active()
        line = tracer.user_line(sys._getframe(1)) if tracer is not None else None
        node = tracer.node_of(arr) if line is not None else None
        position = _row_position(arr, obj, axis)
        if node is not None and position is not None:
            _record(tracer, line, node, arr, position, result)
        return result

    return wrapper


def _row_position(arr: Any, obj: Any, axis: Any) -> int | None:
    """The one row position deleted along axis 0 (negative positions counted from the end)."""
    shape = getattr(arr, "shape", ())
    if not shape or not isinstance(axis, numbers.Integral) or axis % len(shape) != 0:
        return None
    if isinstance(obj, bool):
        return None
    if not isinstance(obj, numbers.Integral) or not -shape[0] <= int(obj) < shape[0]:
        return None
    return int(obj) % shape[0]


def _record(
    tracer: tracing.Tracer, line: int, node: int, arr: Any, position: int, result: Any
) -> None:
    previous = tracer.nodes[node]
    positions = previous["args"][1] if previous["op"] == "np.delete" else None
    if previous.get("line") == line and positions is not None and len(positions) < MAX_DELETIONS:
        positions.append(position)
        previous["out"] = values.describe_output(result)
        tracer.unbind(arr)
        tracer.bind(result, node)
    elif tracer.has_room(line, "np.delete"):
        fields = {"args": [{"ref": node}, [position]], "kwargs": {"axis": 0}}
        tracer.bind(result, tracer.add("np.delete", line, [node], fields, result))
