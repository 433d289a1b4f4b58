"""Series expressions from the trace, as pandas code over the columns of one target frame.

A column assignment, a boolean mask or a label was computed by a chain of traced Series
operations whose leaves are columns (`df["a"]`, `df.a`). When every leaf is a column of a frame
with the target's rows holding the same values as the target's column (see `trace_graph`), the
chain is the code of a column function: `df["a"] * 2 + np.log1p(df["b"])` becomes
`a * 2 + np.log1p(b)` over parameters `a` and `b`. Element-wise operators, NumPy ufuncs, the
`.str` and `.dt` accessors, `map`/`apply`/`fillna`/`astype`/`isin`..., `pd.to_datetime` and
`np.where` are rendered as the same calls. A reduction of a target column (`df["a"].median()`)
stays a reduction inside the function, which then depends on the whole column (`columnwise`,
so `forget` recomputes it). A group-wise transform (`df.groupby("k")["v"].transform("mean")`)
needs its own column first: it is returned as a `GroupTransform` for the frame lifter to add.
So is a column of another reduction of the same frame by the same keys (`g.a.max().reset_index()
["a"]`, `g.a.max().values` assigned to `g.a.count().reset_index()`): both have a row per group in
the same order, so the column goes `Beside` the target (idiom: reductions glued by position).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .syntax import Unsupported
from .trace_code import Functions, constant_code, is_label_encoder
from .trace_graph import (
    COLUMNWISE,
    ELEMENTWISE,
    REDUCTIONS,
    UNARY,
    Graph,
    Node,
    at,
    operator_of,
    ref,
)

ACCESSOR_OPS = frozenset({"str", "dt", "cat"})
ARRAYS = frozenset({"Series.values", "Series.to_numpy"})
PD_FUNCTIONS = frozenset(
    {
        "pd.to_datetime",
        "pd.to_numeric",
        "pd.cut",
        "pd.qcut",
        "pd.isna",
        "pd.notna",
        "pd.Categorical",
    }
)
NP_FUNCTIONS = frozenset({"np.where", "np.select"})
ROW_REDUCTIONS = frozenset({"sum", "mean", "min", "max"})
GROUP_WINDOWS = frozenset({"shift", "diff", "cumsum", "cummax", "cummin", "rank", "pct_change"})


@dataclass
class GroupTransform:
    """A group-wise statistic per row, to be added to the target as column `name` first:
    `func` a pandas aggregation name, or `code` a function of each group's column (`lambda s:
    s.shift(1)`: a lag within the group)."""

    name: str
    by: list[Any]
    column: Any
    func: str
    code: str | None = None

    def call(self, base: str, name: str | None = None) -> str:
        """`base.transform_groups(...)` adding the column (under `name`, else its own)."""
        func = self.code or repr(self.func)
        target = name or self.name
        return f"{base}.transform_groups({target!r}, {self.by!r}, {self.column!r}, {func})"


@dataclass
class Beside:
    """A column of a frame with the target's groups, to be put beside it as column `name` first
    (`column` None: the values of a reduction to a Series)."""

    name: str
    frame: int
    column: Any


@dataclass
class Expr:
    code: str
    columns: list[Any] = field(default_factory=list)
    columnwise: bool = False
    groups: list[GroupTransform | Beside] = field(default_factory=list)
    whole: bool = False  # takes whole columns (`pd.Categorical`), each row's value its own

    @property
    def options(self) -> str:
        """The `project` keywords the expression needs."""
        if self.columnwise:
            return ", rowwise=False"
        return ", vectorized=True" if self.whole else ""


@dataclass
class Target:
    """The frame an expression is written over: its rows and column versions, and how a
    column reads in the code (`a` for a parameter, `d["a"]` inside a frame function)."""

    graph: Graph
    frame: int
    leaf: Callable[[Any], str]

    def holds(self, node: Node, column: Any) -> bool:
        graph = self.graph
        if column not in node.columns or column not in graph[self.frame].columns:
            return False
        if graph.rows(node.id) != graph.rows(self.frame):
            return False
        return graph.version(node.id, column) == graph.version(self.frame, column)


class SeriesCompiler:
    def __init__(self, graph: Graph, functions: Functions, target: Target, names: Any) -> None:
        self.graph = graph
        self.functions = functions
        self.target = target
        self.names = names  # makes fresh column names for group transforms
        self.columns: list[Any] = []
        self.columnwise = False
        self.whole = False
        self.groups: list[GroupTransform | Beside] = []
        self.standing: dict[int, str] = {}  # nodes rendered as a given code (a count column)

    def compile(self, node_id: int) -> Expr:
        code = self.expr(node_id)
        columns = list(dict.fromkeys(self.columns))
        return Expr(code, columns, self.columnwise, self.groups, self.whole)

    # ---- nodes ---------------------------------------------------------------------------------

    def expr(self, node_id: int) -> str:
        if node_id in self.standing:
            return self.standing[node_id]
        node = self.graph[node_id]
        column = self._leaf_column(node)
        if isinstance(column, _Computed):
            return column.code
        if column is not None:
            self.columns.append(column)
            return self.target.leaf(column)
        if node.op == "GroupBy.transform":
            return self._group_transform(node)
        if node.owner == "GroupBy" and node.method in GROUP_WINDOWS:
            return self._group_window(node)
        if node.owner == "DataFrame" and node.method in ROW_REDUCTIONS:
            return self._across(node)
        if node.op in ARRAYS and node.inputs:  # positional values of a series with these rows
            inner = self.graph[node.inputs[0]]
            if inner.kind == "series" and self._same_groups(inner):
                return self._beside(inner.id, None)
            return self.expr(inner.id)
        if node.owner == "Series":
            return self._series_op(node)
        if node.owner in ACCESSOR_OPS:
            return self._accessor(node)
        if node.op in PD_FUNCTIONS or node.op in NP_FUNCTIONS:
            return self._function_call(node)
        if node.op == "sklearn.fit_transform" and is_label_encoder(node.raw.get("estimator")):
            return self._label_codes(node)
        raise Unsupported(at(node.line), f"no rule for {node.op} in a column expression")

    def _label_codes(self, node: Node) -> str:
        """`LabelEncoder().fit_transform(s)` of a column expression (`df[c].astype(str)`):
        `lt.label_codes`, the same encoder's codes. They depend on the whole column, so the
        function is columnwise."""
        data = ref(node.raw.get("X"))
        if data is None:
            raise Unsupported(at(node.line), "a LabelEncoder of untraced values")
        self.columnwise = True
        return f"lt.label_codes({self.expr(data)})"

    def value(self, encoded: Any) -> str:
        """An argument: another traced value, a function, or a constant."""
        target = ref(encoded)
        if target is not None:
            return self.expr(target)
        if _is_function(encoded):
            return self.functions.code(encoded)
        if _holds_refs(encoded):  # `np.select([s < 7, s < 30], [2, 1])`: a list of conditions
            items = encoded if isinstance(encoded, list) else encoded["tuple"]
            code = ", ".join(self.value(item) for item in items)
            return (
                f"[{code}]" if isinstance(encoded, list) else f"({code}{',' * (len(items) == 1)})"
            )
        if isinstance(encoded, dict) and "index" in encoded:
            # `s.isin(counts[counts < 25].index)`: labels the script computed from the data,
            # which the trace did not follow; as a constant, a deletion would not change them
            raise Unsupported(
                None, "a pandas Index computed from the data (value_counts().index) as an argument"
            )
        return constant_code(encoded)

    def _leaf_column(self, node: Node) -> Any:
        """The column a node reads from a frame holding the target's values, or None."""
        if node.kind != "series" or not node.inputs:
            return None
        frame = self.graph[node.inputs[0]]
        column = _column_read(node, frame)
        if column is None:
            return None
        if self.target.holds(frame, column):
            return column
        if self._same_groups(frame):
            return _Computed(self._beside(frame.id, column))
        if frame.owner in ACCESSOR_OPS:  # `s.dt.isocalendar().week`: a column of an expression
            return _Computed(f"{self.expr(frame.id)}[{constant_code(node.arg(0, 'key'))}]")
        raise Unsupported(
            at(node.line),
            f"column {column!r} read from a frame with other rows or "
            "values than the one it is used in",
        )

    def _same_groups(self, node: Node) -> bool:
        """Whether `node` has the target's rows, and those are the groups of a reduction."""
        rows = self.graph.rows(node.id)
        if rows != self.graph.rows(self.target.frame):
            return False
        return self.graph.grouping(self.graph[rows]) is not None

    def _beside(self, frame: int, column: Any) -> str:
        name = self.names(f"{column or 'values'}")
        self.groups.append(Beside(name, frame, column))
        self.columns.append(name)
        return self.target.leaf(name)

    def _series_op(self, node: Node) -> str:
        method = node.method
        if method == "__array_ufunc__":
            return self._ufunc(node)
        if not node.inputs:
            raise Unsupported(at(node.line), f"{node.op} on nothing traced")
        counted = self._own_counts(node) or self._counted_labels(node) or self._reading(node)
        if counted is not None:
            return counted
        masked = self._masked_column(self.graph[node.inputs[0]]) if method in REDUCTIONS else None
        if masked is not None:
            self.columnwise = True
            return f"{masked}.{method}({self._arguments(node)})"
        me = self.expr(node.inputs[0])
        operator = operator_of(method)
        if operator is not None:
            other = self.value(node.arg(0, "other"))
            symbol, reflected = operator
            return f"({other} {symbol} {me})" if reflected else f"({me} {symbol} {other})"
        if method.strip("_") in UNARY:
            return f"({UNARY[method.strip('_')]}{me})"
        if method in ("__abs__", "__round__"):
            return f"{method.strip('_')}({me})"
        if method == "__getitem__":
            return self._scalar_item(node, me)
        if method in REDUCTIONS or method in COLUMNWISE or _to_categories(node):
            self.columnwise = True
        elif method not in ELEMENTWISE:
            raise Unsupported(at(node.line), f"no rule for Series.{method}")
        return f"{me}.{method}({self._arguments(node)})"

    def _masked_column(self, node: Node) -> str | None:
        """`df.loc[mask, "a"]` or `df[mask]["a"]` under a reduction (a group's median filling
        that group's gaps, one group per loop pass): the target's column at the rows a mask
        over the target selects, `a[mask]`; None for any other node."""
        if node.op == "loc.__getitem__":
            location = node.arg(0, "key")
            parts = location.get("tuple") if isinstance(location, dict) else None
            if not parts or len(parts) != 2 or ref(parts[0]) is None:
                return None
            frame, mask, column = self.graph.frame_input(node), ref(parts[0]), parts[1]
        elif node.op in ("DataFrame.__getitem__", "DataFrame.__getattr__") and node.inputs:
            rows = self.graph[node.inputs[0]]
            mask = ref(rows.arg(0, "key")) if rows.op == "DataFrame.__getitem__" else None
            if mask is None or not rows.inputs:
                return None
            frame, column = self.graph[rows.inputs[0]], node.arg(0, "key")
        else:
            return None
        plain = isinstance(column, str | int) and not isinstance(column, bool)
        if node.kind != "series" or self.graph[mask].kind != "series" or not plain:
            return None
        if frame is None or not self.target.holds(frame, column):
            return None
        self.columns.append(column)
        return f"{self.target.leaf(column)}[{self.expr(mask)}]"

    def _own_counts(self, node: Node) -> str | None:
        """`df[c].map(df[c].value_counts())`: each row's count of its own value of c, the size
        of its group by c, as `groupby(c)[c].transform('count')` gives it (a missing value is
        counted nowhere and maps to nothing); None for any other `map`."""
        counts = ref(node.arg(0, "arg")) if node.method == "map" else None
        counts_node = self.graph[counts] if counts is not None else None
        if counts_node is None or counts_node.op != "Series.value_counts" or counts_node.args:
            return None
        if counts_node.kwargs or not counts_node.inputs:
            return None
        mapped, counted = self.graph[node.inputs[0]], self.graph[counts_node.inputs[0]]
        column = self._leaf_column(mapped)
        if isinstance(column, _Computed) or column is None or column != self._leaf_column(counted):
            return None
        name = self.names(f"{column}_count")
        self.groups.append(GroupTransform(name, [column], column, "count"))
        self.columns.append(name)
        return self.target.leaf(name)

    def _reading(self, node: Node) -> str | None:
        """`s.apply(lambda c: c if counts[c] >= 10 else "Other")` after `counts =
        s.value_counts()`: the lambda reads statistics of the target's own columns, so each is
        computed again inside the column function from the same columns and bound as the
        lambda's keyword default; the function depends on whole columns (`forget`
        recomputes). None when the lambda reads no local name, or one that is no such value."""
        if node.method not in ("apply", "map") or not node.inputs:
            return None
        found = self.functions.lambda_reading(
            node.arg(0, "func" if node.method == "apply" else "arg")
        )
        if found is None or not found[1] or not _plain_parameters(found[0]):
            return None
        lam, names = found
        values = {name: self._assigned_before(node, name) for name in sorted(names)}
        if None in values.values():
            return None
        bound = ", ".join(f"{name}={self.expr(value)}" for name, value in values.items())
        self.columnwise = True
        me = self.expr(node.inputs[0])
        function = f"lambda {ast.unparse(lam.args)}, *, {bound}: {ast.unparse(lam.body)}"
        return f"{me}.{node.method}({function})"

    def _assigned_before(self, node: Node, name: str) -> int | None:
        """The Series the script last assigned to `name` (`name = ...`) before `node`."""
        lines = {
            line
            for statement in ast.walk(self.functions.tree)
            if isinstance(statement, ast.Assign)
            and [ast.unparse(t) for t in statement.targets] == [name]
            for line in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
        }
        for earlier in reversed(self.graph.nodes[: node.id]):
            if earlier.line in lines:
                return earlier.id if earlier.kind == "series" else None
        return None

    def _counted_labels(self, node: Node) -> str | None:
        """`s.isin(counts[counts < 25].index)`, `counts = s.value_counts()`: the values of the
        column whose own count passes the test, i.e. rows whose group size by it passes it
        (`count < 25`), which stays true when rows are deleted; None for any other `isin`.

        The trace holds the labels as a constant (it does not follow `.index`): they are the
        index of the latest selection of a `value_counts` of this column by a test of the
        counts themselves that has as many rows as there are labels."""
        labels = node.arg(0, "values") if node.method == "isin" else None
        if not (isinstance(labels, dict) and isinstance(labels.get("index"), list)):
            return None
        column = self._leaf_column(self.graph[node.inputs[0]])
        if column is None or isinstance(column, _Computed):
            return None
        chosen = self._count_selection(node, column, labels["index"])
        if chosen is None:
            return None
        counts, mask = chosen
        name = self.names(f"{column}_count")
        self.groups.append(GroupTransform(name, [column], column, "count"))
        self.columns.append(name)
        self.standing[counts] = self.target.leaf(name)
        return self.expr(mask)

    def _count_selection(
        self, node: Node, column: Any, labels: list[Any]
    ) -> tuple[int, int] | None:
        """The (value_counts, mask) of the selection whose index `labels` are."""
        if any(isinstance(v, dict) and "truncated" in v for v in labels):
            return None
        for earlier in reversed(self.graph.nodes[: node.id]):
            if earlier.op != "Series.__getitem__" or len(earlier.inputs) != 2:
                continue
            counts, mask = (self.graph[i] for i in earlier.inputs)
            if counts.op != "Series.value_counts" or counts.args or counts.kwargs:
                continue
            if earlier.rows_count != len(labels) or ref(earlier.arg(0, "key")) != mask.id:
                continue
            if self._counted_column(counts) != column:
                continue
            if not _only_from(self.graph, mask.id, counts.id):
                return None
            return counts.id, mask.id
        return None

    def _counted_column(self, counts: Node) -> Any:
        """The target's column a `value_counts` counted, or None (other rows or values)."""
        try:
            column = self._leaf_column(self.graph[counts.inputs[0]])
        except Unsupported:
            return None
        return None if isinstance(column, _Computed) else column

    def _scalar_item(self, node: Node, me: str) -> str:
        """`s.mode()[0]`: an element of a reduction's result (a column statistic)."""
        key = node.arg(0, "key")
        if ref(key) is not None or not self.columnwise:
            raise Unsupported(at(node.line), "a Series selection in a column expression")
        return f"{me}[{constant_code(key)}]"

    def _ufunc(self, node: Node) -> str:
        function, method, *operands = node.args
        if method != "__call__" or not isinstance(function, dict):
            raise Unsupported(at(node.line), f"a NumPy ufunc's {method}")
        name = self.functions.code(function)
        return f"{name}({', '.join(self.value(o) for o in operands)})"

    def _accessor(self, node: Node) -> str:
        me = self.expr(node.inputs[0])
        if node.raw.get("attribute"):
            return f"{me}.{node.owner}.{node.method}"
        if node.method == "__getitem__":
            return f"{me}.str[{constant_code(node.arg(0, 'key'))}]"
        if node.op == "str.extract" and node.kind == "frame" and len(node.columns) == 1:
            # one group, expanded: a one-column frame, which a column takes as its Series
            parts = [self.value(a) for a in node.args[:2]]
            parts += [f"{k}={self.value(v)}" for k, v in node.kwargs.items() if k != "expand"]
            return f"{me}.str.extract({', '.join([*parts, 'expand=False'])})"
        return f"{me}.{node.owner}.{node.method}({self._arguments(node)})"

    def _function_call(self, node: Node) -> str:
        name = node.op
        if node.op == "pd.cut" and isinstance(node.arg(1, "bins"), int):
            self.columnwise = True  # bins from the column's range
        if node.op == "pd.qcut":
            self.columnwise = True  # bins from the column's quantiles
        if node.op == "pd.Categorical" and node.arg(1, "categories") is None:
            self.columnwise = True  # the categories are the column's values
        elif node.op == "pd.Categorical":
            self.whole = True  # it takes list-likes only
        return f"{name}({self._arguments(node)})"

    def _arguments(self, node: Node) -> str:
        parts = [self.value(a) for a in node.args]
        parts += [f"{k}={self.value(v)}" for k, v in node.kwargs.items()]
        return ", ".join(parts)

    def _group_transform(self, node: Node) -> str:
        """`frame.groupby(keys)[column].transform(func)` as a column added to the target: `func`
        a pandas name, or the script's own function of the group's column."""
        keys, column = self._grouped_column(node)
        encoded = node.arg(0, "func")
        if _is_function(encoded):
            code = self.functions.code(encoded)
            return self._added(GroupTransform("", keys, column, "function", code))
        func = node.constant(0, "func")
        if not isinstance(func, str):
            raise Unsupported(at(node.line), "a group transform by something else than a function")
        return self._added(GroupTransform("", keys, column, func))

    def _group_window(self, node: Node) -> str:
        """`frame.groupby(keys)[column].shift(1)` (`diff`, `cumsum`, `rank`...): the window
        within each group, as `transform(lambda s: s.shift(1))` computes it."""
        keys, column = self._grouped_column(node)
        code = f"lambda s: s.{node.method}({self._constant_arguments(node)})"
        return self._added(GroupTransform("", keys, column, node.method, code))

    def _across(self, node: Node) -> str:
        """`df.sum(axis=1)` (`mean`, `min`, `max`): a reduction of each row across the target's
        columns, as pandas computes it (missing values skipped)."""
        frame = self.graph[node.inputs[0]] if node.inputs else None
        if frame is None or node.constant(0, "axis", 0) not in (1, "columns") or node.args[1:]:
            raise Unsupported(at(node.line), f"no rule for {node.op} in a column expression")
        if not all(self.target.holds(frame, c) for c in frame.columns):
            raise Unsupported(at(node.line), f"{node.op} of a frame with other rows or values")
        self.columns += list(frame.columns)
        parts = ", ".join(self.target.leaf(c) for c in frame.columns)
        return f"pd.concat([{parts}], axis=1).{node.method}(axis=1)"

    def _added(self, group: GroupTransform) -> str:
        group.name = self.names(f"{group.column}_{group.func}")
        self.groups.append(group)
        self.columns.append(group.name)
        return self.target.leaf(group.name)

    def _grouped_column(self, node: Node) -> tuple[list[Any], Any]:
        """The keys and the column of `frame.groupby(keys)[column]`, a column of the target."""
        selection = self.graph[node.inputs[0]]
        grouping = self.graph[selection.inputs[0]] if selection.inputs else None
        if selection.op != "GroupBy.__getitem__" or grouping is None:
            raise Unsupported(at(node.line), "a transform of an unknown grouping")
        if grouping.op != "DataFrame.groupby":
            raise Unsupported(at(node.line), f"a transform of {grouping.op}")
        frame = self.graph[grouping.inputs[0]]
        by = grouping.constant(0, "by")
        keys = by if isinstance(by, list) else [by]
        column = selection.constant(0, "key")
        if not isinstance(column, str | int):
            raise Unsupported(at(node.line), "a group transform of several columns")
        for name in [*keys, column]:
            if not self.target.holds(frame, name):
                raise Unsupported(at(node.line), "a group transform of another frame")
        return keys, column

    def _constant_arguments(self, node: Node) -> str:
        parts = [constant_code(a) for a in node.args]
        parts += [f"{k}={constant_code(v)}" for k, v in node.kwargs.items()]
        return ", ".join(parts)


def _column_read(node: Node, frame: Node) -> Any:
    """The column a node reads whole from `frame`: `df[c]`, `df.c`, `df.loc[:, c]` and
    `df.iloc[:, i]` (`dataset.iloc[:, -1]`, the label as the course templates take it); None
    for any other node."""
    if node.owner == "DataFrame" and node.method in ("__getitem__", "__getattr__"):
        return node.constant(0, "key")
    if node.owner not in ("loc", "iloc") or node.method != "__getitem__":
        return None
    key = node.arg(0, "key")
    parts = key.get("tuple") if isinstance(key, dict) else None
    if not parts or len(parts) != 2 or parts[0] != {"slice": [None, None, None]}:
        return None
    column = parts[1]
    if not isinstance(column, str | int) or isinstance(column, bool):
        return None
    if node.owner == "loc":
        return column
    count = len(frame.columns)
    return frame.columns[column] if isinstance(column, int) and -count <= column < count else None


def _only_from(graph: Graph, node_id: int, leaf: int) -> list[int]:
    """The nodes `node_id` is computed from, when `leaf` is the only traced value at their
    bottom (a test of the counts alone); empty otherwise."""
    seen, todo = [], [node_id]
    while todo:
        current = todo.pop()
        seen.append(current)
        if current == leaf:
            continue
        inputs = graph[current].inputs
        if not inputs:
            return []
        todo.extend(i for i in inputs if i not in seen)
    return seen


def _holds_refs(encoded: Any) -> bool:
    """A list or tuple argument with traced values among its items."""
    items = encoded if isinstance(encoded, list) else None
    if isinstance(encoded, dict) and isinstance(encoded.get("tuple"), list) and len(encoded) == 1:
        items = encoded["tuple"]
    return items is not None and any(ref(i) is not None or _holds_refs(i) for i in items)


@dataclass(frozen=True)
class _Computed:
    """A column of a computed frame, already rendered as code."""

    code: str


def _to_categories(node: Node) -> bool:
    """`s.astype("category")`: its categories, and so its `.cat.codes`, are the column's own
    sorted values, as in `pd.Categorical(s)`."""
    return node.method == "astype" and node.arg(0, "dtype") == "category"


def _plain_parameters(lam: ast.Lambda) -> bool:
    """Whether a lambda has positional parameters only, so keyword defaults can be added."""
    arguments = lam.args
    return bool(arguments.args) and not (
        arguments.vararg or arguments.kwonlyargs or arguments.kwarg or arguments.posonlyargs
    )


def _is_function(encoded: Any) -> bool:
    return isinstance(encoded, dict) and "function" in encoded
