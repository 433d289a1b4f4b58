"""The original's top-level definitions, and which of them some of its lines depend on.

A step's own lines (the analysis' stage lines) rarely stand alone: they call the script's helper
functions, build its classes, read its constants and draw from generators it seeded at the top.
A rewrite of the step needs those definitions too, so the prompts show them beside the step's
lines and the agent copies the ones a candidate uses but lacks into the module's preamble. All of
it is read from the syntax tree: nothing of the original is executed here.
"""

from __future__ import annotations

import ast
import builtins
import functools
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from . import static

SEEDS = frozenset({"random.seed", "np.random.seed", "numpy.random.seed"})
DRAW_PREFIXES = ("random.", "np.random.", "numpy.random.")


@dataclass(frozen=True)
class Definition:
    """One top-level statement that binds names the rest of the script uses."""

    kind: str  # import, constant, function, class or seed
    names: tuple[str, ...]
    line: int
    code: str
    uses: frozenset[str]
    draws: bool  # it calls a random generator (directly)


def definitions(source: str) -> list[Definition]:
    """Imports, constants assigned once, functions, classes and generator seeds, in source order:
    the top level's, then those a loop's or a function's body holds that stand on their own."""
    return list(_definitions(source))


@functools.lru_cache(maxsize=8)
def _definitions(source: str) -> tuple[Definition, ...]:
    """Cached: each step's prompt reads the script's definitions for every step's lines."""
    tree = static.parse(source)
    assigned = _assignment_counts(tree)
    found = []
    for stmt in tree.body:
        kind, names = _kind(stmt, assigned)
        if kind is not None:
            found.append(_definition(source, stmt, kind, names))
    taken = {name for d in found for name in d.names}
    found += _nested(source, tree, assigned, taken)
    taken = {name for d in found for name in d.names}
    found += [d for d in _loop_constants(tree, assigned) if not set(d.names) & taken]
    return tuple(_mark_generator_users(sorted(found, key=lambda d: d.line)))


def _loop_constants(tree: ast.Module, assigned: dict[str, int]) -> list[Definition]:
    """`for seed in [42]:` and `for i, seed in enumerate([42]):`, a loop over one literal whose
    variables nothing else binds: constants of that value (`seed = 42`, `i = 0`), which real
    scripts keep to rerun with more seeds."""
    found = []
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For):
            continue
        for name, value in _one_pass(loop):
            if assigned.get(name) == 1:
                code = f"{name} = {value}"
                found.append(Definition("constant", (name,), loop.lineno, code, frozenset(), False))
    return found


def _one_pass(loop: ast.For) -> list[tuple[str, str]]:
    """The names a loop over one literal binds, with the code of their values."""
    target, iterated, index = loop.target, loop.iter, None
    call = iterated if isinstance(iterated, ast.Call) else None
    if call and static.dotted(call.func) == "enumerate" and len(call.args) == 1:
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and not call.keywords:
            (index, target), iterated = target.elts, call.args[0]
    items = iterated.elts if isinstance(iterated, ast.List | ast.Tuple) else []
    names = [n for n in (index, target) if n is not None]
    if len(items) != 1 or not static.is_literal(items[0]):
        return []
    if not all(isinstance(n, ast.Name) for n in names):
        return []
    values = ["0", ast.unparse(items[0])] if index is not None else [ast.unparse(items[0])]
    return [(n.id, v) for n, v in zip(names, values, strict=True)]


def _definition(source: str, stmt: ast.stmt, kind: str, names: tuple[str, ...]) -> Definition:
    code = ast.get_source_segment(source, stmt, padded=True) or ast.unparse(stmt)
    decorators = [f"@{ast.unparse(d)}" for d in getattr(stmt, "decorator_list", [])]
    return Definition(
        kind=kind,
        names=names,
        line=stmt.lineno,
        code="\n".join([*decorators, textwrap.dedent(code)]),
        uses=frozenset(_loaded(stmt)) - set(names),
        draws=_draws(stmt),
    )


