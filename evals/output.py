"""The results folder: claimed once (an existing folder is never written into), files written
atomically so that a reader never sees half a report."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from lester.agents.rewrite import atomic_write
from lester.evals.cases import EvalInputError
from lester.evals.report_html import render_html
from lester.evals.report_md import render_markdown

DEFAULT_ROOT = Path("eval-results")


def claim_out_dir(out: Path | None) -> Path:
    """Create the results folder: `out` if given (it must not exist), else a new
    `eval-results/<timestamp>` (suffixed when another run took that second)."""
    if out is not None:
        try:
            out.mkdir(parents=True)
        except FileExistsError:
            raise EvalInputError(f"{out} exists; results never overwrite a folder") from None
        return out
    stem = DEFAULT_ROOT / time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 100):
        candidate = stem if n == 1 else stem.with_name(f"{stem.name}-{n}")
        try:
            candidate.mkdir(parents=True)
        except FileExistsError:
            continue
        return candidate
    raise EvalInputError(f"could not create a new results folder next to {stem}")


def write_outputs(out: Path, doc: dict[str, Any]) -> list[Path]:
    """`results.json`, `report.md` and `report.html` in `out`."""
    files = {
        "results.json": json.dumps(doc, indent=2) + "\n",
        "report.md": render_markdown(doc),
        "report.html": render_html(doc),
    }
    for name, text in files.items():
        atomic_write(out / name, text)
    return [out / name for name in files]
