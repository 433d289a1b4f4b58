"""One history record in detail: what was asked and answered, the candidate and how it changed
since the previous attempt, the sandbox execution, the equivalence report and the diagnosis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lester.agents.edit_fork import candidate_module
from lester.agents.proposals import STEP_PARTS
from lester.ui.diff import Diff, line_diff
from lester.ui.views import STEP_NODES, record_status, sandbox_of

# Nodes the agent can be resumed from: `rewrite --fork RUN --from NODE`.
RESUMABLE = (*STEP_NODES, "assemble", "verify")


@dataclass(frozen=True)
class RecordDetail:
    index: int
    node: str
    attempt: int | None
    status: str
    record: dict[str, Any]
    parts: list[tuple[str, str]]
    candidate: str | None
    diff: Diff | None
    diff_base: str
    sandbox: dict[str, Any] | None
    verification: dict[str, Any] | None
    diagnosis: dict[str, Any] | None
    inherited: bool
    previous: int | None  # the record of this node's previous execution

    @property
    def resumable(self) -> bool:
        return self.node in RESUMABLE and not self.inherited


def record_detail(state: dict[str, Any], index: int, inherited: int = 0) -> RecordDetail:
    """The detail of record `index` (IndexError when there is none)."""
    history = state.get("history") or []
    if not 0 <= index < len(history):
        raise IndexError(index)
    record = history[index]
    proposal = record.get("proposal") or {}
    node = record.get("node")
    previous = next((i for i in range(index - 1, -1, -1) if history[i].get("node") == node), None)
    diff, base = _diff(state, index, previous)
    following = history[index + 1] if index + 1 < len(history) else {}
    return RecordDetail(
        index=index,
        node=record.get("node", "?"),
        attempt=record.get("attempt"),
        status=record_status(record),
        record=record,
        parts=[(name, code) for name, code in (proposal.get("parts") or {}).items() if code],
        candidate=candidate_module(state, index),
        diff=diff,
        diff_base=base,
        sandbox=sandbox_of(record),
        verification=record.get("verification"),
        diagnosis=following if following.get("node") == "diagnose" else None,
        inherited=index < inherited,
        previous=previous,
    )


def _diff(state: dict[str, Any], index: int, previous: int | None) -> tuple[Diff | None, str]:
    """This record's code against what it replaced, and a phrase naming what that was."""
    history = state.get("history") or []
    record = history[index]
    node = record.get("node")
    if record.get("edited"):
        edited = record["edited"]
        return line_diff(edited.get("base", ""), record.get("module", "")), (
            f"the candidate it was edited from (run {edited.get('run')}, record {edited.get('record')})"
        )
    if previous is None:
        return None, ""
    if node in STEP_NODES:
        before, after = step_code(history[previous], node), step_code(record, node)
    elif node in ("assemble", "verify"):
        before, after = candidate_module(state, previous), candidate_module(state, index)
    else:
        return None, ""
    attempt = history[previous].get("attempt")
    label = f"{node} attempt {attempt}" if attempt else f"the previous {node}"
    return line_diff(before or "", after or ""), f"{label} (record {previous})"


def step_code(record: dict[str, Any], step: str) -> str:
    """The code a step attempt proposed for its own parts, in assembly order."""
    parts = (record.get("proposal") or {}).get("parts") or {}
    return "\n\n".join(parts[p] for p in STEP_PARTS[step] if parts.get(p))
