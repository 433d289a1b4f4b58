"""`report.md`: the evaluation for reading in a terminal, a pull request or a notebook."""

from __future__ import annotations

import re
from typing import Any

from lester.agents.proposals import STEPS
from lester.evals.text import headline, percent, seconds, verdict


def render_markdown(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    cases = doc["cases"]
    lines = [
        "# Lester evaluation",
        "",
        f"Corpus `{doc['corpus']}`, model `{doc['model']}`, sandbox `{doc['sandbox']}`, "
        f"started {doc['started']}, {seconds(doc['seconds'])} in all. Paths are relative to this "
        "folder; `lester trace show RUN --traces TRACE` replays a case's run.",
        "",
        "## Summary",
        "",
        f"**{headline(summary)}**, {summary['tokens']} tokens, {summary['attempts']} step attempts.",
        "",
        "Outcomes: " + ", ".join(f"{k} {v}" for k, v in summary["outcomes"].items()) + ".",
        "",
        "## Cases",
        "",
        table(
            ["case", "domain", "task", "verdict", *STEPS, "calls", "tokens", "time"],
            [
                [
                    c["name"],
                    c["domain"],
                    c["task"],
                    verdict(c),
                    *(f"{c['levels'][s]} ({c['attempts'][s]})" for s in STEPS),
                    str(c["calls"]),
                    str(c["tokens"]),
                    seconds(c["wall_time"]),
                ]
                for c in cases
            ],
        ),
        "",
        "Step columns: the step's status (its attempts).",
        "",
        "## Verified share per idiom",
        "",
        table(
            ["idiom", "cases", "verified", "share"],
            [
                [tag, str(e["cases"]), str(e["verified"]), percent(e["share"])]
                for tag, e in summary["per_idiom"].items()
            ],
        ),
        "",
        "## Per stage",
        "",
        table(
            ["stage", "passed", "share", "attempts", "calls", "tokens"],
            [
                [
                    stage,
                    f"{e['passed']}/{e['cases']}",
                    percent(e["share"]),
                    *(str(e.get(key, "")) for key in ("attempts", "calls", "tokens")),
                ]
                for stage, e in summary["per_stage"].items()
            ],
        ),
        "",
        "## Failures",
        "",
    ]
    failures = [c for c in cases if not c["verified"]]
    if not failures:
        lines += ["None: every case verified.", ""]
    else:
        lines += [
            "Stopped at: "
            + ", ".join(f"{k} {v}" for k, v in summary["failures_by_stage"].items())
            + ".",
            "",
        ]
    for case in failures:
        lines += [
            f"### {case['name']}: {verdict(case)}",
            "",
            f"Run `{case['run_id']}`, trace store `{case['trace']}`.",
            "",
            *fenced(case["diagnosis"]),
            "",
        ]
    return "\n".join(lines)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub table; cell text cannot break the row (pipes escaped, newlines folded)."""
    out = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(out)


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def fenced(text: str) -> list[str]:
    """A code block that no run of backticks inside `text` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", text.rstrip() or "(no diagnosis)", fence]
