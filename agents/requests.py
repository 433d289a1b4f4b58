"""What a proposer is told about one step: the step's own lines of the original, the definitions
and drawn values they need, what the step must reproduce, and its contract with the other steps.

The contract is what lets steps written separately fit together: the preparation learns which
columns the encoders and the label will read (the names the original's feature and label lines
use) and how its rows must line up with the fit; the encoder and the label see the prepared frame
exactly as the sandbox gave it (its columns, dtypes and first rows), not as the preparation meant
it. Everything here is read from the analysis, the original's syntax tree and the files the
sandbox produced (Parquet, JSON): nothing is executed.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from lester.abstraction.frame import is_prov_column

from .hand_parsed import hand_parsed
from .oracle import dataflow
from .oracle import definitions as defs
from .oracle.analysis import Analysis, AnalysisError
from .oracle.api_use import defined_names
from .oracle.dataflow import dataflow_text, estimators_behind_x
from .oracle.equivalence import comparison_text
from .oracle.original import Original, load_original
from .oracle.report_text import split_text
from .oracle.static import is_literal
from .proposals import FEATURES_LINE, LABEL_LINE, StepRequest
from .state import RewriteState
from .step_lines import (
    copied_elsewhere,
    defined_at,
    in_classes,
    lines_reached,
    numbered,
    shown_whole,
    split_note,
    step_lines,
    step_stages,
    with_stages,
)

SAMPLE_ROWS = 3
STATED_LIMIT = 4000
MAX_FITS_SHOWN = 8
MAX_VALUE_TEXT = 2000
MAX_TRACE_BYTES = 64 * 1024 * 1024
SLOT_NAMES = (  # how the preparation names a hand-built one-hot's slots (iotdb, rounds 27 to 29)
    "(`x[1 + jobs.index(job)] = 1`) after the value it marks where the original's code lists the "
    "values (`job_admin`), else, where their order comes from the data, by its place (`job_0`); "
    "a slot that flags one value of a column (`x[20] = 1 if default == 'yes' else 0`) after the "
    "column and that value (`default_yes`), keeping the column's own name for the column; a "
    "slot that copies a column's value (`x[0] = age`) is that column under its own name, "
    "converted only as the array converts it (a float array holds it as a float)"
)
FIXED = "The preparation is fixed (this step writes only the encoder and the split):"
IN_ONE_CALL = (
    ", values that need other rows (running values, group statistics) included: the encoder "
    "transforms all prepared rows in one call, in prepared order (observed in the API notes), "
    "so a `FunctionTransformer` sees every earlier row"
)


CHECKED_BEFORE_LABEL = (
    "The steps before this one passed their checks: the prepared rows were checked in the "
    "sandbox against the rows the fit implies, the encoder passed the static check. "
    "The encoder's X is compared with the original's in the final verification, together with "
    "this step's labels and model."
)


def build_request(state: RewriteState, step: str, attempt: int) -> StepRequest:
    """The request for `step`'s next candidate (a repair's fields are added by the caller)."""
    analysis = Analysis.from_dict(state["analysis"])
    original = load_original(Path(state["script"]))
    source = original.source
    tree = ast.parse(source)
    lines = step_lines(source, tree, analysis, step)
    runs = defs.running(source)
    needed = [  # a data statement (`X = df[cols]`) is no definition, though bound once
        d
        for d in defs.needed(source, lines, shown_whole(tree, analysis, step, lines))
        if d.kind != "constant" or d.line in runs
    ]
    artifacts = dict(state.get("artifacts") or {})
    return StepRequest(
        step=step,
        script_name=Path(state["script"]).name,
        original_source=source,
        stage_code=numbered(original, lines)
        + in_classes(original, analysis, tree, step, lines)
        + split_note(original, analysis, tree, step),
        definitions="\n\n".join(
            f"# {defined_at(original, tree, d.line)}\n{d.code}" for d in needed
        ),
        values=drawn_values(analysis, source, tree, lines, needed),
        copied=copied_elsewhere(original, lines, needed, lines_reached(source, tree, analysis)),
        analysis_text=with_stages(analysis, tree).to_text(dataflow=False),
        dataflow=dataflow_text(analysis.dataflow),
        expected=expected(analysis, step),
        contract=contract(analysis, original, tree, step, artifacts, state.get("parts")),
        parts=dict(state.get("parts") or {}),
        attempt=attempt,
        artifacts=dict(state.get("artifacts") or {}),
    )


def expected(analysis: Analysis, step: str) -> str:
    """The outputs the step must reproduce."""
    m = analysis.model
    if step == "sources":
        return "\n".join(f"{s.path}: {s.rows} rows, fields {s.names}" for s in analysis.sources)
    if step == "prepare":
        split = split_text(analysis.split, brief=True)
        if (analysis.split or {}).get("function"):
            return f"the split ({split}) must select the {m.X_shape[0]} rows the model is fitted on from the prepared rows"
        return (
            f"the prepared rows must give the {m.X_shape[0]} rows the model is fitted on ({split})"
        )
    if step == "encode":
        return (
            f"the ColumnTransformer must give X of shape {m.X_shape} ({m.X_dtype}), as the "
            "estimator receives it at the fit"
            + (" (after the Pipeline's steps before the last)" if m.pipeline else "")
        )
    return f"{label_counts(analysis.y())}; model {m.estimator} with non-default parameters {m.non_default}"


def label_counts(y: Any, shown: int = 20) -> str:
    """The fitted labels as value: count, so a label step can check its classes or range."""
    counts = pd.Series(np.ravel(y)).value_counts().sort_index()
    pairs = {(v.item() if hasattr(v, "item") else v): int(n) for v, n in counts.items()}
    listed = dict(list(pairs.items())[:shown])
    head = f"the {len(y)} fitted labels, value: count of rows"
    if len(pairs) > shown:
        head += f", the {shown} smallest of {len(pairs)} distinct values"
    return f"{head}: {listed}"


# ---- the contract between steps ---------------------------------------------------------------


def contract(
    analysis: Analysis,
    original: Original,
    tree: ast.Module,
    step: str,
    artifacts: dict[str, str],
    parts: dict[str, str] | None = None,
) -> str:
    """What the step must agree on with the others."""
    by_hand = hand_parsed(analysis)
    if step == "sources":
        return (
            "Each source must give the rows the original read from its file (the counts above), "
            "one column per field, named as the original names the fields (where it only numbers "
            "them, by position or a reader's `header=None`, the reader's labels `'0'`, `'1'`, … "
            "or names of your own, either works; a `file_column` beside them is fine, only the "
            "rows are counted): the preparation takes each "
            "source as a parameter named after its function and reads its columns by name."
            + (f"\n\n{by_hand}" if by_hand else "")
        )
    rows = row_contract(analysis, original, tree, step)
    if step == "prepare":
        read = sources_as_read(analysis, artifacts)
        fits = transformer_fits(analysis, tree)  # what the docstring may tell the encoder (fit_on)
        return "\n\n".join(
            t for t in [columns_read(analysis, original, tree), rows, fits, read, by_hand] if t
        )
    stated = stated_columns((parts or {}).get("prepare", ""))
    said = f"The preparation states (its docstring):\n{stated}" if stated else ""
    fits = transformer_fits(analysis, tree)
    shared = ""
    if step == "encode":
        shared = built_together(analysis, original, tree) or unheld_keys(analysis, tree, artifacts)
    if step == "label_model":
        shared = CHECKED_BEFORE_LABEL
    return "\n\n".join(t for t in [prepared_frame(artifacts), said, shared, rows, fits] if t)


def built_together(analysis: Analysis, original: Original, tree: ast.Module) -> str:
    """Without feature lines of its own, the encoder is shown the lines that build X and y
    together: whatever of them the prepared frame does not hold yet is the encoder's."""
    stages = step_stages(analysis, tree)
    if stages.get("features") or not stages.get("data_preparation"):
        return ""
    return (
        "The original builds X together with y, in lines the analysis gives to the preparation. "
        f"{FIXED} every value of X these lines compute that the prepared frame above does not "
        f"hold (compare its columns) is computed in this step{IN_ONE_CALL}:\n"
        f"```python\n{numbered(original, stages['data_preparation'])}\n```"
    )


