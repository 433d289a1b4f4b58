"""What each page shows, gathered from the catalog into plain template contexts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lester.agents.oracle.errors import AnalysisError
from lester.agents.oracle.original import load_original
from lester.agents.proposals import STEPS
from lester.ui.dataflow_view import dataflow_graph
from lester.ui.diff import line_diff
from lester.ui.graph_view import run_graph
from lester.ui.pipeline_map import STAGE_TITLES, map_pipeline
from lester.ui.record_view import record_detail
from lester.ui.store import Catalog, RunsQuery
from lester.ui.views import RunSummary, failing_record, inherited_count, timeline

MAX_ORIGINAL = 2_000_000  # characters of the original script shown beside the pipeline


def runs_context(catalog: Catalog, query: RunsQuery) -> dict[str, Any]:
    page = catalog.runs(query)
    return {
        "page": page,
        "runs": [RunSummary.from_row(row) for row in page.rows],
        "reports": catalog.reports(),
        "traces": catalog.traces,
    }


def run_context(catalog: Catalog, run_id: str) -> dict[str, Any]:
    """The run page: summary, lineage, graph and timeline (record details load on demand)."""
    _, row = catalog.row(run_id)
    state = catalog.state(run_id)
    history = state.get("history") or []
    summary = RunSummary.from_row(row)
    inherited = _inherited(catalog, state, row.parent)
    return {
        "run": summary,
        "state": state,
        "graph": run_graph(history, summary.outcome),
        "timeline": timeline(state, row, inherited),
        "failing": failing_record(history),
        "children": [RunSummary.from_row(child) for child in catalog.children(run_id)],
        "steps": _steps(state),
        "verification": state.get("verification"),
    }


def record_context(catalog: Catalog, run_id: str, index: int) -> dict[str, Any]:
    _, row = catalog.row(run_id)
    state = catalog.state(run_id)
    return {
        "run": RunSummary.from_row(row),
        "detail": record_detail(state, index, _inherited(catalog, state, row.parent)),
    }


def pipeline_context(catalog: Catalog, run_id: str) -> dict[str, Any]:
    """The final (or best) pipeline beside the original script, read from disk (not run)."""
    state = catalog.state(run_id)
    script = Path(state.get("script") or "")
    try:  # a notebook is shown as the script it ran, its lines named by cell
        original = load_original(script).source[:MAX_ORIGINAL]
    except AnalysisError:
        original = ""
    return {
        "run_id": run_id,
        "script": script,
        "original_missing": not original,
        "map": map_pipeline(state.get("module") or "", original, state.get("analysis") or {}),
        "stage_titles": STAGE_TITLES,
        "dataflow": dataflow_graph(state.get("analysis")),
    }


def compare_context(
    catalog: Catalog, a: str, b: str, ra: int | None, rb: int | None
) -> dict[str, Any]:
    """Two runs side by side, or two records (attempts) when `ra` and `rb` are given."""
    sides = [run_context(catalog, a), run_context(catalog, b)]
    context: dict[str, Any] = {"sides": sides, "steps": STEPS}
    if ra is not None and rb is not None:
        details = [
            record_context(catalog, a, ra)["detail"],
            record_context(catalog, b, rb)["detail"],
        ]
        context["records"] = details
        context["diff"] = line_diff(details[0].candidate or "", details[1].candidate or "")
    else:
        context["diff"] = line_diff(
            sides[0]["state"].get("module") or "", sides[1]["state"].get("module") or ""
        )
    return context


def eval_context(catalog: Catalog, key: str) -> dict[str, Any]:
    from lester.evals.report_html import charts
    from lester.evals.text import headline, verdict

    report = catalog.report(key)
    doc = report.load()
    return {
        "report": report,
        "doc": doc,
        "headline": headline(doc["summary"]),
        "charts": charts(doc),
        "cases": [{**case, "verdict": verdict(case)} for case in doc.get("cases", [])],
        "steps": STEPS,
    }


def _steps(state: dict[str, Any]) -> list[dict[str, Any]]:
    usage = state.get("usage") or {}
    return [
        {
            "name": step,
            "status": (state.get("status") or {}).get(step, "-"),
            "attempts": (state.get("attempts") or {}).get(step, 0),
            "calls": (usage.get(step) or {}).get("calls", 0),
            "tokens": sum(
                (usage.get(step) or {}).get(k, 0) for k in ("prompt_tokens", "completion_tokens")
            ),
        }
        for step in STEPS
    ]


def _inherited(catalog: Catalog, state: dict[str, Any], parent: str | None) -> int:
    if not parent:
        return 0
    try:
        parent_state = catalog.state(parent)
    except LookupError:
        return 0
    return inherited_count(state.get("history") or [], parent_state.get("history") or [])
