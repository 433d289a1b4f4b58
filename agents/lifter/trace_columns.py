"""The trace lifter's rules for columns computed by pandas idioms that have a Frame operation of
their own (mixed into `FrameLifter`): fills by a statistic, group-wise values, row functions,
ranks, `assign` with frame functions, element-wise frame methods and frame arithmetic with
per-column statistics assigned to several columns, `get_dummies`."""

from __future__ import annotations

import ast
from typing import Any

from ..oracle.dataflow import value_code
from .syntax import Unsupported, identifier
from .trace_code import constant_code
from .trace_graph import REDUCTIONS, Node, at, operator_of, ref
from .trace_series import Expr, Target

STATISTICS = ("mean", "median", "min", "max")
ELEMENTWISE_FRAME = ("astype", "replace", "round", "abs", "clip", "map")
TEXT_DTYPES = ("object", "str", "string", "category")
FRAME_ELEMENTWISE = ("fillna", *ELEMENTWISE_FRAME)


class ColumnRules:
    """Mixed into `FrameLifter`; uses its graph, compile, emit and note."""

    def holds(self, frame: int, node: Node, columns: list[Any]) -> bool:
        target = Target(self.graph, frame, str)
        return all(target.holds(node, c) for c in columns)

    # ---- several columns ----------------------------------------------------------------------

    def assign_columns(self, node: Node, base: str, frame: int, columns: list, value: Any) -> str:
        """`df[[a, b]] = <frame expression>`: a fill of those columns, or one project each."""
        fill = self.fill_code(ref(value), frame, columns)
        if fill is not None:
            self.note(node, f"columns {columns} filled (fill_na)")
            return f"{base}.{fill}"
        source = self.graph[ref(value)] if ref(value) is not None else None
        if source is None or source.kind != "frame":
            raise Unsupported(at(node.line), f"columns assigned from {source and source.op}")
        code = base
        for column in columns:
            expr = self.column_of(source, column, frame)
            code = (
                f"{code}.project({column!r}, {expr.columns!r}, {self.function(expr)}{expr.options})"
            )
        self.note(node, f"columns {columns} assigned (derived columns)")
        return code

    def column_of(self, frame_node: Node, column: Any, target: int) -> Expr:
        """The expression for one column of an element-wise frame expression: a selection of
        the target's columns, through `fillna`-like methods and arithmetic with numbers or
        with the selection's own column statistics (`(df[c] - df[c].mean()) / df[c].std()`:
        per column, the same statistic of that column, so the function is columnwise)."""
        params = {column: identifier(str(column), {"np", "pd"})}
        expr = Expr("", [column])
        expr.code = self._frame_column(frame_node, column, target, params[column], expr)
        expr.params = params  # type: ignore[attr-defined]
        return expr

    def _frame_column(self, node: Node, column: Any, target: int, name: str, expr: Expr) -> str:
        if node.owner == "DataFrame" and node.method in FRAME_ELEMENTWISE and node.inputs:
            inner = self._frame_column(self.graph[node.inputs[0]], column, target, name, expr)
            arguments = [constant_code(a) for a in node.args]
            arguments += [f"{k}={constant_code(v)}" for k, v in node.kwargs.items()]
            return f"{inner}.{node.method}({', '.join(arguments)})"
        symbol = operator_of(node.method) if node.owner == "DataFrame" else None
        if symbol is not None and node.inputs and len(node.args) == 1:
            left = self._frame_column(self.graph[node.inputs[0]], column, target, name, expr)
            right = self._operand(node, node.args[0], column, target, name, expr)
            operator, reflected = symbol
            left, right = (right, left) if reflected else (left, right)
            return f"({left} {operator} {right})"
        if not (node.owner == "DataFrame" and node.method == "__getitem__" and node.inputs):
            raise Unsupported(at(node.line), f"a frame expression of {node.op}")
        if not Target(self.graph, target, str).holds(self.graph[node.inputs[0]], column):
            raise Unsupported(at(node.line), "a column of another frame")
        return name

    def _operand(
        self, node: Node, value: Any, column: Any, target: int, name: str, expr: Expr
    ) -> str:
        """A number, another frame expression, or a statistic per column of one."""
        other = ref(value)
        if other is None:
            return constant_code(value)
        operand = self.graph[other]
        if operand.kind == "frame":
            return self._frame_column(operand, column, target, name, expr)
        by_column = operand.kwargs.get("axis", 0) in (0, "index") and not operand.args
        by_column = by_column and bool(operand.inputs)
        if operand.owner == "DataFrame" and operand.method in REDUCTIONS and by_column:
            of = self._frame_column(self.graph[operand.inputs[0]], column, target, name, expr)
            kept = {k: v for k, v in operand.kwargs.items() if k != "axis"}
            arguments = [f"{k}={constant_code(v)}" for k, v in kept.items()]
            expr.columnwise = True
            return f"{of}.{operand.method}({', '.join(arguments)})"
        raise Unsupported(at(node.line), f"a frame expression with {operand.op}")

    # ---- one column ---------------------------------------------------------------------------

    def special_assignment(
        self, node: Node, base: str, frame: int, column: Any, value_id: int
    ) -> str | None:
        """The Frame operation of its own for `df[column] = <value>`, or None."""
        value = self.graph[value_id]
        if value.op == "GroupBy.transform":
            expr = self.compile(value_id, frame, None)
            (group,) = expr.groups
            self.note(
                node, f"{column} = group-wise {group.func} of {group.column} (transform_groups)"
            )
            return group.call(base, column)
        statistic = self._own_statistic(value, frame, column)
        if statistic is not None:
            self.note(node, f"{column} filled with its {statistic} (fill_na)")
            return f"{base}.fill_na({column!r}, statistic={statistic!r})"
        if value.op == "DataFrame.apply" and value.constant(1, "axis", 0) in (1, "columns"):
            rows = self.graph[value.inputs[0]]
            if not self.holds(frame, rows, rows.columns):
                raise Unsupported(at(value.line), "a row function of another frame")
            function = self.functions.code(value.arg(0, "func"))
            self.note(node, f"{column} = a function of each row (apply_rows)")
            return f"{base}.apply_rows({column!r}, {function}, {rows.columns!r})"
        if value.op == "Series.rank" and value.inputs:
            leaf = self.graph[value.inputs[0]]
            source = leaf.constant(0, "key") if leaf.owner == "DataFrame" else None
            if source is not None and self.holds(frame, self.graph[leaf.inputs[0]], [source]):
                options = ", ".join(f"{k}={constant_code(v)}" for k, v in value.kwargs.items())
                self.note(node, f"{column} = rank of {source} (rank)")
                return f"{base}.rank({column!r}, {source!r}{', ' if options else ''}{options})"
        return None

    def _own_statistic(self, value: Node, frame: int, column: Any) -> str | None:
        """`df[c].fillna(df[c].median())` (or `.mode()[0]`): c filled with its own statistic."""
        if value.op != "Series.fillna" or not value.inputs:
            return None
        if self._leaf(value.inputs[0], frame) != column:
            return None
        statistic = (
            self.graph[ref(value.arg(0, "value"))]
            if ref(value.arg(0, "value")) is not None
            else None
        )
        if statistic is None:
            return None
        if statistic.op == "Series.__getitem__" and statistic.constant(0, "key") == 0:
            statistic = self.graph[statistic.inputs[0]]
            name = "mode" if statistic.op == "Series.mode" else None
        else:
            name = statistic.method if statistic.op.startswith("Series.") else None
            name = (
                name if name in STATISTICS and not statistic.args and not statistic.kwargs else None
            )
        if name is None or self._leaf(statistic.inputs[0], frame) != column:
            return None
        return name

    def _leaf(self, node_id: int, frame: int) -> Any:
        """The target column a node reads (`df["c"]`, `df.c`) or None."""
        node = self.graph[node_id]
        if node.owner != "DataFrame" or node.method not in ("__getitem__", "__getattr__"):
            return None
        column = node.constant(0, "key")
        if not isinstance(column, str | int) or not node.inputs:
            return None
        return column if self.holds(frame, self.graph[node.inputs[0]], [column]) else None

    # ---- several columns ----------------------------------------------------------------------

    def fill_code(self, value_id: int | None, frame: int, columns: list[Any]) -> str | None:
        """`fill_na(...)` for `df[cols].fillna(v)` assigned to the same columns of `frame`."""
        if value_id is None:
            return None
        value = self.graph[value_id]
        if value.op != "DataFrame.fillna" or not value.inputs:
            return None
        filled = self.graph[value.inputs[0]]
        if filled.columns != columns or not self.holds(
            frame, self.graph[filled.inputs[0]], columns
        ):
            return None
        return self._fill(value, frame, columns)

    def _fill(self, value: Node, frame: int, columns: list[Any] | None) -> str | None:
        if value.constant(2, "method") is not None or "limit" in value.kwargs:
            return None
        fill = value.arg(0, "value")
        target = "" if columns is None else f"{columns!r}, "
        if ref(fill) is None:
            return f"fill_na({target}value={constant_code(fill)})"
        statistic, over, covered = self._frame_statistic(self.graph[ref(fill)])
        if statistic is None or not self.holds(
            frame, over, [c for c in (columns or []) if c in covered]
        ):
            return None
        # fillna by a Series fills the columns it has a value for, and no other
        chosen = [c for c in columns or self.graph[frame].columns if c in covered]
        return f"fill_na({chosen!r}, statistic={statistic!r})"

    def _frame_statistic(self, node: Node) -> tuple[str | None, Node | None, list[Any]]:
        """(`mean`, frame, its columns) for `frame.mean()`; (`mode`, ...) for
        `frame.mode().iloc[0]`; with `numeric_only=True` the statistic covers the frame's
        numeric columns only (`df.fillna(df.median(numeric_only=True))` leaves text alone)."""
        if node.op == "iloc.__getitem__" and node.constant(0, "key") == 0:
            mode = self.graph[node.inputs[0]]
            if mode.op == "DataFrame.mode" and not mode.args and not mode.kwargs:
                over = self.graph[mode.inputs[0]]
                return "mode", over, over.columns
        if node.op.startswith("DataFrame.") and node.method in STATISTICS and node.inputs:
            if set(node.kwargs) <= {"numeric_only"} and not node.args:
                over = self.graph[node.inputs[0]]
                if not node.constant(2, "numeric_only", False):
                    return node.method, over, over.columns
                dtypes = over.out.get("dtypes") or []
                numeric = [c for c, t in zip(over.columns, dtypes, strict=False) if _numeric(t)]
                return node.method, over, numeric
        return None, None, []

    def _fillna(self, node: Node) -> str:
        frame = self.graph.frame_input(node)
        fill = self._fill(node, frame.id, None)
        if fill is None:
            raise Unsupported(at(node.line), "a fillna by a method or another frame's values")
        base = self.input_var(node)
        self.note(node, "fillna of the frame (fill_na)")
        return self.emit(node, f"{base}.{fill}", base)

    def _columnwise(self, node: Node) -> str:
        """An element-wise frame method: one `project` per column it changes."""
        frame = self.graph.frame_input(node)
        base = self.input_var(node)
        calls = _per_column_calls(node)
        if calls is None:
            arguments = [constant_code(a) for a in node.args]
            arguments += [f"{k}={constant_code(v)}" for k, v in node.kwargs.items()]
            calls = {c: f"{node.method}({', '.join(arguments)})" for c in frame.columns}
        code = base
        for column, call in calls.items():
            name = identifier(str(column), {"np", "pd"})
            code = f"{code}.project({column!r}, [{column!r}], lambda {name}: {name}.{call})"
        self.note(node, f"{node.method} of every column (projects)")
        return self.emit(node, code, base)

    def _assign(self, node: Node) -> str:
        """`assign(c=lambda d: ..., e=series, f=1)`: one project per keyword, in order."""
        frame = self.graph.frame_input(node)
        code = self.input_var(node)
        for column, value in node.kwargs.items():
            if isinstance(value, dict) and "function" in value:
                code = f"{code}.project({column!r}, {self._frame_lambda(value, frame)})"
            else:
                code = self.project(node, code, frame.id, column, value)
        self.note(node, f"assign {list(node.kwargs)} (derived columns)")
        return self.emit(node, code, self.input_var(node))

    def _frame_lambda(self, encoded: dict[str, Any], frame: Node) -> str:
        """`lambda d: d["a"] + d.b` as `["a", "b"], lambda a, b: a + b`."""
        lam = self.functions.lambda_node(encoded)
        if len(lam.args.args) != 1:
            raise Unsupported(None, "an assign function with more than one parameter")
        param = lam.args.args[0].arg
        rewriter = _FrameReads(param, frame.columns)
        body = rewriter.visit(lam.body)
        if rewriter.other_uses:
            raise Unsupported(None, "an assign function that uses its frame other than by column")
        names = ", ".join(rewriter.params.values())
        return f"{list(rewriter.params)!r}, lambda {names}: {ast.unparse(body)}"

    # ---- dummies ------------------------------------------------------------------------------

    def _dummies(self, node: Node) -> str:
        data = self.graph[ref(node.arg(0, "data"))]
        options = {
            k: v
            for k, v in node.kwargs.items()
            if k in ("prefix", "prefix_sep", "drop_first", "dtype", "dummy_na")
        }
        if data.kind == "series":
            column = data.constant(0, "key")
            frame = self.graph[data.inputs[0]]
            base = f"{self.var[frame.id]}.select([{column!r}])"
            columns = [column]
            if "prefix" not in options:  # a Series' dummies are named by their values alone
                options.update(prefix="", prefix_sep="")
        else:
            base = self.var[data.id]
            chosen = node.constant(1, "columns")
            columns = (
                chosen
                if chosen is not None
                else [
                    c
                    for c, t in zip(data.columns, data.out.get("dtypes", []), strict=False)
                    if t in TEXT_DTYPES
                ]
            )
        arguments = "".join(f", {k}={constant_code(v)}" for k, v in options.items())
        self.note(node, f"get_dummies of {list(columns)} (get_dummies)")
        return self.emit(node, f"{base}.get_dummies({list(columns)!r}{arguments})", base)


