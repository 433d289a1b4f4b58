"""The trace lifter's rules for wide tables: one row per key, one column per category (mixed
into `FrameLifter`; idiom: pivot of counts per category).

`pd.pivot_table(df, index=k, columns=c, values=v, aggfunc=f, fill_value=0)` and
`df.groupby([k, c])[v].f().unstack(fill_value=0)` give, per key, the reduction of the rows of
each category. In Frame form each category's rows are a column first (`v` where `c` is that
category, else missing; a 1 where it is, for a count of rows) and the key's reduction of that
column is an `aggregate`, so each output row's provenance is the key's rows and `forget` keeps
it. The categories are the ones the run saw (the columns of the traced result): a deletion that
removes a category's last row leaves its column, filled, where a re-run would drop it (the
scripts pin the columns with `reindex(columns=...)` or a selection anyway).
`reindex(columns=[...], fill_value=x)` adds the missing columns as constants.

Such a table is keyed: its index is the keys, which the Frame holds as columns. A Series
reduced by the same keys assigned to it (`wide["n"] = df.groupby(k)["v"].nunique()`) or a
keyed frame joined on the index (`wide.join(summary)`) align by key: both are `join` on the
keys. `wide.div(wide.sum(axis=1), axis=0)` divides each column by its row's total.
"""

from __future__ import annotations

from typing import Any

from .syntax import Unsupported
from .trace_graph import Node, at, ref, series_column

EMPTY = ("count", "size", "sum", "nunique")  # reductions that give 0, not NaN, on no rows
KEYWORD_ONLY = 99  # the position of an argument pandas takes by keyword only
FUNCTIONS = (*EMPTY, "mean", "median", "min", "max", "first", "last", "std", "var")


