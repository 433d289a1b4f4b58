"""Per-key records of running totals, lifted to one group-by aggregate (idiom: per-key record).

    u = usage.setdefault(cust, {"calls": 0, "minutes": 0.0, "last": None})
    if kind == "call":
        u["calls"] += 1
        u["minutes"] += float(amount)
    if u["last"] is None or day > u["last"]:
        u["last"] = day

is, per customer over the rows that reached the `setdefault`: calls = 0 + the sum of `1 if kind ==
"call" else 0`, minutes likewise, last = the largest day. Each update is a column of the rows
(the increment where the branch conditions hold, nothing elsewhere), each field one aggregation
of it. A field no row updates keeps its initial value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..oracle import static
from .accumulate import running_sum
from .syntax import Ctx, Rel, Unsupported, column_hint

if TYPE_CHECKING:
    from .prepare import Lifter

EXTREMES = {ast.Gt: "max", ast.GtE: "max", ast.Lt: "min", ast.LtE: "min"}


@dataclass
class Record:
    """A record being accumulated: its dict, key column, fields and their updates so far."""

    owner: str
    key: str
    narrowed: int  # the context's count of row-dropping steps when the record began
    fields: dict[str | int, ast.expr]  # field (a key, or a position) -> initial value
    updates: dict[str | int, list[tuple[str, ast.expr | None, ast.expr]]] = field(
        default_factory=dict
    )


def start(lifter: Lifter, target: ast.AST, value: ast.AST, ctx: Ctx) -> bool:
    """`u = d.setdefault(k, {"a": 0, ...})` (or `[0.0, 0]`, fields by position) with d still
    empty: a record per key of d."""
    if not (
        isinstance(target, ast.Name)
        and isinstance(value, ast.Call)
        and static.dotted(value.func).endswith(".setdefault")
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id in lifter.empty_dicts
        and len(value.args) == 2
        and _initial_fields(value.args[1])
    ):
        return False
    owner, key_expr = value.func.value.id, value.args[0]
    key = lifter.column_for(key_expr, ctx, column_hint(key_expr, f"{owner}_key"), value)
    fields = _initial_fields(value.args[1])
    ctx.records_built[target.id] = Record(owner, key, ctx.narrowed, fields)
    lifter.note(
        value, f"{owner}: a record ({', '.join(map(str, fields))}) per {key} (per-key record)"
    )
    return True


def _initial_fields(init: ast.AST) -> dict[str | int, ast.expr]:
    """Field -> initial value of a record literal: a dict with string keys, or a list."""
    if isinstance(init, ast.List) and init.elts:
        return dict(enumerate(init.elts))
    if (
        isinstance(init, ast.Dict)
        and init.keys
        and all(isinstance(static.literal(k), str) for k in init.keys)
    ):
        return dict(zip(map(static.literal, init.keys), init.values, strict=True))
    return {}


def update(lifter: Lifter, stmt: ast.stmt, ctx: Ctx, path: ast.expr | None = None) -> bool:
    """A statement that only updates records being built (possibly under if/elif/else): each
    update recorded with the conditions that lead to it. False for any other statement."""
    if not ctx.records_built or not _only_updates(stmt, set(ctx.records_built)):
        return False
    _collect(stmt, ctx, path)
    return True


def _only_updates(stmt: ast.stmt, names: set[str]) -> bool:
    if _increment(stmt, names) is not None or _extreme(stmt, names) is not None:
        return True
    return isinstance(stmt, ast.If) and all(
        _only_updates(s, names) for s in [*stmt.body, *stmt.orelse]
    )


def _collect(stmt: ast.stmt, ctx: Ctx, path: ast.expr | None) -> None:
    names = set(ctx.records_built)
    found = _increment(stmt, names) or _extreme(stmt, names)
    if found is not None:
        name, fieldname, kind, expr = found
        record = ctx.records_built[name]
        record.updates.setdefault(fieldname, []).append((kind, path, expr))
        return
    negated = ast.UnaryOp(op=ast.Not(), operand=stmt.test)
    for branch, test in ((stmt.body, stmt.test), (stmt.orelse, negated)):
        for inner in branch:
            _collect(inner, ctx, _and(path, test))


def _increment(stmt: ast.stmt, names: set[str]) -> tuple[str, str, str, ast.expr] | None:
    """(record, field, "sum", increment) of `u["f"] += e`."""
    if (
        isinstance(stmt, ast.AugAssign)
        and isinstance(stmt.op, ast.Add)
        and _field_of(stmt.target, names) is not None
    ):
        return (*_field_of(stmt.target, names), "sum", stmt.value)
    return None


def _extreme(stmt: ast.stmt, names: set[str]) -> tuple[str, str, str, ast.expr] | None:
    """(record, field, "max" or "min", x) of `if u["f"] is None or x > u["f"]: u["f"] = x`."""
    if not (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], ast.Assign)
        and isinstance(stmt.test, ast.BoolOp)
        and isinstance(stmt.test.op, ast.Or)
        and len(stmt.test.values) == 2
    ):
        return None
    target = _field_of(stmt.body[0].targets[0], names)
    none_test, compare = stmt.test.values
    x = stmt.body[0].value
    if (
        target is not None
        and isinstance(none_test, ast.Compare)
        and isinstance(none_test.ops[0], ast.Is)
        and _field_of(none_test.left, names) == target
        and isinstance(compare, ast.Compare)
        and len(compare.ops) == 1
        and type(compare.ops[0]) in EXTREMES
        and ast.unparse(compare.left) == ast.unparse(x)
        and _field_of(compare.comparators[0], names) == target
    ):
        return (*target, EXTREMES[type(compare.ops[0])], x)
    return None


def _field_of(node: ast.AST, names: set[str]) -> tuple[str, str] | None:
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id in names
        and isinstance(static.literal(node.slice), str | int)
    ):
        return node.value.id, static.literal(node.slice)
    return None


def _and(path: ast.expr | None, test: ast.expr) -> ast.expr:
    return test if path is None else ast.BoolOp(op=ast.And(), values=[path, test])


def finish(lifter: Lifter, ctx: Ctx, node: ast.AST) -> None:
    """At the end of the loop: each record's table, one aggregation per updated field."""
    for record in ctx.records_built.values():
        _table(lifter, record, ctx, node)
    ctx.records_built.clear()


