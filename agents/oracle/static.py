"""Static facts about an original script, from its syntax tree alone (nothing is executed here).

What the agent needs from the source: how each data file is read (the idiom and the names the code
gives the fields), the statements the script runs (compound ones opened up) and the names they
mutate, which `slicing.py` follows back from the final `fit` into stage lines, and what makes a
run non-deterministic.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from keyword import iskeyword
from typing import Any

NONDETERMINISM = {
    "time.time": "reads the clock",
    "datetime.now": "reads the clock",
    "datetime.today": "reads the clock",
    "date.today": "reads the clock",
    "uuid.uuid4": "random ids",
    "random.random": "unseeded random numbers",
    "random.shuffle": "unseeded random shuffle",
    "random.choice": "unseeded random choice",
    "random.sample": "unseeded random sample",
    "np.random.rand": "unseeded NumPy randomness",
    "np.random.randn": "unseeded NumPy randomness",
    "np.random.shuffle": "unseeded NumPy shuffle",
    "np.random.permutation": "unseeded NumPy permutation",
    "np.random.choice": "unseeded NumPy choice",
    "requests.get": "network access",
    "urllib.request.urlopen": "network access",
    "socket.socket": "network access",
}
MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "update",
        "add",
        "pop",
        "remove",
        "clear",
        "setdefault",
        "sort",
        "reverse",
        "fill",
        "resize",
        "discard",
        "popitem",
        "appendleft",
        "put",
        "itemset",
        "popleft",
    }
)
QUOTING = {"QUOTE_MINIMAL": 0, "QUOTE_ALL": 1, "QUOTE_NONNUMERIC": 2, "QUOTE_NONE": 3}
SEEDS = ("random.seed", "np.random.seed", "np.random.default_rng", "np.random.RandomState")


@dataclass
class ReadSite:
    """How one file is read: `open` + split, the csv module, pandas, or JSON lines."""

    path: str
    line: int
    idiom: str
    delimiter: str | None = None
    names: list[str] | None = None
    header: bool | None = None
    options: dict[str, Any] = field(default_factory=dict)


def parse(source: str, filename: str = "<script>") -> ast.Module:
    return ast.parse(source, filename=filename)


def source_text(source: str, node: ast.AST) -> str:
    """The node's text in the source, or its unparsed form when the text no longer says what
    the node does (a statement renamed or rewritten by inlining, which keeps its position)."""
    text = ast.get_source_segment(source, node)
    if text is not None and getattr(node, "col_offset", 0):  # a nested definition, moved out
        text = textwrap.dedent(" " * node.col_offset + text)
    try:
        same = text is not None and ast.dump(ast.parse(text).body[0]) == ast.dump(node)
    except SyntaxError:
        same = False
    return text if same else ast.unparse(node)


def dotted(node: ast.AST) -> str:
    """`np.random.seed` for an attribute chain, '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (n for n in ast.walk(tree) if isinstance(n, ast.Call))


def literal(node: ast.AST | None) -> Any:
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def is_literal(node: ast.AST | None) -> bool:
    """`90`, `-1`, `("a", "b")`, `{"Ex": 5}`: a value written out (`literal` cannot tell a
    written `None` from none)."""
    try:
        ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return node is not None


def field_default(value: ast.expr) -> ast.expr | None:
    """`field(default=v)` holds v; `field(default_factory=...)` and other calls hold no literal."""
    if isinstance(value, ast.Call) and dotted(value.func) in ("field", "dataclasses.field"):
        return next((k.value for k in value.keywords if k.arg == "default"), None)
    return value


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


# ---- reading ----------------------------------------------------------------------------------


def read_sites(tree: ast.Module, path: str) -> list[ReadSite]:
    """Where and how the script reads `path`: matched on the string constant naming the file,
    else on a glob pattern naming it, else at the script's one read of a computed path."""
    named = [c for c in calls(tree) if any(_names_path(arg, path) for arg in c.args[:1])]
    sites = [site for call in named if (site := _site(tree, call, path))]
    if not sites:  # a helper given the partitions' pattern (`load_all("data/q*.csv")`)
        sites = [
            ReadSite(path, call.lineno, "unknown")
            for call in calls(tree)
            if any(_globs_path(arg, path) for arg in call.args[:1])
        ][:1]
    if not sites:  # the one read whose path the script computes (`open(os.path.join(d, f))`)
        computed = [
            c
            for c in calls(tree)
            if c.args
            and reads_file(c)
            and not _writes(c)
            and not isinstance(literal(c.args[0]), str)
        ]
        sites = [_site(tree, computed[0], path)] if len(computed) == 1 else []
    return sites


