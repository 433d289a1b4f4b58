"""Per-key state built in a row loop, lifted to group-by aggregates and left joins.

Data scientists count and collect per key with dicts:

- `n[k] = n.get(k, 0) + 1` / `total[k] = total.get(k, 0) + v`   -> aggregate size / sum (idiom: per-key counter)
- `d[k] = f(d.get(k, init), v)`, any other update of one row value -> a fold over each group (idiom: per-key fold)
- `groups.setdefault(k, []).append(v)`                            -> the rows' (k, v) pairs (idiom: per-key list)
- `m = {k: f(vs) for k, vs in groups.items()}`                     -> aggregate f over each group (idiom: per-group reduction)
- `prev = d.get(k)` + `if prev is None or r[f] > prev[f]: d[k] = r` -> the row with the largest f per key (idiom: best row per key)
- `m = sum(xs) / len(xs)` over a collected list                    -> a one-row aggregate (idiom: statistic of a list)
- `n.get(k, 0)`, `n[k]` and `k in n` inside a row expression      -> a left join of the table (idiom: inline lookup)
- `m = [f(b) for a, b in other if a == key]` + `m[0] if m else d`  -> a left join on the first match (idiom: list-comprehension join)
- a statistic of a list inside a row expression                   -> joined to every row (idiom: broadcast statistic)
- `d.get(k, avg)`, `avg = tuple(df[["a", "b"]].mean())`           -> the missing values filled from a one-row table (idiom: statistics as lookup default)

A left join keeps every row, so a lookup the original only evaluated on some rows (under a
condition) reads the joined column on those rows and a missing value on the others, which the
condition never picks. Tables a loop accumulated have no missing values of their own, so `k in n`
is `n`'s joined value being present.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..oracle import static
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    column_hint,
    copy_node,
    free_names,
    identifier,
    is_name,
    is_none,
    subscript_base,
    substitute,
    target_name,
)

if TYPE_CHECKING:
    from .prepare import Lifter

ZEROS = (0, 0.0)
ALL = "_all"  # the constant key of a one-row table, joined to every row


def _own_get(target: ast.Subscript, node: ast.AST) -> bool:
    """Whether `node` is `d.get(k, literal)` for the `d[k]` being assigned."""
    owner = target.value.id if isinstance(target.value, ast.Name) else None
    return (
        isinstance(node, ast.Call)
        and static.dotted(node.func) == f"{owner}.get"
        and len(node.args) == 2
        and ast.unparse(node.args[0]) == ast.unparse(target.slice)
        and static.literal(node.args[1]) is not None
    )


def counter_update(target: ast.Subscript, value: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """(increment, start) of `d[k] = d.get(k, 0) + inc` (either operand order), else None."""
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
        return None
    for get, inc in ((value.left, value.right), (value.right, value.left)):
        start = static.literal(get.args[1]) if _own_get(target, get) else None
        if start in ZEROS and start is not False:
            return inc, get.args[1]
    return None


def count_or_sum(
    lifter: Lifter,
    stmt: ast.stmt,
    target: ast.Subscript,
    update: tuple[ast.AST, ast.AST],
    ctx: Ctx,
) -> None:
    """A per-key counter is a group-by over the rows that reached it: the size of each group for
    a constant 1, else the sum of the increment (idiom: per-key counter)."""
    lifter.flush(ctx)
    owner = target.value.id
    inc, start = update
    if owner in lifter.env:
        raise Unsupported(stmt, f"{owner} is updated in more than one place")
    key = lifter.column_for(target.slice, ctx, column_hint(target.slice, f"{owner}_key"), stmt)
    if static.literal(inc) == 1 and static.literal(inc) is not True:
        column, how = key, "'size'"
    else:
        column = lifter.column_for(inc, ctx, column_hint(inc, f"{owner}_inc"), stmt)
        how = running_sum(lifter, ast.unparse(start))
    name = owner if owner != key else f"{owner}_value"
    table = lifter.emit(f"{ctx.rel.var}.aggregate([{key!r}], {name}=({column!r}, {how}))", owner)
    lifter.env[owner] = Rel(table, [key, name], key=key, value=[name], scalar_value=True)
    lifter.accumulated.add(owner)
    what = "count" if how == "'size'" else f"running sum of {ast.unparse(inc)}"
    lifter.note(stmt, f"{owner} = the {what} per {key} (per-key counter)")


def running_sum(lifter: Lifter, init: str) -> str:
    """The aggregation adding a group's values one by one from `init`, as the loop did: pandas'
    own sum compensates rounding, and a tree model can split differently on the last bit."""
    lifter.needs |= {"from functools import reduce", "from operator import add"}
    return f"lambda values: reduce(add, values, {init})"


def fold_update(target: ast.Subscript, value: ast.AST) -> ast.Call | None:
    """The `d.get(k, init)` of `d[k] = f(d.get(k, init), row values)`, d used nowhere else."""
    owner = target.value.id if isinstance(target.value, ast.Name) else None
    gets = [n for n in ast.walk(value) if _own_get(target, n)]
    uses = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == owner]
    return gets[0] if len(gets) == 1 and len(uses) == 1 else None


def fold(lifter: Lifter, stmt: ast.Assign, target: ast.Subscript, ctx: Ctx) -> None:
    """`d[k] = f(d.get(k, init), v)`: per key, f folded over the group's values in row order,
    starting from init (idiom: per-key fold). One row value only: a pandas aggregation sees one
    column."""
    lifter.flush(ctx)
    owner = target.value.id
    if owner in lifter.env:
        raise Unsupported(stmt, f"{owner} is updated in more than one place")
    value = copy_node(stmt.value)
    get = fold_update(target, value)
    acc = identifier("acc", free_names(value) | set(ctx.names))
    body = _Replace(get, ast.Name(id=acc, ctx=ast.Load())).visit(value)
    columns, (params, text) = lifter.row_function(body, ctx)
    unknown = free_names(ast.parse(f"lambda {acc}, {params}: {text}", mode="eval"))
    if len(columns) != 1 or unknown - lifter.globals:
        raise Unsupported(stmt, f"a per-key update of {owner} from several row values")
    key = lifter.column_for(target.slice, ctx, column_hint(target.slice, f"{owner}_key"), stmt)
    step = f"lambda {acc}, {params}: {text}"
    reducer = f"lambda values: reduce({step}, values, {ast.unparse(get.args[1])})"
    table = lifter.emit(
        f"{ctx.rel.var}.aggregate([{key!r}], {owner}=({columns[0]!r}, {reducer}))", owner
    )
    lifter.env[owner] = Rel(table, [key, owner], key=key, value=[owner], scalar_value=True)
    lifter.accumulated.add(owner)
    lifter.needs.add("from functools import reduce")
    lifter.note(stmt, f"{owner} = {ast.unparse(stmt.value)} folded per {key} (per-key fold)")


class _Replace(ast.NodeTransformer):
    def __init__(self, old: ast.AST, new: ast.AST) -> None:
        self.old, self.new = old, new

    def generic_visit(self, node: ast.AST) -> ast.AST:
        return self.new if node is self.old else super().generic_visit(node)


def group_append(call: ast.Call, lists: set[str]) -> tuple[str, ast.AST, ast.AST] | None:
    """(owner, key, value) of `owner.setdefault(key, []).append(value)`, or of
    `owner[key].append(value)` when owner was made as a dict of empty lists, else None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "append" and len(call.args) == 1):
        return None
    inner = func.value
    if (
        isinstance(inner, ast.Subscript)
        and isinstance(inner.value, ast.Name)
        and inner.value.id in lists
    ):
        return inner.value.id, inner.slice, call.args[0]
    if (
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "setdefault"
        and isinstance(inner.func.value, ast.Name)
        and len(inner.args) == 2
        and isinstance(inner.args[1], ast.List)
        and not inner.args[1].elts
    ):
        return inner.func.value.id, inner.args[0], call.args[0]
    return None


