"""Plain-text renderings of reports, sized for a terminal and for a prompt."""

from __future__ import annotations

from typing import Any


def analysis_text(a: Any) -> str:
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
        if a.fit_choice:
            lines.append(f"  {a.fit_choice}")
    lines.append(f"split: {_split_text(a.split)}")
    for stage, numbers in a.stages.items():
        lines.append(f"stage {stage}: lines {_ranges(numbers)}")
    if a.writes:
        lines.append(f"writes: {', '.join(a.writes)}")
    for flag in a.nondeterminism:
        lines.append(f"non-deterministic: {flag}")
    return "\n".join(lines)


def _split_text(split: dict[str, Any] | None) -> str:
    if not split:
        return "none (the model is fitted on all rows)"
    if split["kind"] == "slicing":
        return f"manual slicing at line {split['line']}: {split['expression']}"
    return (
        f"{split['kind']} at line {split['line']} (test_size={split['test_size']}, "
        f"random_state={split['random_state']}, shuffle={split['shuffle']}, stratify={split['stratify']})"
    )


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