def _writes(call: ast.Call) -> bool:
    """`open(p, "w")`, `open(p, mode="a")`: a call that writes its file, not a read."""
    mode = call.args[1] if len(call.args) > 1 else keyword(call, "mode")
    text = literal(mode) if mode is not None else None
    return isinstance(text, str) and any(c in text for c in "wax")


def reads_file(call: ast.Call) -> bool:
    """A call of `open` or a pandas reader (the write modes of `open` too: see `_writes`)."""
    name = dotted(call.func)
    return name == "open" or name.endswith(("read_csv", "read_json"))


def _site(tree: ast.Module, call: ast.Call, path: str) -> ReadSite | None:
    """How `call` reads `path`, when it is a reader's call."""
    name = dotted(call.func)
    if name.endswith("read_csv"):
        return _pandas_site(call, path)
    if name.endswith("read_json"):
        options = {"lines": literal(keyword(call, "lines"))}
        return ReadSite(path, call.lineno, "pandas-json", options=options)
    if name == "open":
        return _open_site(tree, call, path)
    return None


def _globs_path(node: ast.AST, path: str) -> bool:
    text = literal(node)
    return (
        isinstance(text, str)
        and any(c in text for c in "*?[")
        and fnmatch.fnmatchcase(path, text.removeprefix("./"))
    )


def _names_path(node: ast.AST, path: str) -> bool:
    text = literal(node)
    if isinstance(text, str):
        return text == path or text.endswith("/" + path) or path.endswith(text)
    if isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call):
        fragments = [
            c.value
            for c in ast.walk(node)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        ]
        return (
            bool(fragments) and path.endswith(fragments[-1].lstrip("/")) and len(fragments[-1]) > 2
        )
    return False


def _pandas_site(call: ast.Call, path: str) -> ReadSite:
    header = keyword(call, "header")
    names = literal(keyword(call, "names"))
    delimiter = literal(keyword(call, "sep")) or literal(keyword(call, "delimiter")) or ","
    has_header = not (isinstance(header, ast.Constant) and header.value is None)
    return ReadSite(path, call.lineno, "pandas", delimiter, names, has_header)


def _open_site(tree: ast.Module, call: ast.Call, path: str) -> ReadSite:
    site = ReadSite(path, call.lineno, "open")
    loop = _header_loop(tree, call)
    if loop is not None:  # `for line in open(path):` reads the file in the loop's header
        if any(dotted(c.func).endswith("json.loads") for c in calls(loop)):
            site.idiom = "json-lines"
            return site
        site.delimiter, site.names = _loop_fields(loop)
        site.options = {"quoting": QUOTING["QUOTE_NONE"]}  # `split` keeps quotes as text
        if loop.iter is call:
            site.header = False  # nothing skips a line; through `enumerate` the text decides
        return site
    handle = _bound_name(tree, call)
    if handle is None:
        return site
    end = _scope_end(tree, handle, call.lineno)
    for node in ast.walk(tree):
        if not call.lineno <= getattr(node, "lineno", 0) < end:
            continue
        if isinstance(node, ast.Call) and dotted(node.func) in (
            "csv.reader",
            "csv.DictReader",
            "reader",
            "DictReader",
        ):
            if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == handle:
                dict_reader = dotted(node.func).endswith("DictReader")
                site.idiom = "csv.DictReader" if dict_reader else "csv.reader"
                site.delimiter = literal(keyword(node, "delimiter")) or ","
                site.options = csv_dialect(node)
                site.header = (
                    True if dict_reader else _skips_header(tree, node, None, call.lineno, end)
                )
                site.names = None if dict_reader else _unpacked_names(tree, node, call.lineno)
                return site
        if isinstance(node, ast.Call) and dotted(node.func).endswith("json.loads"):
            site.idiom = "json-lines"
    if site.idiom == "open":
        site.delimiter, site.names = _split_fields(tree, handle, call.lineno)
        site.header = _skips_header(tree, None, handle, call.lineno, end)
        site.options = {"quoting": QUOTING["QUOTE_NONE"]}  # `split` keeps quotes as text
    return site


def csv_dialect(call: ast.Call) -> dict[str, Any]:
    """The csv module's dialect arguments a reader call gives as constants, under the names
    pandas' `read_csv` takes for the same meaning (both default to the excel dialect)."""
    options = {}
    for name in ("quotechar", "escapechar", "doublequote", "skipinitialspace"):
        value = literal(keyword(call, name))
        if value is not None:
            options[name] = value
    quoting = keyword(call, "quoting")
    if quoting is not None:
        options["quoting"] = QUOTING.get(dotted(quoting).rsplit(".", 1)[-1], literal(quoting))
    return {k: v for k, v in options.items() if v is not None}