def unheld_keys(analysis: Analysis, tree: ast.Module, artifacts: dict[str, str]) -> str:
    """The keys the feature lines read that the prepared frame lacks: with the preparation
    fixed, the encoder computes them (the contract of the preparation said they were its)."""
    path = artifacts.get("prepared")
    numbers = set(step_stages(analysis, tree).get("features") or [])
    if not numbers or not path or not Path(path).is_file():
        return ""
    held = set(pq.read_schema(path).names)
    missing = [k for k in defs.keys_read(tree, numbers) if k not in held]
    if not missing:
        return ""
    return (
        f"The prepared frame does not hold {missing}, which the feature lines read. {FIXED} "
        "a value of X these keys give that the prepared frame does not already hold (compare "
        f"its columns and the preparation's docstring) is computed here from the prepared "
        f"columns{IN_ONE_CALL}."
    )


def transformer_fits(analysis: Analysis, tree: ast.Module) -> str:
    """How many rows each of the original's own transformers was fitted on, against the model's:
    more rows than the model means it was fitted before the split (`fit_on="all"`). Those whose
    output reaches X are named by the trace, or, where X's history passes through a value the
    trace cannot follow, by the script's own dataflow (X's backward slice)."""
    dag = analysis.dataflow or {}
    nodes = dag.get("nodes") or []
    n_fit = analysis.model.X_shape[0]
    behind = estimators_behind_x(dag)
    sliced = _x_side_lines(analysis, tree) if behind is None else set()
    judged = {n.lineno for n in ast.walk(tree) if hasattr(n, "lineno")} if sliced else set()
    X = _fitted_x(analysis) if behind is None and dataflow.transformer_fits(dag) else None
    prepared = set(step_stages(analysis, tree).get("data_preparation", []))
    fits: dict[str, list[str]] = {}  # a loop fits one class per column at one line: one entry
    looked_up = []
    for node in dataflow.transformer_fits(dag):
        rows = _input_rows(node, nodes)
        if rows is None or not _reaches_x(node, behind, sliced, judged):
            continue
        name = str(node["estimator"].get("class", "?")).rsplit(".", 1)[-1]
        found = None if X is None else dataflow.output_in_x(dag, node.get("estimator_id"), X)
        looked_up.append(found is not None)
        entry = (
            f"- {name} (line {node.get('line')}): fitted on {rows} rows, "
            f"{_against(rows, n_fit, node.get('line') in prepared)}" + OUTPUT_IN_X.get(found, "")
        )
        fits.setdefault(entry, []).append(_input_name(node, nodes))
    if not fits:
        return ""
    lines = [entry + _of_columns(columns) for entry, columns in fits.items()]
    reach = "those whose output reaches X" if behind is not None else _unfollowed(sliced, looked_up)
    head = f"The original's own transformers ({reach}), against the model's {n_fit} fitted rows:"
    return "\n".join([head, *lines[:MAX_FITS_SHOWN]])


