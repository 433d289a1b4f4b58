"""One round of measuring the model path: queues of cases answered through a file endpoint.

A round runs several queues side by side. Each queue has its own answering endpoint (a server that
writes every request to `QUEUE/req-NNN.txt` and returns `QUEUE/ans-NNN.txt`), its own answerer, and
one or more `lester eval --jobs 1` runs in turn. The answerer keeps `QUEUE/notes.md`, one section
per request, as `docs/answering.md` asks. This module runs a queue, and reads a round back as the
table and the note counts that #14's done-when is judged on; it is kept here, not beside the
results, so that a round can be repeated on a new machine.

    python -m lester.evals.model_round run QUEUE --port 8101 --endpoint PATH -- \\
        --corpus ../shared/realcode --no-lifter ';;' --cases a,b
    python -m lester.evals.model_round table ROUND_DIR
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SEPARATOR = ";;"
GAP_TAGS = ("missing", "wrong", "workaround")
NOTE_TAGS = (*GAP_TAGS, "judgement")
_SECTION = re.compile(r"^##\s*(req-\d+)\s*$", re.M)
_TAG = re.compile(r"^\s*-\s*\[(\w+)\]", re.M)


def split_runs(args: list[str]) -> list[list[str]]:
    """The eval runs of a queue: `lester eval` argument lists separated by `;;`."""
    runs, current = [], []
    for arg in args:
        if arg == SEPARATOR:
            runs.append(current)
            current = []
        else:
            current.append(arg)
    runs.append(current)
    return [run for run in runs if run]


def run_queue(queue: Path, port: int, endpoint: Path, runs: list[list[str]], model: str) -> int:
    """Serve the queue's endpoint and run its evals in turn; the worst exit code is returned."""
    queue.mkdir(parents=True, exist_ok=True)
    if any(queue.glob("out-*")):
        raise SystemExit(f"{queue} already holds a round's results; use a new folder")
    server = subprocess.Popen(
        [sys.executable, str(endpoint), str(port), str(queue), "--wait", "3000"],
        stdout=(queue / "endpoint.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    env = {
        **os.environ,
        "LESTER_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "LESTER_API_KEY": "unused",
        "LESTER_LLM_TIMEOUT": "3000",
        "LESTER_LLM_MAX_RETRIES": "0",
    }
    lester = shutil.which("lester") or str(Path(sys.executable).with_name("lester"))
    worst = 0
    try:
        time.sleep(1)
        for index, args in enumerate(runs, 1):
            out = queue / f"out-{index}"
            command = [lester, "eval", "--model", model, "--jobs", "1", *args, "--out", str(out)]
            print(" ".join(command), flush=True)
            worst = max(worst, subprocess.call(command, env=env))
    finally:
        server.terminate()
        server.wait()
    (queue / "done").write_text(f"{worst}\n")
    return worst


def notes(queue: Path) -> dict[str, list[str]]:
    """Per request, the tags of the answerer's bullets (`no-gaps` for a note that says so)."""
    path = queue / "notes.md"
    if not path.exists():
        return {}
    text = path.read_text()
    heads = list(_SECTION.finditer(text))
    found = {}
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : after.start() if after else len(text)]
        tags = [tag.lower() for tag in _TAG.findall(body)]
        found[head.group(1)] = tags or (["no-gaps"] if "no gaps" in body.lower() else ["untagged"])
    return found


def note_counts(found: dict[str, list[str]]) -> dict[str, int]:
    """How many requests have a note with no gap, and how many bullets each tag has."""
    counts = {"requests": len(found)}
    counts["clean"] = sum(not set(tags) & {*GAP_TAGS, "untagged"} for tags in found.values())
    for tag in (*NOTE_TAGS, "untagged"):
        counts[tag] = sum(tags.count(tag) for tags in found.values())
    return counts


def cases(queue: Path) -> list[dict[str, Any]]:
    """The queue's case records, in the order its evals ran them."""
    records = []
    for results in sorted(queue.glob("out-*/results.json"), key=lambda p: int(p.parent.name[4:])):
        records.extend(json.loads(results.read_text())["cases"])
    return records


def case_row(queue: str, case: dict[str, Any]) -> str:
    """One case as a row of the round's table (only steps the model spent calls on)."""
    steps = ", ".join(f"{s} {u['calls']}" for s, u in case["usage"].items() if u["calls"])
    verdict = "verified" if case["verified"] else case["outcome"]
    return (
        f"| {case['name']} | {queue} | {verdict} | {case['calls']} | {case['tokens']:,} | {steps} |"
    )


def table(round_dir: Path) -> str:
    """The round's per-case table, the calls per step and the note counts of every queue."""
    lines = [
        "| case | queue | verdict | calls | tokens | calls per step |",
        "|---|---|---|---|---|---|",
    ]
    per_step, totals = [], {}
    for queue in sorted(
        p for p in round_dir.iterdir() if (p / "notes.md").exists() or (p / "done").exists()
    ):
        for case in cases(queue):
            if case["calls"]:
                lines.append(case_row(queue.name, case))
                per_step.extend(u["calls"] for u in case["usage"].values() if u["calls"])
        for key, value in note_counts(notes(queue)).items():
            totals[key] = totals.get(key, 0) + value
    if per_step:
        lines.append("")
        lines.append(
            f"steps the model wrote: {len(per_step)}, calls: {sum(per_step)}, calls per step "
            f"median {statistics.median(per_step):g} max {max(per_step)}"
        )
    lines.append("notes: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lester.evals.model_round",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="serve a queue's endpoint and run its evals (eval arguments after --, runs split by ;;)",
    )
    run.add_argument("queue", type=Path)
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--endpoint", type=Path, required=True, help="the answering endpoint's script")
    run.add_argument("--model", default="capable")
    show = commands.add_parser("table", help="print a round's table and note counts")
    show.add_argument("round_dir", type=Path)
    argv = sys.argv[1:] if argv is None else argv
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    if args.command == "table":
        print(table(args.round_dir))
        return 0
    runs = split_runs(argv[cut + 1 :])
    if not args.endpoint.is_file() or not runs:
        parser.error("run needs an existing --endpoint script and at least one eval run after --")
    return run_queue(args.queue, args.port, args.endpoint, runs, args.model)


if __name__ == "__main__":
    sys.exit(main())
