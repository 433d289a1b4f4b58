"""The plain values an original script left in its module globals, for the trace.

A rewrite must reproduce values the script drew from seeded generators (a list of fake names, a
noise vector), whose draws it cannot always replay in the same order. The harness hands the
script's globals here after it ran; what crosses the boundary is only small plain data (numbers,
strings, and short lists, tuples and dicts of them), bounded in count and size. Standard library
only: this runs inside the sandbox.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_NAMES = 200
MAX_ITEMS = 100
MAX_TEXT = 500
MAX_JSON = 4_000

Scalar = bool | int | float | str


def plain_globals(namespace: dict[str, Any]) -> dict[str, Any]:
    """Module-level names bound to plain values, as JSON values (tuples as lists)."""
    out: dict[str, Any] = {}
    for name, value in namespace.items():
        if len(out) >= MAX_NAMES:
            break
        if name.startswith("_") or not name.isidentifier():
            continue
        plain = _plain(value)
        if plain is not None and len(json.dumps(plain)) <= MAX_JSON:
            out[name] = plain
    return out


def _plain(value: Any) -> Any:
    if _scalar(value):
        return value
    if isinstance(value, list | tuple) and len(value) <= MAX_ITEMS:
        return list(value) if all(_scalar(v) for v in value) else None
    if isinstance(value, dict) and len(value) <= MAX_ITEMS:
        items = list(value.items())
        if all(isinstance(k, str) and _scalar(v) for k, v in items):
            return dict(items)
    return None


def _scalar(value: Any) -> bool:
    if type(value) in (bool, int):
        return abs(value) < 2**53
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is str and len(value) <= MAX_TEXT
