"""The offline lifter's data preparation: imperative row loops turned into frame operations.

It interprets the top-level statements of the script's data preparation symbolically. A loop over a
file's lines, a csv reader or `DataFrame.iterrows()` is a row context over a frame; inside it:

- `a, b = line.split(sep)` / `row[2]` / `row["col"]` bind names to columns          (idiom: field access)
- `if cond: continue`, or a body under `if cond:`                     -> filter_by    (idiom: row filter)
- `x = expr` over row values                                         -> project      (idiom: derived column)
- `d[key] = (v1, v2)`                                                -> keyed table  (idiom: dict index)
- `if key in d` / `v1, v2 = d[key]` / `d.get(key, default)`          -> inner / left join (idiom: dict-lookup join)
- `for b in other:` + `if a_key == b_key:`                           -> inner join   (idiom: nested-loop join)
- `rows.append((...))`                                               -> select       (idiom: collect rows)
- `for r in rows: r[i] = f(r[i]); r.append(g(...))`                  -> project      (idiom: in-place row update)
- writing rows to a file and reading it back                        -> identity     (idiom: intermediate file)
- `[elt for a in A for b in B if c]`          -> the loop that appends elt  (idiom: list comprehension)
- `if c: x = v` / if-elif-else ladders assigning one target         -> project      (idiom: conditional assignment)
- `if k in seen: continue` + `seen.add(k)`                         -> drop_duplicates (idiom: seen set)
- `for f in sorted(glob(...))` / `os.listdir` reading each file     -> union        (idiom: partitions)
- `json.loads(line)`, `dict(zip(header, line.split(sep)))`          -> records      (idiom: JSON lines, header row)
- `xs.append(v)` in a loop over df, then `df["x"] = xs`              -> project      (idiom: parallel list)
- `df.at[i, "c"] = v` in `for i in df.index`                        -> project      (idiom: .at loop)
- `m = df["a"].median()` used later                 -> recomputed where used (idiom: column aggregate)
- pandas statements: boolean-mask filters, column assignment, merge, dropna, drop_duplicates,
  drop, column selection, `apply`/`map`, `.loc[mask, c] = v`, constant columns, loops over
  literal lists or `df.columns`                                      -> the matching frame operation
- `pd.get_dummies(df, ...)`: the raw columns stay; the encoder synthesis finds the one-hot block

Row-level expressions are kept verbatim as the bodies of row-wise functions, so their semantics
(string parsing, casts, helper functions) are exactly the original's. Sources read by hand are read
as strings, as `split` gives them. Anything outside these idioms raises `Unsupported`, naming the
line, so that the agent can hand the step to the LLM proposer.
"""

from __future__ import annotations

import ast
import builtins
import copy
import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import Any

from lester.agents import lift_accumulate as accumulate
from lester.agents import lift_records as records
from lester.agents import static
from lester.agents.lift_inline import inline_readers
from lester.agents.lift_syntax import (
    ARRAY_BUILDERS,
    Ctx,
    Rel,
    Unsupported,
    call_of,
    column_hint,
    constructed,
    copy_node,
    dict_iterated,
    dict_of_empty_lists,
    ends_in_continue,
    filled_vectors,
    flatten_concat,
    fold_flag_loops,
    fold_subscripts,
    folded_text,
    free_names,
    identifier,
    is_blank_check,
    is_columns_of,
    is_empty_set,
    is_json_record,
    is_name,
    is_none,
    is_range_loop,
    is_raw,
    is_seen_add,
    is_split,
    ladder_complete,
    ladder_target,
    ladder_value,
    literal_elements,
    literal_keys,
    located_base,
    lookup_defaults,
    param_name,
    partition_body,
    read_lines,
    reads_any,
    several_empty_dicts,
    splits_line,
    subscript_base,
    substitute,
    target_name,
    target_names,
    whole_row,
)

JSON_IDIOMS = ("json-lines", "pandas-json")
COMPREHENDED = "<comprehended rows>"
OPAQUE = "<a block of features>"  # what a loop appended to a row vector  # the old binding of `rows` in `rows = [... for r in rows]`