def collect_groups(
    lifter: Lifter, stmt: ast.stmt, found: tuple[str, ast.AST, ast.AST], ctx: Ctx
) -> None:
    """`groups.setdefault(k, []).append(v)` keeps the (k, v) pairs of the rows that reached it, in
    row order, for a later per-group reduction (idiom: per-key list)."""
    lifter.flush(ctx)
    owner, key_expr, value = found
    if owner in lifter.groups:
        raise Unsupported(stmt, f"{owner} is appended to in more than one place")
    key = lifter.column_for(key_expr, ctx, column_hint(key_expr, f"{owner}_key"), stmt)
    column = lifter.column_for(value, ctx, column_hint(value, f"{owner}_value"), stmt)
    pairs = lifter.emit(f"{ctx.rel.var}.select({list(dict.fromkeys([key, column]))!r})", owner)
    lifter.groups[owner] = (pairs, key, column)
    lifter.note(stmt, f"{owner} lists {ast.unparse(value)} per {key} (per-key list)")


def reduce_groups(lifter: Lifter, name: str, comp: ast.DictComp, stmt: ast.stmt) -> bool:
    """`m = {k: f(vs) for k, vs in groups.items()}`: f aggregated over each group's values, in the
    rows' order (idiom: per-group reduction). False when `comp` is not of that form."""
    if len(comp.generators) != 1 or comp.generators[0].ifs:
        return False
    gen = comp.generators[0]
    it = gen.iter
    if not (
        isinstance(it, ast.Call)
        and isinstance(it.func, ast.Attribute)
        and it.func.attr == "items"
        and isinstance(it.func.value, ast.Name)
        and it.func.value.id in lifter.groups
        and isinstance(gen.target, ast.Tuple)
        and len(gen.target.elts) == 2
        and all(isinstance(e, ast.Name) for e in gen.target.elts)
    ):
        return False
    k, vs = (e.id for e in gen.target.elts)
    if not (isinstance(comp.key, ast.Name) and comp.key.id == k) or k in free_names(comp.value):
        return False
    pairs, key, column = lifter.groups[it.func.value.id]
    param = identifier("values", free_names(comp.value))
    body = substitute(comp.value, {vs: ast.parse(f"list({param})", mode="eval").body})
    out = name if name != key else f"{name}_value"
    table = lifter.emit(
        f"{pairs}.aggregate([{key!r}], {out}=({column!r}, lambda {param}: {ast.unparse(body)}))",
        name,
    )
    lifter.env[name] = Rel(table, [key, out], key=key, value=[out], scalar_value=True)
    lifter.note(stmt, f"{name} = {ast.unparse(comp.value)} per {key} (per-group reduction)")
    return True


