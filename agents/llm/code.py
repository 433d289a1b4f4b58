"""Getting a step's code out of a model's answer and into the step's parts.

Nothing here executes the code: it is only parsed, to find fences and stage decorators.
"""

from __future__ import annotations

import ast
import re

from ..proposals import KIND_PART, KIND_STEP, STEP_PARTS

FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)```", re.DOTALL)


def extract_code(answer: str) -> str | None:
    """The last fenced python block (or unlabelled block), else the whole answer when it parses as
    Python; None when the answer holds no code. A block with a syntax error is still returned: the
    agent's static checks report the error back to the model."""
    blocks = [(lang.lower(), body) for lang, body in FENCE.findall(answer)]
    python = [body for lang, body in blocks if lang in ("python", "py", "python3")]
    bare = [body for lang, body in blocks if not lang]
    for candidates in (python, bare):
        if candidates and candidates[-1].strip():
            return candidates[-1].strip()
    text = answer.strip()
    if not text or blocks:
        return None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    # Prose such as "Sorry" parses as a bare name: demand at least one statement that does work.
    if all(
        isinstance(n, ast.Expr) and isinstance(n.value, ast.Name | ast.Constant) for n in tree.body
    ):
        return None
    return text


def split_parts(
    code: str, step: str, may_change: tuple[str, ...] | list[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """The parts of an answer for `step`, and notes on what of it was not used and why.

    Functions whose stage decorator belongs to one of the step's parts go to that part; stage
    functions of another step go to that step's part when `may_change` names it (the diagnosis
    put the fault there), else they are dropped with a note (the other step owns them; keeping
    both would define a stage twice). Everything else (imports, constants, helpers, classes) goes
    to the preamble, which outlives any one step's parts. Code that does not parse stays whole
    in the step's first part, for the static check to report.
    """
    names = STEP_PARTS[step]
    allowed = set(names) | {p for s in may_change for p in STEP_PARTS.get(s, ())}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {names[0]: code, **{n: "" for n in names[1:]}}, []
    lines = code.splitlines()
    parts: dict[str, list[str]] = {name: [] for name in ("preamble", *names)}
    notes = []
    start = 0
    for node in tree.body:
        end = node.end_lineno or node.lineno
        segment = "\n".join(lines[start:end])
        start = end
        kind = _stage_kind(node)
        part = KIND_PART[kind] if kind else "preamble"
        if part in allowed or part == "preamble":
            parts.setdefault(part, []).append(segment)
        else:
            notes.append(
                f"dropped @lt.{kind} function {node.name!r}: the {KIND_STEP[kind]} step owns it, and the "
                f"diagnosis does not put the fault there"
            )
    return {name: "\n".join(segs).strip("\n") for name, segs in parts.items()}, notes


def _stage_kind(node: ast.stmt) -> str | None:
    """`source` for a function decorated `@lt.source` or `@lt.source(...)`, and so on."""
    if not isinstance(node, ast.FunctionDef):
        return None
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr in KIND_PART:
            return target.attr
    return None