def _nested(
    source: str, tree: ast.Module, assigned: dict[str, int], taken: set[str]
) -> list[Definition]:
    """Constants and helpers the original defines inside a loop or a function (real scripts
    keep their lookup tables in a `for seed in seeds:` body, their helpers inside `main()` or a
    method): a constant only when its value is a literal, a function or class only when it reads
    nothing its enclosing functions bind but such constants, so that each means the same at
    module level. A name defined twice is left out."""
    inner = [
        (stmt, enclosing, *_kind(stmt, assigned))
        for stmt, enclosing in _inner_statements(tree.body, frozenset(), top=True)
    ]
    constants = [
        (stmt, kind, names)
        for stmt, _, kind, names in inner
        if kind == "constant" and static.is_literal(stmt.value)
    ]
    lifted = {name for _, _, names in constants for name in names}
    helpers = [
        (stmt, kind, names)
        for stmt, enclosing, kind, names in inner
        if kind in ("function", "class") and not _loaded(stmt) & (enclosing - lifted)
    ]
    found = [
        _definition(source, stmt, kind, names)
        for stmt, kind, names in constants + helpers
        if not set(names) & taken
    ]
    counts = Counter(name for d in found for name in d.names)
    return [d for d in found if all(counts[n] == 1 for n in d.names)]


def _inner_statements(
    body: list[ast.stmt], enclosing: frozenset[str], *, top: bool = False
) -> Iterable[tuple[ast.stmt, frozenset[str]]]:
    """Every statement below the top level, with the names the functions around it bind (their
    parameters and locals); of a class body's own, only its attributes' assignments (a
    dataclass's `seed: int = 11`, read as `self.seed`), not its methods."""
    for stmt in body:
        if not top:
            yield stmt, enclosing
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = enclosing | _bound(stmt)
            yield from _inner_statements(stmt.body, inner)
        elif isinstance(stmt, ast.ClassDef):
            for member in stmt.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield from _inner_statements(member.body, enclosing | _bound(member))
                elif isinstance(member, ast.Assign | ast.AnnAssign):
                    yield _field_written_out(member), enclosing
        else:
            for block in static.blocks(stmt):
                yield from _inner_statements(block, enclosing)


def _field_written_out(member: ast.Assign | ast.AnnAssign) -> ast.stmt:
    """A dataclass field `seed: int = field(default=11, init=False)` as the constant it holds,
    `seed: int = 11` (its code unparsed: the node has no end in the source)."""
    value = member.value
    default = static.field_default(value) if value is not None else None
    if default is None or default is value:
        return member
    written = ast.AnnAssign(member.target, member.annotation, default, simple=1)
    written.lineno, written.col_offset = member.lineno, member.col_offset
    return written


