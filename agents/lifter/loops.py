"""The offline lifter's rules for loops over rows: a loop over a file, a csv reader, a frame's rows or
a collected list becomes a row context whose names are columns.
"""

from __future__ import annotations

import ast
from typing import Any

from ..oracle import static
from ..oracle.analysis import JSON_IDIOMS
from . import accumulate, records
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    call_of,
    column_hint,
    dict_iterated,
    ends_in_continue,
    fold_flag_loops,
    fold_subscripts,
    identifier,
    is_blank_check,
    is_columns_of,
    is_range_loop,
    is_raw,
    substitute,
    target_name,
    target_names,
)

COMPREHENDED = "<comprehended rows>"


class LoopRules:
    """Rules for loops over rows: which rows a loop iterates, and how its names bind to columns. Mixed into `Lifter`."""

    def top_loop(self, loop: ast.For) -> None:
        names = static.literal(loop.iter)
        if is_columns_of(loop.iter, self.env):
            names = list(self.env[loop.iter.value.id].columns)
        files = self.named_partitions(loop, names)
        if files:
            self.partition_loop(loop, files)
            return
        if isinstance(names, list | tuple) and isinstance(loop.target, ast.Name):
            self.unroll(loop, names)
            return
        self.current_list = None
        files = self.partition_files(loop)
        if files:
            self.partition_loop(loop, files)
            return
        ctx = self.loop_context(loop)
        if ctx is None:
            return
        self.block(loop.body, ctx)
        records.finish(self, ctx, loop)
        self.flush(ctx)
        for owner in ctx.collected:
            if self.env[owner].aligned is not None:
                self.env[owner].aligned = (ctx.frame, self.env[ctx.frame].var, ctx.rel.var)
        if ctx.updated:
            self.env[ctx.frame] = Rel(ctx.rel.var, self.frame_columns(ctx))
            self.last = self.env[ctx.frame]

    def frame_columns(self, ctx: Ctx) -> list[str]:
        """The frame's columns after a loop that assigned `df.at[i, 'c']` in place."""
        return self.env[ctx.frame].columns + sorted(ctx.updated - set(self.env[ctx.frame].columns))

    def comprehension(self, name: str, comp: ast.ListComp | ast.DictComp, stmt: ast.stmt) -> None:
        """`rows = [elt for a in A for b in B if cond]` is the loop that appends `elt` to a new
        `rows` (idiom: list comprehension as a loop): joins, filters and collected fields alike.
        `index = {k: v for r in rows}` is the loop that stores `index[k] = v` (idiom: dict
        comprehension as a loop)."""
        if isinstance(comp, ast.DictComp):
            store = ast.Subscript(
                value=ast.Name(id=name, ctx=ast.Load()), slice=comp.key, ctx=ast.Store()
            )
            body: list[ast.stmt] = [ast.Assign(targets=[store], value=comp.value)]
            self.empty_dicts.add(name)
        else:
            body = [ast.Expr(call_of(f"{name}.append", comp.elt))]
        for gen in reversed(comp.generators):
            for cond in reversed(gen.ifs):
                body = [ast.If(test=cond, body=body, orelse=[])]
            body = [ast.For(target=gen.target, iter=gen.iter, body=body, orelse=[])]
        loop = body[0]
        if (
            isinstance(loop.iter, ast.Name) and loop.iter.id == name
        ):  # `rows = [r for r in rows ...]`
            self.env[COMPREHENDED] = self.env.pop(name)
            loop.iter = ast.Name(id=COMPREHENDED, ctx=ast.Load())
        self.env.pop(name, None)
        for node in ast.walk(loop):
            ast.copy_location(node, stmt)
        kind = "dict" if isinstance(comp, ast.DictComp) else "list"
        self.note(stmt, f"{kind} comprehension {name} as a loop")
        self.top_loop(ast.fix_missing_locations(loop))
        self.env.pop(COMPREHENDED, None)

    def unroll(self, loop: ast.For, values: list[Any] | tuple[Any, ...]) -> None:
        """`for col in ["a", "b"]: df[col] = f(df[col])` is the body once per value, with the
        value in place of the loop variable (idiom: loop over a literal list)."""
        self.note(loop, f"loop over {len(values)} literal values, unrolled")
        for value in values:
            for stmt in loop.body:
                self.top(substitute(stmt, {loop.target.id: ast.Constant(value)}))

    def loop_context(self, loop: ast.For) -> Ctx | None:
        it = self.header_skipped(loop.iter)
        if isinstance(it, ast.Call) and static.dotted(it.func) in (
            "csv.reader",
            "csv.DictReader",
            "reader",
            "DictReader",
        ):
            if it.args and isinstance(it.args[0], ast.Name):
                it = it.args[0]
        if isinstance(it, ast.Call) and static.dotted(it.func) == "open" and it.args:
            self.bind_handle(it, ast.Name(id=f"open@{loop.lineno}"))
            it = ast.Name(id=f"open@{loop.lineno}")
        if isinstance(it, ast.Name) and it.id in self.handles:
            mode, path = self.handles[it.id].split(":", 1)
            if mode == "w":
                raise Unsupported(loop, "iterating a file opened for writing")
            rel = self.file_source(path, loop)
            ctx = Ctx(rel, target_name(loop.target), positional=list(rel.columns))
            report = self.reports.get(self.catalog_path(path))  # None: an intermediate file
            if report is None or report.idiom in ("open", *JSON_IDIOMS):
                ctx.raw = ctx.row_var
            if report is not None and report.idiom == "csv.DictReader":
                ctx.positional = None  # rows are records: `row["col"]` only
            if isinstance(loop.target, ast.Tuple):
                ctx.names.update(self.unpack(loop.target, rel.columns, loop))
            return ctx
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Attribute)
            and it.func.attr == "iterrows"
        ):
            base = it.func.value.id if isinstance(it.func.value, ast.Name) else None
            if (
                base in self.env
                and isinstance(loop.target, ast.Tuple)
                and len(loop.target.elts) == 2
            ):
                self.note(loop, "iterrows loop over a frame (row loop)")
                return self.frame_context(base, loop.target.elts[0], loop.target.elts[1])
        if (
            isinstance(it, ast.Attribute)
            and it.attr == "index"
            and static.dotted(it.value) in self.env
        ):
            self.note(loop, "loop over a frame's index (row loop)")
            return self.frame_context(static.dotted(it.value), loop.target, None)
        if isinstance(it, ast.Name) and it.id in self.env:
            rel = self.env[it.id]
            if rel.key is not None:
                raise Unsupported(loop, "iterating a dict index")
            positional = None if rel.records else list(rel.columns)
            ctx = Ctx(rel, target_name(loop.target), positional=positional)
            if isinstance(loop.target, ast.Tuple):
                ctx.names.update(self.unpack(loop.target, rel.columns, loop))
            self.note(loop, f"loop over the rows of {it.id}")
            self.current_list = it.id
            return ctx
        keys = self.sorted_keys(loop)
        if keys is not None:
            return keys
        if is_range_loop(loop):
            return None  # index loops belong to features and labels, which are synthesized
        raise Unsupported(
            loop, "a loop over something that is not a file, a frame or a collected list"
        )

    def sorted_keys(self, loop: ast.For) -> Ctx | None:
        """`for k in sorted(d)` / `for (a, b), (x, y) in sorted(d.items(), key=...)` over a dict
        index: its rows in that order, `d[k]` being the row itself (idiom: loop over sorted dict
        keys). Unsorted iteration follows the dict's insertion order, which the table does not
        keep."""
        it = loop.iter
        if not (
            isinstance(it, ast.Call) and static.dotted(it.func) == "sorted" and len(it.args) == 1
        ):
            return None
        owner, items = dict_iterated(it.args[0])
        if owner is None or not self.is_index(owner):
            return None
        index = self.env[owner]
        key_target, value_target = loop.target.elts if items else (loop.target, None)
        if items and not isinstance(loop.target, ast.Tuple | ast.List):
            raise Unsupported(loop, f"a loop over {owner}'s items that does not name key and value")
        ctx = Ctx(Rel(index.var, index.columns), None)
        key = self.bind_key(ctx, key_target, index.key, loop)
        value = self.bind_value(ctx, value_target, owner, loop) if items else None
        order = static.keyword(it, "key")
        if order is None:
            columns = [index.key]
        elif isinstance(order, ast.Lambda) and len(order.args.args) == 1 and items:
            pair = ast.Tuple(elts=[key, value], ctx=ast.Load())
            body = fold_subscripts(substitute(order.body, {order.args.args[0].arg: pair}))
            parts = body.elts if isinstance(body, ast.Tuple) else [body]
            columns = [
                self.column_for(p, ctx, column_hint(p, f"{owner}_order"), loop) for p in parts
            ]
        else:
            raise Unsupported(loop, f"a loop over {owner} sorted by a key function of keys only")
        reverse = static.literal(static.keyword(it, "reverse")) is True
        ctx.rel = Rel(self.sort(ctx.rel.var, columns, reverse, owner), ctx.rel.columns)
        if isinstance(key_target, ast.Name):
            ctx.own = (owner, key_target.id)
        self.note(loop, f"loop over {owner} in sorted order (loop over sorted dict keys)")
        return ctx

    def bind_key(self, ctx: Ctx, target: ast.AST, key: str, node: ast.AST) -> ast.AST:
        """Names for a dict's key: the key column, or one column per element of a tuple key."""
        if isinstance(target, ast.Name):
            ctx.names[target.id] = key
            return target
        names = target_names(target, len(getattr(target, "elts", [])))
        if not names:
            raise Unsupported(node, "a dict key unpacked into something other than names")
        for i, name in enumerate(names):
            column = identifier(name, set(ctx.rel.columns))
            new = self.emit(
                f"{ctx.rel.var}.project({column!r}, [{key!r}], lambda k: k[{i}])", ctx.rel.var
            )
            ctx.rel = Rel(new, [*ctx.rel.columns, column])
            ctx.names[name] = column
        return target

    def bind_value(self, ctx: Ctx, target: ast.AST, owner: str, node: ast.AST) -> ast.AST:
        """Names for a dict's value: its column, its fields (a tuple or list), or its record."""
        index = self.env[owner]
        if isinstance(target, ast.Tuple):
            ctx.names.update(self.unpack(target, index.value, node))
        elif isinstance(target, ast.Name) and owner in self.record_fields:
            ctx.records[target.id] = dict(self.record_fields[owner])
        elif isinstance(target, ast.Name) and index.scalar_value:
            ctx.names[target.id] = index.value[0]
        else:
            raise Unsupported(node, f"a value of {owner} used as a whole tuple")
        return target

    def frame_context(self, frame: str, index: ast.AST, row: ast.AST | None) -> Ctx:
        """A row loop over a frame: `row['c']` and `df.at[i, 'c']` read the row's fields, and
        assigning `df.at[i, 'c']` updates the frame in place."""
        rel = self.env[frame]
        return Ctx(
            rel,
            target_name(row) if row is not None else None,
            frame=frame,
            index_var=target_name(index),
        )

    def unpack(self, target: ast.Tuple, columns: list[str], node: ast.AST) -> dict[str, str]:
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        if None in names or len(names) != len(columns):
            raise Unsupported(
                node, f"unpacking {len(names)} names from rows of {len(columns)} fields"
            )
        return dict(zip(names, columns, strict=True))

    def block(self, stmts: list[ast.stmt], ctx: Ctx) -> None:
        stmts = fold_flag_loops(stmts)
        for i, stmt in enumerate(stmts):
            if records.update(self, stmt, ctx):
                continue
            if isinstance(stmt, ast.If) and ends_in_continue(stmt.body) and not stmt.orelse:
                if self.seen_test(stmt.test) is not None:
                    self.deduplicate(stmt, ctx)
                    continue
                if is_blank_check(stmt.test, ctx.raw):
                    self.note(stmt, "skips blank lines, as the reader does (blank lines)")
                    continue
                self.guard(stmt, ctx, negate=True)
                continue
            if isinstance(stmt, ast.If) and not stmt.orelse and is_raw(stmt.test, ctx.raw):
                self.note(stmt, "keeps non-blank lines, as the reader does (blank lines)")
                self.block(stmt.body, ctx)
                continue
            if accumulate.best_update(self, stmt, ctx, last=i == len(stmts) - 1):
                continue
            if isinstance(stmt, ast.If) and self.is_conditional_assign(stmt, ctx):
                self.conditional_assign(stmt, ctx)
                continue
            if isinstance(stmt, ast.If) and not stmt.orelse and i == len(stmts) - 1:
                self.guard(stmt, ctx, negate=False)
                self.block(stmt.body, ctx)
                continue
            self.row_stmt(stmt, ctx)
