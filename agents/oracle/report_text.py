"""Plain-text renderings of reports, sized for a terminal and for a prompt.

Lines of the original are named as the user sees them: `line 17` in a script, `cell 4, line 2` in
a notebook (the analysis keeps the notebook's line map in `cells`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lester.sandbox.profiles import FEW_VALUES, MAX_FORMS

from .analysis import JSON_IDIOMS
from .dataflow import dataflow_text
from .notebook import line_label, lines_label
from .splits import replay_call

_LEADING_LINE = re.compile(r"^line (\d+)")
MAX_PROFILED = 40  # columns whose counts the analysis text shows
UNLINED = {"features": "X", "label": "y"}  # what a stage without lines of its own would make


# Round 37's fraud_velocity note read the stage list as contradicting the rules, which put running
# values in the preparation whatever stage the original's lines for them are in.
STAGES_HEADER = (
    "stages (where the original computes each line; a value the rules place elsewhere, a "
    "running value per key in the preparation, goes where the rules say):"
)


def analysis_text(a: Any, dataflow: bool = True) -> str:
    where = _namer(a.cells)
    lines = [
        f"script: {a.script}  (data dir: {a.data_dir}; ran in {a.wall_time:.2f} s, {a.backend} sandbox)"
    ]
    lines += [f"note: {note}" for note in a.notes]
    if a.problem:
        lines.append(f"PROBLEM: {a.problem}")
    for s in a.sources:
        layout = (
            "one JSON record a line"
            if s.idiom in JSON_IDIOMS
            else f"delimiter {s.delimiter!r}, {'a header row' if s.header else 'no header'}"
        )
        lines.append(f"source {s.path}: {s.rows} rows, {s.idiom} ({where(s.line)}), {layout}")
        if getattr(s, "reader", None):
            lines.append(f"  read with pd.{s.reader}({_call(s.call)})")
        fields = ", ".join(f"{_name(n)} ({s.dtypes.get(n, '?')})" for n in s.names)
        typed = (
            ""
            if getattr(s, "reader", None)
            else " (types a reader would infer; the original parses the text by hand)"
        )
        lines.append(f"  fields{typed}: {fields}")
        if getattr(s, "header_names", None):
            lines.append(
                f"  (named as the original unpacks them, as the source's columns must be: "
                f"`header=0` with `names=[...]`; the file's header row names them "
                f"{', '.join(s.header_names)}, which is what a source reading the header gives)"
            )
        shown = (
            "as the reader gives them, printed as text; None is a missing value"
            if getattr(s, "reader", None)
            else "the file's fields as text, before the original's parsing"
        )
        lines += [f"  sample ({shown}): {row}" for row in s.sample]
        if s.rows > len(s.sample):
            lines += [f"  last row ({shown}): {row}" for row in getattr(s, "last", [])]
        lines += _profile_lines(getattr(s, "profile", None))
    if a.model:
        m = a.model
        lines.append(
            f"model: {m.estimator} fitted at {where(m.line)}; non-default parameters: "
            f"{_parameters(m)}"
        )
        if getattr(m, "pipeline", ""):
            lines.append(
                f"  fitted as the last step of a Pipeline with steps {m.pipeline}: X below is "
                "what that step receives, after the steps before it"
            )
        lines.append(f"  X {m.X_shape} {m.X_dtype}, y {m.y_shape} {m.y_dtype}")
        if getattr(m, "constant_columns", None):
            held = ", ".join(f"{i} ({v!r})" for i, v in m.constant_columns)
            lines.append(
                "  X columns (by position, from 0) holding one value in every fitted row (the "
                f"rewrite keeps them): {held}"
            )
        lines += _first_rows(m)
        if a.fit_choice:
            lines.append(f"  {a.fit_choice}")
    lines.append(f"split: {split_text(a.split, where)}")
    if a.stages:
        lines.append(STAGES_HEADER)
    for stage, numbers in a.stages.items():
        lines.append(f"stage {stage}: {_stage_lines(a, stage, numbers)}")
    if a.writes:
        lines.append(f"writes: {', '.join(a.writes)}")
    for flag in a.nondeterminism:
        named = _LEADING_LINE.sub(lambda m: where(int(m.group(1))), flag)
        lines.append(f"non-deterministic: {named}")
    dag = getattr(a, "dataflow", None)
    if dataflow and (dag or getattr(a, "dataflow_note", None)):
        lines.append("dataflow (the operations the final fit's X and y were computed from):")
        text = dataflow_text(dag) if dag else f"(none: {a.dataflow_note})"
        lines += [f"  {line}" for line in text.splitlines()]
    return "\n".join(lines)


def _stage_lines(a: Any, stage: str, numbers: list[int]) -> str:
    """A stage's lines; for a features or label stage with none, where the fit's X or y is made
    then (a `pop` of the label from the prepared matrix leaves the label stage no line)."""
    if numbers or stage not in UNLINED:
        return lines_label(a.cells, numbers)
    return f"none of its own (the fit's {UNLINED[stage]} is made in lines another stage holds)"


def _first_rows(model: Any) -> list[str]:
    rows = getattr(model, "first_rows", None) or []
    if not rows:
        return []
    more = model.X_shape[1] - len(rows[0]) if len(model.X_shape) == 2 else 0
    cut = f" (its first {len(rows[0])} of {model.X_shape[1]} columns)" if more > 0 else ""
    shown = ["[" + ", ".join("nan" if v is None else f"{v:.6g}" for v in row) + "]" for row in rows]
    return [f"  X's first {len(rows)} fitted rows{cut}:", *(f"    {r}" for r in shown)]


def _parameters(model: Any) -> str:
    """The parameters the original sets apart from the defaults, each with the default it
    differs from where the class has one."""
    defaults = getattr(model, "defaults", None) or {}
    if not model.non_default:
        return "{}"
    return ", ".join(
        f"{k}={v!r}" + (f" (default {defaults[k]!r})" if k in defaults else "")
        for k, v in model.non_default.items()
    )


def _name(name: str) -> str:
    """A field's name as written, quoted where white space at its ends would not show."""
    return repr(name) if name != name.strip() or not name else name


def _profile_lines(profile: dict[str, Any] | None) -> list[str]:
    """The sandbox's column counts, bounded: distinct values per column (`unique` where no value
    repeats, which is what a key's dict semantics depend on), the columns with empty or missing
    fields, then the forms of the columns that have few."""
    if not profile:
        return []
    rows, columns = profile["rows"], profile["columns"]
    scope = f"all {rows} rows" if profile["complete"] else f"the first {rows} rows"
    shown = list(columns.items())[:MAX_PROFILED]
    distinct = ", ".join(
        f"{name} {'unique' if c['distinct'] == rows else c['distinct']}" for name, c in shown
    )
    more = f" (and {len(columns) - len(shown)} more columns)" if len(columns) > len(shown) else ""
    lines = [f"  distinct values (in the sandbox, over {scope}): {distinct}{more}"]
    empty, missing = (_nonzero(columns, key) for key in ("empty", "na"))
    lines.append(
        f"  empty fields (other columns have none): {empty}; missing for pd.read_csv's defaults "
        f"(empty or NA text): {missing}"
    )
    lines += _forms_lines(columns, rows) + _values_lines(columns)
    return lines + _shared_lines(profile.get("shared") or [])


def _values_lines(columns: dict[str, dict[str, Any]]) -> list[str]:
    """The values of the columns with a few short ones (a one-hot's columns, a map's keys), as
    the file's text: which categories the data holds, where samples show only some."""
    few = [(name, values) for name, c in columns.items() if (values := c.get("values"))]
    if not few:
        return []
    shown = "; ".join(
        f"{name} " + ", ".join(f"{value!r} {n}" for value, n in values)
        for name, values in few[:MAX_PROFILED]
    )
    more = f" (and {len(few) - MAX_PROFILED} more columns)" if len(few) > MAX_PROFILED else ""
    return [
        f"  values (as text, with their rows, the commonest first) of the columns with at most "
        f"{FEW_VALUES} distinct short ones: {shown}{more}"
    ]


def _shared_lines(shared: list[dict[str, Any]]) -> list[str]:
    """Whether a column's values all find another source's key: what a hand-coded join or
    lookup (`orders.get(k, default)`) does with those that do not."""
    return [
        f"  {s['column']} and {s['file']}'s {s['key']} (unique there) share {s['common']} values:"
        f" {s['distinct'] - s['common']} of the {s['distinct']} distinct values here are not"
        f" among those there, and {s['keys'] - s['common']} of the {s['keys']} there do not occur"
        " here"
        for s in shared
    ]


def _forms_lines(columns: dict[str, dict[str, Any]], rows: int) -> list[str]:
    """The forms of the columns whose every row has one of a few (a date always `9999-99-99`):
    what a parse of the text (`fromisoformat`, `float`, a split on `-`) can rely on."""
    few = [
        (name, forms)
        for name, c in columns.items()
        if (forms := c.get("forms")) and sum(n for _, n in forms) == rows
    ]
    if not few:
        return []
    shown = "; ".join(
        f"{name} {forms[0][0]!r} (every row)"
        if len(forms) == 1
        else f"{name} " + ", ".join(f"{form!r} {n}" for form, n in forms)
        for name, forms in few[:MAX_PROFILED]
    )
    more = f" (and {len(few) - MAX_PROFILED} more columns)" if len(few) > MAX_PROFILED else ""
    return [
        f"  forms of the text (digits as 9, letters as a; … cuts a long one), in the columns "
        f"where at most {MAX_FORMS} cover every row: {shown}{more}; other columns have more forms"
    ]


def _nonzero(columns: dict[str, dict[str, int]], key: str) -> str:
    """The columns with a nonzero count, over all columns, bounded and saying what it left out."""
    found = [f"{n} {c[key]}" for n, c in columns.items() if c[key]]
    more = f" (and {len(found) - MAX_PROFILED} more columns)" if len(found) > MAX_PROFILED else ""
    return ", ".join(found[:MAX_PROFILED]) + more if found else "none"


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


def _namer(cells: list[list[int]]) -> Any:
    return lambda line: line_label(cells, line)


def split_text(
    split: dict[str, Any] | None,
    where: Callable[[int], str] = "line {}".format,
    *,
    brief: bool = False,
) -> str:
    """The split as the analysis section states it; `brief` names it and its replay only, for
    the later sentences of a prompt that already carries the whole note once."""
    if not split:
        return "none (the model is fitted on all rows)"
    at = f" at {where(split['line'])}" if split.get("line") else ""
    if brief and split.get("function"):
        call = replay_call(split["function"], split.get("args") or {})
        return f"{split['idiom']}{at}, replayed by {call}, as the analysis says"
    shown = f": {split['expression']}" if split.get("expression") else ""
    return f"{split['idiom']}{at}{shown}; {split['note']}"