def _unfollowed(sliced: set[int], looked_up: list[bool]) -> str:
    """What the list is where the trace cannot follow X."""
    listed = (
        "those in X's lines; the trace cannot follow X through values the script makes itself"
        if sliced
        else "the trace does not show which of them reach X"
    )
    if all(looked_up):
        return f"{listed}; each one's output was looked up among X's rows"
    return f"{listed}, so read which of them reach X in the original" if sliced else listed


OUTPUT_IN_X = {
    True: "; rows of its output are rows of X (in some of X's columns)",
    False: "; no row of its output sampled at five places is in X, so X does not hold its "
    "output as it came out (it may transform it further)",
}


def _fitted_x(analysis: Analysis) -> np.ndarray | None:
    """The fit's X, to look the transformers' outputs up in; None where it cannot be read."""
    try:
        return analysis.X() if analysis.outputs_dir and analysis.X_file else None
    except (OSError, ValueError, AnalysisError):
        return None


def _x_side_lines(analysis: Analysis, tree: ast.Module) -> set[int]:
    """Every line X may depend on: the preparation's and features' lines with the whole body of
    each script function they call, an over-approximation, so that a statement of the script
    outside them does not reach X."""
    stages = step_stages(analysis, tree)
    return set(stages.get("data_preparation", [])) | set(stages.get("features", []))


