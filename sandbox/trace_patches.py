"""Every patch the tracer needs, in one place: pandas, NumPy on pandas objects, scikit-learn.

Methods are wrapped on the classes that define them (DataFrame, Series, their bases, group-bys,
the `.loc`/`.iloc`/`.at`/`.iat` indexers, the `.str` and `.dt` accessors), module functions on
the modules scripts call them through (`pd.merge`, `np.hstack`, `train_test_split`), estimator
methods on every scikit-learn class (and on classes defined later, through
`BaseEstimator.__init_subclass__`). A wrapper does nothing but call through unless a tracer is
active and its caller is the user's code; then `record` builds the node. `install` is idempotent
and `uninstall` puts every original back (used by the benchmark's plain runs and the tests).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

from . import trace_values as values
from . import tracer as tracing

_MARK = "__lester_traced__"
Prefix = Callable[[Any], str]
Receiver = Callable[[Any], Any]
_installed: list[tuple[Any, str, Any, Any]] = []
_ABSENT = object()
_SERIES = "_lester_series"

# Dunder methods that are data operations (the rest, like __repr__ or __len__, are not).
DUNDERS = frozenset(
    f"__{name}__"
    for name in [
        "add",
        "radd",
        "sub",
        "rsub",
        "mul",
        "rmul",
        "truediv",
        "rtruediv",
        "floordiv",
        "rfloordiv",
        "mod",
        "rmod",
        "pow",
        "rpow",
        "and",
        "rand",
        "or",
        "ror",
        "xor",
        "rxor",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "neg",
        "pos",
        "invert",
        "abs",
        "round",
        "getitem",
        "setitem",
        "delitem",
        "iadd",
        "isub",
        "imul",
        "itruediv",
        "ifloordiv",
        "imod",
        "ipow",
        "iand",
        "ior",
        "ixor",
        "array",
        "array_ufunc",
    ]
)
MUTATORS = frozenset(
    {"__setitem__", "__delitem__", "insert", "update"}
    | {d for d in DUNDERS if d.startswith("__i") and d not in ("__invert__",)}
)
SKIPPED = frozenset(
    {"__init__", "pop", "query", "eval", "keys", "items", "info", "memory_usage", "plot"}
)
PROPERTIES = {"values": "values", "T": "T", "array": "array"}
PD_FUNCTIONS = [
    "merge",
    "concat",
    "get_dummies",
    "to_datetime",
    "to_numeric",
    "to_timedelta",
    "cut",
    "qcut",
    "isna",
    "isnull",
    "notna",
    "notnull",
    "crosstab",
    "pivot_table",
    "melt",
    "factorize",
    "unique",
    "merge_asof",
    "wide_to_long",
]
NP_FUNCTIONS = [
    "array",
    "asarray",
    "hstack",
    "vstack",
    "column_stack",
    "concatenate",
    "stack",
    "where",
    "select",
]
# scikit-learn's functions of data that are row operations (a draw of rows by position).
SKLEARN_FUNCTIONS = [("sklearn.utils", "resample"), ("sklearn.utils._indexing", "resample")]
INDEXERS = {"_LocIndexer": "loc", "_iLocIndexer": "iloc", "_AtIndexer": "at", "_iAtIndexer": "iat"}


# ---- recording ------------------------------------------------------------------------------


def record(
    tracer: tracing.Tracer,
    op: str,
    line: int,
    subject: Any,
    call: Callable[[], Any],
    args: tuple,
    kwargs: dict,
    *,
    mutates: bool = False,
    source: bool = False,
    extra: Callable[[], dict[str, Any] | None] | None = None,
) -> Any:
    """Run `call` and, when its inputs are traced (or it is a source), add its node; `extra`
    gives more fields, and is asked only for a node that is recorded (a merge's count costs a
    second merge)."""
    base = tracer.node_of(subject)
    if not (source or base is not None or _any_traced(tracer, args, kwargs)):
        return call()
    if not tracer.has_room(line, op):
        return call()
    refer = tracer.refer(line)
    encoded_args = [values.encode(a, refer, tracer.script) for a in args]
    encoded_kwargs = {k: values.encode(v, refer, tracer.script) for k, v in kwargs.items()}
    result = call()
    mutates = mutates or kwargs.get("inplace") is True
    inputs = tracer.inputs_of([encoded_args, encoded_kwargs])
    inputs = list(dict.fromkeys(([base] if base is not None else []) + inputs))
    fields = {"args": encoded_args, "kwargs": encoded_kwargs, **((extra and extra()) or {})}
    if mutates:
        fields["mutates"] = True
    node = tracer.add(op, line, inputs, fields, subject if mutates else result)
    if mutates:
        tracer.bind(subject, node)
    else:
        bind_result(tracer, node, result, line)
    return result


def merge_misses(left: Any = None, right: Any = None, *args: Any, **kwargs: Any) -> dict | None:
    """For a left or outer merge of two frames: how many left rows found no match. Whether a
    right column comes out with missing values (an int column turned float) depends on it, and
    the dataflow's shapes do not tell (round 36's scrabble model could not)."""
    import pandas as pd

    right = kwargs.pop("right", right)
    left = kwargs.pop("left", left)
    how = args[0] if args else kwargs.get("how", "inner")
    if how not in ("left", "outer") or not all(isinstance(f, pd.DataFrame) for f in (left, right)):
        return None
    kwargs = {k: v for k, v in kwargs.items() if k not in ("how", "indicator", "validate")}
    try:
        marked = pd.merge(left, right, how, *args[1:], **kwargs, indicator="_lester_match_")
    except Exception:  # the user's own call then raises, or not, as it would untraced
        return None
    missed = int((marked["_lester_match_"] == "left_only").sum())
    return {"left_rows": len(left), "left_unmatched": missed}


def bind_result(tracer: tracing.Tracer, node: int, result: Any, line: int) -> None:
    """The result comes from `node`; the data parts of a returned tuple or list each get a `part`
    node (`train_test_split`, `np.histogram`)."""
    if isinstance(result, tuple | list) and 0 < len(result) <= 64:
        if any(values.is_data(r) for r in result):
            for index, part in enumerate(result):
                part_node = tracer.add("part", line, [node], {"index": index}, part)
                tracer.bind(part, part_node)
            return
    tracer.bind(result, node)


def _any_traced(tracer: tracing.Tracer, args: tuple, kwargs: dict) -> bool:
    for value in (*args, *kwargs.values()):
        if tracer.traced(value):
            return True
        if isinstance(value, list | tuple) and any(tracer.traced(v) for v in value[:64]):
            return True
        if isinstance(value, dict) and any(tracer.traced(v) for v in list(value.values())[:64]):
            return True
    return False


def _user_line() -> tuple[tracing.Tracer, int] | None:
    """The active tracer and the line of the user's code that called the patched function."""
    tracer = tracing.active()
    if tracer is None:
        return None
    line = tracer.user_line(sys._getframe(2))
    return None if line is None else (tracer, line)