def best_lookup(lifter: Lifter, target: ast.AST, value: ast.AST, ctx: Ctx) -> bool:
    """`prev = d.get(k)` with `d` still being filled: the row stored so far, for a comparison
    that decides whether this row replaces it (see `best_update`)."""
    if not (
        isinstance(target, ast.Name)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id in lifter.empty_dicts
        and value.func.value.id not in lifter.env
        and len(value.args) == 1
    ):
        return False
    ctx.previous[target.id] = (value.func.value.id, value.args[0])
    return True


KEEP = {ast.Gt: ("desc", "first"), ast.GtE: ("asc", "last"), ast.Lt: ("asc", "first")}
KEEP[ast.LtE] = ("desc", "last")


def best_update(lifter: Lifter, stmt: ast.stmt, ctx: Ctx, last: bool) -> bool:
    """`if prev is None or r[f] > prev[f]: d[k] = r` keeps, per key, the first row with the
    largest f: a stable sort on f, then the first row per key (`>=` keeps the last such row,
    `<` and `<=` the smallest). Only as the loop's last statement: the sort reorders its rows."""
    parts = _best_parts(stmt, ctx)
    if parts is None:
        return False
    prev, op, field, store = parts
    owner, key = ctx.previous[prev]
    if not last or ast.unparse(store.targets[0].slice) != ast.unparse(key):
        raise Unsupported(stmt, f"a comparison with {prev} that does not keep one row per key")
    column = lifter.column_for(field, ctx, column_hint(field, f"{owner}_order"), stmt)
    direction, keep = KEEP[type(op)]
    ctx.rel = Rel(
        lifter.sort(ctx.rel.var, [column], direction == "desc", ctx.rel.var), ctx.rel.columns
    )
    lifter.dict_store(store, store.targets[0], store.value, ctx, keep=keep)
    lifter.note(
        stmt, f"{owner}: per key, the row `{ast.unparse(stmt.test)}` keeps (best row per key)"
    )
    return True


