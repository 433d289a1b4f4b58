"""The offline lifter's row expressions: which names and subscripts are fields of the current row, and
the row-wise functions built from an expression over them.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..oracle import static
from .syntax import (
    Ctx,
    Unsupported,
    copy_node,
    identifier,
    is_none,
    located_base,
    param_name,
)

if TYPE_CHECKING:
    from .prepare import Lifter


class ExpressionRules:
    """Row expressions: which names are fields of the row, and the row-wise functions made of them. Mixed into `Lifter`."""

    def field_ref(self, node: ast.AST, ctx: Ctx) -> str | None:
        """The column a name or a row subscript (`row[2]`, `row['x']`, `row.x`) refers to."""
        if isinstance(node, ast.Name):
            return ctx.names.get(node.id)
        aliases = self.aliases
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            index = static.literal(node.slice)
            if node.value.id in ctx.records and isinstance(index, str):
                return ctx.records[node.value.id].get(index)
            if node.value.id == ctx.row_var:
                if (
                    isinstance(index, int)
                    and ctx.positional
                    and -len(ctx.positional) <= index < len(ctx.positional)
                ):
                    return ctx.positional[index]
                if isinstance(index, str) and index in ctx.rel.columns:
                    return index
            if node.value.id in aliases and isinstance(index, int):
                return aliases[node.value.id][index]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == ctx.row_var
        ):
            return node.attr if node.attr in ctx.rel.columns else None
        located = self.located_field(node, ctx)
        return located if located in ctx.rel.columns else None

    def located_field(self, node: ast.AST, ctx: Ctx) -> str | None:
        """The column of `df.at[i, 'c']` / `df.loc[i, 'c']` in a loop over df's index."""
        if not (
            ctx.frame is not None
            and isinstance(node, ast.Subscript)
            and located_base(node) == ctx.frame
            and isinstance(node.slice, ast.Tuple)
            and len(node.slice.elts) == 2
            and ast.unparse(node.slice.elts[0]) == ctx.index_var
        ):
            return None
        column = static.literal(node.slice.elts[1])
        return column if isinstance(column, str) else None

    def row_refs(self, node: ast.AST, ctx: Ctx) -> dict[str, str]:
        """Parameter name -> column for every row value an expression reads."""
        refs: dict[str, str] = {}
        for sub in ast.walk(node):
            col = (
                self.field_ref(sub, ctx)
                if isinstance(sub, ast.Name | ast.Subscript | ast.Attribute)
                else None
            )
            if col is not None:
                refs[param_name(sub, col)] = col
        return refs

    def row_function(self, node: ast.AST, ctx: Ctx) -> tuple[list[str], tuple[str, str]]:
        """(columns, (parameters, body)) of a row-wise function computing `node`."""
        refs = self.row_refs(node, ctx)
        if not refs:
            raise Unsupported(node, f"{ast.unparse(node)} reads no row value")
        free = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id not in ctx.names}
        taken = free | set(refs)
        renames = {p: identifier(p, taken) for p in refs if p in free}
        body = _Rewrite(self, ctx, renames).visit(copy_node(node))
        params = list(refs)
        return [refs[p] for p in params], (
            ", ".join(renames.get(p, p) for p in params),
            ast.unparse(body),
        )


class _Rewrite(ast.NodeTransformer):
    """Replace row references by the row-wise function's parameters."""

    def __init__(self, lifter: Lifter, ctx: Ctx, renames: dict[str, str]) -> None:
        """`renames`: parameters renamed because the expression also uses a global of that name
        (a column `datetime` read in `datetime.strptime(row['datetime'])`)."""
        self.lifter, self.ctx, self.renames = lifter, ctx, renames

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.Name | ast.Subscript | ast.Attribute):
            col = self.lifter.field_ref(node, self.ctx)
            if col is not None:
                param = param_name(node, col)
                name = ast.Name(id=self.renames.get(param, param), ctx=ast.Load())
                return ast.copy_location(name, node)
        return super().generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:  # noqa: N802 (ast API)
        """`v is None` on a column: a frame holds a missing value as NaN (JSON nulls, lookups a
        left join missed, None returned by a row function), so the test is `pd.isna(v)`."""
        if (
            len(node.ops) == 1
            and isinstance(node.ops[0], ast.Is | ast.IsNot)
            and is_none(node.comparators[0])
            and self.lifter.field_ref(node.left, self.ctx) is not None
        ):
            test = ast.Call(
                func=ast.parse("pd.isna", mode="eval").body,
                args=[self.generic_visit(node.left)],
                keywords=[],
            )
            if isinstance(node.ops[0], ast.IsNot):
                test = ast.UnaryOp(op=ast.Not(), operand=test)
            return ast.copy_location(test, node)
        return self.generic_visit(node)