# ---- wrappers ---------------------------------------------------------------------------------


def _method(function: Callable, name: str, prefix: Prefix, receiver: Receiver) -> Callable:
    mutates = name in MUTATORS

    @functools.wraps(function)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        context = _user_line()
        if context is None:
            return function(self, *args, **kwargs)
        tracer, line = context
        return record(
            tracer,
            f"{prefix(self)}.{name}",
            line,
            receiver(self),
            lambda: function(self, *args, **kwargs),
            args,
            kwargs,
            mutates=mutates,
            extra=(lambda: merge_misses(self, *args, **kwargs)) if name == "merge" else None,
        )

    setattr(wrapper, _MARK, True)
    return wrapper


def _scoped(function: Callable, name: str) -> Callable:
    """`DataFrame.query`/`eval` find `@names` in the frame that called them, counted in stack
    frames: a wrapper in between would hide it. The caller's names are passed explicitly (as
    pandas would have found them), whether or not a tracer records the call."""

    @functools.wraps(function)
    def wrapper(self: Any, expr: Any, *args: Any, **kwargs: Any) -> Any:
        scoped = dict(kwargs)
        if kwargs.get("local_dict") is None and kwargs.get("global_dict") is None:
            if "level" not in kwargs:
                caller = tracing.caller_frame(2)
                scoped.update(local_dict=caller.f_locals, global_dict=caller.f_globals)
        call = lambda: function(self, expr, *args, **scoped)  # noqa: E731
        context = _user_line()
        if context is None:
            return call()
        tracer, line = context
        op = f"DataFrame.{name}"
        return record(tracer, op, line, self, call, (expr, *args), kwargs)

    setattr(wrapper, _MARK, True)
    return wrapper