def _best_parts(stmt: ast.stmt, ctx: Ctx) -> tuple[str, ast.cmpop, ast.AST, ast.Assign] | None:
    """(prev, comparison, the row's field, the store) of the best-row update, else None."""
    if not (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], ast.Assign)
        and isinstance(stmt.body[0].targets[0], ast.Subscript)
        and isinstance(stmt.test, ast.BoolOp)
        and isinstance(stmt.test.op, ast.Or)
        and len(stmt.test.values) == 2
    ):
        return None
    none_test, compare = stmt.test.values
    if not (
        isinstance(none_test, ast.Compare)
        and isinstance(none_test.left, ast.Name)
        and none_test.left.id in ctx.previous
        and isinstance(none_test.ops[0], ast.Is)
        and static.literal(none_test.comparators[0]) is None
        and isinstance(compare, ast.Compare)
        and len(compare.ops) == 1
        and type(compare.ops[0]) in KEEP
    ):
        return None
    prev = none_test.left.id
    right = compare.comparators[0]
    if not (
        isinstance(right, ast.Subscript)
        and isinstance(right.value, ast.Name)
        and right.value.id == prev
        and isinstance(compare.left, ast.Subscript)
        and static.literal(compare.left.slice) == static.literal(right.slice)
        and ctx.previous[prev][0] == getattr(stmt.body[0].targets[0].value, "id", None)
    ):
        return None
    return prev, compare.ops[0], compare.left, stmt.body[0]


def list_statistic(lifter: Lifter, name: str, value: ast.AST, stmt: ast.stmt) -> bool:
    """`age_mean = sum(ages) / len(ages)`, `ages` a collected list of one field: a one-row table
    holding the statistic, computed by the same expression on the list (idiom: statistic of a
    list). False when `value` reads no such list, or reads other data."""
    free = free_names(value)
    lists = [n for n in free if n in lifter.env and lifter.env[n].key is None]
    if (
        len(lists) != 1
        or len(lifter.env[lists[0]].columns) != 1
        or free - {lists[0]} - lifter.globals
    ):
        return False
    arguments = [a for n in ast.walk(value) if isinstance(n, ast.Call) for a in n.args]
    uses = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == lists[0]]
    if not all(any(u is a for a in arguments) for u in uses):
        return False  # `df[df["a"] > 0]`: a frame expression, not a function of a list
    rel = lifter.env[lists[0]]
    param = identifier("values", free)
    body = substitute(value, {lists[0]: ast.parse(f"list({param})", mode="eval").body})
    table = _one_row(
        lifter, rel.var, f"{name}=({rel.columns[0]!r}, lambda {param}: {ast.unparse(body)})", name
    )
    lifter.env[name] = Rel(table, [ALL, name], key=ALL, value=[name], scalar_value=True)
    lifter.broadcasts.add(name)
    lifter.note(stmt, f"{name} = {ast.unparse(value)} as a one-row table (statistic of a list)")
    return True


STATISTICS = ("mean", "median", "min", "max", "sum")


def frame_statistic(lifter: Lifter, name: str, value: ast.AST, stmt: ast.stmt) -> bool:
    """`avg = tuple(df[["a", "b"]].mean())` (or without `tuple`/`list`): per column of a frame,
    one statistic, kept to fill lookups' missing values (see `fill_with_statistics`)."""
    if isinstance(value, ast.Call) and static.dotted(value.func) in ("tuple", "list"):
        value = value.args[0] if len(value.args) == 1 else value
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in STATISTICS
        and not value.args
        and not value.keywords
        and isinstance(value.func.value, ast.Subscript)
        and isinstance(value.func.value.value, ast.Name)
        and value.func.value.value.id in lifter.env
    ):
        return False
    frame = value.func.value.value.id
    columns = static.literal(value.func.value.slice)
    if not (isinstance(columns, list) and set(columns) <= set(lifter.env[frame].columns)):
        return False
    lifter.frame_statistics[name] = (frame, columns, value.func.attr)
    lifter.note(stmt, f"{name} = the {value.func.attr} of {frame}'s {columns} (statistics)")
    return True


