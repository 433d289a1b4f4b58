"""Which lines of the original each step's prompt shows as its own, and which definitions beside
them: the analysis' stage lines followed into the script's functions, less the definitions shown
whole, with the statements binding y for the label and the split's statement for the encode step.
All of it is read from the syntax tree and the analysis; nothing of the original is executed.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from .attribution import attributed, with_trace
from .label_bindings import y_bindings
from .oracle import definitions as defs
from .oracle.analysis import Analysis
from .oracle.original import Original
from .oracle.static import is_literal
from .proposals import STEPS

STAGES = {
    "prepare": ("data_preparation",),
    "encode": ("features",),
    "label_model": ("label", "model"),
}


def analysis_lines(analysis: Analysis, step: str) -> set[int]:
    """The step's lines as the analysis' slice found them, before calls were followed."""
    return {n for stage in STAGES.get(step, ()) for n in analysis.stages.get(stage, [])}


def with_stages(analysis: Analysis, tree: ast.Module) -> Analysis:
    """The analysis as the prompts show it: its stage lines followed into the script's
    functions, as the steps' own lines are (the analysis slices the top level only, and a script
    that works in functions would read "data preparation: none" beside lines given to it), with
    the label's y bindings, as the label's lines have them (relay's label read "none of its
    own" beside the `pop` its lines showed), and the split's statement left to the `split:` line
    (a permutation read as a feature line)."""
    if not analysis.model:
        return analysis
    stages = {stage: set(lines) for stage, lines in step_stages(analysis, tree).items()}
    if "label" in stages:  # the label step's own lines hold the statements binding y
        stages["label"] |= y_bindings(tree, analysis.model.line)
    split = split_statement(analysis, tree)
    shown = {stage: sorted(lines - split) for stage, lines in stages.items()}  # its own line
    return replace(analysis, stages=shown)


def step_lines(source: str, tree: ast.Module, analysis: Analysis, step: str) -> list[int]:
    """The lines a step's prompt shows as its own: the statements reading the sources (a
    module-level `df = pd.read_csv(...)` too, which is no constant of the original), else the
    stage's lines without the definitions the prompt shows whole; the statement an `@lt.split`
    replays is the encode step's, which writes the split."""
    lines = stage_lines(analysis, tree, step)
    if step == "sources":
        return lines
    own = set(own_lines(source, tree, lines, analysis_lines(analysis, step)))
    if step == "label_model":
        own |= y_bindings(tree, analysis.model.line if analysis.model else None)
    split = split_statement(analysis, tree)
    return sorted(own | split if step == "encode" else own - split)