def _per_column_calls(node: Node) -> dict[Any, str] | None:
    """The Series call per column where the frame method was given one per column by a dict:
    `astype({c: t})`, `round({c: n})`, `replace({c: {old: new}})`, `replace({c: old}, new)`;
    None when the call applies as written to every column (`replace({old: new})` too)."""
    first = {"astype": "dtype", "round": "decimals", "replace": "to_replace"}.get(node.method)
    spec = node.constant(0, first) if first else None
    if not isinstance(spec, dict) or not spec:
        return None
    if node.kwargs.keys() - {first, "value"}:
        raise Unsupported(at(node.line), f"{node.op} of a dict with {sorted(node.kwargs)}")
    if node.method != "replace":
        return {c: f"{node.method}({value_code(v)})" for c, v in spec.items()}
    if len(node.args) > 1 or "value" in node.kwargs:
        value = value_code(node.constant(1, "value"))
        return {c: f"replace({value_code(old)}, {value})" for c, old in spec.items()}
    if all(isinstance(m, dict) for m in spec.values()):
        return {c: f"replace({value_code(m)})" for c, m in spec.items()}
    return None


class _FrameReads(ast.NodeTransformer):
    """`d["a"]` and `d.a` become a parameter per column; any other use of `d` is noted."""

    def __init__(self, frame: str, columns: list[Any]) -> None:
        self.frame, self.columns = frame, columns
        self.params: dict[Any, str] = {}
        self.other_uses = False

    def _param(self, column: Any) -> ast.Name:
        if column not in self.params:
            self.params[column] = identifier(str(column), set(self.params.values()) | {"np", "pd"})
        return ast.Name(id=self.params[column], ctx=ast.Load())

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:  # noqa: N802 (ast API)
        if isinstance(node.value, ast.Name) and node.value.id == self.frame:
            key = node.slice
            if isinstance(key, ast.Constant) and key.value in self.columns:
                return self._param(key.value)
        return self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:  # noqa: N802 (ast API)
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == self.frame
            and node.attr in self.columns
        ):
            return self._param(node.attr)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast API)
        if node.id == self.frame:
            self.other_uses = True
        return node


def _numeric(dtype: str) -> bool:
    """A dtype pandas' `numeric_only=True` keeps: numbers and booleans, nullable ones too."""
    return dtype.lower().startswith(("int", "uint", "float", "bool", "complex"))
