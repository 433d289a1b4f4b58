"""The offline lifter's rules for statements inside a row loop: each one becomes a frame operation on
the loop's rows (filter, project, drop_duplicates, collected rows).
"""

from __future__ import annotations

import ast
import copy

from ..oracle import static
from . import accumulate, records
from .syntax import (
    Ctx,
    Rel,
    Unsupported,
    column_hint,
    filled_vectors,
    flatten_concat,
    free_names,
    identifier,
    is_json_record,
    is_name,
    is_raw,
    is_seen_add,
    is_split,
    ladder_complete,
    ladder_target,
    ladder_value,
    param_name,
    splits_line,
    whole_row,
)

OPAQUE = "<a block of features>"  # what a loop appended to a row vector  # the old binding of `rows` in `rows = [... for r in rows]`


class RowStatementRules:
    """Rules for the statements inside a row loop: filters, derived columns, collected rows, in-place updates. Mixed into `Lifter`."""

    def row_stmt(self, stmt: ast.stmt, ctx: Ctx) -> None:
        if isinstance(stmt, ast.Assign):
            self.row_assign(stmt, ctx)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.row_call(stmt, stmt.value, ctx)
        elif isinstance(stmt, ast.For) and filled_vectors(stmt, {*ctx.vectors, *ctx.locals}):
            self.fill_vector(stmt, ctx)
        elif isinstance(stmt, ast.For):
            self.nested_loop(stmt, ctx)
        elif isinstance(stmt, ast.AugAssign) and getattr(stmt.target, "id", None) in ctx.vectors:
            ctx.vectors[stmt.target.id] += flatten_concat(stmt.value)  # `row += [...]`
        elif (
            isinstance(stmt, ast.AugAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.target.id not in ctx.names
        ):
            return  # a counter such as `n_mails += 1`
        elif isinstance(stmt, ast.Continue | ast.Pass):
            return
        else:
            raise Unsupported(stmt, f"no rule for {type(stmt).__name__} inside a row loop")

    def row_assign(self, stmt: ast.Assign, ctx: Ctx) -> None:
        target, value = stmt.targets[0], stmt.value
        if (
            ctx.raw is not None
            and isinstance(target, ast.Name)
            and self.raw_line(target, value, ctx)
        ):
            return
        whole_row = isinstance(value, ast.Name) and value.id == ctx.row_var
        if splits_line(value, ctx) or whole_row and not isinstance(target, ast.Subscript):
            self.bind_row(stmt, target, ctx)
            return
        if accumulate.best_lookup(self, target, value, ctx):
            return
        if records.start(self, target, value, ctx):
            return
        lookup = self.dict_lookup(value, ctx)
        if lookup is not None:
            self.lookup_join(stmt, target, lookup, value, ctx)
            return
        column = self.located_field(target, ctx)
        if column is not None:
            self.project(ctx, column, value, stmt)
            ctx.updated.add(column)
            return
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            owner = target.value.id
            if owner in ctx.locals:
                return  # a row-local scratch list (e.g. a one-hot vector being filled): features
            if owner == ctx.row_var:
                self.row_update(stmt, target, value, ctx)
                return
            increment = accumulate.counter_update(target, value)
            if increment is not None and (owner in self.empty_dicts or owner in self.env):
                accumulate.count_or_sum(self, stmt, target, increment, ctx)
                return
            if owner in self.empty_dicts and accumulate.fold_update(target, value) is not None:
                accumulate.fold(self, stmt, target, ctx)
                return
            if owner in self.env or owner in self.empty_dicts:
                self.dict_store(stmt, target, value, ctx)
                return
            raise Unsupported(stmt, f"assigning into {owner}, which is neither an index nor a row")
        if isinstance(target, ast.Name):
            self.bind_name(stmt, target.id, value, ctx)
            return
        raise Unsupported(stmt, "an assignment the lifter cannot map to a column")

    def raw_line(self, target: ast.Name, value: ast.AST, ctx: Ctx) -> bool:
        """`line = line.strip()` is the same line (the reader strips line ends); `rec =
        json.loads(line)` is the line's record, whose keys are the source's columns (idiom: JSON
        lines)."""
        if is_raw(value, ctx.raw):
            ctx.raw = ctx.row_var = target.id
            return True
        if is_json_record(value, ctx.raw) or self.is_header_record(value, ctx):
            ctx.row_var, ctx.raw = target.id, None
            ctx.positional = None
            self.note(value, f"{target.id} = {ast.unparse(value)[:40]} reads a record (records)")
            return True
        return False

    def seen_test(self, test: ast.AST) -> ast.AST | None:
        """K of `if K in seen: continue`, where `seen` is a set the loop adds K to."""
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.In)
            and isinstance(test.comparators[0], ast.Name)
            and test.comparators[0].id in self.seen_sets
        ):
            return test.left
        return None

    def deduplicate(self, stmt: ast.If, ctx: Ctx) -> None:
        """`if key in seen: continue` + `seen.add(key)` keeps the first row per key
        (idiom: deduplication with a seen set)."""
        key = self.seen_test(stmt.test)
        if (
            is_name(key, ctx.row_var)
            or is_name(whole_row(key), ctx.row_var)
            or (isinstance(key, ast.Name) and key.id in ctx.whole_rows)
        ):
            columns = list(ctx.positional or ctx.rel.columns)
        else:
            elements = key.elts if isinstance(key, ast.Tuple) else [key]
            columns = [self.column_for(e, ctx, column_hint(e, "key"), stmt) for e in elements]
        new = self.emit(f"{ctx.rel.var}.drop_duplicates({columns!r}, keep='first')", ctx.rel.var)
        ctx.rel = Rel(new, ctx.rel.columns)
        ctx.same_rows = False
        ctx.narrowed += 1
        self.note(stmt, f"keep the first row per {ast.unparse(key)} (deduplication)")

    def is_record(self, node: ast.AST, ctx: Ctx) -> bool:
        """The whole row as one value: a parsed record or the row variable itself."""
        return (
            is_json_record(node, ctx.raw)
            or self.is_header_record(node, ctx)
            or is_name(node, ctx.row_var)
            or self.is_own_row(node, ctx)
        )

    def is_own_row(self, node: ast.AST, ctx: Ctx) -> bool:
        """`d[k]` in a loop over d's keys, d holding whole rows."""
        return (
            ctx.own is not None
            and isinstance(node, ast.Subscript)
            and is_name(node.value, ctx.own[0])
            and is_name(node.slice, ctx.own[1])
            and ctx.own[0] in self.record_fields
        )

    def is_header_record(self, node: ast.AST, ctx: Ctx) -> bool:
        """`dict(zip(header, line.split(sep)))`: the line's fields named by the file's header row,
        which the source reads as its column names (idiom: header row zipped into records)."""
        if not (
            isinstance(node, ast.Call)
            and static.dotted(node.func) == "dict"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Call)
            and static.dotted(node.args[0].func) == "zip"
            and len(node.args[0].args) == 2
        ):
            return False
        fields = node.args[0].args[1]
        split_raw = is_split(fields, ctx) and is_raw(fields.func.value, ctx.raw)
        return ctx.positional is not None and (split_raw or is_name(fields, ctx.row_var))

    def bind_row(self, stmt: ast.Assign, target: ast.AST, ctx: Ctx) -> None:
        """`a, b = line.split(',')` names the fields; `parts = line.split(',')` renames the row."""
        if isinstance(target, ast.Tuple):
            ctx.names.update(self.unpack(target, ctx.positional or ctx.rel.columns, stmt))
        elif isinstance(target, ast.Name):
            ctx.row_var = target.id
        else:
            raise Unsupported(stmt, "splitting a line into something other than names")

    def fill_vector(self, loop: ast.For, ctx: Ctx) -> None:
        """`for a in kinds: row.append(1 if r[k] == a else 0)` fills a row's feature vector with
        a block (a one-hot): left to the encoder synthesis, the row's columns are kept."""
        for name in filled_vectors(loop, {*ctx.vectors, *ctx.locals}):
            if name in ctx.vectors:
                ctx.vectors[name].append(ast.Name(id=OPAQUE, ctx=ast.Load()))
        self.note(loop, "a loop filling a row vector: left to the encoder synthesis")

    def bind_name(self, stmt: ast.Assign, name: str, value: ast.AST, ctx: Ctx) -> None:
        if accumulate.matches(self, name, value, ctx, stmt):
            return
        value = accumulate.first_or_default(value, ctx)
        value = accumulate.hoist_lookups(self, value, ctx, stmt)
        ref = self.field_ref(value, ctx)
        if ref is not None:
            ctx.names[name] = ref  # `cust_id = parts[0]`: another name for a column
            return
        if isinstance(value, ast.List) and value.elts and self.row_refs(value, ctx):
            ctx.vectors[name] = list(value.elts)  # `row = [a, b]`, extended later: a row vector
            return
        if is_name(whole_row(value), ctx.row_var):
            ctx.whole_rows.add(name)  # `key = tuple(row)`
            return
        if not self.row_refs(value, ctx):
            ctx.locals.add(name)  # loop-invariant, such as `hood = [0.0] * 6`
            return
        unknown = self.outside(value, ctx)
        if unknown:  # row-local scratch such as a one-hot over a computed list: features
            ctx.locals.add(name)
            ctx.names.pop(name, None)
            self.note(stmt, f"{name} uses {sorted(unknown)}: left to the encoder synthesis")
            return
        col = identifier(name, set(ctx.rel.columns))
        self.project(ctx, col, value, stmt)
        ctx.names[name] = col
        ctx.locals.discard(name)

    def row_call(self, stmt: ast.stmt, call: ast.Call, ctx: Ctx) -> None:
        name = static.dotted(call.func)
        if name.endswith(".write"):
            self.writes_rows(call, ctx)
            return
        if name == "print" or is_seen_add(call, self.seen_sets):
            return
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name)
        ):
            owner = call.func.value.id
            if owner in ctx.vectors:
                ctx.vectors[owner].append(call.args[0])
            elif owner == ctx.row_var:
                self.row_append_field(stmt, call.args[0], ctx)
            else:
                self.collect(owner, call.args[0], ctx, stmt)
            return
        grouped = accumulate.group_append(call, self.empty_lists)
        if grouped is not None:
            accumulate.collect_groups(self, stmt, grouped, ctx)
            return
        raise Unsupported(stmt, f"a call to {name or 'an expression'} inside a row loop")

    def writes_rows(self, call: ast.Call, ctx: Ctx) -> None:
        handle = static.dotted(call.func).rsplit(".", 1)[0]
        target = self.handles.get(handle, "")
        if target.startswith("w:") and ctx.positional is not None:
            self.files[target[2:]] = Rel(ctx.rel.var, list(ctx.positional))
            self.note(call, f"writes the rows to {target[2:]} (intermediate file)")

    def guard(self, stmt: ast.If, ctx: Ctx, negate: bool) -> None:
        ctx.same_rows = False
        ctx.narrowed += 1
        membership = self.membership(stmt.test, ctx)
        if membership is not None:
            dict_name, key_expr, inside = membership
            if inside != negate:
                self.semi_join(ctx, dict_name, key_expr, stmt)
                return
            raise Unsupported(stmt, "keeping rows whose key is missing from an index (anti-join)")
        test = accumulate.hoist_lookups(self, stmt.test, ctx, stmt)
        if negate and isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negate = test.operand, False  # `if not cond: continue` keeps cond
        cols, fn = self.row_function(test, ctx)
        body = f"not ({fn[1]})" if negate else fn[1]
        new = self.emit(f"{ctx.rel.var}.filter_by({cols!r}, lambda {fn[0]}: {body})", ctx.rel.var)
        ctx.rel = Rel(new, ctx.rel.columns)
        self.note(
            stmt, f"{'skip' if negate else 'keep'} rows where {ast.unparse(stmt.test)} (row filter)"
        )

    def is_conditional_assign(self, stmt: ast.If, ctx: Ctx) -> bool:
        """A ladder with a missing branch keeps the target's value, so its target must be a row
        value (`if pd.isna(x): x = fill`); `if c: index[k] = v` stays a filtered dict index."""
        target = ladder_target(stmt)
        if target is None:
            return False
        return ladder_complete(stmt) or self.field_ref(target, ctx) is not None

    def conditional_assign(self, stmt: ast.If, ctx: Ctx) -> None:
        """An if/elif/else ladder assigning one variable is one conditional expression; a branch
        that is missing keeps the variable's value (idiom: conditional assignment)."""
        target = ladder_target(stmt)
        expr = ast.fix_missing_locations(ast.copy_location(ladder_value(stmt, target), stmt))
        assign = ast.copy_location(ast.Assign(targets=[copy.deepcopy(target)], value=expr), stmt)
        self.row_assign(ast.fix_missing_locations(assign), ctx)

    def outside(self, value: ast.AST, ctx: Ctx) -> set[str]:
        """Names a row expression uses that no generated step can see: values the script computed
        from the data outside the rows (column aggregates of the loop's frame excepted, they are
        broadcast)."""
        cols, fn = self.row_function(value, ctx)
        unknown = free_names(ast.parse(f"lambda {fn[0]}: {fn[1]}", mode="eval")) - self.globals
        if all(self.scalars.get(n, ("",))[0] == ctx.frame for n in unknown):
            return set()
        return unknown

    def project(self, ctx: Ctx, col: str, value: ast.AST, node: ast.AST) -> None:
        value = accumulate.hoist_lookups(self, self.row_arguments(value, ctx), ctx, node)
        if self.field_ref(value, ctx) == col:
            return  # `p["port"] = port`, port already that column
        unknown = self.outside(value, ctx)
        if unknown:
            raise Unsupported(
                node, f"{ast.unparse(value)[:60]} uses {sorted(unknown)}, computed outside the rows"
            )
        cols, fn = self.row_function(value, ctx)
        for name in sorted(free_names(ast.parse(f"lambda {fn[0]}: {fn[1]}", mode="eval"))):
            if name in self.scalars and name not in ctx.names:
                self.broadcast(ctx, name, node)
        cols, fn = self.row_function(value, ctx)
        new = self.emit(
            f"{ctx.rel.var}.project({col!r}, {cols!r}, lambda {fn[0]}: {fn[1]})", ctx.rel.var
        )
        ctx.rel = Rel(
            new, [*ctx.rel.columns, col] if col not in ctx.rel.columns else ctx.rel.columns
        )
        self.note(node, f"column {col} = {ast.unparse(value)} (derived column)")

    def broadcast(self, ctx: Ctx, name: str, node: ast.AST) -> None:
        """A column aggregate (`median_income = np.median([...df['income']...])`) used inside a
        loop over the frame's rows: a column holding it on every row, computed from the whole
        columns (idiom: column aggregate in a row loop)."""
        from .pandas import _column_function

        frame, expr = self.scalars[name]
        cols, fn = _column_function(self, expr, frame)
        lam = ast.parse(fn, mode="eval").body
        first = lam.args.args[0].arg
        broadcast = f"pd.Series({ast.unparse(lam.body)}, index={first}.index)"
        params = ", ".join(a.arg for a in lam.args.args)
        new = self.emit(
            f"{ctx.rel.var}.project({name!r}, {cols!r}, lambda {params}: {broadcast}, "
            "vectorized=True, rowwise=False)",
            ctx.rel.var,
        )
        ctx.rel = Rel(new, [*ctx.rel.columns, name])
        ctx.names[name] = name
        self.note(node, f"{name} = {ast.unparse(expr)[:50]} on every row (column aggregate)")

    def column_for(self, value: ast.AST, ctx: Ctx, hint: str, node: ast.AST) -> str:
        """The column holding `value`: an existing one for a bound name or field, else a projection."""
        value = accumulate.hoist_lookups(self, self.row_arguments(value, ctx), ctx, node)
        ref = self.field_ref(value, ctx)
        if ref is not None:
            return ref
        if not self.row_refs(value, ctx):
            raise Unsupported(node, f"a constant {ast.unparse(value)} collected as a field")
        col = identifier(hint, set(ctx.rel.columns))
        self.project(ctx, col, value, node)
        return col

    def collect(self, owner: str, value: ast.AST, ctx: Ctx, node: ast.AST) -> None:
        """`rows.append(...)`: the appended fields become columns (idiom: collect rows).

        An element computed with row-local scratch (a one-hot vector filled in the loop) is not
        lifted; the row's own columns are kept instead, for the encoder synthesis to work from.
        Lists appended in the same iteration (features and labels) are one table.
        """
        self.flush(ctx)
        columns: list[str] = []
        opaque = False
        if isinstance(value, ast.Dict):
            self.collect_record(owner, value, ctx, node)
            return
        elements = [
            e
            for element in flatten_concat(value)
            for e in (
                ctx.vectors.get(element.id, [element])
                if isinstance(element, ast.Name)
                else self.row_slice(element, ctx) or [element]
            )
        ]
        parsed = len(elements) == 1 and self.is_record(elements[0], ctx)
        whole = parsed and (ctx.positional is None or not is_name(elements[0], ctx.row_var))
        for i, element in enumerate(elements):
            if self.is_record(element, ctx):
                columns += ctx.rel.columns  # the whole record
                continue
            if isinstance(element, ast.Name) and element.id in {*ctx.locals, OPAQUE}:
                opaque = True
                continue
            if isinstance(element, ast.ListComp):
                opaque = True  # a block per row (a one-hot over a list): for the encoder synthesis
                continue
            default = owner if len(elements) == 1 else f"{owner}_{i}"
            element = self.row_arguments(element, ctx)
            try:
                columns.append(self.column_for(element, ctx, column_hint(element, default), node))
            except Unsupported:
                opaque = True
        if opaque:
            columns += [c for c in ctx.rel.columns if c not in columns]
            self.note(
                node, f"{owner}: elements built from row-local values; keeping the row's columns"
            )
        columns += self.riding_columns(ctx, columns)
        self.collected(owner, columns, ctx, node, records=whole)

    def collect_record(self, owner: str, value: ast.Dict, ctx: Ctx, node: ast.AST) -> None:
        """`rows.append({**r, "k": expr})`: a record whose keys are the columns (idiom: records)."""
        columns: list[str] = []
        for key, element in zip(value.keys, value.values, strict=True):
            name = static.literal(key) if key is not None else None
            if key is None and isinstance(element, ast.Name) and element.id in ctx.records:
                columns += list(ctx.records[element.id].values())
            elif key is None and self.is_record(element, ctx):
                columns += ctx.rel.columns
            elif isinstance(name, str):
                columns.append(self.column_named(element, name, ctx, node))
            else:
                raise Unsupported(node, "a collected record whose keys are not literal strings")
        self.collected(owner, columns, ctx, node, records=True)

    def column_named(self, value: ast.AST, name: str, ctx: Ctx, node: ast.AST) -> str:
        """The column holding `value` under the name `name`."""
        ref = self.field_ref(value, ctx)
        if ref == name:
            return name
        if ref is not None:
            value = ast.Name(id=param_name(value, ref), ctx=ast.Load())
            ctx.names.setdefault(value.id, ref)
        self.project(ctx, name, value, node)
        return name

    def collected(
        self, owner: str, columns: list[str], ctx: Ctx, node: ast.AST, records: bool
    ) -> None:
        if owner in self.env and self.env[owner].key is None and owner not in ctx.collected:
            raise Unsupported(node, f"rows appended to {owner} in more than one loop")
        ctx.collected[owner] = list(dict.fromkeys(columns))
        merged = list(dict.fromkeys(c for cols in ctx.collected.values() for c in cols))
        selected = (
            ctx.rel.var
            if merged == ctx.rel.columns
            else self.emit(f"{ctx.rel.var}.select({merged!r})", owner)
        )
        aligned = None
        if ctx.frame is not None and ctx.same_rows:
            aligned = (ctx.frame, self.env[ctx.frame].var, ctx.rel.var)
        self.env[owner] = Rel(selected, ctx.collected[owner], aligned=aligned, records=records)
        self.last = Rel(selected, merged)
        self.note(node, f"{owner} collects ({', '.join(ctx.collected[owner])}) (collect rows)")

    def row_update(self, stmt: ast.Assign, target: ast.Subscript, value: ast.AST, ctx: Ctx) -> None:
        col = self.field_ref(target, ctx)
        key = static.literal(target.slice)
        if col is None and isinstance(key, str) and ctx.positional is None:
            col = key  # `rec["title"] = ...` on a record adds a field (idiom: new record field)
        if col is None:
            raise Unsupported(stmt, "assigning to a row field the lifter cannot locate")
        self.project(ctx, col, value, stmt)
        self.refresh_list(ctx)

    def row_append_field(self, stmt: ast.stmt, value: ast.AST, ctx: Ctx) -> None:
        if ctx.positional is None:
            raise Unsupported(stmt, "appending to a row that is not a list")
        col = identifier(column_hint(value, f"field_{len(ctx.positional)}"), set(ctx.rel.columns))
        self.project(ctx, col, value, stmt)
        ctx.positional.append(col)
        self.refresh_list(ctx)

    def refresh_list(self, ctx: Ctx) -> None:
        """In-place updates of `for r in rows` change `rows` itself."""
        owner = self.current_list
        if owner in self.env:
            columns = list(ctx.positional or ctx.rel.columns)
            self.env[owner] = Rel(ctx.rel.var, columns, records=ctx.positional is None)
            self.last = self.env[owner]