def _table(lifter: Lifter, record: Record, ctx: Ctx, node: ast.AST) -> None:
    """The record's table: one aggregate over the rows, then the fields no row updates."""
    if ctx.narrowed != record.narrowed:
        raise Unsupported(node, f"rows of {record.owner} filtered after its setdefault")
    owner, aggregations, after = record.owner, [], []
    for fieldname, init in record.fields.items():
        column = f"{owner}_{fieldname}"
        updates = record.updates.get(fieldname, [])
        if not updates:
            after.append(f".project({column!r}, [], lambda: {ast.unparse(init)})")
            continue
        kinds = {kind for kind, _, _ in updates}
        if len(kinds) != 1 or (kinds != {"sum"} and len(updates) != 1):
            raise Unsupported(node, f"{owner}[{fieldname!r}] updated in several ways")
        kind = kinds.pop()
        step = _step_expression(updates, kind)
        if kind == "sum" and static.literal(step) is not None:  # `+= 1` on every row: a count
            aggregations.append(f"{column}=({record.key!r}, 'size')")
            if static.literal(step) != 1:
                after.append(
                    f".project({column!r}, [{column!r}], lambda v: {ast.unparse(step)} * v)"
                )
            if static.literal(init) not in (0, 0.0):
                after.append(
                    f".project({column!r}, [{column!r}], lambda v: {ast.unparse(init)} + v)"
                )
        else:
            source = lifter.column_for(step, ctx, f"{column}_step", node)
            how = running_sum(lifter, ast.unparse(init)) if kind == "sum" else repr(kind)
            aggregations.append(f"{column}=({source!r}, {how})")
    if not aggregations:
        raise Unsupported(node, f"no row updates {owner}")
    table = lifter.emit(
        f"{ctx.rel.var}.aggregate([{record.key!r}], {', '.join(aggregations)}){''.join(after)}",
        owner,
    )
    columns = {f: f"{owner}_{f}" for f in record.fields}
    lifter.env[owner] = Rel(
        table, [record.key, *columns.values()], key=record.key, value=list(columns.values())
    )
    if all(isinstance(f, str) for f in columns):
        lifter.record_fields[owner] = columns


def _step_expression(updates: list[tuple[str, ast.expr | None, ast.expr]], kind: str) -> ast.expr:
    """The per-row value the aggregation reads: each update where its conditions hold."""
    neutral = ast.Constant(0 if kind == "sum" else None)
    terms = [
        expr if path is None else ast.IfExp(test=path, body=expr, orelse=neutral)
        for _, path, expr in updates
    ]
    total = terms[0]
    for term in terms[1:]:
        total = ast.BinOp(left=total, op=ast.Add(), right=term)
    return ast.fix_missing_locations(total)
