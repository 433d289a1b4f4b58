"""JSON descriptions of what a traced operation received and produced.

The tracer runs inside the sandbox and its records cross the boundary as JSON, so every argument is
turned into plain data here, bounded in size: constants as themselves (with tagged forms for what
JSON lacks: tuples, dicts with any keys, NaN, NumPy scalars, timestamps, types), functions as their
name, module and place in the script, scikit-learn estimators as their class and parameters, and
pandas or NumPy objects as a reference to the node that made them (`{"ref": id}`), which the
tracer supplies through `refer`.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import itertools
import math
import sys
from collections.abc import Callable
from typing import Any

MAX_ITEMS = 5_000
MAX_TEXT = 2_000
MAX_SOURCE = 4_000
MAX_DEPTH = 20
MAX_DIGEST_CELLS = 20_000_000  # larger arrays are not digested
DIGEST_CHUNK = 1_000_000  # cells converted to float64 at a time
SAMPLE_ROWS = 5

Refer = Callable[[Any], "int | None"]


def qualname(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_data(value: Any) -> bool:
    """A pandas or NumPy container (or a scikit-learn output matrix): data the DAG follows."""
    module = (type(value).__module__ or "").split(".", 1)[0]
    return module in ("pandas", "numpy", "scipy") and hasattr(value, "shape")


def encode(value: Any, refer: Refer, script: str | None = None, depth: int = 0) -> Any:
    """`value` as JSON-safe data; data objects as references to their nodes."""
    if depth > MAX_DEPTH:
        return {"repr": "...", "type": qualname(value)}
    if value is None or isinstance(value, bool):
        return value
    node = refer(value)  # data, group-bys, and scalars a traced operation returned
    if node is not None:
        return {"ref": node}
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    return _encode_other(value, refer, script, depth)


def _encode_other(value: Any, refer: Refer, script: str | None, depth: int) -> Any:
    def inner(v: Any) -> Any:
        return encode(v, refer, script, depth + 1)

    if isinstance(value, list):
        return [inner(v) for v in value[:MAX_ITEMS]] + _cut(len(value))
    if isinstance(value, tuple):
        return {"tuple": [inner(v) for v in value[:MAX_ITEMS]] + _cut(len(value))}
    if isinstance(value, set | frozenset):
        items = sorted(itertools.islice(value, MAX_ITEMS), key=repr)
        return {"set": [inner(v) for v in items] + _cut(len(value))}
    if isinstance(value, dict):
        pairs = itertools.islice(value.items(), MAX_ITEMS)
        return {"dict": [[inner(k), inner(v)] for k, v in pairs] + _cut(len(value))}
    if isinstance(value, slice):
        return {"slice": [inner(value.start), inner(value.stop), inner(value.step)]}
    scalar = _scalar(value, inner)
    if scalar is not None:
        return scalar
    if isinstance(value, type):
        return {"type": qualname(value)}
    if _is_estimator(value):
        return {"estimator": describe_estimator(value, refer, script, depth + 1)}
    if callable(value):
        return {"function": describe_function(value, script)}
    if type(value).__name__ == "Index" or hasattr(value, "tolist") and hasattr(value, "dtype"):
        values = value.tolist()
        return {"index": [inner(v) for v in values[:MAX_ITEMS]] + _cut(len(values))}
    return {"repr": repr(value)[:200], "type": qualname(value)}


def _scalar(value: Any, inner: Callable[[Any], Any]) -> dict[str, Any] | None:
    """NumPy scalars, dtypes, timestamps and missing-value markers, tagged."""
    module = type(value).__module__ or ""
    if module.startswith("numpy") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return {"np": str(value.dtype), "value": inner(value.item())}
    if module.startswith("numpy") and type(value).__name__.endswith("DType") or _is_dtype(value):
        return {"dtype": str(value)}
    if isinstance(value, datetime.datetime | datetime.date) or type(value).__name__ == "Timestamp":
        return {"timestamp": value.isoformat()}
    if type(value).__name__ == "Timedelta" or isinstance(value, datetime.timedelta):
        import pandas as pd

        return {"timedelta": str(pd.Timedelta(value))}
    if type(value).__name__ in ("NAType", "NaTType"):
        return {"missing": type(value).__name__}
    return None


def _is_dtype(value: Any) -> bool:
    name = type(value).__name__
    return name == "dtype" or (name.endswith("Dtype") and hasattr(value, "kind"))


def is_groupby(value: Any) -> bool:
    return type(value).__name__ in ("DataFrameGroupBy", "SeriesGroupBy")


def _is_estimator(value: Any) -> bool:
    return hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type)


def _cut(n: int) -> list[dict[str, int]]:
    return [{"truncated": n}] if n > MAX_ITEMS else []


def describe_estimator(
    estimator: Any, refer: Refer, script: str | None = None, depth: int = 0
) -> dict[str, Any]:
    """Class and parameters (`get_params(deep=False)`), nested estimators described in turn."""
    try:
        params = estimator.get_params(deep=False)
    except Exception as exc:
        return {"class": qualname(estimator), "params": {}, "error": repr(exc)[:200]}
    return {
        "class": qualname(estimator),
        "params": {k: encode(v, refer, script, depth + 1) for k, v in params.items()},
    }


def describe_function(function: Any, script: str | None) -> dict[str, Any]:
    """Where a function comes from: a module (`numpy.log`), or the script (its line, whether it
    is a lambda and where its body starts, its free variables, its source text)."""
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", None)
    described: dict[str, Any] = {
        "name": str(name or type(function).__name__)[:200],
        "module": getattr(function, "__module__", None),
    }
    if type(function).__name__ == "ufunc":
        described.update(module="numpy", ufunc=function.__name__)
    code = getattr(function, "__code__", None)
    if code is None:
        return described
    described.update(
        line=code.co_firstlineno,
        script=code.co_filename == script,
        is_lambda=code.co_name == "<lambda>",
        freevars=list(code.co_freevars),
        column=_body_column(code),
    )
    if described["script"]:
        described["source"] = _source(function)
    return described


def _body_column(code: Any) -> int | None:
    """The column where the function's first instruction after its prologue starts."""
    for _line, _end, column, _end_col in list(code.co_positions())[1:]:
        if column is not None:
            return column
    return None