def shown_whole(tree: ast.Module, analysis: Analysis, step: str, lines: list[int]) -> set[str]:
    """The names of the step's definitions that its own lines leave to the definitions section
    (a class whose methods do the step's work, as a loader class's do): shown there whole, even
    where no line left in the step names them."""
    left = set(stage_lines(analysis, tree, step)) - set(lines)
    return {
        stmt.name
        for stmt in tree.body
        if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and left & set(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    }


def in_classes(
    original: Original, analysis: Analysis, tree: ast.Module, step: str, lines: list[int]
) -> str:
    """The step's lines that its excerpt leaves to a class shown whole among the definitions,
    named, so that a step whose work is in a class's methods is not read as having no lines."""
    left = set(stage_lines(analysis, tree, step)) - set(lines)
    named = []
    for stmt in tree.body:
        inside = left & set(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
        if isinstance(stmt, ast.ClassDef) and inside - {stmt.lineno}:
            where = original.where_lines(sorted(inside - {stmt.lineno}))
            named.append(
                f"# {where} inside the class {stmt.name}, shown whole among the definitions"
            )
    return "".join(f"\n{n}" for n in named)


def own_lines(source: str, tree: ast.Module, lines: list[int], sliced: set[int]) -> list[int]:
    """The step's lines without the original's classes, imports and literal constants, and the
    constants that following its calls brought in: the definitions section shows those whole."""
    runs = defs.running(source)  # a data statement stays a line: no definition shows it
    starts = {
        d.line
        for d in defs.definitions(source)
        if d.kind in ("class", "import")
        or (d.kind == "constant" and d.line not in sliced and d.line in runs)
    }
    spans = {
        n
        for stmt in tree.body
        if (
            stmt.lineno in starts and not isinstance(stmt, ast.For)
        )  # a loop's constant: its header
        or _literal_constant(stmt)
        for n in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
    }
    return [n for n in lines if n not in spans]


def _literal_constant(stmt: ast.stmt) -> bool:
    """`CAP = 90`, `NAMES = ("a", "b")`: not a collection the script fills (`rows = []`), nor
    a literal stored into something (`df.loc[mask, "industry"] = "other"`)."""
    if not isinstance(stmt, ast.Assign) or isinstance(stmt.value, ast.List | ast.Dict | ast.Set):
        return False
    return all(isinstance(t, ast.Name) for t in stmt.targets) and is_literal(stmt.value)


def split_note(original: Original, analysis: Analysis, tree: ast.Module, step: str) -> str:
    """Where the split's statement went: the encode step's excerpt shows it among its lines,
    the others' name it as left out (iotdb's preparation read "cut at line 107" of a line it
    was not shown), and the analysis' stage list leaves it to the `split:` line."""
    split = sorted(split_statement(analysis, tree))
    if step == "sources" or not split:
        return ""
    where = original.where_lines(split)
    if step == "encode":
        return f"\n# {where}: the split, which this step's `@lt.split` replays"
    return f"\n# {where}, the split, left out: the encode step's `@lt.split` replays it"


def stage_lines(analysis: Analysis, tree: ast.Module, step: str) -> list[int]:
    """The original's lines of one step: the statements that read the sources, else the stages'
    lines as the analysis attributed them."""
    if step == "sources":
        reads = {s.line for s in analysis.sources if s.line}
        spans = [_innermost(tree, line) for line in reads]
        return sorted({n for span in spans if span for n in span})
    stages = step_stages(analysis, tree)
    return sorted({n for stage in STAGES[step] for n in stages.get(stage, [])})


def split_statement(analysis: Analysis, tree: ast.Module) -> set[int]:
    """The lines of the statement that splits the rows, where an `@lt.split` replays it: the
    encode step writes the split, though the analysis' slice gives the statement to the stages
    whose X and y it cuts (taxi's `train_test_split(X, y)` showed among the preparation's and
    the label's lines, and the models wondered whose it was)."""
    split = analysis.split or {}
    if not split.get("function") or not isinstance(split.get("line"), int):
        return set()
    return set(_innermost(tree, split["line"]) or ())


def _innermost(tree: ast.Module, line: int) -> range | None:
    """The lines of the innermost simple statement holding `line`, in a function, a method or a
    block as well as at the top (a read inside a loader class's method)."""
    holding = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt)
        and not hasattr(node, "body")
        and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    if holding:
        node = min(holding, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
        return range(node.lineno, (node.end_lineno or node.lineno) + 1)
    headers = [  # `for line in open(path):`, `with open(path) as f:`: the block's header
        n for n in ast.walk(tree) if isinstance(n, ast.For | ast.With) and n.lineno == line
    ]
    return range(line, headers[0].body[0].lineno) if headers else None


def step_stages(analysis: Analysis, tree: ast.Module) -> dict[str, list[int]]:
    """The analysis' stage lines, followed into the functions and methods they call."""
    line = analysis.model.line if analysis.model else None
    return with_trace(attributed(tree, line, analysis.stages), analysis.dataflow, line)


def numbered(original: Original, lines: list[int]) -> str:
    """The lines with their numbers ("cell 12, line 3" in a notebook)."""
    code = original.source.splitlines()
    width = 16 if original.notebook else 4
    return "\n".join(
        f"{_line_tag(original, n):>{width}}  {code[n - 1]}" for n in lines if 0 < n <= len(code)
    )


def _line_tag(original: Original, line: int) -> str:
    return original.where(line) if original.notebook else str(line)


def defined_at(original: Original, tree: ast.Module, line: int) -> str:
    """Where a definition stands; one nested in a function, a method or a loop says so, for it
    is shown (and copied) as a module-level one."""
    where = original.where(line)
    if any(node.lineno == line for node in tree.body):
        return where
    enclosing = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.For)
        and node.lineno < line <= (node.end_lineno or node.lineno)
    ]
    if not enclosing:
        return where
    enclosing.sort(key=lambda node: node.lineno)
    inner = enclosing[-1]
    named = ".".join(n.name for n in enclosing if not isinstance(n, ast.For))
    if isinstance(inner, ast.For):
        place, copy = f"the loop at {original.where(inner.lineno)}", ""
    else:  # the agent may copy the function whole, with its own
        place, copy = named, f", for code that no longer has {named}; a copy of it keeps its own"
    return (
        f"{where}, inside {place} in the original (a module-level definition in the rewrite{copy})"
    )


def copied_elsewhere(
    original: Original, lines: list[int], needed: list[defs.Definition], reached: set[int]
) -> str:
    """The original's other helpers, classes and constants the agent would copy, by name and
    place: those among the step's own lines, and those other steps show (a helper defined inside
    a loop and shown with the encoder, which a preparation may call too). Only those on `reached`
    lines: a metric beside the fit is no step's."""
    own = set(lines)
    found = defs.copyable(original.source, {d.line for d in needed})
    return ", ".join(
        f"`{', '.join(d.names)}` ({'among these lines' if d.line in own else original.where(d.line)})"
        for d in found
        if d.line in reached
    )


def lines_reached(source: str, tree: ast.Module, analysis: Analysis) -> set[int]:
    """Every step's own lines and the lines of the definitions each step's prompt shows."""
    reached: set[int] = set()
    for step in STEPS:
        lines = step_lines(source, tree, analysis, step)
        shown = defs.needed(source, lines, shown_whole(tree, analysis, step, lines))
        reached |= set(lines) | {d.line for d in shown}
    return reached