def _bound(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    stored = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return frozenset(stored | {a.arg for a in _all_args(function.args)})


def needed(source: str, lines: Iterable[int] = (), names: Iterable[str] = ()) -> list[Definition]:
    """The definitions that the statements on `lines`, and the given names, depend on
    (transitively), in source order, with those nested in each (the rewrite makes them
    module-level ones); a seed comes along when anything needed draws. A top-level one on
    `lines` is left to them, but for a loop's constant (`for seed in [11]:`)."""
    tree = static.parse(source)
    found = definitions(source)
    top = _spans(tree)
    loops = {stmt.lineno for stmt in tree.body if isinstance(stmt, ast.For)}  # a header shows
    shown = set(lines) & set(top) - loops  # the loop, not the constant its variable is
    by_name = {name: d for d in found for name in d.names}
    chosen: dict[int, Definition] = {}
    pending = sorted(set(names) | names_read(tree, set(lines)) | _self_reads(tree, set(lines)))
    while pending:
        definition = by_name.get(pending.pop())
        if definition is None or definition.line in chosen or definition.line in shown:
            continue
        chosen[definition.line] = definition
        pending += sorted(definition.uses | _nested_in(found, definition, top))
    result = sorted(chosen.values(), key=lambda d: d.line)
    if any(d.draws for d in result) or _lines_draw(tree, set(lines)):
        seeds = [d for d in found if d.kind == "seed"]
        result = sorted({d.line: d for d in result + seeds}.values(), key=lambda d: d.line)
    return result


def _nested_in(found: list[Definition], outer: Definition, top: dict[int, int]) -> set[str]:
    """The names of the definitions inside a top-level one, which its body reads as locals
    (greenhouse's `_encode` reads its own `warm_seasons`) and so never names as it uses."""
    if outer.kind not in ("function", "class"):  # a loop's constant holds not its body
        return set()
    end = top.get(outer.line, outer.line)
    return {name for d in found if outer.line < d.line <= end for name in d.names}


def copyable(source: str, shown: set[int]) -> list[Definition]:
    """The original's helpers, classes and written constants, other than those on `shown` lines
    and those a copied function brings along, whose copy runs as it stands (`running`). The
    prompts name them, for a model that doubts a helper it saw elsewhere is copied."""
    tree = static.parse(source)
    found, top, runs = definitions(source), _spans(tree), running(source)
    inside = {name for outer in found for name in _nested_in(found, outer, top)}
    values = _value_names(tree)
    return [
        d
        for d in found
        if (d.kind in ("function", "class") or (d.kind == "constant" and _written(d, values)))
        and d.line not in shown
        and d.line in runs
        and not set(d.names) & inside
    ]


@functools.lru_cache(maxsize=8)
def running(source: str) -> frozenset[int]:
    """The lines of the definitions whose copy into the rewrite runs as it stands: none of them
    needs, through what it uses, a file's content or a name no definition binds (`X = df[cols]`,
    a vocabulary computed from the data), which the steps compute instead. Cached: every step's
    prompt asks, several times."""
    found = definitions(source)
    bound = {name for d in found for name in d.names} | set(dir(builtins))
    top = _spans(static.parse(source))
    by_name = {name: d for d in found for name in d.names}
    uses = {d.line: d.uses | _nested_in(found, d, top) for d in found}
    bad = {
        d.line
        for d in found
        if not d.uses <= bound or any(static.reads_file(c) for c in static.calls(ast.parse(d.code)))
    }
    spreading = True
    while spreading:  # a definition that needs a bad one is bad
        fresh = {
            d.line
            for d in found
            if d.line not in bad
            and any(by_name[n].line in bad for n in uses[d.line] & by_name.keys())
        }
        bad |= fresh
        spreading = bool(fresh)
    return frozenset(d.line for d in found) - bad


def _defines(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)


def _spans(tree: ast.Module) -> dict[int, int]:
    """Each top-level statement's first line and last."""
    return {stmt.lineno: stmt.end_lineno or stmt.lineno for stmt in tree.body}


def _written(d: Definition, values: frozenset[str]) -> bool:
    """A constant whose value is written out (`features = [...]`, `seed = 42`), or a value of
    written arguments from a module of plain values (`CUTOFF = date(2024, 1, 1)`: round 39's
    churn model wrote one again, unsure it was copied), not an object the script builds (`rf =
    RandomForestRegressor()`, the model) nor a clock's, generator's or environment's reading."""
    statement = ast.parse(d.code).body[0]
    if not isinstance(statement, ast.Assign | ast.AnnAssign):
        return False
    value = statement.value
    if isinstance(value, ast.Call):
        return (
            static.dotted(value.func).split(".")[0] in values
            and all(static.is_literal(a) for a in value.args)
            and all(static.is_literal(k.value) for k in value.keywords)
        )
    return static.is_literal(value)


VALUE_MODULES = frozenset({"datetime", "decimal", "fractions", "pathlib", "re"})


def _value_names(tree: ast.Module) -> frozenset[str]:
    """The names the script's top-level imports bind to the standard library's modules of plain
    values or to names imported from them (`date` of `from datetime import date`)."""
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            names |= {
                a.asname or a.name.split(".")[0]
                for a in stmt.names
                if a.name.split(".")[0] in VALUE_MODULES
            }
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            if stmt.module.split(".")[0] in VALUE_MODULES:
                names |= {a.asname or a.name for a in stmt.names}
    return frozenset(names)


def names_read(tree: ast.Module, lines: set[int]) -> set[str]:
    """Every name read by the statements on `lines`."""
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.lineno in lines
    }


