"""Plain-text renderings of reports, sized for a terminal and for a prompt."""

from __future__ import annotations

from typing import Any

from .dataflow import dataflow_text


def analysis_text(a: Any, dataflow: bool = True) -> str:
    lines = [
        f"script: {a.script}  (data dir: {a.data_dir}; ran in {a.wall_time:.2f} s, {a.backend} sandbox)"
    ]
    if a.problem:
        lines.append(f"PROBLEM: {a.problem}")
    for s in a.sources:
        header = "a header row" if s.header else "no header"
        lines.append(
            f"source {s.path}: {s.rows} rows, {s.idiom} (line {s.line}), delimiter {s.delimiter!r}, {header}"
        )
        if getattr(s, "reader", None):
            lines.append(f"  read with pd.{s.reader}({_call(s.call)})")
        fields = ", ".join(f"{n} ({s.dtypes.get(n, '?')})" for n in s.names)
        lines.append(f"  fields: {fields}")
        for row in s.sample:
            lines.append(f"  sample: {row}")
    if a.model:
        m = a.model
        lines.append(
            f"model: {m.estimator} fitted at line {m.line}; non-default parameters: {m.non_default}"
        )
        lines.append(f"  X {m.X_shape} {m.X_dtype}, y {m.y_shape} {m.y_dtype}")
    lines.append(f"split: {split_text(a.split)}")
    for stage, numbers in a.stages.items():
        lines.append(f"stage {stage}: lines {_ranges(numbers)}")
    if a.writes:
        lines.append(f"writes: {', '.join(a.writes)}")
    for note in a.skipped:
        lines.append(f"opened, {note}")
    for flag in a.nondeterminism:
        lines.append(f"non-deterministic: {flag}")
    dag = getattr(a, "dataflow", None)
    if dataflow and (dag or getattr(a, "dataflow_note", None)):
        lines.append("dataflow (the operations the final fit's X and y were computed from):")
        text = dataflow_text(dag) if dag else f"(none: {a.dataflow_note})"
        lines += [f"  {line}" for line in text.splitlines()]
    return "\n".join(lines)


def _call(call: dict[str, Any]) -> str:
    """The arguments a read was given, as code where they are constants."""
    from .dataflow import Undecodable, decode, value_code

    parts = []
    for key, value in call.items():
        try:
            parts.append(f"{key}={value_code(decode(value))}")
        except Undecodable:
            parts.append(f"{key}=...")
    return ", ".join(parts)


def split_text(split: dict[str, Any] | None) -> str:
    if not split:
        return "none (the model is fitted on all rows)"
    where = f" at line {split['line']}" if split.get("line") else ""
    shown = f": {split['expression']}" if split.get("expression") else ""
    return f"{split['idiom']}{where}{shown}; {split['note']}"


def _ranges(numbers: list[int]) -> str:
    if not numbers:
        return "none"
    spans, start, prev = [], numbers[0], numbers[0]
    for n in numbers[1:]:
        if n != prev + 1:
            spans.append((start, prev))
            start = n
        prev = n
    spans.append((start, prev))
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
