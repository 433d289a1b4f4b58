"""The module's shared definitions: merging what proposers add, and filling in the original's.

Imports, constants, helpers and classes are not any one step's: the lifter writes some with the
sources, the model adds others with whichever step needs them. They live in the `preamble` part,
and a new answer merges into it instead of replacing it (a definition of the same name replaces
the old one, with a note), so a helper written for the encoder survives a later sources step.
A candidate that uses a helper, class or constant of the original without defining it gets the
original's definition (and what that needs) copied into the preamble, with a note, instead of
an undefined-name failure that costs a model call.
"""

from __future__ import annotations

import ast
import builtins

from .lifter.codegen import tidy
from .oracle import static
from .oracle.definitions import DRAW_PREFIXES, SEEDS, Definition, definitions, needed
from .oracle.form import undefined_names
from .proposals import assemble


def merge_code(old: str, new: str) -> tuple[str, list[str]]:
    """`new`'s top-level statements merged into `old`'s: a statement binding a name that `new`
    binds again is replaced; identical statements appear once. Notes name each replacement."""
    if not new.strip():
        return old, []
    if not old.strip():
        return new, []
    try:
        old_nodes, new_nodes = ast.parse(old).body, ast.parse(new).body
    except SyntaxError:  # the static check reports it; keep both texts
        return f"{old.rstrip()}\n\n\n{new.strip()}", []
    fresh = {name for node in new_nodes for name in bound(node)}
    new_texts = {_text(new, n) for n in new_nodes}
    kept, notes = [], []
    for node in old_nodes:
        names = bound(node)
        text = _text(old, node)
        if text in new_texts:
            continue
        if names and names <= fresh:
            notes.append(f"replaced the definition of {', '.join(sorted(names))}")
            continue
        kept.append(text)
    return _joined([*kept, *(_text(new, n) for n in new_nodes)]), notes


def _joined(texts: list[str]) -> str:
    """Statements as a module shows them: imports one a line, other statements apart."""
    out = ""
    for i, text in enumerate(texts):
        both_imports = i and _is_import(texts[i - 1]) and _is_import(text)
        out += ("\n" if both_imports else "\n\n\n" if i else "") + text
    return out


def _is_import(text: str) -> bool:
    return text.startswith(("import ", "from ")) and "\n" not in text.strip()


def complete(parts: dict[str, str], original: str) -> tuple[dict[str, str], list[str]]:
    """The parts with the original's definitions that the module uses but lacks added to the
    preamble, and a note for each definition added. Only definitions whose own needs the module
    (with the other additions) meets are added: a "constant" computed from the script's data
    would bring undefined names of its own."""
    module = _tidied(assemble(parts, "candidate"))
    missing = undefined_names(module)
    try:
        additions = [d for d in needed(original, names=missing) if not _defined(module, d.names)]
        additions += seeds_needed(module, original)
    except SyntaxError:
        return parts, []
    additions = sorted({d.line: d for d in additions}.values(), key=lambda d: d.line)
    additions = _closed(additions, _bound_names(module) | set(dir(builtins)))
    if not additions:
        return parts, []
    code = "\n\n\n".join(d.code for d in additions)
    names = {name for d in additions for name in d.names}
    preamble = _placed(parts.get("preamble", ""), code, names)
    notes = [
        f"added the original's {d.kind} {', '.join(d.names) or d.code.splitlines()[0]} "
        f"(line {d.line}) to the preamble: the candidate uses it"
        for d in additions
    ]
    return {**parts, "preamble": preamble}, notes


def _placed(preamble: str, code: str, names: set[str]) -> str:
    """The preamble with the copied definitions before its first statement that reads one of
    their names when the module is imported (`PLAN_SLOTS = sorted(plans)` of round 33's churn
    encoder, which an appended copy of `plans` left undefined), else after it all."""
    try:
        nodes = ast.parse(preamble).body
    except SyntaxError:
        nodes = []
    first = next((i for i, n in enumerate(nodes) if _read_on_import(n) & names), None)
    if first is None:
        return merge_code(preamble, code)[0]
    head, _ = merge_code(_joined([_text(preamble, n) for n in nodes[:first]]), code)
    return _joined([head, *(_text(preamble, n) for n in nodes[first:])])


def _read_on_import(node: ast.stmt) -> set[str]:
    """The names a statement reads when the module runs it: a function's decorators and
    defaults, not its body; a class's decorators, bases and the statements of its body, which
    run on import too; everything of any other statement."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        parts: list[ast.AST] = [*node.decorator_list, *node.args.defaults]
        parts += [d for d in node.args.kw_defaults if d is not None]
    elif isinstance(node, ast.ClassDef):
        parts = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        return _loaded(parts).union(*(_read_on_import(s) for s in node.body))
    else:
        parts = [node]
    return _loaded(parts)


def _loaded(parts: list[ast.AST]) -> set[str]:
    return {
        n.id
        for part in parts
        for n in ast.walk(part)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


# Calls under the generator prefixes that make a generator of their own: no global state is read.
OWN_GENERATORS = ("RandomState", "default_rng", "Generator", "Random", "SeedSequence")


def seeds_needed(module: str, original: str) -> list[Definition]:
    """The original's global seed calls (`np.random.seed(0)`, `random.seed(1)`) when the module
    draws from a global generator and seeds none itself: its draws then follow the original's."""
    try:
        tree = ast.parse(module)
    except SyntaxError:
        return []
    names = [static.dotted(c.func) for c in static.calls(tree)]
    if any(n in SEEDS for n in names) or not any(
        n.startswith(DRAW_PREFIXES) and not n.endswith(OWN_GENERATORS) for n in names
    ):
        return []
    return [d for d in definitions(original) if d.kind == "seed"]


def _closed(additions: list[Definition], defined: set[str]) -> list[Definition]:
    """The additions whose free names the module, the builtins and the other kept additions
    define; dropping one can strand another, so until nothing changes."""
    kept = list(additions)
    while True:
        names = defined | {n for d in kept for n in d.names}
        fewer = [d for d in kept if d.uses <= names]
        if len(fewer) == len(kept):
            return kept
        kept = fewer


def _tidied(module: str) -> str:
    """The module as assembled (unused helpers dropped), whose undefined names count."""
    try:
        return tidy(module)
    except SyntaxError:
        return module


def _bound_names(module: str) -> set[str]:
    try:
        tree = ast.parse(module)
    except SyntaxError:
        return set()
    return {name for node in tree.body for name in bound(node)}


def bound(node: ast.stmt) -> set[str]:
    """The names a top-level statement binds (none for a bare expression such as a seed call)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _defined(module: str, names: tuple[str, ...]) -> bool:
    return bool(names) and set(names) <= _bound_names(module)


def _text(source: str, node: ast.stmt) -> str:
    decorators = [
        f"@{ast.get_source_segment(source, d)}" for d in getattr(node, "decorator_list", [])
    ]
    body = ast.get_source_segment(source, node) or ast.unparse(node)
    comments = _leading_comments(source, node)
    return "\n".join([*comments, *decorators, body])


def _leading_comments(source: str, node: ast.stmt) -> list[str]:
    """Comment lines right above a statement (and its decorators), which belong to it."""
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    out = []
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
        out.insert(0, lines[first])
    return out