def _property(prop: property, name: str, prefix: Prefix, receiver: Receiver) -> property:
    getter = prop.fget

    @functools.wraps(getter)
    def fget(self: Any) -> Any:
        context = _user_line()
        if context is None:
            return getter(self)
        tracer, line = context
        op = f"{prefix(self)}.{name}"
        call = lambda: getter(self)  # noqa: E731
        return record(
            tracer, op, line, receiver(self), call, (), {}, extra=lambda: {"attribute": True}
        )

    return property(fget, prop.fset, prop.fdel, prop.__doc__)


def _function(function: Callable, op: str, *, source: bool = False) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        context = _user_line()
        if context is None:
            return function(*args, **kwargs)
        tracer, line = context
        call = lambda: function(*args, **kwargs)  # noqa: E731
        extra = (lambda: merge_misses(*args, **kwargs)) if op == "pd.merge" else None
        return record(tracer, op, line, None, call, args, kwargs, source=source, extra=extra)

    setattr(wrapper, _MARK, True)
    return wrapper


def _getattr(function: Callable, prefix: Prefix) -> Callable:
    """`df.fare_amount`: a column read by attribute (only recorded when it is one)."""

    @functools.wraps(function)
    def wrapper(self: Any, name: str) -> Any:
        context = _user_line()
        result = function(self, name)
        if context is None or not values.is_data(result) and not values.is_groupby(result):
            return result
        tracer, line = context
        op = f"{prefix(self)}.__getattr__"
        base = tracer.node_of(self)
        if base is not None and tracer.has_room(line, op):
            node = tracer.add(op, line, [base], {"args": [name], "kwargs": {}}, result)
            tracer.bind(result, node)
        return result

    setattr(wrapper, _MARK, True)
    return wrapper


def _setattr(function: Callable) -> Callable:
    """`df.columns = [...]`, `df.index = ...`, `df.col = values`: in-place changes of a frame."""

    @functools.wraps(function)
    def wrapper(self: Any, name: str, value: Any) -> Any:
        context = _user_line()
        if context is None or not _is_frame_attribute(self, name):
            return function(self, name, value)
        tracer, line = context
        call = lambda: function(self, name, value)  # noqa: E731
        op = f"{_frame_or_series(self)}.__setattr__"
        return record(tracer, op, line, self, call, (name, value), {}, mutates=True)

    setattr(wrapper, _MARK, True)
    return wrapper


def _is_frame_attribute(obj: Any, name: str) -> bool:
    if name in ("columns", "index"):
        return True
    try:
        return type(obj).__name__ == "DataFrame" and name in obj.columns
    except Exception:
        return False


def _pop(function: Callable) -> Callable:
    """`y = df.pop("label")`: the column's values out, and a new version of the frame without it."""

    @functools.wraps(function)
    def wrapper(self: Any, item: Any, *args: Any) -> Any:
        context = _user_line()
        if context is None:
            return function(self, item, *args)
        tracer, line = context
        base = tracer.node_of(self)
        result = function(self, item, *args)
        kind = _frame_or_series(self)
        if base is None or not tracer.has_room(line, f"{kind}.pop"):
            return result
        fields = {"args": [values.encode(item, tracer.refer(line))], "kwargs": {}}
        node = tracer.add(f"{kind}.__getitem__", line, [base], {**fields, "via": "pop"}, result)
        tracer.bind(result, node)
        axis = "columns" if kind == "DataFrame" else "index"
        dropped = {"args": [], "kwargs": {axis: fields["args"][0]}, "via": "pop"}
        tracer.bind(self, tracer.add(f"{kind}.drop", line, [base], dropped, self))
        return result

    setattr(wrapper, _MARK, True)
    return wrapper