def fill_with_statistics(
    lifter: Lifter, ctx: Ctx, columns: list[str], name: str, node: ast.AST
) -> None:
    """Looked-up columns whose lookup missed take the statistics `name` holds, one per column,
    computed as pandas computes them on the whole column (idiom: statistics as lookup default)."""
    frame, sources, how = lifter.frame_statistics[name]
    if len(sources) != len(columns):
        raise Unsupported(
            node, f"a lookup of {len(columns)} values defaulting to {len(sources)} statistics"
        )
    outputs = [identifier(f"{name}_{c}", set(ctx.rel.columns)) for c in sources]
    aggregations = ", ".join(
        f"{out}=({c!r}, lambda s: s.{how}())" for out, c in zip(outputs, sources, strict=True)
    )
    table = _one_row(lifter, lifter.env[frame].var, aggregations, name)
    _with_constant_key(lifter, ctx)
    joined = lifter.emit(f"{ctx.rel.var}.join({table}, on={ALL!r}, how='left')", ctx.rel.var)
    ctx.rel = Rel(joined, [*ctx.rel.columns, *outputs])
    for column, fill in zip(columns, outputs, strict=True):
        filled = lifter.emit(
            f"{ctx.rel.var}.project({column!r}, [{column!r}, {fill!r}], lambda v, d: d if pd.isna(v) else v, vectorized=False)",
            ctx.rel.var,
        )
        ctx.rel = Rel(filled, ctx.rel.columns)
    lifter.note(node, f"missing lookups filled with {name} (statistics as lookup default)")


def _one_row(lifter: Lifter, rows: str, aggregations: str, name: str) -> str:
    """A one-row table of statistics over all of `rows`, keyed by a constant to join every row."""
    return lifter.emit(
        f"{rows}.project({ALL!r}, [], lambda: 0).aggregate([{ALL!r}], {aggregations})", name
    )


def _with_constant_key(lifter: Lifter, ctx: Ctx) -> None:
    """The rows with the constant key column a one-row table joins on."""
    if ALL not in ctx.rel.columns:
        keyed = lifter.emit(f"{ctx.rel.var}.project({ALL!r}, [], lambda: 0)", ctx.rel.var)
        ctx.rel = Rel(keyed, [*ctx.rel.columns, ALL])