def _source(function: Any) -> str | None:
    try:
        return inspect.getsource(function)[:MAX_SOURCE]
    except (OSError, TypeError):
        return None


def describe_output(value: Any) -> dict[str, Any]:
    """Kind, columns and dtypes, row count or shape of what an operation produced."""
    kind = type(value).__name__
    if kind == "DataFrame":
        columns = [_column_name(c) for c in value.columns[:MAX_ITEMS]]
        return {
            "kind": "frame",
            "columns": columns,
            "dtypes": [str(t) for t in value.dtypes.iloc[:MAX_ITEMS]],
            "rows": len(value),
            "index": _index_kind(value.index),
        }
    if kind == "Series":
        return {
            "kind": "series",
            "name": _column_name(value.name),
            "dtype": str(value.dtype),
            "rows": len(value),
            "index": _index_kind(value.index),
        }
    if is_groupby(value):
        return {"kind": "groupby"}
    if getattr(value, "ndim", None) == 0 or isinstance(value, bool | int | float | str):
        return {"kind": "scalar", "value": encode(value, lambda _v: None)}
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return {"kind": "array", "shape": list(value.shape), "dtype": str(value.dtype)}
    return {"kind": "value", "type": qualname(value)}


def values_key(value: Any) -> bytes | None:
    """A digest of a numeric array's shape and values as float64 (NaN as one value, -0.0 as
    0.0), or None for anything else: an array the script cast or copied with NumPy's own
    methods, which are not traced, has the digest of the traced array it came from exactly
    when the cast lost nothing."""
    if type(value).__name__ != "ndarray" or value.dtype.kind not in "biufO":
        return None
    if value.ndim == 0 or value.size > MAX_DIGEST_CELLS:
        return None
    digest = hashlib.blake2b(repr(value.shape).encode(), digest_size=16)
    step = max(1, DIGEST_CHUNK // max(1, value.size // max(1, len(value))))
    for start in range(0, len(value), step):  # in blocks of rows, so a copy stays small
        try:  # an object array of mixed columns (ints, floats, bools) has its numbers' digest
            block = value[start : start + step].astype("float64") + 0.0
        except (TypeError, ValueError):
            return None
        block[block != block] = float("nan")
        digest.update(block.tobytes())
    return digest.digest()


def _column_name(name: Any) -> Any:
    return name if name is None or isinstance(name, str | int | float | bool) else str(name)


def _index_kind(index: Any) -> str:
    """`range` for the default 0..n-1 index (positional alignment), else `labels`."""
    if type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1:
        return "range"
    return "labels"


def sample(frame: Any, rows: int = SAMPLE_ROWS) -> list[list[str | None]]:
    """The first rows as text, as a person would look at them; a missing value is None, so that
    it never reads as the text 'nan'."""
    head = frame.head(rows)
    return [
        [None if _missing(v) else str(v)[:200] for v in row]
        for row in head.itertuples(index=False, name=None)
    ]


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value)) if getattr(value, "ndim", 0) == 0 else False
    except (TypeError, ValueError):
        return False


def resolve_args(function: Callable, args: tuple, kwargs: dict) -> dict[str, Any]:
    """The call's arguments by parameter name (positional ones named), without defaults."""
    try:
        bound = inspect.signature(function).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return dict(kwargs)
    named = dict(bound.arguments)
    extra = named.pop("kwargs", None)
    return {**named, **extra} if isinstance(extra, dict) else named


def ignored_roots() -> tuple[str, ...]:
    """Folders whose code is never the user's: the interpreter's and its packages'."""
    import os

    return tuple(os.path.join(p, "") for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})
