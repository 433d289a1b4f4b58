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
        if _row_get(node, ctx.row_var):  # `row.get("x")`: a record's field, missing as None
            field = node.args[0].value
            return field if field in ctx.rel.columns else None
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

    def row_arguments(self, node: ast.AST, ctx: Ctx) -> ast.AST:
        """`title(row)`, a function of the script that reads only `row["name"]` and
        `row["sex"]` of the row it is given, as `title({"name": row["name"], "sex": row["sex"]})`:
        the fields it reads become the row-wise function's columns (idiom: helper of the whole
        row). Other calls are left as they are."""
        if ctx.row_var is None:
            return node
        functions = {f.name: f for f in self.tree.body if isinstance(f, ast.FunctionDef)}
        node = copy_node(node)
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                continue
            function = functions.get(call.func.id)
            for i, arg in enumerate(call.args):
                fields = None
                if function is not None and isinstance(arg, ast.Name) and arg.id == ctx.row_var:
                    fields = fields_read(function, i)
                if fields is None or not set(fields) <= set(ctx.rel.columns):
                    continue
                subscripts = [
                    ast.Subscript(
                        value=ast.Name(id=ctx.row_var, ctx=ast.Load()), slice=ast.Constant(f)
                    )
                    for f in fields
                ]
                record = ast.Dict(keys=[ast.Constant(f) for f in fields], values=subscripts)
                call.args[i] = ast.fix_missing_locations(ast.copy_location(record, arg))
        return node

    def row_slice(self, node: ast.AST, ctx: Ctx) -> list[ast.AST] | None:
        """`row[:-1]`, `row[2:5]` of a positional row as its fields one by one (idiom: row
        slice); None for anything else."""
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Slice)
            and isinstance(node.value, ast.Name)
            and node.value.id == ctx.row_var
            and ctx.positional
        ):
            return None
        bounds = [node.slice.lower, node.slice.upper, node.slice.step]
        values = [static.literal(b) if b is not None else None for b in bounds]
        if any(
            b is not None and not isinstance(v, int) for b, v in zip(bounds, values, strict=True)
        ):
            return None
        positions = range(len(ctx.positional))[slice(*values)]
        return [
            ast.copy_location(
                ast.Subscript(value=node.value, slice=ast.Constant(i), ctx=ast.Load()), node
            )
            for i in positions
        ]

    def row_refs(self, node: ast.AST, ctx: Ctx) -> dict[str, str]:
        """Parameter name -> column for every row value an expression reads."""
        refs: dict[str, str] = {}
        for sub in ast.walk(node):
            col = (
                self.field_ref(sub, ctx)
                if isinstance(sub, ast.Name | ast.Subscript | ast.Attribute | ast.Call)
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
        if isinstance(node, ast.Name | ast.Subscript | ast.Attribute | ast.Call):
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


def fields_read(function: ast.FunctionDef, position: int) -> list[str] | None:
    """The names a function reads as `param["name"]` from its parameter at `position`, in order,
    when it uses that parameter in no other way (an assert's message aside: it is only formatted
    when the assertion fails); else None."""
    params = function.args.args
    if position >= len(params) or function.args.vararg:
        return None
    param = params[position].arg
    messages = {
        id(n)
        for a in ast.walk(function)
        if isinstance(a, ast.Assert) and a.msg
        for n in ast.walk(a.msg)
    }
    parents = {id(c): p for p in ast.walk(function) for c in ast.iter_child_nodes(p)}
    fields: list[str] = []
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == param) or id(node) in messages:
            continue
        parent = parents.get(id(node))
        field = static.literal(parent.slice) if isinstance(parent, ast.Subscript) else None
        if not (
            isinstance(field, str) and parent.value is node and isinstance(parent.ctx, ast.Load)
        ):
            return None
        if field not in fields:
            fields.append(field)
    return fields or None


def _row_get(node: ast.AST, row_var: str | None) -> bool:
    """Whether `node` is `row.get("field")` on the loop's row, with no default."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == row_var
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )
