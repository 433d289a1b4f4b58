"""The evaluation's data: one JSON record per case, and the aggregates the reports show.

Records are plain JSON values built from the agent's final state, so `results.json` is the single
source of both reports (they can be rebuilt from it) and of any later comparison between runs. The
top-level `cases` list and its fields are a contract for outside tools.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lester.agents.blame import STAGE_TO_STEP
from lester.agents.proposals import STEPS
from lester.evals.cases import Case

if TYPE_CHECKING:
    from lester.agents.rewrite import RewriteResult

# The stages a case passes through, in order: the agent's four steps, then the verification.
STAGES = (*STEPS, "verify")
DIAGNOSIS_LIMIT = 4000
NOT_RUN = "not-run"


def case_record(case: Case, result: RewriteResult, wall_time: float, trace: str) -> dict[str, Any]:
    """The record of a case the agent finished (verified or not)."""
    state = result.state
    verification = state.get("verification") or {}
    usage = state.get("usage") or {}
    status = state.get("status") or {}
    verified = result.outcome == "verified"
    stage = None if verified else failing_stage(state)
    levels = {step: status.get(step, NOT_RUN) for step in STEPS}
    levels["verify"] = verification.get("level") or NOT_RUN
    return {
        **_identity(case),
        "verified": verified,
        "outcome": result.outcome,
        "levels": levels,
        "attempts": {step: (state.get("attempts") or {}).get(step, 0) for step in STEPS},
        "usage": {step: _tokens(usage.get(step) or {}) for step in STEPS},
        "authors": {step: (state.get("authors") or {}).get(step) for step in STEPS},
        "calls": sum(u.get("calls", 0) for u in usage.values()),
        "tokens": sum(_tokens(u)["tokens"] for u in usage.values()),
        "wall_time": round(wall_time, 3),
        "failing_stage": stage,
        "diagnosis": bounded(
            verification.get("summary", "") if verified else diagnosis(state, stage, result.message)
        ),
        "run_id": result.run_id,
        "trace": trace,
    }


def failure_record(
    case: Case, outcome: str, message: str, wall_time: float, trace: str, stage: str
) -> dict[str, Any]:
    """The record of a case the agent could not finish: bad input, or an error in the agent
    (`stage`: where it happened, as far as known)."""
    return {
        **_identity(case),
        "verified": False,
        "outcome": outcome,
        "levels": dict.fromkeys(STAGES, NOT_RUN),
        "attempts": dict.fromkeys(STEPS, 0),
        "usage": {step: _tokens({}) for step in STEPS},
        "authors": dict.fromkeys(STEPS),
        "calls": 0,
        "tokens": 0,
        "wall_time": round(wall_time, 3),
        "failing_stage": stage,
        "diagnosis": bounded(message),
        "run_id": None,
        "trace": trace,
    }


def _identity(case: Case) -> dict[str, Any]:
    return {"name": case.name, "domain": case.domain, "task": case.task, "idioms": case.idioms}


def _tokens(usage: dict[str, int]) -> dict[str, int]:
    prompt, completion = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
    return {
        "calls": usage.get("calls", 0),
        "tokens": prompt + completion,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
    }


def failing_stage(state: dict[str, Any]) -> str:
    """Where an unverified run stopped, in the agent's step names.

    A run ends at the node that gave up: `analyse` (the original is unusable), a step whose
    attempts ran out, or `diagnose` after a failed assembly or verification, whose stage the
    equivalence report names (`assemble` stays itself: no single step is at fault)."""
    history = state.get("history") or []
    node = history[-1].get("node") if history else None
    if node in STEPS or node == "analyse":
        return node
    stage = (state.get("verification") or {}).get("stage") or "verify"
    return STAGE_TO_STEP.get(stage, stage)


def diagnosis(state: dict[str, Any], stage: str, message: str) -> str:
    """Why an unverified run stopped, in full: a step's own problem (the run's message keeps only
    its first line), else the verification's evidence, else the run's message."""
    problem = (state.get("feedback") or {}).get(stage) if stage in STEPS else None
    if problem:
        return f"step {stage} failed: {problem}"
    return (state.get("verification") or {}).get("text") or message


def bounded(text: str, limit: int = DIAGNOSIS_LIMIT) -> str:
    """Diagnoses can carry long evidence; the reports keep their head."""
    text = text or ""
    return (
        text
        if len(text) <= limit
        else text[:limit] + f"\n... ({len(text) - limit} more characters)"
    )


def idiom_tags(idioms: dict[str, Any]) -> list[str]:
    """The flat tags of a case's `meta.json` idioms; the split style becomes `split:<value>`."""
    tags: list[str] = []
    for group, value in idioms.items():
        if isinstance(value, str):
            tags.append(f"{group}:{value}")
        else:
            tags.extend(str(tag) for tag in value)
    return tags


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def per_idiom(cases: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Cases and verified cases per idiom tag, sorted by tag."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        for tag in set(idiom_tags(case.get("idioms") or {})):
            entry = counts.setdefault(tag, [0, 0])
            entry[0] += 1
            entry[1] += bool(case["verified"])
    return {
        tag: {"cases": n, "verified": k, "share": share(k, n)}
        for tag, (n, k) in sorted(counts.items())
    }


def per_stage(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per stage: how many cases passed it, and the attempts, calls and tokens the steps spent."""
    result: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        passed = sum(
            (c["verified"] if stage == "verify" else c["levels"].get(stage) == "ok") for c in cases
        )
        entry: dict[str, Any] = {"cases": len(cases), "passed": passed}
        entry["share"] = share(passed, len(cases))
        if stage in STEPS:
            entry["attempts"] = sum(c["attempts"].get(stage, 0) for c in cases)
            entry["calls"] = sum(c["usage"][stage]["calls"] for c in cases)
            entry["tokens"] = sum(c["usage"][stage]["tokens"] for c in cases)
        result[stage] = entry
    return result


def failures_by_stage(cases: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many unverified cases stopped at each stage, most first."""
    counts: dict[str, int] = {}
    for case in cases:
        if not case["verified"]:
            counts[case["failing_stage"]] = counts.get(case["failing_stage"], 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def summarize(cases: list[dict[str, Any]]) -> dict[str, Any]:
    times = [c["wall_time"] for c in cases]
    verified = sum(bool(c["verified"]) for c in cases)
    outcomes: dict[str, int] = {}
    for case in cases:
        outcomes[case["outcome"]] = outcomes.get(case["outcome"], 0) + 1
    return {
        "cases": len(cases),
        "verified": verified,
        "verified_share": share(verified, len(cases)),
        "outcomes": dict(sorted(outcomes.items())),
        "median_wall_time": round(statistics.median(times), 3) if times else 0.0,
        "total_wall_time": round(sum(times), 3),
        "attempts": sum(sum(c["attempts"].values()) for c in cases),
        "calls": sum(c["calls"] for c in cases),
        "tokens": sum(c["tokens"] for c in cases),
        "per_idiom": per_idiom(cases),
        "per_stage": per_stage(cases),
        "failures_by_stage": failures_by_stage(cases),
    }


def results_document(
    *,
    corpus: str,
    model: str,
    sandbox: str,
    started: str,
    seconds: float,
    cases: list[dict[str, Any]],
    lifter: bool = True,
) -> dict[str, Any]:
    """The content of `results.json`: the run's settings (`lifter` false under `--no-lifter`),
    its summary, and the cases by name."""
    ordered = sorted(cases, key=lambda c: c["name"])
    return {
        "corpus": corpus,
        "model": model,
        "lifter": lifter,
        "sandbox": sandbox,
        "started": started,
        "seconds": round(seconds, 3),
        "summary": summarize(ordered),
        "cases": ordered,
    }
