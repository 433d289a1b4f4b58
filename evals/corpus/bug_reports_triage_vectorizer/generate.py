"""Seeded generator for bug_reports_triage_vectorizer: reports.tsv, tab-separated with a header line.

reports.tsv: report_id<TAB>component<TAB>severity<TAB>summary   (severity "blocker", "major", "minor",
"trivial" or "duplicate"; summaries mix stack-trace words, version numbers and snake_case identifiers,
some in capitals, some empty)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

COMPONENTS = ["editor", "sync", "auth", "export", "ui", "search"]
SEVERE = [
    "crash on startup after update to v{v}", "NullPointerException in {ident} when saving",
    "data loss: {ident} overwrites the file", "segfault in {ident} on large input",
    "app hangs forever while {ident} runs", "cannot log in, token_expired loop",
    "sync deletes remote folder", "memory leak in {ident} grows to 4GB",
]
MILD = [
    "typo in the {ident} tooltip", "button misaligned by 2px on v{v}", "wrong icon for {ident}",
    "please add dark mode to {ident}", "scrollbar flickers slightly", "label text is cut off",
    "sort order of {ident} list is odd", "tooltip shows after a delay",
]
IDENTS = ["file_writer", "sync_worker", "auth_client", "pdf_export", "search_index", "undo_stack"]
TAILS = ["", "", " (seen twice)", " - steps attached", " on windows", " on macOS 14", " since v{v}"]


def _summary(rng, severe: bool) -> str:
    template = str(rng.choice(SEVERE if severe else MILD)) + str(rng.choice(TAILS))
    version = f"{int(rng.integers(1, 4))}.{int(rng.integers(0, 12))}"
    text = template.format(v=version, ident=str(rng.choice(IDENTS)))
    if rng.random() < 0.1:
        text = text.upper()
    return text


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["report_id", "component", "severity", "summary"]]
    for i in range(900 * scale):
        severe = rng.random() < 0.3
        severity = str(rng.choice(["blocker", "major"] if severe else ["minor", "trivial"]))
        if rng.random() < 0.06:
            severity = "duplicate"
        worded_severe = severe if rng.random() > 0.1 else not severe  # reporters exaggerate
        summary = "" if rng.random() < 0.03 else _summary(rng, worded_severe)
        rows.append([f"BR-{1000 + i}", str(rng.choice(COMPONENTS)), severity, summary])
    _write_atomic(Path(out_dir) / "reports.tsv", _lines(rows, sep="\t"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
