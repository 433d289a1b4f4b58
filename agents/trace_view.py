"""A stored run as text: read from its last checkpoint, so nothing is executed to show it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .traces import DB_NAME, TraceStore


def load_state(traces: Path, run_id: str) -> dict[str, Any]:
    if not (traces / DB_NAME).is_file():
        raise LookupError(f"no trace store at {traces}")
    store = TraceStore(traces)
    try:
        if store.get(run_id) is None:
            raise LookupError(f"no run {run_id} in {traces}")
        snapshot = store.checkpointer().get_tuple({"configurable": {"thread_id": run_id}})
        return dict(snapshot.checkpoint["channel_values"]) if snapshot else {}
    finally:
        store.close()


def render_run(traces: Path, run_id: str, full: bool = False) -> str:
    state = load_state(traces, run_id)
    lines = [
        f"run {run_id}: {state.get('script')} ({state.get('model')}) -> {state.get('outcome', 'running')}"
    ]
    if state.get("message"):
        lines.append(f"  {state['message']}")
    for record in state.get("history", []):
        lines += _record(record, full)
    return "\n".join(lines)


def _record(record: dict[str, Any], full: bool) -> list[str]:
    node = record.get("node")
    head = f"\n== {node}" + (f" (attempt {record['attempt']})" if record.get("attempt") else "")
    out = [head]
    if node == "analyse":
        out.append(_clip(record.get("text", ""), full, 40))
    proposal = record.get("proposal")
    if proposal:
        out.append(
            f"proposer: {proposal['proposer']}; calls {proposal['calls']}, tokens {proposal['prompt_tokens'] + proposal['completion_tokens']}"
        )
        out += [f"  rule: {t}" for t in proposal.get("trail", [])[: None if full else 12]]
        if proposal.get("error"):
            out.append(f"  error: {proposal['error']}")
        if full and proposal.get("prompt"):
            out += [
                "  prompt:",
                _clip(proposal["prompt"], full, 0),
                "  answer:",
                _clip(proposal.get("answer") or "", full, 0),
            ]
        for name, code in proposal.get("parts", {}).items():
            out += [f"  part {name}:", _clip(code, full, 12)]
    if record.get("problem"):
        out.append(f"  problem: {_clip(record['problem'], full, 8)}")
    if record.get("sandbox"):
        s = record["sandbox"]
        out.append(
            f"  sandbox: exit {s.get('exit_code')}, {s.get('wall_time')} s, killed by {s.get('killed_by')}"
        )
    if record.get("verification"):
        out.append(_clip(record["verification"].get("text", ""), full, 20))
    if node == "assemble" and record.get("problems"):
        out += [f"  form: {p}" for p in record["problems"]]
    if node == "diagnose":
        out.append(f"  back to {record.get('step')}")
    return out


def _clip(text: str, full: bool, lines: int) -> str:
    rows = text.splitlines()
    if full or not lines or len(rows) <= lines:
        return "\n".join(f"    {r}" for r in rows)
    return (
        "\n".join(f"    {r}" for r in rows[:lines])
        + f"\n    ... ({len(rows) - lines} more lines; --full shows all)"
    )
