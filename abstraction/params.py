"""Estimator identity in JSON: the class's qualified name and JSON-safe parameters.

The original's captured `fit` and a rewrite's saved run both describe their estimator this way, so
that the verifier compares the two without unpickling anything a sandbox produced.
"""

from __future__ import annotations

import math
from typing import Any

REPR_CHARS = 500


def qualname(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def json_safe(value: Any) -> Any:
    """Primitives as they are (NumPy scalars unwrapped), anything else as its repr."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    return repr(value)[:REPR_CHARS]


def estimator_params(estimator: Any) -> dict[str, Any]:
    return {k: json_safe(v) for k, v in estimator.get_params(deep=False).items()}
