"""How numbers and verdicts read in both reports and the console, so that they all agree."""

from __future__ import annotations

from typing import Any


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def seconds(value: float) -> str:
    return f"{value:.1f} s"


def verdict(case: dict[str, Any]) -> str:
    """`verified (exact)`, or the outcome and the stage where the run stopped (if known)."""
    if case["verified"]:
        return f"verified ({case['levels'].get('verify')})"
    stage = case["failing_stage"]
    return case["outcome"] if stage == case["outcome"] else f"{case['outcome']} at {stage}"


def headline(summary: dict[str, Any]) -> str:
    """The summary's first sentence: verified share, median time, model calls."""
    return (
        f"{summary['verified']}/{summary['cases']} verified ({percent(summary['verified_share'])}), "
        f"median {seconds(summary['median_wall_time'])} per case, "
        f"{summary['calls']} model calls"
    )