@dataclass
class SourceSpec:
    name: str
    path: str
    options: dict[str, Any]
    reader: str = "read_csv"


@dataclass
class PreparePlan:
    sources: list[SourceSpec]
    body: list[str]
    result: str
    columns: list[str]
    helpers: list[str]
    constants: list[str]
    trail: list[str]
    imports: list[str]  # what the steps need besides the script's own imports


class Lifter:
    def __init__(
        self,
        source: str,
        sources: list[Any],
        prepare_lines: set[int],
        feature_lines: set[int] = frozenset(),
    ) -> None:
        self.source = source
        self.tree, inlined = inline_readers(static.parse(source))
        self.reports = {s.path: s for s in sources}
        self.catalog = {spec.path: spec for spec in source_specs(sources)}
        self.prepare_lines = prepare_lines
        self.feature_lines = feature_lines
        self.lines: list[str] = []
        self.vars: set[str] = set()
        self.env: dict[str, Rel] = {}
        self.files: dict[str, Rel] = {}
        self.handles: dict[str, str] = {}
        self.specs: list[SourceSpec] = []
        self.trail: list[str] = list(inlined)
        self.last: Rel | None = None
        self.current_list: str | None = None
        self.aliases: dict[str, list[str]] = {}
        self.empty_dicts: set[str] = set()
        self.record_fields: dict[str, dict[str, str]] = {}
        self.scalars: dict[str, tuple[str, ast.AST]] = {}
        self.seen_sets: set[str] = set()
        self.groups: dict[str, tuple[str, str, str]] = {}
        self.accumulated: set[str] = set()
        self.needs: set[str] = set()
        self.broadcasts: set[str] = set()
        self.empty_lists: set[str] = set()
        self.frame_statistics: dict[str, tuple[str, list[str], str]] = {}

    # ---- driver -------------------------------------------------------------------------------

    def lift(self) -> PreparePlan:
        for stmt in self.tree.body:
            if stmt.lineno in self.prepare_lines and not isinstance(
                stmt, ast.Import | ast.ImportFrom | ast.FunctionDef
            ):
                self.top(stmt)
        if self.last is None:
            raise Unsupported(self.tree, "no collection of rows was built from the sources")
        for stmt in self.tree.body:
            if stmt.lineno in self.feature_lines:
                self.feature_comprehension(stmt)
        result = self.result()
        return PreparePlan(
            sources=self.specs,
            body=_live(self.lines),
            result=result,
            columns=self.last.columns,
            helpers=self.helpers(),
            constants=self.constants,
            trail=self.trail,
            imports=sorted(self.needs),
        )

    def result(self) -> str:
        """The prepared frame: the last frame, unless it already is that selection of columns."""
        selection = f".select({self.last.columns!r})"
        made = next((ln for ln in self.lines if ln.startswith(f"{self.last.var} = ")), "")
        if made.endswith(selection):
            return self.last.var
        return self.emit(f"{self.last.var}{selection}", "prepared")

    def feature_comprehension(self, stmt: ast.stmt) -> None:
        """`age = np.array([r[0] / r[5] for r in rows])`: a per-row feature, kept as a column of the
        prepared rows for the encoder and label synthesis (idiom: per-row feature comprehension);
        `[[r["a"] / 10, len(r["b"])] for r in rows]` gives one column per computed element."""
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)):
            return
        comp = stmt.value
        if isinstance(comp, ast.DictComp):
            accumulate.reduce_groups(self, stmt.targets[0].id, comp, stmt)
            return
        if isinstance(comp, ast.Call) and comp.args and static.dotted(comp.func) in ARRAY_BUILDERS:
            comp = comp.args[0]
        if not (
            isinstance(comp, ast.ListComp)
            and len(comp.generators) == 1
            and not comp.generators[0].ifs
        ):
            return
        if isinstance(comp.elt, ast.ListComp):
            return  # a block per row (a one-hot over a list): for the encoder synthesis
        gen = comp.generators[0]
        ctx = self.prepared_rows(gen)
        if ctx is None:
            return  # only comprehensions over the prepared rows themselves
        if isinstance(gen.target, ast.Tuple):
            try:
                ctx.names.update(self.unpack(gen.target, ctx.positional, stmt))
            except Unsupported:
                return
        name = stmt.targets[0].id
        vector = isinstance(comp.elt, ast.List | ast.Tuple)  # several features per row
        elements = comp.elt.elts if vector else [comp.elt]
        for i, element in enumerate(elements):
            if self.field_ref(element, ctx) is not None or not self.row_refs(element, ctx):
                continue  # a column already, or a constant
            try:
                hint = f"{name}_{i}" if vector else name
                self.project(ctx, identifier(hint, set(ctx.rel.columns)), element, stmt)
            except Unsupported:
                continue  # left to the encoder synthesis
        self.last = ctx.rel

    def prepared_rows(self, gen: ast.comprehension) -> Ctx | None:
        """A row context over the prepared rows for `for r in rows` (rows collected earlier) or
        `for v in df["col"]` (a column of the prepared frame), else None."""
        it = gen.iter
        if isinstance(it, ast.Subscript) and isinstance(it.value, ast.Name):
            rel, column = self.env.get(it.value.id), static.literal(it.slice)
            if rel is None or column not in rel.columns or not isinstance(gen.target, ast.Name):
                return None
            names = {gen.target.id: column}
            ctx = Ctx(Rel(self.last.var, list(self.last.columns)), None, names=names)
        else:
            rel = self.env.get(it.id) if isinstance(it, ast.Name) else None
            if rel is None:
                return None
            ctx = Ctx(
                Rel(self.last.var, list(self.last.columns)),
                target_name(gen.target),
                positional=list(rel.columns),
            )
        if rel.key is not None or not set(rel.columns) <= set(self.last.columns):
            return None
        return ctx

    def emit(self, expr: str, hint: str) -> str:
        var = identifier(re.sub(r"(_\d+)+$", "", hint), self.vars)
        self.lines.append(f"{var} = {expr}")
        return var

    def sort(self, rows: str, columns: list[str], descending: bool, hint: str) -> str:
        """A stable sort of `rows` on `columns`, as Python's `sort`/`sorted` are."""
        order = ", ascending=False" if descending else ""
        return self.emit(f"{rows}.sort({columns!r}{order})", hint)

    def note(self, node: ast.AST, idiom: str) -> None:
        self.trail.append(f"line {node.lineno}: {idiom}")

    # ---- top-level statements -----------------------------------------------------------------

    def top(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                self.bind_handle(item.context_expr, item.optional_vars)
            for inner in stmt.body:
                self.top(inner)
        elif isinstance(stmt, ast.For):
            self.top_loop(stmt)
        elif isinstance(stmt, ast.Assign):
            self.top_assign(stmt)
        elif isinstance(stmt, ast.Expr | ast.AugAssign | ast.Pass | ast.AnnAssign):
            self.top_expr(stmt)
        elif isinstance(stmt, ast.If) and self.is_column_ladder(stmt):
            target = ladder_target(stmt)
            value = ast.fix_missing_locations(ast.copy_location(ladder_value(stmt, target), stmt))
            self.top_assign(ast.copy_location(ast.Assign(targets=[target], value=value), stmt))
        elif isinstance(stmt, ast.If | ast.While | ast.Try):
            raise Unsupported(
                stmt, f"no rule for a top-level {type(stmt).__name__.lower()} in data preparation"
            )

    def is_column_ladder(self, stmt: ast.If) -> bool:
        """`if <test on df's columns>: df['c'] = v` assigns c on the whole column or leaves it:
        one conditional column expression (idiom: conditional column assignment)."""
        target = ladder_target(stmt)
        return (
            isinstance(target, ast.Subscript)
            and subscript_base(target) in self.env
            and static.literal(target.slice) in self.env[subscript_base(target)].columns
        )

    def bind_handle(self, expr: ast.AST, target: ast.AST | None) -> None:
        if (
            isinstance(expr, ast.Call)
            and static.dotted(expr.func) == "open"
            and isinstance(target, ast.Name)
        ):
            path = static.literal(expr.args[0]) if expr.args else None
            mode = (
                static.literal(expr.args[1])
                if len(expr.args) > 1
                else static.literal(static.keyword(expr, "mode"))
            )
            if isinstance(path, str):
                self.handles[target.id] = ("w:" if mode and "w" in mode else "r:") + path

    def top_expr(self, stmt: ast.stmt) -> None:
        """Prints, counters and other statements that do not touch the rows are left behind."""
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            name = static.dotted(stmt.value.func)
            owner, method = name.rsplit(".", 1) if "." in name else ("", name)
            if method == "append" and owner in self.env:
                raise Unsupported(stmt, "appending to a collection outside a loop")
            if method == "sort" and owner in self.env:
                self.sort_rows(owner, stmt.value, stmt)

    def top_assign(self, stmt: ast.Assign) -> None:
        target = stmt.targets[0]
        value = stmt.value
        if isinstance(value, ast.List | ast.Dict | ast.Tuple) and not literal_elements(value):
            if isinstance(value, ast.Dict) and isinstance(target, ast.Name):
                self.empty_dicts.add(target.id)
            return  # `rows = []`, `index = {}`: filled by a loop later
        if isinstance(target, ast.Name) and dict_of_empty_lists(value):
            self.empty_lists.add(target.id)
            return  # `fares = {1: [], 2: []}`: lists per key, filled by a loop later
        if several_empty_dicts(target, value):
            self.empty_dicts |= {e.id for e in target.elts}
            return  # `a, b = {}, {}`
        if isinstance(target, ast.Name) and isinstance(value, ast.DictComp):
            if accumulate.reduce_groups(self, target.id, value, stmt):
                return
        if isinstance(target, ast.Name) and read_lines(value) is not None:
            self.bind_handle(read_lines(value), target)
            return  # `lines = open(path).read().splitlines()`: the file's lines, as a handle
        if isinstance(target, ast.Name) and isinstance(value, ast.ListComp | ast.DictComp):
            source = self.header_skipped(value.generators[0].iter)
            if isinstance(source, ast.Call) and static.dotted(source.func) == "sorted":
                source = dict_iterated(source.args[0])[0] if source.args else None
                source = ast.Name(id=source) if self.is_index(source) else None
            if isinstance(source, ast.Name) and (
                source.id in self.env or source.id in self.handles
            ):
                self.comprehension(target.id, value, stmt)
                return
        if isinstance(target, ast.Name) and isinstance(value, ast.Name) and value.id in self.env:
            self.env[target.id] = self.env[value.id]  # `apps = rows`: another name, same rows
            return
        if isinstance(target, ast.Name) and is_empty_set(value):
            self.seen_sets.add(target.id)
            return
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            name = static.dotted(value.func)
            if name.endswith("read_csv") or name.endswith("read_json"):
                self.pandas_source(target.id, value)
                return
            if name in ("csv.reader", "csv.DictReader", "reader", "DictReader"):
                handle = (
                    value.args[0].id if value.args and isinstance(value.args[0], ast.Name) else None
                )
                if handle in self.handles:
                    self.handles[target.id] = self.handles[handle]
                return
            if name == "open":
                self.bind_handle(value, target)
                return
        if isinstance(target, ast.Name) and accumulate.list_statistic(self, target.id, value, stmt):
            return
        if isinstance(target, ast.Name) and accumulate.frame_statistic(
            self, target.id, value, stmt
        ):
            return
        if isinstance(target, ast.Name) and reads_any(value, {**self.env, **self.scalars}):
            self.pandas_assign(target.id, value, stmt)
            return
        if isinstance(target, ast.Subscript) and subscript_base(target) in self.env:
            self.pandas_column(target, value, stmt)
        elif isinstance(target, ast.Subscript) and located_base(target) in self.env:
            self.pandas_masked(target, value, stmt)

    # ---- sources -------------------------------------------------------------------------------

    def sort_rows(self, owner: str, call: ast.Call, stmt: ast.stmt) -> None:
        """`rows.sort(key=lambda r: (r[2], r[0]), reverse=False)`: a stable sort on the key's
        columns, as Python's sort is (idiom: sorted rows)."""
        rel = self.env[owner]
        key = static.keyword(call, "key")
        reverse = static.literal(static.keyword(call, "reverse")) or False
        if call.args or not (
            isinstance(key, ast.Lambda) and len(key.args.args) == 1 and reverse in (True, False)
        ):
            raise Unsupported(stmt, f"sorting {owner} without a key function of its rows")
        ctx = Ctx(rel, key.args.args[0].arg, positional=None if rel.records else list(rel.columns))
        parts = key.body.elts if isinstance(key.body, ast.Tuple) else [key.body]
        columns = [self.column_for(p, ctx, column_hint(p, f"{owner}_key"), stmt) for p in parts]
        new = self.sort(ctx.rel.var, columns, reverse, owner)
        self.env[owner] = Rel(new, rel.columns, records=rel.records)
        self.last = Rel(new, rel.columns)
        self.note(stmt, f"{owner} sorted by {ast.unparse(key.body)} (sorted rows)")

    def catalog_path(self, path: str) -> str:
        return path if path in self.catalog else path.lstrip("./")

    def file_source(self, path: str, node: ast.AST) -> Rel:
        if path in self.files:
            self.note(
                node, f"reads back {path}, written earlier from the same rows (intermediate file)"
            )
            return self.files[path]
        spec = self.catalog.get(path) or self.catalog.get(path.lstrip("./"))
        if spec is None:
            raise Unsupported(node, f"{path} was not read when the script ran")
        if spec not in self.specs:
            self.specs.append(spec)
        self.vars.add(spec.name)
        self.note(node, f"source {spec.name} from {path} ({self.reports[spec.path].idiom})")
        return Rel(spec.name, list(self.reports[spec.path].names))

    def pandas_source(self, var: str, call: ast.Call) -> None:
        path = static.literal(call.args[0]) if call.args else None
        if not isinstance(path, str):
            raise Unsupported(call, "a read_csv whose path is not a string literal")
        rel = self.file_source(path, call)
        self.env[var] = rel

    # ---- loops ---------------------------------------------------------------------------------

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

    def partition_files(self, loop: ast.For) -> list[tuple[str, str]]:
        """(value of the loop variable, source path) per file of a loop over partition files:
        `for path in sorted(glob.glob("data/p_*.csv"))` or `for name in sorted(os.listdir(DIR))`,
        the files being those the script read, in sorted order."""
        it = loop.iter
        if isinstance(it, ast.Call) and static.dotted(it.func) == "sorted" and it.args:
            it = it.args[0]
        if not (isinstance(it, ast.Call) and it.args and isinstance(loop.target, ast.Name)):
            return []
        pattern = self.constant_text(it.args[0])
        kind = static.dotted(it.func)
        if pattern is None or kind not in ("glob.glob", "glob", "os.listdir", "listdir"):
            return []
        if kind.endswith("listdir"):
            folder = pattern.rstrip("/") + "/"
            found = [(p[len(folder) :], p) for p in self.catalog if p.startswith(folder)]
            found = [(name, p) for name, p in found if "/" not in name]
        else:
            found = [(p, p) for p in self.catalog if fnmatch.fnmatch(p, pattern.lstrip("./"))]
        return sorted(found)

    def named_partitions(self, loop: ast.For, values: Any) -> list[tuple[Any, str]]:
        """(value, path) per file of `for port in ["C", "Q"]: open(f"data/p_{port}.jsonl")`: a
        loop over literal values naming the partition files the script read (idiom: partitions)."""
        if not (isinstance(values, list | tuple) and values and isinstance(loop.target, ast.Name)):
            return []
        opens = [
            n
            for n in ast.walk(loop)
            if isinstance(n, ast.Call) and static.dotted(n.func) == "open" and n.args
        ]
        if len(opens) != 1 or loop.target.id not in free_names(opens[0].args[0]):
            return []
        files = []
        for value in values:
            path = folded_text(substitute(opens[0].args[0], {loop.target.id: ast.Constant(value)}))
            if path is None or self.catalog_path(path) not in self.catalog:
                return []
            files.append((value, self.catalog_path(path)))
        return files

    def constant_text(self, node: ast.AST) -> str | None:
        """A string literal, or a module constant naming one (`TX_DIR`)."""
        if isinstance(node, ast.Name):
            name = node.id
            for stmt in self.tree.body:
                if isinstance(stmt, ast.Assign) and ast.unparse(stmt.targets[0]) == name:
                    node = stmt.value
        text = static.literal(node)
        return text if isinstance(text, str) else None

    def partition_loop(self, loop: ast.For, files: list[tuple[str, str]]) -> None:
        """A loop over partition files reading each one's lines is one row loop over the union
        of the partitions, the loop variable a column holding each row's file (idiom: partitions)."""
        var = loop.target.id
        parts = []
        for value, path in files:
            rel = self.file_source(path, loop)
            named = f"{rel.var}.project({var!r}, [], lambda: {value!r})"
            parts.append(self.emit(named, f"{rel.var}_with_{var}"))
        union = self.emit(f"{parts[0]}.union({', '.join(parts[1:])})", "partitions")
        columns = [*self.reports[files[0][1]].names, var]
        ctx = Ctx(Rel(union, columns), None, names={var: var})
        body, inner = partition_body(loop.body)
        if inner is None:
            raise Unsupported(loop, "a loop over files that does not read each file's lines")
        self.block(body, ctx)
        ctx.row_var = ctx.raw = target_name(inner.target)
        ctx.positional = list(self.reports[files[0][1]].names)
        if isinstance(inner.target, ast.Tuple):
            ctx.names.update(self.unpack(inner.target, ctx.positional, inner))
        self.note(loop, f"{len(files)} partition files read as one union (partitions)")
        self.block(inner.body, ctx)
        records.finish(self, ctx, loop)
        self.flush(ctx)

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

    def header_skipped(self, node: ast.AST) -> ast.AST:
        """`lines[1:]` of a file's lines is the handle itself when the file has a header row,
        which its source drops (idiom: header skipped by slicing)."""
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.handles
            and isinstance(node.slice, ast.Slice)
            and static.literal(node.slice.lower) == 1
            and node.slice.upper is None
            and node.slice.step is None
        ):
            return node
        report = self.reports.get(self.catalog_path(self.handles[node.value.id].split(":", 1)[1]))
        return node.value if report is not None and report.header else node

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

    # ---- row-level statements -----------------------------------------------------------------

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
        value = accumulate.hoist_lookups(self, value, ctx, node)
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
        from lester.agents.lift_pandas import _column_function

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
        value = accumulate.hoist_lookups(self, value, ctx, node)
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
                else [element]
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
            try:
                columns.append(self.column_for(element, ctx, column_hint(element, default), node))
            except Unsupported:
                opaque = True
        if opaque:
            columns += [c for c in ctx.rel.columns if c not in columns]
            self.note(
                node, f"{owner}: elements built from row-local values; keeping the row's columns"
            )
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

    # ---- expressions ---------------------------------------------------------------------------

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

    # ---- pandas statements ----------------------------------------------------------------------

    def pandas_assign(self, var: str, value: ast.AST, stmt: ast.stmt) -> None:
        from lester.agents.lift_pandas import is_column_scalar, lift_frame_expression

        rel = lift_frame_expression(self, value, stmt)
        if rel is not None:
            self.env[var] = rel
            self.last = rel
            return
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in self.scalars}
        value = substitute(value, {n: self.scalars[n][1] for n in used})
        frame = next((f for f in self.env if is_column_scalar(value, f)), None)
        if frame is not None:
            self.scalars[var] = (frame, value)
            self.note(
                stmt, f"{var} = {ast.unparse(value)[:60]}, recomputed where used (column aggregate)"
            )

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
        from lester.agents.lift_pandas import _columns_of

        for name, (owner, expr) in list(self.scalars.items()):
            if owner == frame and column in _columns_of(expr, frame):
                del self.scalars[name]

    def pandas_column(self, target: ast.Subscript, value: ast.AST, stmt: ast.stmt) -> None:
        from lester.agents.lift_pandas import lift_column_assignment

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
        from lester.agents.lift_pandas import lift_masked_assignment

        base = located_base(target)
        self.env[base] = lift_masked_assignment(self, self.env[base], target, value, stmt)
        self.last = self.env[base]
        self.forget_scalars(base, static.literal(target.slice.elts[1]))

    # ---- what the generated module needs besides the stages ------------------------------------

    def helpers(self) -> list[str]:
        """Functions the script defines, copied verbatim: the row-wise functions may call them."""
        return [
            ast.get_source_segment(self.source, n)
            for n in self.tree.body
            if isinstance(n, ast.FunctionDef)
        ]

    @functools.cached_property
    def constants(self) -> list[str]:
        """Module constants: literals, and values built from literals by a known constructor
        (`AS_OF = date(2024, 1, 1)`), assigned once. Computed once: the tree does not change."""
        out = []
        assigned = [
            t.id
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Assign | ast.AugAssign)
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Name)
        ] + list(static.mutated(self.tree))
        for stmt in self.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and assigned.count(stmt.targets[0].id) == 1
                and literal_elements(stmt.value) != []
                and (static.literal(stmt.value) is not None or constructed(stmt.value))
            ):
                out.append(ast.get_source_segment(self.source, stmt))
        return out

    @functools.cached_property
    def globals(self) -> set[str]:
        """Names a generated step may use: builtins, imports, constants and helper functions
        (asked of every row expression, so computed once)."""
        names = set(dir(builtins))
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
            elif isinstance(stmt, ast.FunctionDef):
                names.add(stmt.name)
        names |= {c.split("=", 1)[0].strip() for c in self.constants}
        return names | {"np", "pd", "lt"}

    def imports(self) -> list[str]:
        return [
            ast.get_source_segment(self.source, n)
            for n in self.tree.body
            if isinstance(n, ast.Import | ast.ImportFrom)
        ]


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


