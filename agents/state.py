"""The rewrite agent's state: plain JSON-like values only, so checkpoints deserialize strictly.

Every attempt (prompt, answer, rule trail, candidate parts, sandbox outcome, verification) is
appended to `history`, so that inspecting or forking a run never needs to execute anything again.
Per step, `feedback` is the result of its last candidate when that failed (the next attempt is a
repair of it), `previous` that candidate's code, `authors` who wrote it and `dropped` what of the
answer was not used.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict


def merge_dicts(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {**(old or {}), **(new or {})}


class RewriteState(TypedDict, total=False):
    run_id: str
    script: str
    data_dir: str
    model: str
    no_lifter: bool
    analysis: dict[str, Any]
    parts: Annotated[dict[str, str], merge_dicts]
    artifacts: Annotated[dict[str, str], merge_dicts]
    attempts: Annotated[dict[str, int], merge_dicts]
    status: Annotated[dict[str, str], merge_dicts]
    feedback: Annotated[dict[str, str], merge_dicts]
    previous: Annotated[dict[str, str], merge_dicts]
    authors: Annotated[dict[str, str], merge_dicts]
    dropped: Annotated[dict[str, list[str]], merge_dicts]
    usage: Annotated[dict[str, dict[str, int]], merge_dicts]
    history: Annotated[list[dict[str, Any]], operator.add]
    verification: dict[str, Any] | None
    module: str
    next: str
    outcome: str
    message: str


@dataclass(frozen=True)
class Budgets:
    """Per-step and total attempts, and model tokens; `recursion_limit` bounds graph steps."""

    per_step: int = 3
    total: int = 12
    tokens: int = 200_000

    @property
    def recursion_limit(self) -> int:
        return 10 + 4 * self.total


def total_attempts(state: RewriteState) -> int:
    return sum((state.get("attempts") or {}).values())


def total_tokens(state: RewriteState) -> int:
    usage = state.get("usage") or {}
    return sum(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0) for u in usage.values())
