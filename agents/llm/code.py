"""Getting a step's code out of a model's answer and into the step's parts.

Nothing here executes the code: it is only parsed, to find fences and stage decorators.
"""

from __future__ import annotations

import ast
import re

from ..proposals import STEP_PARTS

FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)```", re.DOTALL)

# The part that each stage decorator's function belongs to.
KIND_PART = {
    "source": "sources",
    "step": "prepare",
    "prepare": "prepare",
    "split": "split",
    "encode": "encode",
    "label": "label",
    "model": "model",
}


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


def split_parts(code: str, step: str) -> tuple[dict[str, str], list[str]]:
    """The step's parts from its code, and notes on what was moved or dropped.

    Functions whose stage decorator belongs to one of the step's parts go to that part; everything
    else (imports, constants, helpers) goes to the step's first part, which the assembled module
    places first. Stage functions of other steps are dropped (the other steps own them; keeping
    both would define a stage twice). Code that does not parse stays whole in the first part.
    """
    names = STEP_PARTS[step]
    parts = {name: [] for name in names}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {names[0]: code, **{n: "" for n in names[1:]}}, []
    lines = code.splitlines()
    notes = []
    start = 0
    for node in tree.body:
        end = node.end_lineno or node.lineno
        segment = "\n".join(lines[start:end])
        start = end
        kind = _stage_kind(node)
        part = KIND_PART.get(kind, names[0]) if kind else names[0]
        if part in parts:
            parts[part].append(segment)
        else:
            notes.append(f"dropped @lt.{kind} function {node.name!r}: it belongs to another step")
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
