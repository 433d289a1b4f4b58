"""The offline lifter's rules for top-level pandas statements on frames it knows (the expressions
themselves are lifted by `pandas.py`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..oracle import static
from . import accumulate
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    located_base,
    subscript_base,
    substitute,
)

COLUMN_ARRAYS = ("np.array", "np.asarray", "numpy.array", "numpy.asarray", "list")


class PandasRules:
    """Top-level pandas statements: frames assigned from expressions, column assignments, masked assignments. Mixed into `Lifter`."""

    def pandas_assign(self, var: str, value: ast.AST, stmt: ast.stmt) -> None:
        from .pandas import is_column_scalar, lift_frame_expression

        rel = lift_frame_expression(self, value, stmt)
        if rel is not None:
            self.env[var] = rel
            self.last = rel
            return
        self.remember_column_values(value)
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in self.scalars}
        value = substitute(value, {n: self.scalars[n][1] for n in used})
        frame = next((f for f in self.env if is_column_scalar(value, f)), None)
        if frame is not None:
            self.scalars[var] = (frame, value)
            self.note(
                stmt, f"{var} = {ast.unparse(value)[:60]}, recomputed where used (column aggregate)"
            )

    def remember_column_values(self, value: ast.AST) -> None:
        """`y = np.array(df["label"])`: a column's values taken out of the frame before a row
        loop over it (idiom: label column beside collected rows); `riding_columns` keeps it."""
        while isinstance(value, ast.Call) and static.dotted(value.func) in COLUMN_ARRAYS:
            value = value.args[0] if value.args else None
        if isinstance(value, ast.Attribute) and value.attr == "values":
            value = value.value
        base = subscript_base(value) if isinstance(value, ast.Subscript) else None
        column = static.literal(value.slice) if base in self.env else None
        if isinstance(column, str) and column in self.env[base].columns:
            self.column_values.append((self.env[base].var, column))

    def riding_columns(self, ctx: Ctx, columns: list[str]) -> list[str]:
        """Columns whose values the script took out of the frame a row loop collects from, when
        the loop keeps every row in order (only projections on the way): they stay beside the
        collected rows, so that the label can be read from the same rows."""
        chain, var = {ctx.rel.var}, ctx.rel.var
        steps = dict(line.split(" = ", 1) for line in self.lines)
        while var in steps and re.match(r"^\w+\.project\(", steps[var]):
            var = steps[var].split(".", 1)[0]
            chain.add(var)
        return [
            column
            for frame, column in self.column_values
            if frame in chain and column in ctx.rel.columns and column not in columns
        ]

    def inline_scalars(self, node: ast.AST, frame: str) -> ast.AST:
        """Column aggregates bound to names are recomputed inside the expressions that use them."""
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in self.scalars}
        if not used:
            return node
        if any(self.scalars[n][0] != frame for n in used):
            raise Unsupported(node, "a column aggregate of one frame used in another frame")
        return substitute(node, {n: self.scalars[n][1] for n in used})

    def forget_scalars(self, frame: str, column: str) -> None:
        """A reassigned column makes the aggregates computed from it stale."""
        from .pandas import _columns_of

        for name, (owner, expr) in list(self.scalars.items()):
            if owner == frame and column in _columns_of(expr, frame):
                del self.scalars[name]

    def pandas_column(self, target: ast.Subscript, value: ast.AST, stmt: ast.stmt) -> None:
        from .pandas import lift_column_assignment

        base = subscript_base(target)
        column = static.literal(target.slice)
        if isinstance(column, str) and accumulate.apply_lookup(self, base, column, value, stmt):
            self.forget_scalars(base, column)
            return
        if isinstance(value, ast.Name) and value.id in self.env:
            self.parallel_column(base, static.literal(target.slice), self.env[value.id], stmt)
        else:
            self.env[base] = lift_column_assignment(self, self.env[base], target, value, stmt)
        self.last = self.env[base]
        self.forget_scalars(base, static.literal(target.slice))

    def parallel_column(self, frame: str, column: Any, values: Rel, stmt: ast.stmt) -> None:
        """`df['hour'] = hours`, where a loop over df's rows appended one value per row to
        `hours`: the column computed in that loop (idiom: parallel list assigned as a column)."""
        current = self.env[frame]
        if values.aligned is None or values.aligned[:2] != (frame, current.var):
            raise Unsupported(stmt, f"a column from a list not built row by row from {frame}")
        if not isinstance(column, str) or len(values.columns) != 1:
            raise Unsupported(stmt, "a list of several fields assigned as one column")
        loop_var, (computed,) = values.aligned[2], values.columns
        if column == computed:
            new = loop_var
        elif column in current.columns:
            fn = "lambda v: v"
            new = self.emit(f"{loop_var}.project({column!r}, [{computed!r}], {fn})", frame)
        else:
            new = self.emit(f"{loop_var}.rename({{{computed!r}: {column!r}}})", frame)
        self.env[frame] = Rel(
            new, current.columns + [c for c in [column] if c not in current.columns]
        )
        for rel in self.env.values():
            if rel.aligned is not None and rel.aligned[2] == loop_var and rel is not values:
                rel.aligned = (frame, new, new)
        self.note(stmt, f"column {column} = {values.var} (parallel list assigned as a column)")

    def pandas_masked(self, target: ast.Subscript, value: ast.AST, stmt: ast.stmt) -> None:
        from .pandas import lift_masked_assignment

        base = located_base(target)
        self.env[base] = lift_masked_assignment(self, self.env[base], target, value, stmt)
        self.last = self.env[base]
        self.forget_scalars(base, static.literal(target.slice.elts[1]))