def _scope_end(tree: ast.Module, handle: str, start: int) -> int:
    """Where the next file is opened under the same name (scripts reuse `f`), or the end."""
    later = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and dotted(n.func) == "open"
        and n.lineno > start
        and _bound_name(tree, n) == handle
    ]
    return min(later, default=10**9)


def _bound_name(tree: ast.Module, call: ast.Call) -> str | None:
    """The variable a call's result is bound to (`with open(p) as f`, `f = open(p)`, `r = csv.reader(f)`)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.withitem)
            and node.context_expr is call
            and isinstance(node.optional_vars, ast.Name)
        ):
            return node.optional_vars.id
        if (
            isinstance(node, ast.Assign)
            and node.value is call
            and isinstance(node.targets[0], ast.Name)
        ):
            return node.targets[0].id
        if isinstance(node, ast.For) and node.iter is call and isinstance(node.target, ast.Name):
            return node.target.id
    return None


def _loop_var(tree: ast.Module, iterable: str, after: int = 0) -> ast.For | None:
    """The first loop over `iterable` after line `after` (scripts reuse names like `f`)."""
    loops = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.For) and n.lineno > after and _iterates(n.iter, iterable)
    ]
    return min(loops, key=lambda n: n.lineno, default=None)


def _iterates(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, ast.Call) and dotted(node.func) in ("enumerate", f"{name}.readlines"):
        return (
            bool(node.args)
            and _iterates(node.args[0], name)
            or dotted(node.func) == f"{name}.readlines"
        )
    if isinstance(node, ast.Subscript):
        return _iterates(node.value, name)
    return False


def _header_loop(tree: ast.Module, call: ast.Call) -> ast.For | None:
    """The loop whose header iterates the call itself (`for line in open(p)`, or through
    `enumerate`)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.For):
            continue
        inner = node.iter
        if isinstance(inner, ast.Call) and dotted(inner.func) == "enumerate" and inner.args:
            inner = inner.args[0]
        if inner is call:
            return node
    return None


def _split_fields(tree: ast.Module, handle: str, after: int) -> tuple[str | None, list[str] | None]:
    """`a, b, c = line.strip().split(',')` inside `for line in f` gives the delimiter and names."""
    loop = _loop_var(tree, handle, after)
    return _loop_fields(loop) if loop is not None else (None, None)


def _loop_fields(loop: ast.For) -> tuple[str | None, list[str] | None]:
    """The delimiter and the names of `a, b, c = line.split(sep)` in a loop over a file's lines."""
    for node in ast.walk(loop):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
        ):
            sep = literal(node.args[0]) if node.args else None
            return sep, _assigned_names(loop, node)
    return None, None


def _assigned_names(scope: ast.AST, value: ast.AST) -> list[str] | None:
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Assign)
            and node.value is value
            and isinstance(node.targets[0], ast.Tuple)
        ):
            names = [e.id for e in node.targets[0].elts if isinstance(e, ast.Name)]
            return names if len(names) == len(node.targets[0].elts) else None
    return None


def _unpacked_names(tree: ast.Module, reader: ast.Call, after: int) -> list[str] | None:
    """`for a, b, c in reader` or `a, b, c = row` inside `for row in reader`, the reader bound
    to a name or the loop's own iterable (`for a, b in csv.reader(f)`)."""
    rows = _bound_name(tree, reader)
    loop = _loop_var(tree, rows, after) if rows else None
    if loop is None:
        loop = next(
            (n for n in ast.walk(tree) if isinstance(n, ast.For) and n.iter is reader), None
        )
    if loop is None:
        return None
    if isinstance(loop.target, ast.Tuple):
        return [e.id for e in loop.target.elts if isinstance(e, ast.Name)] or None
    if isinstance(loop.target, ast.Name):
        for node in ast.walk(loop):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Name)
                and node.value.id == loop.target.id
            ):
                if isinstance(node.targets[0], ast.Tuple):
                    return [e.id for e in node.targets[0].elts if isinstance(e, ast.Name)] or None
    return None


def _skips_header(
    tree: ast.Module, reader: ast.Call | None, handle: str | None, start: int, end: int
) -> bool:
    """`next(reader)`, `f.readline()` or `readlines()[1:]` before the loop mean a header row."""
    target = _bound_name(tree, reader) if reader is not None else handle
    for node in ast.walk(tree):
        if not start <= getattr(node, "lineno", 0) < end:
            continue
        if isinstance(node, ast.Call) and dotted(node.func) == "next" and node.args:
            if isinstance(node.args[0], ast.Name) and node.args[0].id == target:
                return True
        if isinstance(node, ast.Call) and dotted(node.func) in (f"{target}.readline",):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            inner = node.value
            if (
                isinstance(inner, ast.Call)
                and dotted(inner.func) == f"{target}.readlines"
                and literal(node.slice.lower) == 1
            ):
                return True
    return False


