"""The scikit-learn side of the trace: estimator calls and the splits that pick training rows.

Every estimator class (those imported and, through `BaseEstimator.__init_subclass__`, those
defined later) gets its `fit`, `fit_transform`, `transform`, `predict` and `predict_proba`
wrapped. A call from the user's code becomes a `sklearn.<method>` node that names the estimator
(class and parameters, nested estimators included, and a number that is the same for one object
across calls, so that a `fit` and a later `transform` of one scaler are linked), whether it is a
model, what X and y it received, and after fitting which columns each part of a
`ColumnTransformer` took. `train_test_split` and `shuffle` become nodes whose outputs are `part`
nodes, so the DAG says which rows the final fit was given.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

from . import trace_values as values
from . import tracer as tracing

METHODS = ("fit", "fit_transform", "transform", "predict", "predict_proba")
SPLITTERS = (
    ("sklearn.model_selection", "train_test_split"),
    ("sklearn.model_selection._split", "train_test_split"),
    ("sklearn.utils", "shuffle"),
    ("sklearn.utils._indexing", "shuffle"),
)
_MARK = "__lester_traced__"


def install_estimators(patch: Callable) -> None:
    try:
        from sklearn.base import BaseEstimator
    except ImportError:
        return
    pending = [BaseEstimator]
    while pending:
        cls = pending.pop()
        wrap_class(cls, patch)
        pending.extend(cls.__subclasses__())
    _hook_new_subclasses(BaseEstimator, patch)


def install_splitters(patch: Callable) -> None:
    import importlib

    for module_name, name in SPLITTERS:
        module = importlib.import_module(module_name)
        if hasattr(module, name) and not getattr(getattr(module, name), _MARK, False):
            patch(module, name, _splitter(getattr(module, name), name))


def _hook_new_subclasses(base: type, patch: Callable) -> None:
    original = base.__dict__.get("__init_subclass__")

    def hook(cls: type, **kwargs: Any) -> None:
        if original is not None:
            original.__func__(cls, **kwargs)
        else:
            super(base, cls).__init_subclass__(**kwargs)
        wrap_class(cls, patch)

    patch(base, "__init_subclass__", classmethod(hook))


def wrap_class(cls: type, patch: Callable) -> None:
    """Wrap the methods where they are defined: on the class, or on a mixin it inherits them
    from (`TransformerMixin.fit_transform` is no estimator class's own)."""
    for name in METHODS:
        owner = next((c for c in cls.__mro__ if name in c.__dict__), object)
        attribute = owner.__dict__.get(name)
        descriptor = hasattr(attribute, "fn")  # available_if keeps the function in `.fn`
        function = attribute.fn if descriptor else attribute
        if owner is object or not inspect.isfunction(function) or getattr(function, _MARK, False):
            continue
        target = attribute if descriptor else owner
        patch(target, "fn" if descriptor else name, _method(function, name))


def _method(function: Callable, name: str) -> Callable:
    @functools.wraps(function)
    def wrapper(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        tracer = tracing.active()
        line = tracer.user_line(sys._getframe(1)) if tracer is not None else None
        if line is None or not tracer.has_room(line, f"sklearn.{name}"):
            return function(estimator, *args, **kwargs)
        refer = tracer.refer(line)
        X = args[0] if args else kwargs.get("X")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        fields = {
            "estimator": values.describe_estimator(estimator, refer, tracer.script),
            "estimator_id": tracer.estimator_id(estimator),
            "model": is_model(estimator),
            "X": values.encode(X, refer, tracer.script),
            "y": values.encode(y, refer, tracer.script),
        }
        result = function(estimator, *args, **kwargs)
        if name.startswith("fit"):
            fields.update(fitted(estimator, refer))
        inputs = tracer.inputs_of([fields["X"], fields["y"]])
        produced = None if name == "fit" else result
        if produced is not None and not fields["model"]:
            fields["rows"] = sampled_rows(produced)
        node = tracer.add(f"sklearn.{name}", line, inputs, fields, produced)
        if produced is not None:
            tracer.bind(produced, node)
        return result

    setattr(wrapper, _MARK, True)
    return wrapper


SAMPLED_ROWS = 5
MAX_SAMPLED_COLUMNS = 256


def sampled_rows(result: Any) -> list[list[float]] | None:
    """A few rows spread over a transformer's dense numeric output, so that the host can tell
    whether the fit's X holds them where the trace cannot follow X (the script's own indexing,
    `x[train_index]`, leaves no edge): a scaler's output found in X reaches it, a PCA's beside
    it does not. Rows with a missing or infinite value are left out."""
    import numpy as np

    if not isinstance(result, np.ndarray) or result.ndim != 2 or result.dtype.kind not in "fiub":
        return None
    n, width = result.shape
    if not n or not 0 < width <= MAX_SAMPLED_COLUMNS:
        return None
    picks = sorted({round(i * (n - 1) / (SAMPLED_ROWS - 1)) for i in range(SAMPLED_ROWS)})
    rows = result[picks].astype(np.float64)
    return [[float(v) for v in row] for row in rows if np.isfinite(row).all()]


def is_model(estimator: Any) -> bool:
    try:
        from sklearn.base import is_classifier, is_regressor

        return bool(is_classifier(estimator) or is_regressor(estimator))
    except Exception:
        return False


def fitted(estimator: Any, refer: values.Refer) -> dict[str, Any]:
    """What fitting resolved: the input columns, and each ColumnTransformer's columns per part
    (selectors such as `make_column_selector(dtype_include=...)` resolved to names)."""
    out: dict[str, Any] = {}
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        out["columns_in"] = [str(n) for n in list(names)[: values.MAX_ITEMS]]
    parts = []
    for path, transformer in _column_transformers(estimator, "", 0):
        resolved = [
            [name, values.qualname(fitted_part), values.encode(_listed(columns), refer)]
            for name, fitted_part, columns in transformer.transformers_
        ]
        parts.append({"path": path, "transformers": resolved})
    if parts:
        out["column_transformers"] = parts
    return out


def _listed(columns: Any) -> Any:
    return columns.tolist() if hasattr(columns, "tolist") else columns


def _column_transformers(estimator: Any, path: str, depth: int) -> list[tuple[str, Any]]:
    if depth > 4:
        return []
    found = [(path, estimator)] if hasattr(estimator, "transformers_") else []
    for index, (_, step) in enumerate(getattr(estimator, "steps", None) or []):
        found += _column_transformers(step, f"{path}steps[{index}].", depth + 1)
    return found


def _splitter(function: Callable, name: str) -> Callable:
    """`train_test_split(X, y, ...)` / `shuffle(X, y, ...)`: a node with one `part` per output."""
    from .trace_patches import bind_result

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tracer = tracing.active()
        line = tracer.user_line(sys._getframe(1)) if tracer is not None else None
        if line is None or not tracer.has_room(line, f"sklearn.{name}"):
            return function(*args, **kwargs)
        refer = tracer.refer(line)
        encoded_args = [values.encode(a, refer, tracer.script) for a in args]
        encoded_kwargs = {k: values.encode(v, refer, tracer.script) for k, v in kwargs.items()}
        result = function(*args, **kwargs)
        inputs = tracer.inputs_of([encoded_args, encoded_kwargs])
        fields = {"args": encoded_args, "kwargs": encoded_kwargs}
        node = tracer.add(f"sklearn.{name}", line, inputs, fields)
        bind_result(tracer, node, result, line)
        return result

    setattr(wrapper, _MARK, True)
    return wrapper
