"""`report.html`: one self-contained page (inline CSS and SVG, no script, nothing fetched).

Every piece of text from a case (names, diagnoses that quote data and code) is escaped, because a
diagnosis can contain anything the original script or a candidate printed.
"""

from __future__ import annotations

from html import escape
from typing import Any

from lester.agents.proposals import STEPS
from lester.evals.svg import GREEN, RED, Bar, bar_chart
from lester.evals.text import headline, percent, seconds, verdict

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 78rem; color: #222; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin-top: 0; }
.headline { font-size: 1.2rem; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td.num { text-align: right; }
tr.ok td.verdict { color: #2e7d32; } tr.fail td.verdict { color: #c62828; }
pre { white-space: pre-wrap; font-size: .8rem; background: #fafafa; padding: .5rem; margin: .3rem 0; }
details summary { cursor: pointer; color: #555; }
"""


def render_html(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    body = [
        "<h1>Lester evaluation</h1>",
        f'<p class="meta">corpus {_e(doc["corpus"])} · model {_e(doc["model"])} · sandbox '
        f"{_e(doc['sandbox'])} · started {_e(doc['started'])} · {_e(seconds(doc['seconds']))}</p>",
        f'<p class="headline">{_e(headline(summary))}, {summary["tokens"]} tokens</p>',
        "<h2>Plots</h2>",
        '<div class="charts">',
        *charts(doc),
        "</div>",
        '<p class="meta">Per case: green verified, red not verified.</p>',
        "<h2>Cases</h2>",
        case_table(doc["cases"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Lester evaluation</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def charts(doc: dict[str, Any]) -> list[str]:
    summary = doc["summary"]
    cases = doc["cases"]
    n = len(cases)
    return [
        bar_chart(
            "Verified share per idiom",
            [
                Bar(f"{tag} ({e['cases']})", e["share"], percent(e["share"]))
                for tag, e in summary["per_idiom"].items()
            ],
            scale=1.0,
        ),
        bar_chart(
            "Cases passing each stage",
            [
                Bar(stage, e["share"], f"{e['passed']}/{e['cases']}")
                for stage, e in summary["per_stage"].items()
            ],
            scale=1.0,
        ),
        bar_chart(
            "Unverified cases per failing stage",
            [
                Bar(stage, count, f"{count}/{n}", RED)
                for stage, count in summary["failures_by_stage"].items()
            ],
            scale=float(n),
            empty="none: every case verified",
        ),
        bar_chart(
            "Attempts per case (all steps)",
            [
                Bar(
                    c["name"],
                    sum(c["attempts"].values()),
                    str(sum(c["attempts"].values())),
                    _color(c),
                )
                for c in cases
            ],
        ),
        bar_chart(
            "Wall time per case",
            [Bar(c["name"], c["wall_time"], seconds(c["wall_time"]), _color(c)) for c in cases],
        ),
    ]


def case_table(cases: list[dict[str, Any]]) -> str:
    header = ["case", "domain", "task", "verdict", *STEPS, "calls", "tokens", "time", "diagnosis"]
    rows = [
        "<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr></thead><tbody>"
    ]
    for c in cases:
        cells = [
            f"<td>{_e(c['name'])}</td>",
            f"<td>{_e(c['domain'])}</td>",
            f"<td>{_e(c['task'])}</td>",
            f'<td class="verdict">{_e(verdict(c))}</td>',
            *(f"<td>{_e(c['levels'][s])} ({c['attempts'][s]})</td>" for s in STEPS),
            f'<td class="num">{c["calls"]}</td>',
            f'<td class="num">{c["tokens"]}</td>',
            f'<td class="num">{_e(seconds(c["wall_time"]))}</td>',
            f"<td>{diagnosis(c)}</td>",
        ]
        rows.append(f'<tr class="{"ok" if c["verified"] else "fail"}">' + "".join(cells) + "</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def diagnosis(case: dict[str, Any]) -> str:
    """Failures show their diagnosis open; verified cases keep their summary folded."""
    opened = "" if case["verified"] else " open"
    where = f"run {case['run_id']} · trace {case['trace']}"
    return (
        f"<details{opened}><summary>{_e(where)}</summary>"
        f"<pre>{_e(case['diagnosis'] or '(no diagnosis)')}</pre></details>"
    )


def _color(case: dict[str, Any]) -> str:
    return GREEN if case["verified"] else RED


def _e(text: Any) -> str:
    return escape(str(text), quote=True)