def _reaches_x(
    node: dict[str, Any], behind: set[Any] | None, sliced: set[int], judged: set[int]
) -> bool:
    """By the trace where it follows X; else by the lines, for a line of the script's own
    (`judged`: one the trace names elsewhere is not judged)."""
    if behind is not None:
        return node.get("estimator_id") in behind
    line = node.get("line")
    return line not in judged or line in sliced


def _input_out(node: dict[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """What the trace says of the value a transformer was fitted on."""
    given = node.get("X")
    ref = given.get("ref") if isinstance(given, dict) else None
    return (nodes[ref].get("out") or {}) if isinstance(ref, int) and ref < len(nodes) else {}


def _input_name(node: dict[str, Any], nodes: list[dict[str, Any]]) -> str:
    """The column a transformer was fitted on, when its input is one named series."""
    out = _input_out(node, nodes)
    name = out.get("name") if out.get("kind") == "series" else None
    return name if isinstance(name, str) else ""


def _of_columns(columns: list[str]) -> str:
    named = [c for c in columns if c]
    if len(columns) == 1:
        return f" (on {named[0]!r})" if named else ""
    which = f": on {', '.join(map(repr, named))}" if len(named) == len(columns) else ""
    return f" ({len(columns)} fits at this line{which})"


def _input_rows(node: dict[str, Any], nodes: list[dict[str, Any]]) -> int | None:
    out = _input_out(node, nodes)
    rows = out.get("rows") or (out.get("shape") or [None])[0]
    return rows if isinstance(rows, int) else None


def _against(rows: int, n_fit: int, prepared: bool) -> str:
    """How a transformer's fitted rows compare with the model's, and where that puts it: one
    fitted on a line the analysis gives to data preparation stays there, as the rules say."""
    if rows == n_fit:
        return "the model's rows"
    if rows > n_fit:
        where = (
            "in the preparation, since its line is a preparation line"
            if prepared
            else 'in the encoder, `fit_on="all"` when they are all the prepared rows'
        )
        return f"more rows than the model: fitted before the split ({where})"
    return "fewer rows than the model"


def row_contract(analysis: Analysis, original: Original, tree: ast.Module, step: str) -> str:
    n_fit = analysis.model.X_shape[0]
    split = analysis.split
    if not split:
        return (
            f"There is no split: the prepared rows are the rows the model is fitted on, exactly "
            f"{n_fit} of them, in the order the original passes them to `fit`."
        )
    if split.get("function") is None:
        return f"The original selects its training rows in a way no `lt` split replays: {split['note']}."
    selected_from = split.get("rows")
    count = f"{selected_from} rows" if selected_from else f"at least {n_fit} rows"
    return (
        f"The split ({split_text(split, brief=True)}) selects the {n_fit} training rows by position from the "
        f"prepared rows: the preparation must give {count}, in the order the original had them "
        f"when it split{before_draw(split)}, or the split selects other rows."
        + derived_count(split, original, tree, step)
    )


def before_draw(split: dict[str, Any]) -> str:
    """A split that draws replays the original's shuffle itself: the rows come before it."""
    if split.get("function") in ("head_split", "column_split"):
        return ""
    return f" (before the shuffle or draw that `lt.{split['function']}` replays)"


def derived_count(split: dict[str, Any], original: Original, tree: ast.Module, step: str) -> str:
    """Where a slice's count came from, when the original computed it (`X[:n]`, `n = ...`)."""
    try:
        cut = ast.parse(split.get("expression") or "", mode="eval").body
    except SyntaxError:
        return ""
    upper = getattr(getattr(cut, "slice", None), "upper", None)
    if upper is None or is_literal(upper):  # `-1` is written, not computed
        return ""
    names = {n.id for n in ast.walk(upper) if isinstance(n, ast.Name)}
    lines = sorted(
        {
            n
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and names & {t.id for t in ast.walk(node.targets[0]) if isinstance(t, ast.Name)}
            for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
        }
    )
    shown = f" from:\n```python\n{numbered(original, lines)}\n```\n" if lines else ". "
    return (
        f"\nThe original computes the count `{ast.unparse(upper)}` from the data{shown}"
        f"Writing the analysis' figure ({split['args'].get('n_train')}) in the split is accepted "
        "(the verification compares the rows it selects)"
        + (
            "; better, compute the cut in the preparation as a column that is True on the test "
            "rows (in the original's row order), for the split to read with "
            "`lt.column_split(column, [True])`, which stays right when rows are deleted (the "
            "encoder selects its columns by name, so the marker stays out of X). A "
            "whole-column function receives the column in frame order: `project('is_test', "
            "'ts', lambda t: t >= CUTOFF, rowwise=False)`, or by position `lambda c: "
            "np.arange(len(c)) >= len(c) - HELD_OUT`."
            if step == "prepare"
            else ", unless the prepared frame has a column that marks the test rows (True on "
            "them), which `lt.column_split(column, [True])` then reads: one shown above, or one "
            "that a preparation your answer rewrites adds, where it may rewrite one; without "
            "one, write the figure."
        )
    )


def columns_read(analysis: Analysis, original: Original, tree: ast.Module) -> str:
    """The original's feature and label lines and the names they read: what the encoders and
    the label will read from the prepared frame. Without such lines the preparation states the
    columns itself, in a form the later prompts carry (`stated_columns`)."""
    known = defined_names(tree)
    stages = step_stages(analysis, tree)
    blocks = []
    for stage, reader in (("features", "encoders"), ("label", "label")):
        numbers = sorted(stages.get(stage, []))
        if not numbers:
            continue
        keys = defs.keys_read(tree, set(numbers))
        names = sorted(defs.names_read(tree, set(numbers)) - known)
        read = " and ".join(
            t
            for t in (
                f"keys {keys}" if keys else "",
                f"the original's variables {names}" if names else "",
            )
            if t
        )
        code = numbered(original, numbers)
        blocks.append(
            f"The {reader} reproduce these lines (as the analysis attributed them; a value among "
            "them that needs other rows is still computed here, as said below), which read "
            f"{read or 'nothing named'}:\n```python\n{code}\n```"
        )
    state = (
        "State the columns they read in the @lt.prepare function's docstring, one line each: "
        f"`{FEATURES_LINE} <column names in full, comma-separated>` and `{LABEL_LINE} <columns>` "
        "(where the names or their number depend on the data, as dummies' or a slot per "
        "distinct value's do, the rule that gives them: `all columns but price, in frame "
        "order`, `os_0 ... os_k, one per distinct os, in frame order`), then anything else the "
        "later steps must know (a column that stands for one the original overwrites, a "
        "column a split reads, a statistic the encoder must fit on all rows, columns already "
        "scaled or encoded here). The encode and label prompts carry the whole docstring and "
        "your frame's schema and first rows as the sandbox gave them, and they are written "
        "to it: a column it states as scaled here is passed through, not scaled again. Other columns may stay in the prepared frame beside "
        "these: an encoder that selects its columns by name (a `ColumnTransformer`, which drops "
        "the rest by default) keeps them out of X."
    )
    if not blocks:
        return (
            "The analysis attributed no feature or label lines of the original (its X and y are "
            "built together, in lines the preparation covers): decide which prepared columns the "
            "encoders and the label will read, named after the original's keys and variables, "
            f"and a slot of an array it fills by position {SLOT_NAMES}. {comparison_text()} "
            f"{state}"
        )
    return (
        "The encoders and the label will read the prepared frame's columns by name.\n"
        + "\n".join(blocks)
        + "\nGive the prepared frame one column for each value these lines read, as the values "
        "stand where these lines read them, named after how they read it: by a string key "
        "(`row['age']`, `df['age']`), that key; by position (`r[0]`, a tuple's element, a field "
        "of a header-less file), the name the sources above give that field, or, in a list the "
        "original builds itself (`t = [tx_id, float(a), day]`), the name of what it put there; as a plain "
        "variable holding one row's value (a loop or tuple variable, `share = a / n`), that "
        "variable (one holding a whole column or split part, `x_train`, names no column: the "
        "value's own key or field does); a value with no "
        "name (a call in a list, `[age, title_of(row)]`), a name of your choice, and a slot of "
        f"an array the original fills by position {SLOT_NAMES}. Where two names fit these "
        "rules (`hhmm` or `hour` for `int(hhmm[:2])`), either will do: the later steps read the "
        "docstring, and X is compared by position. A conversion of one row's values "
        "these lines apply (`float()` of text, a category map) may be left to the encoder or "
        "the label or done here (the docstring says which columns hold converted values); a "
        "statistic that the feature or label lines above compute over the rows X is built "
        'from (a scaler, a vocabulary, `pd.get_dummies`) is the encoder\'s, with `fit_on="all"` '
        "where the original computes it before its split; one over other rows (a table before a "
        "join or filter changes its rows), or one that a line the analysis gives to data "
        "preparation computes, stays in the preparation, whichever stage the analysis gives "
        "the lines that compute it; values that need other rows (group statistics, running "
        "values, a row's partner, an aggregate of another table) are computed here, whichever "
        "stage their lines have: under the key these lines read when the original overwrote that key with them, "
        f"else as columns of their own. {state}"
    )


def stated_columns(prepare_code: str) -> str:
    """The @lt.prepare function's docstring, which states the columns the later steps read and
    what else they must know (capped: it is the preparation's author talking to the next step)."""
    try:
        tree = ast.parse(prepare_code)
    except SyntaxError:
        return ""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            ast.unparse(d).endswith("prepare") for d in node.decorator_list
        ):
            doc = _docstring_as_written(prepare_code, node).strip()
            if FEATURES_LINE not in doc and LABEL_LINE not in doc:
                return ""
            cut = len(doc) - STATED_LIMIT
            return doc if cut <= 0 else f"{doc[:STATED_LIMIT]} [{cut} more characters cut]"
    return ""


def _docstring_as_written(code: str, node: ast.FunctionDef) -> str:
    """The docstring as its author typed it: a `'\\t'` in a plain docstring is a tab to Python,
    and the later prompts showed the garbled text (round 40's scrabble and sms notes)."""
    first = node.body[0] if node.body else None
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return ""
    text = (ast.get_source_segment(code, first.value) or "").lstrip("rRuU")
    quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
    if not quote or not text.endswith(quote) or len(text) < 2 * len(quote):
        return ast.get_docstring(node) or ""
    return inspect.cleandoc(text[len(quote) : len(text) - len(quote)])


def sources_as_read(analysis: Analysis, artifacts: dict[str, str]) -> str:
    """The sources' columns and dtypes as they arrive in the step, and what parsing it must redo."""
    folder = artifacts.get("sources")
    frames = _parquet_frames(Path(folder)) if folder else {}
    if frames:
        where = "as the current sources gave them in the sandbox"
        schemas = {name: _dtypes(df) for name, df in frames.items()}
    else:
        where = "as pandas infers them from the files (what `lt.read_csv` gives without `dtype=`)"
        schemas = {
            s.path: ", ".join(f"{n} ({s.dtypes.get(n, '?')})" for n in s.names)
            for s in analysis.sources
        }
    listed = "\n".join(f"- {name}: {schema}" for name, schema in schemas.items())
    return (
        f"The sources arrive {where}:\n{listed}\nText (`str`) columns hold the file's text: "
        "conversions the original applies to them (`float()`, `int()`, stripping units or "
        "spaces, parsing dates, mapping codes) must be redone in the step. Numeric columns "
        "arrive parsed: do not parse them again, but keep what the original's conversion does "
        "to them (`int()` of a float truncates)."
    )


def prepared_frame(artifacts: dict[str, str]) -> str:
    """The prepared frame as the sandbox gave it: rows, columns with dtypes, the first rows."""
    path = artifacts.get("prepared")
    if not path or not Path(path).is_file():
        return "The preparation has not run in the sandbox yet: its frame is not known."
    frame = _data(pd.read_parquet(path))
    sample = frame.head(SAMPLE_ROWS).to_dict(orient="records")
    rows = "\n".join(f"  {row}" for row in sample)
    return (
        f"The prepared frame, as the preparation gave it in the sandbox: {len(frame)} rows; "
        f"columns {_dtypes(frame)}; first rows:\n{rows}\n{_levels(frame)}"
        "Read these columns by these names."
    )


def _levels(frame: pd.DataFrame) -> str:
    """How many distinct values each text or category column holds (missing counted as one):
    the width a one-hot of it gets."""
    counts = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values):
            try:
                counts[column] = values.nunique(dropna=False)
            except TypeError:  # unhashable cells (lists)
                continue
    if not counts:
        return ""
    listed = ", ".join(f"{c} {n}" for c, n in counts.items())
    return f"Distinct values of its text columns (a missing value counted as one): {listed}.\n"


