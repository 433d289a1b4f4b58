"""The traced DAG as the trace lifter reads it: which frames share rows, which value a column holds.

Two facts decide whether an expression recorded on one frame can be written as a Frame operation
on another:

- `rows(node)`: the node whose rows (in order) a frame or series has. Operations that keep every
  row in place (assigning a column, dropping or renaming columns, element-wise arithmetic, fills)
  pass their input's rows on; filters, joins, groupings, reads start new rows. Parts of the final
  train/test split count as the rows they split, because the rewrite's split picks the same rows.
  Reductions of the same rows by the same key values share their rows (one per group, sorted).
- `version(node, column)`: the node that last gave `column` its values in that frame, so that a
  column read from an older version of a frame is known to equal (or not) the newer one's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..oracle.dataflow import Undecodable, decode
from .syntax import Unsupported

# Frame operations that keep their input's rows in place (same rows, same order).
ROW_KEEPING = frozenset(
    [
        "__setitem__",
        "__setattr__",
        "__delitem__",
        "drop",
        "rename",
        "add_prefix",
        "add_suffix",
        "set_axis",
        "copy",
        "reset_index",
        "astype",
        "fillna",
        "replace",
        "assign",
        "insert",
        "select_dtypes",
        "round",
        "abs",
        "clip",
        "where",
        "mask",
        "infer_objects",
        "convert_dtypes",
        "map",
        "applymap",
        "isna",
        "notna",
        "isnull",
        "notnull",
        "__getitem__",
        "__getattr__",
        "get_dummies",
        "concat",
    ]
)
# Series methods whose value for a row depends on that row alone.
ELEMENTWISE = frozenset(
    [
        "astype",
        "fillna",
        "replace",
        "map",
        "apply",
        "isin",
        "between",
        "clip",
        "round",
        "abs",
        "isna",
        "notna",
        "isnull",
        "notnull",
        "where",
        "mask",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "add",
        "sub",
        "mul",
        "div",
        "truediv",
        "floordiv",
        "mod",
        "pow",
        "radd",
        "rsub",
        "rmul",
        "rdiv",
        "rtruediv",
        "rfloordiv",
        "rmod",
        "rpow",
        "combine_first",
    ]
)
# Series methods whose value for a row depends on the whole column.
COLUMNWISE = frozenset(
    ["rank", "cumsum", "cumprod", "cummax", "cummin", "shift", "diff", "pct_change"]
)
REDUCTIONS = frozenset(
    [
        "mean",
        "median",
        "mode",
        "std",
        "var",
        "sum",
        "min",
        "max",
        "count",
        "nunique",
        "quantile",
        "skew",
        "kurt",
        "prod",
        "value_counts",
    ]
)
# GroupBy methods that reduce each group to one row.
GROUP_REDUCERS = frozenset(
    [
        "agg",
        "aggregate",
        "mean",
        "median",
        "sum",
        "min",
        "max",
        "count",
        "nunique",
        "std",
        "var",
        "first",
        "last",
        "size",
        "prod",
    ]
)
OPERATORS = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "pow": "**", "and": "&", "or": "|", "xor": "^", "eq": "==", "ne": "!=", "lt": "<",
    "le": "<=", "gt": ">", "ge": ">=",
}  # fmt: skip
UNARY = {"neg": "-", "pos": "+", "invert": "~"}
# Conversions of a frame or series into an array of the same rows.
EXITS = frozenset(
    {
        "DataFrame.values",
        "DataFrame.to_numpy",
        "Series.values",
        "Series.to_numpy",
        "np.array",
        "np.asarray",
        "ndarray.same_values",  # an untraced NumPy cast or copy of a traced array
        "sparse.toarray",
        "sparse.todense",
    }
)


@dataclass(frozen=True)
class Node:
    """One traced operation, with the accessors the lifter needs."""

    raw: dict[str, Any]

    @property
    def id(self) -> int:
        return self.raw["id"]

    @property
    def op(self) -> str:
        return self.raw["op"]

    @property
    def owner(self) -> str:
        """`DataFrame`, `Series`, `GroupBy`, `str`, `dt`, `loc`, `pd`, `np`, `sklearn`, ..."""
        return self.op.split(".", 1)[0]

    @property
    def method(self) -> str:
        return self.op.rsplit(".", 1)[-1]

    @property
    def line(self) -> int | None:
        return self.raw.get("line")

    @property
    def inputs(self) -> list[int]:
        return self.raw.get("inputs", [])

    @property
    def args(self) -> list[Any]:
        return self.raw.get("args", [])

    @property
    def kwargs(self) -> dict[str, Any]:
        return self.raw.get("kwargs", {})

    @property
    def out(self) -> dict[str, Any]:
        return self.raw.get("out") or {}

    @property
    def kind(self) -> str | None:
        return self.out.get("kind")

    @property
    def columns(self) -> list[Any]:
        return self.out.get("columns") or []

    @property
    def rows_count(self) -> int | None:
        return self.out.get("rows")

    def arg(self, position: int, name: str, default: Any = None) -> Any:
        """An encoded argument by position or keyword."""
        if name in self.kwargs:
            return self.kwargs[name]
        return self.args[position] if len(self.args) > position else default

    def constant(self, position: int, name: str, default: Any = None) -> Any:
        """A decoded constant argument (`Unsupported` when it is not one)."""
        value = self.arg(position, name, _MISSING)
        if value is _MISSING:
            return default
        try:
            return decode(value)
        except Undecodable as exc:
            raise Unsupported(at(self.line), f"{self.op} with {exc}") from exc


_MISSING = object()


@dataclass(frozen=True)
class _Line:
    lineno: int | None


def at(line: int | None) -> _Line:
    """Where an `Unsupported` points: a script line the trace recorded."""
    return _Line(line)


def ref(value: Any) -> int | None:
    """The node an encoded argument refers to, or None."""
    return value["ref"] if isinstance(value, dict) and set(value) == {"ref"} else None


class Graph:
    """The DAG of one run: nodes, their consumers, rows and column versions (memoized)."""

    def __init__(self, dag: dict[str, Any], split_parts: set[int] = frozenset()) -> None:
        self.nodes = [Node(n) for n in dag["nodes"]]
        self.reads = dag.get("reads", [])
        self.split_parts = set(split_parts)
        self._rows: dict[int, int] = {}
        self._versions: dict[tuple[int, Any], tuple[int, Any]] = {}
        self._groups: dict[str, int] = {}  # a grouping's signature -> its first reduction

    def __getitem__(self, node_id: int) -> Node:
        return self.nodes[node_id]

    @cached_property
    def consumers(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for node in self.nodes:
            for i in node.inputs:
                found.setdefault(i, []).append(node.id)
        return found

    def frame_input(self, node: Node) -> Node | None:
        """The first input that is a frame (the object a method was called on, for methods)."""
        for i in node.inputs:
            if self.nodes[i].kind in ("frame", "series"):
                return self.nodes[i]
        return None

    def keeps_rows(self, node: Node) -> bool:
        """Whether the operation's output has its (first) input's rows, in order."""
        if node.id in self.split_parts:
            return True
        if not node.inputs:
            return False
        if node.owner == "DataFrame":
            if node.method in ("__getitem__", "__getattr__"):
                return ref(node.arg(0, "key")) is None  # a boolean mask selects rows
            return node.method in ROW_KEEPING and not _drops_rows(node)
        if node.owner == "Series":  # `s.reset_index()`: the series' rows as a frame
            return series_keeps_rows(node.method) or node.method == "reset_index"
        if node.owner in ("str", "dt", "cat"):
            return True
        if node.owner in ("loc", "iloc"):
            return node.method == "__setitem__" or _all_rows(node)
        if node.op in (
            "pd.get_dummies",
            "pd.to_datetime",
            "pd.to_numeric",
            "pd.cut",
            "pd.qcut",
            "pd.Categorical",
        ):
            return True
        if node.op == "pd.concat":
            return node.constant(1, "axis", 0) in (1, "columns")
        if node.op in EXITS:
            return True
        return node.op in ("np.where", "np.select") or self.values_frame(node) is not None

    def rows(self, node_id: int) -> int:
        """The node whose rows this node has (itself when it made new rows)."""
        if node_id in self._rows:
            return self._rows[node_id]
        node = self.nodes[node_id]
        source = self.row_source(node)
        if source is not None and source.id != node_id:
            result = self.rows(source.id)
        else:
            result = self._group_rows(node)
        self._rows[node_id] = result
        return result

    def grouping(self, node: Node) -> tuple[Node, list[Any]] | None:
        """(`DataFrame.groupby` node, selected columns) when `node` reduces a group-by."""
        if node.owner != "GroupBy" or node.method not in GROUP_REDUCERS or not node.inputs:
            return None
        selection = self.nodes[node.inputs[0]]
        selected: list[Any] = []
        if selection.op in ("GroupBy.__getitem__", "GroupBy.__getattr__"):
            key = selection.constant(0, "key")
            selected = key if isinstance(key, list) else [key]
            selection = self.nodes[selection.inputs[0]]
        return (selection, selected) if selection.op == "DataFrame.groupby" else None

    def _group_rows(self, node: Node) -> int:
        """A reduction of a group-by has one row per group, sorted: reductions of the same rows
        by the same key values with the same options share their rows (the first one's)."""
        found = self.grouping(node)
        if found is None:
            return node.id
        grouping = found[0]
        try:
            by = grouping.constant(0, "by")
        except Unsupported:
            return node.id
        keys = by if isinstance(by, list) else [by]
        frame = grouping.inputs[0]
        if not all(isinstance(k, str) and k in self.nodes[frame].columns for k in keys):
            return node.id
        options = {k: v for k, v in grouping.kwargs.items() if k != "by"}
        versions = [self.version(frame, k) for k in keys]
        signature = json.dumps(
            [self.rows(frame), keys, versions, grouping.args[1:], options], sort_keys=True
        )
        return self._groups.setdefault(signature, node.id)

    def row_source(self, node: Node) -> Node | None:
        if node.id in self.split_parts:
            split = self.nodes[node.inputs[0]]
            if node.op == "np.delete":  # rows deleted by position: a split part of its own
                return split
            shuffled = shuffled_frame(self, node)
            if shuffled is not None:  # the head of a shuffle: the rows before it, reordered
                return shuffled
            return self.nodes[split_input(split, node.raw.get("index", 0))]
        if not self.keeps_rows(node):
            return None
        if node.op == "pd.DataFrame":
            return self.nodes[ref(node.arg(0, "data"))]
        return self.frame_input(node)

    def values_frame(self, node: Node) -> Node | None:
        """For `pd.DataFrame(values, columns=...)`: the frame whose rows and values (its columns
        by position) `values` holds: the frame itself, or an array made from it."""
        if node.op != "pd.DataFrame" or set(node.kwargs) - {"data", "columns"} or node.args[1:]:
            return None
        data = ref(node.arg(0, "data"))
        direct = True  # a frame given as it is: pandas picks `columns` by name, not position
        while data is not None:
            found = self.nodes[data]
            if found.kind == "frame":
                same = found.columns == node.columns if direct else True
                return found if same and len(found.columns) == len(node.columns) else None
            direct = False
            moves = found.id in self.split_parts or found.op in EXITS
            data = found.inputs[0] if moves and found.inputs else None
        return None

    def version(self, node_id: int, column: Any) -> tuple[int, Any]:
        """(node, column name there) that last set `column`'s values in this frame."""
        key = (node_id, column)
        if key not in self._versions:
            self._versions[key] = self._version(self.nodes[node_id], column)
        return self._versions[key]

    def _version(self, node: Node, column: Any) -> tuple[int, Any]:
        source = self.row_source(node)
        if source is None or source.kind != "frame" and node.op != "pd.DataFrame":
            return (node.id, column)
        if node.id not in self.split_parts and column in assigned_columns(self, node):
            return (node.id, column)
        values = self.values_frame(node)
        if values is not None and column in node.columns:
            return self.version(values.id, values.columns[node.columns.index(column)])
        before = renamed_from(self, node, source, column)
        if before is None:
            return (node.id, column)
        return self.version(source.id, before)


def series_keeps_rows(method: str) -> bool:
    """Element-wise Series methods and operators (and column-wide ones like `rank`) keep rows."""
    if method in ELEMENTWISE or method in COLUMNWISE or method == "__array_ufunc__":
        return True
    if method.startswith("__") and method.endswith("__"):
        return operator_of(method) is not None or method.strip("_") in (*UNARY, "abs", "round")
    return False


def operator_of(method: str) -> tuple[str, bool] | None:
    """(`+`, reflected) for `__add__`/`__radd__`/`__iadd__`; None for other methods."""
    base = method.strip("_")
    if base in OPERATORS:
        return OPERATORS[base], False
    if base[:1] == "r" and base[1:] in OPERATORS:
        return OPERATORS[base[1:]], True
    if base[:1] == "i" and base[1:] in OPERATORS:
        return OPERATORS[base[1:]], False
    return None


def _drops_rows(node: Node) -> bool:
    """`drop(index=...)`, `drop(labels)` on rows, `dropna`-like forms of the row-keeping ops."""
    if node.method != "drop":
        return False
    axis = node.kwargs.get("axis", 0)
    return "index" in node.kwargs or (
        "columns" not in node.kwargs and axis in (0, "index") and bool(node.args)
    )


def shuffled_frame(graph: Graph, node: Node) -> Node | None:
    """For the head of a shuffled frame (`df.sample(frac=1, random_state=s)`, its index
    perhaps reset, then `[:cut]` or `.iloc[:cut]`): the frame that was shuffled; else None.
    The cut and the order are a split's (the analysis maps them to a permutation cut)."""
    key = node.arg(0, "key") if node.method == "__getitem__" else None
    if node.owner not in ("DataFrame", "iloc") or not isinstance(key, dict) or not node.inputs:
        return None
    start, _stop, step = (key.get("slice") or [1, None, 1])[:3]
    if start not in (None, 0) or step not in (None, 1):
        return None
    before = graph[node.inputs[0]]
    while before.op == "DataFrame.reset_index" and before.constant(1, "drop") and before.inputs:
        before = graph[before.inputs[0]]
    if before.op != "DataFrame.sample" or not before.inputs:
        return None
    whole = before.constant(1, "frac") == 1 and not before.constant(2, "replace", False)
    return graph[before.inputs[0]] if whole and before.arg(3, "weights") is None else None


def split_input(split: Node, part: int) -> int:
    """The node of the array a split's output `part` was cut from (outputs come in pairs)."""
    arrays = [ref(a) for a in split.args]
    index = part // 2
    if index >= len(arrays) or arrays[index] is None:
        raise Unsupported(at(split.line), "a split of something not traced")
    return arrays[index]


def assigned_columns(graph: Graph, node: Node) -> set[Any]:
    """The columns an operation gives new values (the rest keep their input's)."""
    method = node.method
    if node.owner == "DataFrame" and method == "__setitem__":
        key = node.constant(0, "key")
        return set(key) if isinstance(key, list) else {key}
    if node.owner in ("loc", "iloc") and method == "__setitem__":
        location = node.arg(0, "key")
        if isinstance(location, dict) and len(location.get("tuple") or []) == 2:
            column = decode(location["tuple"][1])
            return set(column) if isinstance(column, list) else {column}
        return set(node.columns)
    if method in ("fillna", "replace", "astype", "round", "abs", "clip", "where", "mask", "map"):
        return set(node.columns)
    if method in ("insert", "assign"):
        return set(node.columns) - set(graph.frame_input(node).columns)
    return set()


def _all_rows(node: Node) -> bool:
    """`df.iloc[:, 1:]`, `df.loc[:, ["a", "b"]]`: every row, some columns."""
    key = node.arg(0, "key")
    parts = key.get("tuple") if isinstance(key, dict) else None
    whole = {"slice": [None, None, None]}
    return node.method == "__getitem__" and bool(parts) and len(parts) == 2 and parts[0] == whole


def renamed_from(graph: Graph, node: Node, source: Node, column: Any) -> Any:
    """The name `column` had in the operation's input (None when it did not come from there)."""
    if node.method in ("rename", "add_prefix", "add_suffix", "set_axis", "__setattr__"):
        before, after = source.columns, node.columns
        if len(before) == len(after) and column in after:
            return before[after.index(column)]
        return None
    return column if column in source.columns else None


def series_column(graph: Graph, node_id: int) -> tuple[int, Any] | None:
    """(frame, column) when the node reads one column of a frame (`df["k"]`, `df.k`)."""
    node = graph[node_id]
    if node.op not in ("DataFrame.__getitem__", "DataFrame.__getattr__") or not node.inputs:
        return None
    column = node.arg(0, "key")
    if node.kind != "series" or ref(column) is not None or isinstance(column, dict | list):
        return None
    return node.inputs[0], column