class _Lookups(ast.NodeTransformer):
    """Replaces lookups of keyed tables by names bound to joined columns."""

    def __init__(self, lifter: Lifter, ctx: Ctx, node: ast.AST) -> None:
        self.lifter, self.ctx, self.node = lifter, ctx, node

    def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast API)
        if isinstance(node.ctx, ast.Load) and node.id in self.lifter.broadcasts:
            return self.broadcast(node.id, node)
        return node

    def broadcast(self, owner: str, node: ast.AST) -> ast.AST:
        """A one-row table's value on every row: joined on a constant key."""

        name = self.ctx.lookups.get(owner)
        if name is None:
            ctx, lifter = self.ctx, self.lifter
            _with_constant_key(lifter, ctx)
            ctx.names.setdefault(ALL, ALL)
            column = lifter.join_index(ctx, owner, ast.Name(id=ALL), "left", self.node, False)[
                owner
            ]
            name = identifier(f"{owner}_of_row", set(ctx.names) | free_names(self.node))
            ctx.names[name] = column
            ctx.lookups[owner] = name
            lifter.note(self.node, f"{owner} on every row (broadcast statistic)")
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)

    def visit_Subscript(self, sub: ast.Subscript) -> ast.AST:  # noqa: N802 (ast API)
        owner = sub.value.id if isinstance(sub.value, ast.Name) else None
        if self.lookup_of(owner, sub.slice):
            return self.joined(owner, sub.slice, None, sub)
        record = sub.value
        if (
            isinstance(record, ast.Subscript)
            and isinstance(record.value, ast.Name)
            and static.literal(sub.slice) in self.lifter.record_fields.get(record.value.id, {})
            and self.lookup_of(record.value.id, record.slice, record=True)
        ):
            return self.joined(record.value.id, record.slice, None, sub, static.literal(sub.slice))
        return self.generic_visit(sub)

    def visit_Call(self, call: ast.Call) -> ast.AST:  # noqa: N802 (ast API)
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Name)
            and len(call.args) in (1, 2)
            and self.lookup_of(func.value.id, call.args[0])
        ):
            default = call.args[1] if len(call.args) == 2 else ast.Constant(None)
            return self.joined(func.value.id, call.args[0], default, call)
        return self.generic_visit(call)

    def visit_Compare(self, test: ast.Compare) -> ast.AST:  # noqa: N802 (ast API)
        right = test.comparators[0]
        owner = right.id if isinstance(right, ast.Name) else None
        if (
            len(test.ops) == 1
            and isinstance(test.ops[0], ast.In | ast.NotIn)
            and owner in self.lifter.accumulated
            and self.lookup_of(owner, test.left)
        ):
            value = self.joined(owner, test.left, None, test)
            check = "pd.notna" if isinstance(test.ops[0], ast.In) else "pd.isna"
            return ast.copy_location(
                ast.Call(func=ast.parse(check, mode="eval").body, args=[value], keywords=[]), test
            )
        return self.generic_visit(test)

    def lookup_of(self, owner: str | None, key: ast.AST, record: bool = False) -> bool:
        """Whether `owner[key]` looks up a keyed table (of records, or of single values)."""
        lifter = self.lifter
        return (
            owner is not None
            and owner not in lifter.broadcasts
            and lifter.is_index(owner)
            and (owner in lifter.record_fields if record else lifter.env[owner].scalar_value)
            and bool(lifter.row_refs(key, self.ctx))
            and not lifter.outside(key, self.ctx)
        )

    def joined(
        self,
        owner: str,
        key: ast.AST,
        default: ast.AST | None,
        node: ast.AST,
        field: str | None = None,
    ) -> ast.AST:
        """A name bound to the looked-up value (`field` of a record table) joined into the rows."""

        text = f"{owner}[{ast.unparse(key)}][{field}] or {ast.unparse(default) if default else ''}"
        name = self.ctx.lookups.get(text)
        if name is None:
            if default is not None and free_names(default) - self.lifter.globals:
                raise Unsupported(node, f"a lookup default {ast.unparse(default)} from the data")
            index = self.lifter.env[owner]
            # with no default filled in, one join serves every lookup of the same key
            shared = default is None or is_none(default)
            mapping = self.ctx.joins.get(f"{owner}[{ast.unparse(key)}]") if shared else None
            if mapping is None:
                mapping = self.lifter.join_index(self.ctx, owner, key, "left", self.node, False)
                if shared:
                    self.ctx.joins[f"{owner}[{ast.unparse(key)}]"] = mapping
            column = mapping[self.lifter.record_fields[owner][field] if field else index.value[0]]
            if not shared:
                self.lifter.fill_default(self.ctx, column, default, self.node)
            name = identifier(f"{owner}_of_row", set(self.ctx.names) | free_names(self.node))
            self.ctx.names[name] = column
            self.ctx.lookups[text] = name
            self.lifter.note(
                self.node, f"{ast.unparse(node)}: left join with {owner} (inline lookup)"
            )
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)


def apply_lookup(lifter: Lifter, frame: str, column: str, value: ast.AST, stmt: ast.stmt) -> bool:
    """`df["c"] = df["k"].apply(lambda v: d.get(v, 0))` (or `.map`), d a keyed table: the lookup
    as a left join of d on k (idiom: inline lookup in apply). False when `value` is no such call."""
    rel = lifter.env[frame]
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in ("apply", "map")
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.Lambda)
        and len(value.args[0].args.args) == 1
        and isinstance(value.func.value, ast.Subscript)
        and subscript_base(value.func.value) == frame
        and static.literal(value.func.value.slice) in rel.columns
    ):
        return False
    lam = value.args[0]
    ctx = Ctx(rel, None, names={lam.args.args[0].arg: static.literal(value.func.value.slice)})
    expr = hoist_lookups(lifter, lam.body, ctx, stmt)
    if ast.dump(expr) == ast.dump(lam.body):
        return False
    if not (isinstance(expr, ast.Name) and ctx.names.get(expr.id) == column):
        lifter.project(ctx, column, expr, stmt)
    lifter.env[frame] = Rel(ctx.rel.var, list(dict.fromkeys([*rel.columns, column])))
    lifter.last = lifter.env[frame]
    return True