def _constructor(init: Callable, op: str) -> Callable:
    """`pd.DataFrame(data, columns=...)` called by the user: a source (literal data), or a frame
    made from traced (or opaque) data."""

    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        context = _user_line()
        if context is None or not context[0].has_room(context[1], op):
            init(self, *args, **kwargs)
            return
        tracer, line = context
        refer = tracer.refer(line)
        encoded_args = [values.encode(a, refer, tracer.script) for a in args]
        encoded_kwargs = {k: values.encode(v, refer, tracer.script) for k, v in kwargs.items()}
        init(self, *args, **kwargs)
        inputs = tracer.inputs_of([encoded_args, encoded_kwargs])
        fields = {"args": encoded_args, "kwargs": encoded_kwargs}
        tracer.bind(self, tracer.add(op, line, inputs, fields, self))

    setattr(wrapper, _MARK, True)
    return wrapper


# ---- installation -----------------------------------------------------------------------------


def _patch(owner: Any, name: str, replacement: Any) -> None:
    """Replace `owner.name`, remembering what was there (nothing, for an inherited attribute)."""
    original = (
        owner.__dict__.get(name, _ABSENT) if isinstance(owner, type) else getattr(owner, name)
    )
    _installed.append((owner, name, original, replacement))
    setattr(owner, name, replacement)


def _wrap_class(cls: type, prefix: Prefix, receiver: Receiver, properties: bool = False) -> None:
    """Wrap the data operations defined on `cls` itself (inherited ones are wrapped on their own
    class, so a call is recorded once, by the class whose code runs first)."""
    for name, attribute in list(cls.__dict__.items()):
        public = not name.startswith("_")
        if name in SKIPPED or not (public or name in DUNDERS):
            continue
        if getattr(attribute, _MARK, False):
            continue
        if inspect.isfunction(attribute):
            _patch(cls, name, _method(attribute, name, prefix, receiver))
        elif isinstance(attribute, property) and attribute.fget is not None:
            if properties or name in PROPERTIES:
                _patch(cls, name, _property(attribute, name, prefix, receiver))


def _itself(obj: Any) -> Any:
    return obj


def _when_data(obj: Any) -> Any:
    """Methods Series shares with Index (`to_numpy`, `unique`): only a Series is followed."""
    return obj if type(obj).__name__ == "Series" else None


def _named(prefix: str) -> Prefix:
    return lambda _obj: prefix


def _frame_or_series(obj: Any) -> str:
    """Ops on pandas objects are named by what they act on: `DataFrame.x` or `Series.x`."""
    return "Series" if type(obj).__name__ == "Series" or obj.ndim == 1 else "DataFrame"


def _pandas() -> None:
    import pandas as pd
    from pandas.core import arraylike, generic
    from pandas.core.base import IndexOpsMixin
    from pandas.core.groupby import generic as grouped
    from pandas.core.groupby import groupby
    from pandas.core.indexes import accessors
    from pandas.core.strings.accessor import StringMethods

    for cls in (pd.DataFrame, pd.Series, generic.NDFrame, arraylike.OpsMixin):
        _wrap_class(cls, _frame_or_series, _itself)
    _wrap_class(IndexOpsMixin, _frame_or_series, _when_data)
    for cls in (grouped.DataFrameGroupBy, grouped.SeriesGroupBy, groupby.GroupBy):
        _wrap_class(cls, _named("GroupBy"), _itself)
    _wrap_class(groupby.BaseGroupBy, _named("GroupBy"), _itself)
    from pandas.core import indexing

    for name in ("_LocationIndexer", "_ScalarAccessIndexer", *INDEXERS):
        cls = getattr(indexing, name)
        for method in ("__getitem__", "__setitem__"):
            if method in cls.__dict__:
                _patch(cls, method, _indexer_method(cls.__dict__[method], method))
    _wrap_class(StringMethods, _named("str"), lambda acc: acc._orig)
    from pandas.core.arrays.categorical import CategoricalAccessor

    _patch(CategoricalAccessor, "__init__", _noting_series(CategoricalAccessor.__init__))
    _wrap_class(CategoricalAccessor, _named("cat"), lambda acc: getattr(acc, _SERIES, None), True)
    for name in ("Properties", "DatetimeProperties", "TimedeltaProperties"):
        _wrap_class(getattr(accessors, name), _named("dt"), lambda acc: acc._parent, True)
    ndframe_getattr = _getattr(generic.NDFrame.__getattr__, _frame_or_series)
    _patch(generic.NDFrame, "__getattr__", ndframe_getattr)
    _patch(generic.NDFrame, "__setattr__", _setattr(generic.NDFrame.__setattr__))
    _patch(groupby.GroupBy, "__getattr__", _getattr(groupby.GroupBy.__getattr__, _named("GroupBy")))
    _patch(pd.DataFrame, "pop", _pop(pd.DataFrame.__dict__["pop"]))
    for name in ("query", "eval"):
        _patch(pd.DataFrame, name, _scoped(pd.DataFrame.__dict__[name], name))
    _patch(pd.Series, "pop", _pop(pd.Series.__dict__["pop"]))
    _patch(pd.DataFrame, "__init__", _constructor(pd.DataFrame.__init__, "pd.DataFrame"))
    _patch(pd.Series, "__init__", _constructor(pd.Series.__init__, "pd.Series"))
    _patch(pd.Categorical, "__init__", _constructor(pd.Categorical.__init__, "pd.Categorical"))
    for name in PD_FUNCTIONS:
        if hasattr(pd, name):
            _patch(pd, name, _function(getattr(pd, name), f"pd.{name}"))