class WideRules:
    """Mixed into `FrameLifter`; uses its graph, emit, note, var, fresh_column, frame_columns."""

    def _pivot(self, node: Node) -> str:
        """`pd.pivot_table(df, index=k, columns=c, values=v, aggfunc=f, fill_value=x)`."""
        shift = 1 if node.op == "pd.pivot_table" else 0
        values, index, columns = (node.constant(i + shift, n) for i, n in enumerate(VALUE_KEYS))
        func = node.constant(3 + shift, "aggfunc", "mean")
        fill = node.constant(4 + shift, "fill_value")
        if isinstance(values, list) and len(values) == 1:
            values = values[0]
        if not all(isinstance(x, str) for x in (values, index, columns)):
            raise Unsupported(at(node.line), "a pivot table not of one value by one key and column")
        return self._wide(node, self.graph.frame_input(node), index, columns, values, func, fill)

    def _unstack(self, node: Node) -> str:
        """`df.groupby([k, c])[v].f().unstack(fill_value=x)`, `.size().unstack(...)`."""
        reduction = self.graph[node.inputs[0]] if node.inputs else None
        found = self.reduction(reduction) if reduction is not None else None
        if found is None or node.constant(0, "level", -1) != -1:
            raise Unsupported(at(node.line), "an unstack of something other than a group-by")
        _, grouping, selected = found
        keys = self._keys(grouping)
        if len(keys) != 2 or len(selected) > 1 or reduction.method not in FUNCTIONS:
            raise Unsupported(at(node.line), "an unstack of a group-by not by a key and a column")
        frame = self.graph[grouping.inputs[0]]
        value = selected[0] if selected else None
        if value is None and reduction.method != "size":
            raise Unsupported(at(node.line), "an unstack of a reduction of every column")
        fill = node.constant(1, "fill_value")
        return self._wide(node, frame, keys[0], keys[1], value, reduction.method, fill)

    def _crosstab(self, node: Node) -> str:
        """`pd.crosstab(df[k], df[c])`: the count of each key's rows per category."""
        read = [series_column(self.graph, i) for i in node.inputs]
        if len(read) != 2 or None in read or read[0][0] != read[1][0]:
            raise Unsupported(at(node.line), "a crosstab not of two columns of one frame")
        if set(node.kwargs) - {"index", "columns"}:
            raise Unsupported(at(node.line), "a crosstab with values, margins or normalize")
        (frame, key), (_, column) = read
        return self._wide(node, self.graph[frame], key, column, None, "size", 0)

    def _wide(
        self,
        node: Node,
        frame: Node,
        key: str,
        column: str,
        value: str | None,
        func: Any,
        fill: Any,
    ) -> str:
        if func not in FUNCTIONS:
            raise Unsupported(at(node.line), f"a pivot by {func!r}")
        if func in EMPTY and fill != 0:  # pandas fills a key without such rows, not with 0
            raise Unsupported(at(node.line), f"a pivot by {func!r} with fill value {fill!r}")
        if func == "size":  # the rows, whatever their values
            value = None
        categories = node.columns
        if not all(isinstance(c, str) for c in categories):
            raise Unsupported(at(node.line), "a pivot whose categories are not text")
        base = self.var[frame.id]
        if self._nullable(frame, [key, column]):
            base = self.emit(
                node, f"{base}.filter(lambda d: d[[{key!r}, {column!r}]].notna().all(axis=1))", base
            )
        parts = []
        for category in categories:
            made = self.fresh_column(category)
            if value is None:  # a count of the category's rows
                function = f"lambda c: (c == {category!r}).astype(int)"
                read, reduce = [column], "'sum'"
            else:
                function = f"lambda c, v: v.where(c == {category!r})"
                read, reduce = [column, value], repr(func)
            base = self.emit(
                node, f"{base}.project({made!r}, {read!r}, {function}, vectorized=True)", base
            )
            parts.append(f"{category!r}: ({made!r}, {reduce})")
        wide = self.emit(node, f"{base}.aggregate([{key!r}], **{{{', '.join(parts)}}})", base)
        if fill is not None and func not in EMPTY:
            wide = self.emit(node, f"{wide}.fill_na({list(categories)!r}, value={fill!r})", wide)
        self.frame_columns[node.id] = [key, *categories]
        self.note(node, f"pivot of {func} per {column} by {key} (aggregate)")
        return wide

    def _reindex(self, node: Node) -> str:
        """`wide.reindex(columns=[...], fill_value=x)`: the listed columns in that order, each
        missing one a constant."""
        wanted = node.constant(KEYWORD_ONLY, "columns")
        if not isinstance(wanted, list) or not all(isinstance(c, str) for c in wanted):
            raise Unsupported(at(node.line), "a reindex other than of named columns")
        if node.args or "index" in node.kwargs or "method" in node.kwargs:
            raise Unsupported(at(node.line), "a reindex of the rows")
        frame = self.graph.frame_input(node)
        fill = node.constant(KEYWORD_ONLY, "fill_value", float("nan"))
        code = self.var[frame.id]
        for column in (c for c in wanted if c not in frame.columns):
            code += f".project({column!r}, [], lambda: {_literal(fill)})"
        keys = self.keys_of(frame)
        self.frame_columns[node.id] = [*keys, *wanted]
        self.note(node, "reindex of the columns (select)")
        return self.emit(node, f"{code}.select({[*keys, *wanted]!r})", self.var[frame.id])

    def keys_of(self, frame: Node) -> list[Any]:
        """The group keys a frame holds as its index (none for a frame of rows)."""
        held = self.frame_columns.get(frame.id, frame.columns)
        return list(held[: len(held) - len(frame.columns)])

    def keyed_assignment(self, node: Node) -> str | None:
        """`wide[name] = df.groupby(keys)[v].f()`: the reduction joined on the same keys."""
        value = ref(node.arg(1, "value"))
        reduced = self.reduced_series(value) if value is not None else None
        frame = self.graph.frame_input(node)
        keys = self.keys_of(frame)
        name = node.constant(0, "key")
        if (
            reduced is None
            or not keys
            or self._keys(self.reduction(self.graph[reduced])[1]) != keys
        ):
            return None
        self.lift(reduced)  # the statistic and its own frames, emitted before this line
        if name in frame.columns or not isinstance(name, str):
            raise Unsupported(at(node.line), "a group statistic replacing a column of the table")
        column = self.frame_columns[reduced][-1]
        right = self.var[reduced] + (f".rename({{{column!r}: {name!r}}})" if column != name else "")
        self.frame_columns[node.id] = [*keys, *node.columns]
        self.note(node, f"a group statistic by {keys} assigned to the table keyed by them (join)")
        base = self.var[frame.id]
        return self.emit(node, f"{base}.join({right}, on={keys!r}, how='left')", base)

    def keyed_join(self, node: Node, other: Node, how: str) -> str | None:
        """`wide.join(summary)`: two tables keyed by the same keys, joined on them."""
        frame = self.graph.frame_input(node)
        keys = self.keys_of(frame)
        if not keys or self.keys_of(other) != keys or how not in ("inner", "left"):
            return None
        self.frame_columns[node.id] = [*keys, *node.columns]
        self.note(node, f"tables keyed by {keys} joined on them (join)")
        base = self.var[frame.id]
        return self.emit(node, f"{base}.join({self.var[other.id]}, on={keys!r}, how={how!r})", base)

    def _shares(self, node: Node) -> str:
        """`wide.div(wide.sum(axis=1), axis=0)`: each column over its row's total."""
        frame = self.graph.frame_input(node)
        total = self.graph[ref(node.arg(0, "other"))] if ref(node.arg(0, "other")) else None
        if (
            total is None
            or total.op != "DataFrame.sum"
            or total.inputs[:1] != [frame.id]
            or total.constant(0, "axis", 0) not in (1, "columns")
            or node.constant(1, "axis", "columns") not in (0, "index", "rows")
        ):
            raise Unsupported(at(node.line), f"no rule for {node.op} in the dataflow")
        columns = list(frame.columns)
        made = self.fresh_column("total")
        code = (
            f"{self.var[frame.id]}.project({made!r}, {columns!r}, "
            "lambda *c: pd.concat(c, axis=1).sum(axis=1), vectorized=True)"
        )
        for column in columns:
            code += f".project({column!r}, [{column!r}, {made!r}], lambda v, t: v / t)"
        self.frame_columns[node.id] = [*self.keys_of(frame), *columns]
        self.note(node, "each column over its row's total (project)")
        return self.emit(node, f"{code}.drop([{made!r}])", self.var[frame.id])


def _literal(value: Any) -> str:
    return "np.nan" if isinstance(value, float) and value != value else repr(value)


VALUE_KEYS = ("values", "index", "columns")