def _self_reads(tree: ast.Module, lines: set[int]) -> set[str]:
    """`self.seed` on `lines`: the class attribute the rewrite makes the constant `seed`."""
    return {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and isinstance(n.ctx, ast.Load)
        and n.lineno in lines
        and isinstance(n.value, ast.Name)
        and n.value.id == "self"
    }


def keys_read(tree: ast.Module, lines: set[int]) -> list[str]:
    """String keys the statements on `lines` subscript with (`row["age"]`, `df["age"]`), in order."""
    keys = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript) and n.lineno in lines:
            for key in _string_keys(n.slice):
                if key not in keys:
                    keys.append(key)
    return keys


def drawn_names(source: str) -> set[str]:
    """Module-level names whose value the original drew from a random generator, directly or
    through a function or class of its own that draws."""
    return {
        name for d in definitions(source) if d.kind == "constant" and d.draws for name in d.names
    }


def _kind(stmt: ast.stmt, assigned: dict[str, int]) -> tuple[str | None, tuple[str, ...]]:
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return "import", tuple((a.asname or a.name).split(".")[0] for a in stmt.names)
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return "function", (stmt.name,)
    if isinstance(stmt, ast.ClassDef):
        return "class", (stmt.name,)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return ("seed", ()) if static.dotted(stmt.value.func) in SEEDS else (None, ())
    targets = _targets(stmt)
    if targets and all(assigned.get(t, 0) == 1 for t in targets):
        return "constant", targets
    return None, ()


def _targets(stmt: ast.stmt) -> tuple[str, ...]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target = stmt.target
    else:
        return ()
    if isinstance(target, ast.Name):
        return (target.id,)
    if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
        return tuple(e.id for e in target.elts)
    return ()


def _assignment_counts(tree: ast.Module) -> dict[str, int]:
    """How often each name is bound or mutated anywhere: a constant is bound once, never changed."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    for name in static.mutated(tree):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _loaded(stmt: ast.stmt) -> set[str]:
    """The names a statement reads from outside itself: what it loads, less what it binds within
    (parameters, local assignments, loop and comprehension variables, inner definitions)."""
    names = [n for n in ast.walk(stmt) if isinstance(n, ast.Name)]
    loaded = {n.id for n in names if isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in names if isinstance(n.ctx, ast.Store)}
    bound |= {  # `def compare(leg):` inside a helper that returns it (relay's `against_team`)
        n.name for n in ast.walk(stmt) if _defines(n) and n is not stmt
    }
    params = {a.arg for n in ast.walk(stmt) if isinstance(n, ast.arguments) for a in _all_args(n)}
    return loaded - bound - params


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, *extra]


def _draws(stmt: ast.AST) -> bool:
    for call in static.calls(stmt):
        name = static.dotted(call.func)
        if name.startswith(DRAW_PREFIXES) and name not in SEEDS:
            return True
    return False


def _lines_draw(tree: ast.Module, lines: set[int]) -> bool:
    return any(_draws(c) for c in static.calls(tree) if c.lineno in lines)


def _mark_generator_users(found: list[Definition]) -> list[Definition]:
    """A definition that uses a drawing function, class or generator object of the script draws
    too (a seeded stand-in for a fake-data library, a function of `rng = np.random.default_rng(0)`)."""
    drawing = {name for d in found if d.draws for name in d.names}
    changed = True
    while changed:
        changed = False
        for i, d in enumerate(found):
            if not d.draws and d.kind != "import" and d.uses & drawing:
                found[i] = Definition(d.kind, d.names, d.line, d.code, d.uses, True)
                drawing |= set(d.names)
                changed = True
    return found


def _string_keys(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple):
        return [k for e in node.elts for k in _string_keys(e)]
    return []
