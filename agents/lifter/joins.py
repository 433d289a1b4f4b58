"""The offline lifter's rules for keyed tables (dicts filled in a loop) and lookups into them, lifted
as joins.
"""

from __future__ import annotations

import ast

from ..oracle import static
from . import accumulate
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    column_hint,
    free_names,
    identifier,
    is_none,
    literal_keys,
    lookup_defaults,
)


class JoinRules:
    """Rules for keyed tables and the lookups into them: dict indexes, membership tests, nested-loop joins. Mixed into `Lifter`."""

    def dict_store(
        self, stmt: ast.Assign, target: ast.Subscript, value: ast.AST, ctx: Ctx, keep: str = "last"
    ) -> None:
        """`index[key] = value`: the value of the last row per key (`keep`: which row wins); a
        dict display `{"fare": f, "deck": d}` as value makes a table of records."""
        self.flush(ctx)
        owner = target.value.id
        key = self.column_for(target.slice, ctx, column_hint(target.slice, f"{owner}_key"), stmt)
        fields, columns, scalar = self.stored_columns(owner, value, ctx, stmt)
        kept = list(dict.fromkeys([key, *columns]))
        table = self.emit(
            f"{ctx.rel.var}.select({kept!r}).drop_duplicates([{key!r}], keep={keep!r})", owner
        )
        self.env[owner] = Rel(table, kept, key=key, value=columns, scalar_value=scalar)
        if fields is not None:
            self.record_fields[owner] = fields
        self.note(stmt, f"{owner} indexes ({', '.join(columns)}) by {key} (dict index)")

    def stored_columns(
        self, owner: str, value: ast.AST, ctx: Ctx, stmt: ast.stmt
    ) -> tuple[dict[str, str] | None, list[str], bool]:
        """(record fields, value columns, whether one value) of what `index[key] = value` stores:
        the whole row, a record display, a tuple of values or one value."""
        if literal_keys(value):
            fields = {
                static.literal(k): self.column_named(v, f"{owner}_{static.literal(k)}", ctx, stmt)
                for k, v in zip(value.keys, value.values, strict=True)
            }
            return fields, list(fields.values()), False
        if self.is_record(value, ctx):  # `index[key] = row`: the whole row
            columns = list(ctx.positional or ctx.rel.columns)
            return ({c: c for c in columns} if ctx.positional is None else None), columns, False
        elements = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
        columns = [
            self.column_for(e, ctx, column_hint(e, f"{owner}_{i}"), stmt)
            for i, e in enumerate(elements)
        ]
        return None, columns, not isinstance(value, ast.Tuple | ast.List)

    def dict_lookup(self, value: ast.AST, ctx: Ctx) -> tuple[str, ast.AST, ast.AST | None] | None:
        if (
            isinstance(value, ast.Subscript)
            and isinstance(value.value, ast.Name)
            and self.is_index(value.value.id)
        ):
            return value.value.id, value.slice, None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "get"
        ):
            owner = value.func.value
            if isinstance(owner, ast.Name) and self.is_index(owner.id):
                default = value.args[1] if len(value.args) > 1 else ast.Constant(None)
                return owner.id, value.args[0], default
        return None

    def is_index(self, name: str) -> bool:
        return name in self.env and self.env[name].key is not None

    def membership(self, test: ast.AST, ctx: Ctx) -> tuple[str, ast.AST, bool] | None:
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.In | ast.NotIn)
        ):
            right = test.comparators[0]
            if isinstance(right, ast.Name) and self.is_index(right.id):
                return right.id, test.left, isinstance(test.ops[0], ast.In)
        return None

    def join_index(
        self, ctx: Ctx, owner: str, key_expr: ast.AST, how: str, node: ast.AST, only_key: bool
    ) -> dict[str, str]:
        index = self.env[owner]
        left_key = self.column_for(key_expr, ctx, column_hint(key_expr, "key"), node)
        taken = set(ctx.rel.columns)
        renames = {
            c: identifier(f"{owner}_{c}", taken)
            for c in index.columns
            if c != index.key and c in taken
        }
        right_key = f"{owner}_key" if index.key in taken and index.key != left_key else index.key
        if right_key != index.key:
            renames[index.key] = identifier(right_key, taken)
            right_key = renames[index.key]
        right = index.var if only_key is False else f"{index.var}.select([{index.key!r}])"
        if renames:
            right = f"{right}.rename({renames!r})"
        on = (
            f"on={left_key!r}"
            if left_key == right_key
            else f"left_on={left_key!r}, right_on={right_key!r}"
        )
        new = self.emit(f"{ctx.rel.var}.join({right}, {on}, how={how!r})", ctx.rel.var)
        ctx.same_rows = False
        ctx.narrowed += how == "inner"
        added = [
            renames.get(c, c)
            for c in (index.columns if not only_key else [index.key])
            if renames.get(c, c) not in ctx.rel.columns
        ]
        ctx.rel = Rel(new, ctx.rel.columns + added)
        return {c: renames.get(c, c) for c in index.columns}

    def semi_join(self, ctx: Ctx, owner: str, key_expr: ast.AST, node: ast.AST) -> None:
        """Deferred: a lookup of the same key that follows makes it an ordinary inner join."""
        ctx.pending.append((owner, key_expr, node))

    def flush(self, ctx: Ctx) -> None:
        for owner, key_expr, node in ctx.pending:
            self.join_index(ctx, owner, key_expr, "inner", node, only_key=True)
            self.note(node, f"keep rows whose key is in {owner} (dict-lookup join)")
        ctx.pending.clear()

    def lookup_join(
        self,
        stmt: ast.Assign,
        target: ast.AST,
        lookup: tuple[str, ast.AST, ast.AST | None],
        value: ast.AST,
        ctx: Ctx,
    ) -> None:
        owner, key_expr, default = lookup
        if ctx.own == (owner, getattr(key_expr, "id", None)):
            self.own_row(stmt, target, owner, ctx)
            return
        ctx.pending = [
            p
            for p in ctx.pending
            if not (p[0] == owner and ast.unparse(p[1]) == ast.unparse(key_expr))
        ]
        how = "inner" if default is None else "left"
        mapping = self.join_index(ctx, owner, key_expr, how, stmt, only_key=False)
        index = self.env[owner]
        columns = [mapping[c] for c in index.value]
        if isinstance(default, ast.Name) and default.id in self.frame_statistics:
            accumulate.fill_with_statistics(self, ctx, columns, default.id, stmt)
        elif default is not None:
            per_field = self.record_defaults(owner, default)
            defaults = per_field or lookup_defaults(default, len(columns), stmt)
            unknown = free_names(default) - self.globals
            if unknown:
                raise Unsupported(
                    stmt, f"a lookup default from {sorted(unknown)}, computed from the data"
                )
            columns = [  # a record's None stays None (an object column keeps it), not NaN
                c if is_none(d) and not per_field else self.fill_default(ctx, c, d, stmt)
                for c, d in zip(columns, defaults, strict=True)
            ]
        if isinstance(target, ast.Tuple):
            ctx.names.update(self.unpack(target, columns, stmt))
        elif isinstance(target, ast.Name) and owner in self.record_fields:
            fields = self.record_fields[owner]
            ctx.records[target.id] = {f: mapping[c] for f, c in fields.items()}
        elif isinstance(target, ast.Name) and index.scalar_value:
            ctx.names[target.id] = columns[0]
        elif isinstance(target, ast.Subscript) and index.scalar_value:
            self.copy_field(target, columns[0], ctx)
        else:
            raise Unsupported(stmt, "a dict lookup whose value is used as a whole tuple")
        self.note(stmt, f"{how} join with {owner} on {ast.unparse(key_expr)} (dict-lookup join)")

    def own_row(self, stmt: ast.Assign, target: ast.AST, owner: str, ctx: Ctx) -> None:
        """`v = d[k]` in a loop over d's keys: the row's own values, no join."""
        self.bind_value(ctx, target, owner, stmt)
        self.note(stmt, f"{ast.unparse(stmt.value)} is the row of {owner} itself")

    def record_defaults(self, owner: str, default: ast.AST) -> list[ast.AST] | None:
        """Per field, the default of `records.get(k, {"a": 0, ...})` (or of a module constant
        holding such a dict) for a table of records; None for other defaults."""
        if isinstance(default, ast.Name):
            bound = [
                s.value
                for s in self.tree.body
                if isinstance(s, ast.Assign) and ast.unparse(s.targets[0]) == default.id
            ]
            default = bound[0] if len(bound) == 1 else default
        fields = self.record_fields.get(owner)
        if not (fields and literal_keys(default)):
            return None
        values = {static.literal(k): v for k, v in zip(default.keys, default.values, strict=True)}
        if set(values) != set(fields):
            return None
        return [values[f] for f in fields]

    def copy_field(self, target: ast.Subscript, col: str, ctx: Ctx) -> None:
        """`rec["price"] = prices[rec["pid"]]`: the joined column under the record's field name."""
        key = static.literal(target.slice)
        if not isinstance(key, str) or ctx.positional is not None:
            raise Unsupported(target, "a looked-up value stored in a row that is not a record")
        if key != col:
            new = self.emit(f"{ctx.rel.var}.project({key!r}, [{col!r}], lambda v: v)", ctx.rel.var)
            ctx.rel = Rel(
                new, [*ctx.rel.columns, key] if key not in ctx.rel.columns else ctx.rel.columns
            )

    def fill_default(self, ctx: Ctx, col: str, default: ast.AST, node: ast.AST) -> str:
        fill = ast.unparse(default)
        new = self.emit(
            f"{ctx.rel.var}.project({col!r}, [{col!r}], lambda v: {fill} if pd.isna(v) else v, vectorized=False)",
            ctx.rel.var,
        )
        ctx.rel = Rel(new, ctx.rel.columns)
        return col

    def nested_loop(self, loop: ast.For, ctx: Ctx) -> None:
        """`for b in other:` + `if a.k == b.k:` inside a row loop is an inner join (nested-loop join)."""
        inner = self.loop_context(loop)
        if inner is None or len(loop.body) != 1 or not isinstance(loop.body[0], ast.If):
            raise Unsupported(loop, "a nested loop that is not a join")
        test = loop.body[0].test
        if not (
            isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
        ):
            raise Unsupported(loop, "a nested loop whose condition is not an equality")
        sides = [test.left, test.comparators[0]]
        left = next((s for s in sides if self.field_ref(s, ctx) is not None), None)
        right = next((s for s in sides if self.field_ref(s, inner) is not None), None)
        if left is None or right is None:
            raise Unsupported(
                loop, "a nested-loop condition that does not compare one field of each side"
            )
        lcol, rcol = self.field_ref(left, ctx), self.field_ref(right, inner)
        if ctx.row_var and ctx.positional is None:
            ctx.records.setdefault(ctx.row_var, {c: c for c in ctx.rel.columns})
        taken = set(ctx.rel.columns)
        renames = {c: identifier(f"{c}_right", taken) for c in inner.rel.columns if c in taken}
        right_var = inner.rel.var
        body = loop.body[0].body
        if body and isinstance(body[-1], ast.Break):  # the first match only (idiom: join + break)
            right_var += f".drop_duplicates([{rcol!r}], keep='first')"
            body = body[:-1]
        right_var += f".rename({renames!r})" if renames else ""
        rcol = renames.get(rcol, rcol)
        new = self.emit(
            f"{ctx.rel.var}.join({right_var}, left_on={lcol!r}, right_on={rcol!r})", ctx.rel.var
        )
        ctx.rel = Rel(new, ctx.rel.columns + [renames.get(c, c) for c in inner.rel.columns])
        ctx.same_rows = False
        ctx.names.update({n: renames.get(c, c) for n, c in inner.names.items()})
        if inner.row_var and inner.positional is None:
            ctx.records[inner.row_var] = {c: renames.get(c, c) for c in inner.rel.columns}
        if inner.row_var and inner.positional:
            self.aliases = {inner.row_var: [renames.get(c, c) for c in inner.positional]}
        self.note(loop, f"inner join on {ast.unparse(test)} (nested-loop join)")
        self.block(body, ctx)
