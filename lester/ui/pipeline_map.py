"""Which lines of the original each stage of the rewritten pipeline came from.

The analysis sliced the original into stage lines (data preparation, features, label, model) and
found the line of each source read; a pipeline's stage functions are found by their `@lt.*`
decorators. Both sides are rendered line by line, each line tagged with its stage, so that the
page can show the pipeline beside the original with matching colours. A notebook's original is its
converted script: its lines are numbered within their cell and named "cell 4, line 2" (the
analysis keeps the line map in `cells`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from lester.agents.oracle.notebook import lines_label, locate
from lester.agents.oracle.verification import STAGE_NAMES

# The analysis' stage for each kind of pipeline stage function (sources are read in its data
# preparation).
KIND_STAGE = {**STAGE_NAMES, "source": "data_preparation"}
STAGE_TITLES = {
    "data_preparation": "data preparation",
    "features": "features",
    "label": "label",
    "model": "model",
}


@dataclass(frozen=True)
class StageBlock:
    """One stage function of the pipeline: its lines there, and the original lines behind it."""

    function: str
    kind: str
    stage: str
    first: int
    last: int
    original: list[int]
    cells: list[list[int]] = field(default_factory=list)

    @property
    def original_ranges(self) -> str:
        """The original lines, per cell for a notebook."""
        if not self.original:
            return "-"
        return lines_label(self.cells, self.original) if self.cells else compress(self.original)


@dataclass(frozen=True)
class CodeLine:
    """`label` is the number shown beside the line (its line in its cell, for a notebook; empty
    for the lines a notebook's conversion added), `where` the line as a person names it."""

    number: int
    text: str
    stage: str | None
    label: str = ""
    where: str = ""


@dataclass(frozen=True)
class PipelineMap:
    blocks: list[StageBlock]
    pipeline: list[CodeLine]
    original: list[CodeLine]


def map_pipeline(module: str, original: str, analysis: dict[str, Any]) -> PipelineMap:
    """The pipeline and the original, line by line, tagged with the stage each line serves."""
    blocks = stage_blocks(module, analysis)
    by_line = {n: b.stage for b in blocks for n in range(b.first, b.last + 1)}
    stage_of: dict[int, str] = {}
    for stage, lines in (analysis.get("stages") or {}).items():
        for n in lines:
            stage_of.setdefault(n, stage)
    cells = analysis.get("cells") or []
    return PipelineMap(
        blocks,
        [
            CodeLine(n, text, by_line.get(n), str(n), f"line {n}")
            for n, text in enumerate(module.splitlines(), 1)
        ],
        [
            _original_line(n, text, stage_of.get(n), cells)
            for n, text in enumerate(original.splitlines(), 1)
        ],
    )


def _original_line(n: int, text: str, stage: str | None, cells: list[list[int]]) -> CodeLine:
    if not cells:
        return CodeLine(n, text, stage, str(n), f"line {n}")
    cell, line = locate(cells, n)
    if cell is None:
        return CodeLine(n, text, stage)
    return CodeLine(n, text, stage, str(line), f"cell {cell}, line {line}")


def stage_blocks(module: str, analysis: dict[str, Any]) -> list[StageBlock]:
    """The decorated stage functions of `module`; a source maps to the line that read its file,
    the other stages to the analysis' slice for their stage."""
    try:
        tree = ast.parse(module)
    except SyntaxError:
        return []
    stages = analysis.get("stages") or {}
    blocks = []
    for node in tree.body:
        kind = _stage_kind(node)
        if kind is None:
            continue
        stage = KIND_STAGE[kind]
        lines = stages.get(stage, [])
        if kind == "source":
            lines = _source_lines(ast.get_source_segment(module, node) or "", analysis) or lines
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        blocks.append(
            StageBlock(
                node.name,
                kind,
                stage,
                first,
                node.end_lineno or first,
                sorted(lines),
                analysis.get("cells") or [],
            )
        )
    return blocks


def _stage_kind(node: ast.stmt) -> str | None:
    if not isinstance(node, ast.FunctionDef):
        return None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "lt"
            and target.attr in KIND_STAGE
        ):
            return target.attr
    return None


def _source_lines(code: str, analysis: dict[str, Any]) -> list[int]:
    sources = analysis.get("sources") or []
    return [s["line"] for s in sources if s.get("line") and s.get("path") and s["path"] in code]


def compress(numbers: list[int]) -> str:
    """`[3, 4, 5, 9]` as `3-5, 9`."""
    ranges: list[list[int]] = []
    for n in sorted(set(numbers)):
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
