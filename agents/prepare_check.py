"""The sandbox checks of the data steps: right after `sources`, and right after `prepare`,
whoever wrote them, their rows are held against what the original read and fitted on.

The sources check runs the sources alone (under a preparation that passes the first source
through) and checks that they read as many rows as the original read; their frames, as Parquet,
tell the next prompt the columns and dtypes the preparation receives. The prepare check runs the
sources and the preparation and checks that the sources read as many rows as the original read
(else the sources step is at fault), that the preparation gives as many rows as the original's split selected from (or, with
no split, as it fitted on), and, where the captured data allows, the rows' content: a prepared
column that holds a column of the fitted X must give that column on the rows the split selects
(else the preparation's rows are others, or in another order, than the original's when it split).
A failure names the code that raised. The prepared Parquet stays in the artifacts, for the
encoder and the label and for their prompts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lester.abstraction.frame import is_prov_column
from lester.sandbox import Job

import lester as lt

from .blame import SOURCES_AT_FAULT, raised_in
from .oracle.analysis import Analysis
from .oracle.verification import sandbox_summary
from .proposals import assemble
from .runtime import Runtime
from .state import RewriteState

HEADER = "The prepare check ran the sources and the preparation in the sandbox:"
SOURCES_HEADER = "The sources check ran the sources in the sandbox:"
MIN_DISTINCT = 10  # values an X column needs before its rows count as evidence of which rows fit
MAX_X_COLUMNS = 200


def check_sources(
    state: RewriteState, rt: Runtime, parts: dict[str, str], name: str, title: str
) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    """(problem or None, artifacts, sandbox summary) of running the sources alone."""
    names = sorted(source_names(parts))
    if not names:
        return None, {}, {}
    passing = f"@lt.prepare\ndef sources_as_read({names[0]}: lt.Frame) -> lt.Frame:\n    return {names[0]}"
    only = {"preamble": parts.get("preamble", ""), "sources": parts["sources"], "prepare": passing}
    module, result, sandbox = _run(state, rt, only, name, title)
    analysis = Analysis.from_dict(state["analysis"])
    if not result.ok:
        problem = _failure(analysis, result, sandbox, only, module)
        return problem.replace(HEADER, SOURCES_HEADER, 1), {}, sandbox
    run = result.outputs_dir / "run"
    meta = json.loads((run / "meta.json").read_text())
    misread = misread_sources(analysis, meta["source_rows"])
    problem = f"{SOURCES_HEADER}\n{misread}{SOURCES_AT_FAULT}" if misread else None
    return problem, {"sources": str(run / "sources")}, sandbox


def check_prepare(
    state: RewriteState, rt: Runtime, parts: dict[str, str], name: str, title: str
) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    """(problem or None, artifacts, sandbox summary) of running sources and preparation."""
    analysis = Analysis.from_dict(state["analysis"])
    data_parts = {k: v for k, v in parts.items() if k in ("preamble", "sources", "prepare")}
    module_text, result, sandbox = _run(state, rt, data_parts, name, title)
    if not result.ok:
        return _failure(analysis, result, sandbox, parts, module_text), {}, sandbox
    run = result.outputs_dir / "run"
    meta = json.loads((run / "meta.json").read_text())
    artifacts = {"prepared": str(run / "prepared.parquet"), "sources": str(run / "sources")}
    problem = row_problem(analysis, meta) or content_problem(
        analysis, pd.read_parquet(run / "prepared.parquet")
    )
    return (f"{HEADER}\n{problem}" if problem else None), artifacts, sandbox


def _run(
    state: RewriteState, rt: Runtime, parts: dict[str, str], name: str, title: str
) -> tuple[str, Any, dict[str, Any]]:
    """Run the module of these parts in the sandbox: (its text, the result, the summary)."""
    module_text = assemble(parts, title)
    module = rt.candidate_path(name)
    module.write_text(module_text)
    result = rt.sandbox.run(
        Job("pipeline", module, data_dir=Path(state["data_dir"]), timeout=rt.job_timeout)
    )
    return module_text, result, sandbox_summary(result)


def _failure(
    analysis: Analysis, result: Any, sandbox: dict[str, Any], parts: dict[str, str], module: str
) -> str:
    error = sandbox.get("error") or {}
    what = error.get("message") or result.harness_error or f"killed by the {result.killed_by} limit"
    misread = misread_sources(analysis, (result.trace or {}).get("source_rows"))
    in_sources = sandbox.get("failed_stage") in source_names(parts) or misread
    where = f"\n{misread or ''}{SOURCES_AT_FAULT}" if in_sources else ""
    tail = (error.get("traceback") or "")[-1200:]
    raised = raised_in(sandbox.get("failed_stage"), module)
    return f"{HEADER}\nThe preparation failed in the sandbox: {what}\n{raised}{tail}{where}"


def source_names(parts: dict[str, str]) -> set[str]:
    return set(re.findall(r"@lt\.source\s*\n\s*def (\w+)", parts.get("sources", "")))


def misread_sources(analysis: Analysis, source_rows: Any) -> str | None:
    """The sources' row counts against what the original read, when they differ. Fewer sources
    that read as many rows in all are partitions read as one source (`lt.read_csv([paths])`)."""
    if not isinstance(source_rows, dict):
        return None
    expected = sorted(s.rows for s in analysis.sources)
    got = sorted(n for n in source_rows.values() if isinstance(n, int))
    if expected == got or (len(got) < len(expected) and sum(got) == sum(expected)):
        return None
    return f"The sources read {got} rows, the original read {expected}"


def row_problem(analysis: Analysis, meta: dict[str, Any]) -> str | None:
    misread = misread_sources(analysis, meta["source_rows"])
    if misread:
        return misread + SOURCES_AT_FAULT
    n_fit, rows = analysis.model.X_shape[0], meta["rows"]
    selected_from = (analysis.split or {}).get("rows")
    if selected_from is not None and rows != selected_from:
        return f"The preparation gives {rows} rows; the original's split selects from {selected_from} ({rows - selected_from:+d}): a filter or a join differs"
    if analysis.split is None and rows != n_fit:
        more = "more" if rows > n_fit else "fewer"
        return f"The preparation gives {rows} rows; the original fits on {n_fit} ({rows - n_fit:+d}, {more}): a filter or a join differs"
    if rows < n_fit:
        return f"The preparation gives {rows} rows, fewer than the {n_fit} the original fits on"
    return None


def content_problem(analysis: Analysis, prepared: pd.DataFrame) -> str | None:
    """A prepared column that holds a fitted X column, but not on the rows the split selects."""
    split = analysis.split or {}
    if not split.get("function") or split.get("args", {}).get("stratify"):
        return None  # no split to replay (or one that needs the labels): the count is the check
    data = prepared[[c for c in prepared.columns if not is_prov_column(str(c))]]
    train, _ = getattr(lt, split["function"])(**split["args"]).indices(data, np.zeros(len(data)))
    X = analysis.X()
    if len(train) != X.shape[0]:
        return None
    columns = {c: _numbers(data[c]) for c in data.columns}
    columns = {c: v for c, v in columns.items() if v is not None}
    for j in range(min(X.shape[1], MAX_X_COLUMNS)):
        target = _bag(X[:, j])
        if len(target) < MIN_DISTINCT:
            continue
        holders = [c for c, v in columns.items() if _contains(_bag(v), target)]
        if holders and not any(_bag(columns[c][train]) == target for c in holders):
            return (
                f"The prepared column {holders[0]!r} holds the values of the fitted X's column {j}, "
                f"but the {len(train)} rows the split ({split['note']}) selects from the prepared "
                "rows do not give them: the prepared rows are others, or in another order, than "
                "the original's when it split"
            )
    return None


def _numbers(column: pd.Series) -> np.ndarray | None:
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        return None
    return column.to_numpy(dtype=float, na_value=np.nan)


def _bag(values: np.ndarray) -> Counter:
    return Counter(np.round(values[~np.isnan(values)], 9).tolist())


def _contains(bag: Counter, target: Counter) -> bool:
    return all(bag[value] >= count for value, count in target.items())
