"""View models of a stored run: its summary line, the status of each history record, the timeline.

Everything here is computed from the runs table and the run's last checkpoint; nothing is run.
A record is one node execution; its status is what that execution concluded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lester.agents.traces import RunRow

STEP_NODES = ("sources", "prepare", "encode", "label_model")


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    script: str
    script_name: str
    model: str
    outcome: str
    level: str | None
    attempts: int
    calls: int
    tokens: int
    started: float
    duration: float | None
    parent: str | None
    message: str
    output: str | None

    @classmethod
    def from_row(cls, row: RunRow) -> RunSummary:
        return cls(
            run_id=row.run_id,
            script=row.script,
            script_name=Path(row.script).name,
            model=row.model,
            outcome=row.outcome or "running",
            level=row.level,
            attempts=row.attempts,
            calls=row.calls,
            tokens=row.tokens,
            started=row.started,
            duration=row.finished - row.started if row.finished else None,
            parent=row.parent,
            message=row.message or "",
            output=row.output,
        )

    @property
    def verdict(self) -> str:
        return f"{self.outcome} ({self.level})" if self.outcome == "verified" else self.outcome

    @property
    def date(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))


@dataclass(frozen=True)
class TimelineRow:
    index: int
    node: str
    attempt: int | None
    proposer: str
    offset: float | None
    duration: float | None
    tokens: int
    calls: int
    sandbox_time: float | None
    status: str
    summary: str
    inherited: bool


def record_status(record: dict[str, Any]) -> str:
    """`ok`, `failed`, or `info` for a record that decides nothing itself (diagnose)."""
    node = record.get("node")
    if node == "analyse":
        return "failed" if (record.get("analysis") or {}).get("problem") else "ok"
    if node == "assemble":
        return "failed" if record.get("problems") else "ok"
    if node == "verify":
        return "ok" if (record.get("verification") or {}).get("ok") else "failed"
    if node == "diagnose":
        return "info"
    return "failed" if record.get("problem") else "ok"


def record_summary(record: dict[str, Any]) -> str:
    """One line saying what the execution concluded."""
    node = record.get("node")
    if node == "analyse":
        analysis = record.get("analysis") or {}
        model = analysis.get("model") or {}
        shape = model.get("X_shape")
        return (
            analysis.get("problem")
            or f"X {shape}, {str(model.get('estimator', '')).rsplit('.', 1)[-1]}"
        )
    if node == "assemble":
        problems = record.get("problems") or []
        edited = "edited by hand; " if record.get("edited") else ""
        return edited + (problems[0] if problems else "module assembled")
    if node == "verify":
        verification = record.get("verification") or {}
        return f"{verification.get('level', '')}: {verification.get('summary', '')}"
    if node == "diagnose":
        return f"back to {record.get('step')}"
    problem = (record.get("problem") or "").strip()
    if problem:
        lines = problem.splitlines()
        return " ".join(lines[:2]) if lines[0].endswith(":") else lines[0]
    trail = (record.get("proposal") or {}).get("trail") or []
    return f"ok ({len(trail)} rules)" if trail else "ok"


def timeline(state: dict[str, Any], row: RunRow, inherited: int) -> list[TimelineRow]:
    """One row per record; a record's duration runs from the previous record (or the run's
    start, for the first record this run executed itself)."""
    rows = []
    previous: float | None = None
    for index, record in enumerate(state.get("history") or []):
        at = record.get("time")
        own = index >= inherited
        since = row.started if own and (previous is None or index == inherited) else previous
        proposal = record.get("proposal") or {}
        rows.append(
            TimelineRow(
                index=index,
                node=record.get("node", "?"),
                attempt=record.get("attempt"),
                proposer=proposal.get("proposer", ""),
                offset=at - row.started if at and own else None,
                duration=at - since if at and since else None,
                tokens=proposal.get("prompt_tokens", 0) + proposal.get("completion_tokens", 0),
                calls=proposal.get("calls", 0),
                sandbox_time=(sandbox_of(record) or {}).get("wall_time"),
                status=record_status(record),
                summary=record_summary(record),
                inherited=not own,
            )
        )
        previous = at
    return rows


def sandbox_of(record: dict[str, Any]) -> dict[str, Any] | None:
    """The sandbox execution a record made: a step's own check, or the verification's run."""
    return record.get("sandbox") or (record.get("verification") or {}).get("sandbox") or None


def failing_record(history: list[dict[str, Any]]) -> int | None:
    """The last record that failed: where a person inspecting a failed run wants to land."""
    failed = [i for i, r in enumerate(history) if record_status(r) == "failed"]
    return failed[-1] if failed else None


def inherited_count(history: list[dict[str, Any]], parent_history: list[dict[str, Any]]) -> int:
    """How many leading records a fork copied from its parent (the same node at the same time)."""
    count = 0
    for mine, theirs in zip(history, parent_history, strict=False):
        if (mine.get("node"), mine.get("time")) != (theirs.get("node"), theirs.get("time")):
            break
        count += 1
    return count
