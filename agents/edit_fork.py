"""Forking a run with a candidate edited by hand, and verifying only that candidate.

A person inspecting a run often sees the fix (a wrong join key, a missing filter) and wants to know
whether it verifies, without spending another agent run. The fork is a new run, linked to its
parent in the runs table, whose state starts as the parent's state after the chosen history record.
An `assemble` record carrying the edited module (and the candidate it was edited from) is written
as if the assemble node had produced it, and the compiled graph then runs the verify node alone
(it is interrupted after verify, so no repair loop follows): the edited module runs in the sandbox
like any candidate, and the run is recorded like any run, to be listed, opened, compared, resumed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lester.sandbox import open_sandbox

from .graph import build_graph
from .lifter.codegen import tidy
from .oracle.form import check_form
from .proposals import assemble
from .rewrite import record_finish
from .runtime import Runtime
from .state import Budgets
from .steps import title
from .traces import TraceStore

EDIT_MODEL = "edited"


@dataclass(frozen=True)
class EditFork:
    """What to fork: the parent run, the history record the edit starts from (None: the last
    one), and the edited module's text."""

    traces: Path
    parent: str
    module: str
    record: int | None = None
    sandbox: str = "auto"
    job_timeout: float = 120.0


@dataclass(frozen=True)
class EditForkResult:
    run_id: str
    outcome: str
    message: str
    verification: dict[str, Any]


def candidate_module(state: dict[str, Any], index: int) -> str | None:
    """The whole pipeline module as it stood at history record `index`, or None before any code.

    An assemble record holds its module; a verify or diagnose record refers to the last candidate
    before it; a step attempt's module is the parts accepted before it with this attempt's parts
    (even a failed attempt's, since those are what one wants to fix) laid over them."""
    history = state.get("history") or []
    for position in range(index, -1, -1):
        record = history[position]
        if record.get("module"):
            return record["module"]
        if (record.get("proposal") or {}).get("parts"):
            return _module_from_parts(state, history[:position], record["proposal"]["parts"])
    return None


def _module_from_parts(
    state: dict[str, Any], before: list[dict[str, Any]], parts: dict[str, str]
) -> str:
    accepted: dict[str, str] = {}
    for record in before:
        proposal = record.get("proposal") or {}
        if proposal.get("parts") and record.get("problem") is None:
            accepted.update(proposal["parts"])
    module = assemble({**accepted, **parts}, title(state))
    with contextlib.suppress(SyntaxError):  # shown as written; verification reports it
        module = tidy(module)
    return module


def start_edit_fork(request: EditFork) -> str:
    """Register the fork in the runs table (so it is listed while it runs) and return its id."""
    store = TraceStore(request.traces)
    try:
        parent = store.get(request.parent)
        if parent is None:
            raise LookupError(f"no run {request.parent} in {request.traces}")
        return store.start(
            Path(parent.script), Path(parent.data_dir), EDIT_MODEL, parent=request.parent
        )
    finally:
        store.close()


def verify_edit_fork(
    request: EditFork, run_id: str, progress: Callable[[str], None]
) -> EditForkResult:
    """Run the verify node on the edited module in the fork `run_id` (see `start_edit_fork`)."""
    store = TraceStore(request.traces)
    config = {"configurable": {"thread_id": run_id}, "recursion_limit": 10}
    try:
        with open_sandbox(
            request.sandbox,
            session=f"edit-{run_id}",
            data_dir=Path(store.get(run_id).data_dir),
            outputs_root=store.run_dir(run_id) / "jobs",
        ) as sandbox:
            runtime = Runtime(
                sandbox, store.run_dir(run_id), None, Budgets(), progress, request.job_timeout
            )
            graph = build_graph(runtime).compile(
                checkpointer=store.checkpointer(), interrupt_after=["verify"]
            )
            graph.update_state(config, _fork_values(graph, request, run_id), as_node="assemble")
            state = graph.invoke(None, config)
            graph.update_state(config, _conclusion(state), as_node="verify")
            state = graph.get_state(config).values
        record_finish(store, run_id, state, None)
    except Exception as exc:
        store.finish(run_id, outcome="error", message=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        store.close()
    return EditForkResult(
        run_id, state["outcome"], state["message"], state.get("verification") or {}
    )


def fork_with_candidate(request: EditFork, progress: Callable[[str], None]) -> EditForkResult:
    """Fork and verify in one call (the UI calls the two halves to show the run while it runs)."""
    return verify_edit_fork(request, start_edit_fork(request), progress)


def _fork_values(graph: Any, request: EditFork, run_id: str) -> dict[str, Any]:
    parent = _state_after(graph, request.parent, request.record)
    history = parent.get("history") or []
    index = len(history) - 1
    record = {
        "node": "assemble",
        "time": time.time(),
        "module": request.module,
        "problems": check_form(request.module),
        "edited": {
            "run": request.parent,
            "record": index,
            "base": candidate_module(parent, index) or "",
        },
    }
    return {
        **parent,
        "run_id": run_id,
        "model": EDIT_MODEL,
        "history": [*history, record],
        "module": request.module,
        "verification": None,
        "next": "verify",
        "outcome": "",
        "message": "",
    }


def _state_after(graph: Any, run_id: str, index: int | None) -> dict[str, Any]:
    """The run's state right after history record `index`: the earliest checkpoint that holds it
    (a fork's inherited records share one checkpoint), its history cut at the record."""
    config = {"configurable": {"thread_id": run_id}}
    latest = dict(graph.get_state(config).values)
    count = len(latest.get("history") or [])
    if index is None or index >= count - 1:
        return latest
    if index < 0:
        raise LookupError(f"run {run_id} has no history record {index}")
    chosen = latest
    for snapshot in graph.get_state_history(config):
        if len(snapshot.values.get("history") or []) > index:
            chosen = dict(snapshot.values)
    chosen["history"] = chosen["history"][: index + 1]
    return chosen


def _conclusion(state: dict[str, Any]) -> dict[str, Any]:
    """Verify sets the outcome when it passes; a failure would go on to diagnose, which an edit
    does not, so the run ends here with the verifier's own words."""
    verification = state.get("verification") or {}
    if verification.get("ok"):
        return {"next": "done"}
    summary = verification.get("summary") or verification.get("text", "")[:200]
    return {
        "next": "done",
        "outcome": "not-verified",
        "message": f"the edited candidate did not verify: {summary} (stage {verification.get('stage')})",
    }