def matches(lifter: Lifter, name: str, value: ast.AST, ctx: Ctx, stmt: ast.stmt) -> bool:
    """`m = [f(b) for a, b in other if a == key]` in a row loop: the other rows whose field equals
    the row's key, of which the script reads the first (`m[0] if m else d`, see
    `first_or_default`): a left join with the first row per key of `other`, f computed on it."""
    if not (isinstance(value, ast.ListComp) and len(value.generators) == 1):
        return False
    gen = value.generators[0]
    other = lifter.env.get(gen.iter.id) if isinstance(gen.iter, ast.Name) else None
    if other is None or other.key is not None or len(gen.ifs) != 1:
        return False
    inner = Ctx(
        other, target_name(gen.target), positional=None if other.records else list(other.columns)
    )
    if isinstance(gen.target, ast.Tuple):
        inner.names.update(lifter.unpack(gen.target, other.columns, stmt))
    sides = _equality(gen.ifs[0])
    if sides is None:
        return False
    inner_key = next(
        (lifter.field_ref(s, inner) for s in sides if lifter.field_ref(s, inner)), None
    )
    outer = next((s for s in sides if lifter.field_ref(s, inner) is None), None)
    if inner_key is None or outer is None or not lifter.row_refs(outer, ctx):
        return False
    found = identifier(f"{name}_found", set(ctx.rel.columns))
    column = lifter.column_for(value.elt, inner, f"{name}_first", stmt)
    right = lifter.emit(
        f"{inner.rel.var}.drop_duplicates([{inner_key!r}], keep='first')"
        f".project({found!r}, [], lambda: True).select([{inner_key!r}, {column!r}, {found!r}])",
        f"{name}_first",
    )
    lifter.env[right] = Rel(right, [inner_key, column, found], key=inner_key, value=[column, found])
    mapping = lifter.join_index(ctx, right, outer, "left", stmt, False)
    del lifter.env[right]
    ctx.matches[name] = (mapping[column], mapping[found])
    lifter.note(
        stmt,
        f"{name}: the first row of {gen.iter.id} matching {ast.unparse(outer)} (list-comprehension join)",
    )
    return True


def first_or_default(value: ast.AST, ctx: Ctx) -> ast.AST:
    """`m[0] if m else d` over a list-comprehension join: the first match's value where there
    was one, else d."""
    if not (
        isinstance(value, ast.IfExp)
        and isinstance(value.test, ast.Name)
        and value.test.id in ctx.matches
        and isinstance(value.body, ast.Subscript)
        and is_name(value.body.value, value.test.id)
        and static.literal(value.body.slice) == 0
    ):
        return value
    column, found = ctx.matches[value.test.id]
    first, present = f"{value.test.id}_first_value", f"{value.test.id}_first_found"
    ctx.names.update({first: column, present: found})
    test = ast.parse(f"not pd.isna({present})", mode="eval").body
    return ast.IfExp(test=test, body=ast.Name(id=first, ctx=ast.Load()), orelse=value.orelse)


def _equality(test: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        return test.left, test.comparators[0]
    return None


def hoist_lookups(lifter: Lifter, value: ast.AST, ctx: Ctx, node: ast.AST) -> ast.AST:
    """`value` with every lookup of a keyed table replaced by a column joined into the rows."""
    if not any(
        isinstance(n, ast.Name)
        and lifter.is_index(n.id)
        and (lifter.env[n.id].scalar_value or n.id in lifter.record_fields)
        for n in ast.walk(value)
    ):
        return value

    return ast.fix_missing_locations(_Lookups(lifter, ctx, node).visit(copy_node(value)))