def _noting_series(init: Callable) -> Callable:
    """`.cat` keeps the Series' values, not the Series: note the Series for the tracer."""

    @functools.wraps(init)
    def wrapper(self: Any, data: Any) -> None:
        object.__setattr__(self, _SERIES, data)
        init(self, data)

    return wrapper


def _indexer_method(function: Callable, method: str) -> Callable:
    """The indexers share their `__getitem__`/`__setitem__`: the op is named by the indexer."""

    @functools.wraps(function)
    def wrapper(self: Any, *args: Any) -> Any:
        context = _user_line()
        if context is None:
            return function(self, *args)
        tracer, line = context
        op = f"{INDEXERS.get(type(self).__name__, 'indexer')}.{method}"
        call = lambda: function(self, *args)  # noqa: E731
        return record(tracer, op, line, self.obj, call, args, {}, mutates=method == "__setitem__")

    setattr(wrapper, _MARK, True)
    return wrapper


def _numpy() -> None:
    import numpy as np

    for name in NP_FUNCTIONS:
        _patch(np, name, _function(getattr(np, name), f"np.{name}"))
    from scipy.sparse import _base, _compressed

    for cls in (_base._spbase, _compressed._cs_matrix):  # a sparse matrix made dense
        for name in ("toarray", "todense"):
            if name in cls.__dict__:
                _patch(cls, name, _method(cls.__dict__[name], name, _named("sparse"), _itself))


_phases: set[str] = set()


def _sklearn() -> None:
    import importlib

    for module_name, name in SKLEARN_FUNCTIONS:
        module = importlib.import_module(module_name)
        if hasattr(module, name) and not getattr(getattr(module, name), _MARK, False):
            _patch(module, name, _function(getattr(module, name), f"sklearn.{name}"))


def install() -> None:
    """Patch pandas, NumPy, the readers and the splitters, once per process. The recorder's
    wrappers (row selections among them) are installed after, around these."""
    if "data" in _phases:
        return
    _phases.add("data")
    from .trace_deletions import install_deletions
    from .trace_estimators import install_splitters
    from .trace_reads import install_readers

    _pandas()
    _numpy()
    _sklearn()
    install_readers(_patch, _function)
    install_splitters(_patch)
    install_deletions(_patch)


def install_models() -> None:
    """Patch the estimator methods, once per process: after the recorder's, so that the
    tracer's wrapper is the outer one and sees the script as its caller."""
    if "models" in _phases:
        return
    _phases.add("models")
    from .trace_estimators import install_estimators

    install_estimators(_patch)


def uninstall() -> None:
    """Put every original back, newest patch first; a patch that another wrapper has wrapped
    since stays (it only calls through while no tracer is active)."""
    _phases.clear()
    while _installed:
        owner, name, original, replacement = _installed.pop()
        current = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name)
        if current is not replacement:
            continue
        if original is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