def _live(lines: list[str]) -> list[str]:
    """The steps the result depends on: a collection the script built but never used further
    (a list whose rows went into a column elsewhere) leaves no step behind."""
    kept: list[str] = []
    needed: set[str] = set()
    for line in reversed(lines):
        var, expr = line.split(" = ", 1)
        if kept and var not in needed:
            continue
        kept.append(line)
        needed |= {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}
    return kept[::-1]


def _source_name(path: str) -> str:
    """The file's stem; a partition named by a date (`tx/2024-03-01.tsv`) gets its folder's name."""
    parts = path.rsplit(".", 1)[0].split("/")
    return f"{parts[-2]}_{parts[-1]}" if parts[-1][:1].isdigit() and len(parts) > 1 else parts[-1]


def source_specs(reports: list[Any]) -> list[SourceSpec]:
    """One source per data file the script read, named after the file. Files read by hand (split,
    csv) are read as strings, as the script saw them; files read with pandas keep its parsing.
    JSON lines are read with `lt.read_json`; parsed by hand (`json.loads`), values keep the types
    JSON gave them (no dtype inference, no date conversion)."""
    taken = {"data_dir"}
    specs = []
    for report in reports:
        name = identifier(_source_name(report.path), taken)
        if report.idiom in JSON_IDIOMS:
            options: dict[str, Any] = {"lines": True}
            if report.idiom != "pandas-json":
                options.update(dtype=False, convert_dates=False)
            specs.append(SourceSpec(name, report.path, options, reader="read_json"))
            continue
        options = {
            "header": 0 if report.header else None,
            "names": report.names,
            "sep": report.delimiter,
        }
        if report.idiom != "pandas":
            options.update(dtype="str", keep_default_na=False)
        specs.append(SourceSpec(name, report.path, options))
    return specs


def lift_prepare(
    source: str, sources: list[Any], prepare_lines: list[int], feature_lines: list[int] = ()
) -> PreparePlan:
    return Lifter(source, sources, set(prepare_lines), set(feature_lines)).lift()