def _parquet_frames(folder: Path) -> dict[str, pd.DataFrame]:
    if not folder.is_dir():
        return {}
    return {p.stem: _data(pd.read_parquet(p)) for p in sorted(folder.glob("*.parquet"))}


def _data(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in frame.columns if not is_prov_column(str(c))]]


def _dtypes(frame: pd.DataFrame) -> str:
    return ", ".join(f"{c} ({frame[c].dtype})" for c in frame.columns)


# ---- values drawn from seeded generators ------------------------------------------------------


def drawn_values(
    analysis: Analysis,
    source: str,
    tree: ast.Module,
    lines: list[int],
    needed: list[defs.Definition],
) -> str:
    """`NAME = value` for each value the step uses that the original drew from a generator."""
    used = defs.names_read(tree, set(lines)) | {n for d in needed for n in d.uses | set(d.names)}
    names = sorted(defs.drawn_names(source) & used)
    if not names:
        return ""
    values = _script_globals(analysis)
    shown = []
    for name in names:
        if name not in values:
            continue
        text = repr(values[name])
        if len(text) > MAX_VALUE_TEXT:
            text = f"{text[:MAX_VALUE_TEXT]}... ({len(values[name])} items: replay the draws)"
        shown.append(f"{name} = {text}")
    return "\n".join(shown)


def _script_globals(analysis: Analysis) -> dict[str, Any]:
    """The plain values the original left in its globals, from the analysis run's trace (a
    sandbox file: read as JSON, kept only where it has the shape the harness writes)."""
    if not analysis.outputs_dir:
        return {}
    path = Path(analysis.outputs_dir) / "trace.json"
    if not path.is_file() or path.stat().st_size > MAX_TRACE_BYTES:
        return {}
    try:
        found = json.loads(path.read_text()).get("globals")
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and _plain(v)}


def _plain(value: Any) -> bool:
    if isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list):
        return all(isinstance(v, bool | int | float | str) for v in value)
    if isinstance(value, dict):
        return all(isinstance(v, bool | int | float | str) for v in value.values())
    return False