# ---- statements ------------------------------------------------------------------------------


def simple_statements(body: list[ast.stmt], headers: tuple) -> Iterator[tuple[ast.stmt, tuple]]:
    """Every statement outside function and class bodies, compound ones opened up, in order, with
    the headers of the blocks around it."""
    for stmt in body:
        if isinstance(stmt, ast.For | ast.While | ast.If | ast.With | ast.Try):
            inner = (*headers, stmt)
            if isinstance(stmt, ast.For):  # the header binds its target from its iterable
                header = ast.copy_location(ast.Assign([stmt.target], stmt.iter), stmt)
                header.end_lineno = stmt.iter.end_lineno
                yield header, headers
            for block in blocks(stmt):
                yield from simple_statements(block, inner)
        else:
            yield stmt, headers


def transformer_classes(tree: ast.Module) -> list[ast.ClassDef]:
    """The script's own transformers: top-level classes with `fit` and `transform` methods
    (`class CyclicalTime(BaseEstimator, TransformerMixin)`), which a generated pipeline defines
    again to use them in its encoder."""
    return [
        c
        for c in tree.body
        if isinstance(c, ast.ClassDef)
        and {"fit", "transform"} <= {m.name for m in c.body if isinstance(m, ast.FunctionDef)}
    ]


def module_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The script's functions that mean the same anywhere in the module: those defined at the top
    and those defined inside a module-level block (`for`/`if`/`with`/`try`) that read no name the
    block binds (a loop variable, a name assigned in the loop) but the other such functions, so
    their text can move to the top of a generated module. A name defined twice is left out."""
    found = [(s, h) for s, h in simple_statements(tree.body, ()) if isinstance(s, ast.FunctionDef)]
    names = [s.name for s, _ in found]
    kept = [(s, h) for s, h in found if names.count(s.name) == 1]
    while True:
        hoisted = {s.name for s, _ in kept}
        still = [(s, h) for s, h in kept if not (free_reads(s) & (_block_bound(h) - hoisted))]
        if len(still) == len(kept):
            return [s for s, _ in kept]
        kept = still


def _block_bound(headers: tuple) -> set[str]:
    """Names the blocks around a definition bind, outside function and class bodies."""
    if not headers:
        return set()
    bound: set[str] = set()
    stack: list[ast.AST] = [headers[0]]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return bound


def free_reads(function: ast.FunctionDef) -> set[str]:
    """Names a function reads that it does not bind itself (parameters, locals, inner defs)."""
    loads, own = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else own).add(node.id)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node is not function:
            own.add(node.name)
    return loads - own


def blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(stmt, n, []) for n in ("body", "orelse", "finalbody")]
    return blocks + [h.body for h in getattr(stmt, "handlers", [])]


def mutated(stmt: ast.AST) -> set[str]:
    """`rows.append(...)`, `d.update(...)`, `m[i, j] = ...`, `r.x[0] = ...`, `d[k].append(...)`
    mutate rows, d, m, r and d; so does any method called with `inplace=True` (pandas'
    `df.dropna(inplace=True)`, `df["c"].fillna(0, inplace=True)` change df)."""
    out = set()
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in MUTATORS or _in_place(node))
        ):
            base = node.func.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)
    return out


def _in_place(call: ast.Call) -> bool:
    return any(
        k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


# ---- determinism ------------------------------------------------------------------------------


def nondeterminism(tree: ast.Module) -> list[str]:
    names = {dotted(c.func): c for c in calls(tree)}
    seeded = any(n.endswith(SEEDS) for n in names)
    flags = []
    for name, reason in NONDETERMINISM.items():
        hit = next((c for n, c in names.items() if n == name or n.endswith("." + name)), None)
        if hit is None or ("random" in name and seeded):
            continue
        flags.append(f"line {hit.lineno}: {name} ({reason})")
    return flags


def constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level literal constants (lists, dicts, numbers, strings) by name: hints for synthesis."""
    out = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            value = literal(stmt.value)
            if value is not None:
                out[stmt.targets[0].id] = value
    return out


def identifier(text: str, taken: set[str]) -> str:
    """A fresh Python identifier made from text (a column or file name), not in taken, which it joins."""
    base = re.sub(r"\W+", "_", text).strip("_").lower() or "col"
    if base[0].isdigit() or iskeyword(base):
        base = "c_" + base
    return fresh_name(base, taken)


def fresh_name(name: str, taken: set[str]) -> str:
    """`name` itself when it is not taken, else `name_2`, `name_3`...; the result joins taken."""
    fresh, n = name, 1
    while fresh in taken:
        n += 1
        fresh = f"{name}_{n}"
    taken.add(fresh)
    return fresh
