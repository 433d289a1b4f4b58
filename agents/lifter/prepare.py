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
- `if __name__ == "__main__":`, `loader = Loader(...)`; `loader.load()` -> the body that runs (idiom: main
  guard, method of a script class; `oracle/methods.py`)
- `helper(row)` of a script function reading `row["a"]` only        -> project on a (idiom: helper of the whole row)
- `y = np.array(df["label"])` before a loop collecting df's rows     -> the label column kept beside them
- `row[1:-1]` of a positional row                                    -> its fields (idiom: row slice)

Row-level expressions are kept verbatim as the bodies of row-wise functions, so their semantics
(string parsing, casts, helper functions) are exactly the original's. Sources read by hand are read
as strings, as `split` gives them. Anything outside these idioms raises `Unsupported`, naming the
line, so that the agent can hand the step to the LLM proposer.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
from dataclasses import dataclass
from typing import Any

from ..oracle import static
from ..oracle.methods import script_body
from . import accumulate
from .expressions import ExpressionRules
from .joins import JoinRules
from .loops import LoopRules
from .pandas_statements import PandasRules
from .reads import ReadRules, SourceSpec, source_specs
from .statements import RowStatementRules
from .syntax import (
    ARRAY_BUILDERS,
    Ctx,
    Rel,
    Unsupported,
    column_hint,
    constructed,
    dict_iterated,
    dict_of_empty_lists,
    identifier,
    is_empty_set,
    ladder_target,
    ladder_value,
    literal_elements,
    located_base,
    read_lines,
    reads_any,
    several_empty_dicts,
    subscript_base,
    target_name,
)


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


class Lifter(ReadRules, LoopRules, RowStatementRules, JoinRules, ExpressionRules, PandasRules):
    """The symbolic interpreter of the preparation's top-level statements; its rules for reads, loops,
    row statements, joins, expressions and pandas statements live in the mixins it is made of."""

    def __init__(
        self,
        source: str,
        sources: list[Any],
        prepare_lines: set[int],
        feature_lines: set[int] = frozenset(),
    ) -> None:
        self.source = source
        self.tree, inlined = script_body(static.parse(source))
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
        self.column_values: list[tuple[str, str]] = []  # (frame, column) taken out as values

    def lift(self) -> PreparePlan:
        for stmt in self.tree.body:
            if stmt.lineno in self.prepare_lines and not isinstance(
                stmt, ast.Import | ast.ImportFrom | ast.FunctionDef
            ):
                self.top(stmt)
        if self.last is None:
            raise Unsupported(self.tree, self.nothing_built())
        for stmt in self.tree.body:
            if stmt.lineno in self.feature_lines:
                self.feature_comprehension(stmt)
            elif isinstance(stmt, ast.With):
                for inner in filter(self.deferred, stmt.body):
                    self.feature_comprehension(inner)
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

    def nothing_built(self) -> str:
        """Why no rows came out: the preparation ran where the lifter does not look, or its
        statements built nothing it knows as rows."""
        calls = [
            static.dotted(c.func)
            for s in self.tree.body
            if s.lineno in self.prepare_lines and not isinstance(s, ast.FunctionDef)
            for c in ast.walk(s)
            if isinstance(c, ast.Call)
        ]
        functions = {f.name for f in self.tree.body if isinstance(f, ast.FunctionDef)}
        inside = sorted(functions & set(calls))
        if inside:
            return (
                "no collection of rows was built from the sources: the data preparation runs"
                f" inside {', '.join(inside)}, a function of the script that is not inlined"
                " (only reader functions and methods of script classes are)"
            )
        return "no collection of rows was built from the sources"

    def deferred(self, stmt: ast.stmt) -> bool:
        """A per-row comprehension over collected rows inside a `with` block that feeds only X
        or only y: read with the features and labels, after the rows are complete."""
        if stmt.lineno not in self.feature_lines or not isinstance(stmt, ast.Assign):
            return False
        comp = stmt.value
        if isinstance(comp, ast.Call) and comp.args and static.dotted(comp.func) in ARRAY_BUILDERS:
            comp = comp.args[0]
        return (
            isinstance(comp, ast.ListComp)
            and len(comp.generators) == 1
            and not comp.generators[0].ifs
            and isinstance(comp.generators[0].iter, ast.Name)
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

    def top(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                self.bind_handle(item.context_expr, item.optional_vars)
            for inner in stmt.body:
                if not self.deferred(inner):
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

    def helpers(self) -> list[str]:
        """Functions the script defines, copied verbatim: the row-wise functions may call them;
        and its transformer classes, which an encoder may use. A function the original only
        calls as a statement of its own and whose calls were all inlined (`main()` under the
        main guard) is left out; one whose calls were inlined as values stays (a traced column
        function may call it)."""
        defined = [*static.module_functions(self.tree), *static.transformer_classes(self.tree)]
        read = _names_read(self.tree) | _names_read(static.parse(self.source), procedures=False)
        return [static.source_text(self.source, n) for n in defined if n.name in read]

    @functools.cached_property
    def constants(self) -> list[str]:
        """Module constants: literals, and values built from literals by a known constructor
        (`AS_OF = date(2024, 1, 1)`), assigned once. Computed once: the tree does not change."""
        out = []
        module = [
            s for s in self.tree.body if not isinstance(s, ast.ClassDef)
        ]  # methods: own scope
        assigned = [
            t.id
            for n in (n for s in module for n in ast.walk(s))
            if isinstance(n, ast.Assign | ast.AugAssign)
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Name)
        ] + [m for s in module for m in static.mutated(s)]
        for stmt in self.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and assigned.count(stmt.targets[0].id) == 1
                and literal_elements(stmt.value) != []
                and (static.literal(stmt.value) is not None or constructed(stmt.value))
            ):
                out.append(static.source_text(self.source, stmt))
        return out

    @functools.cached_property
    def globals(self) -> set[str]:
        """Names a generated step may use: builtins, imports, constants and helper functions
        (asked of every row expression, so computed once)."""
        names = set(dir(builtins))
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        names |= {c.split("=", 1)[0].strip() for c in self.constants}
        names |= {f.name for f in static.module_functions(self.tree)}
        return names | {"np", "pd", "lt"}

    def imports(self) -> list[str]:
        return [
            static.source_text(self.source, n)
            for n in self.tree.body
            if isinstance(n, ast.Import | ast.ImportFrom)
        ]


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


def lift_prepare(
    source: str, sources: list[Any], prepare_lines: list[int], feature_lines: list[int] = ()
) -> PreparePlan:
    return Lifter(source, sources, set(prepare_lines), set(feature_lines)).lift()


def _names_read(tree: ast.Module, procedures: bool = True) -> set[str]:
    """The names a module reads; without the functions called as statements of their own
    (`main()`) when `procedures` is False."""
    skipped = set()
    if not procedures:
        skipped = {
            id(s.value.func)
            for s in ast.walk(tree)
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
        }
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in skipped}
