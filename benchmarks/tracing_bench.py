"""What tracing the dataflow costs: the same originals run by the harness traced and plain.

For corpus originals (the pandas-style ones, where the tracer records most, and loop-style ones,
some with row loops calling pandas per row: `iterrows`, `.at`), the median wall time of `harness.run_script` in this
process with the tracer's patches installed and active, against the same run with them removed
(the recorder alone, as before the tracer), interleaved. Each run works in a fresh copy of the
case (some write files). Target: traced at most 2x plain, as the median over the originals.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from lester.sandbox import harness, trace_patches

from .common import interleaved_medians, print_table

CORPUS = Path(__file__).resolve().parent.parent / "evals" / "corpus"
CASES = (
    "census_income_noheader",
    "crop_yield_cleaned",
    "flight_delays_pipeline",
    "machine_failure_sensors",
    "movie_revenue_releases",
    "store_sales_submission",
    "used_cars_listings",
    "wine_quality_blend",
    "titanic_classic",
    "housing_prices_basic",
    "fraud_transactions_basic",
    "bike_rentals_hourly",
    "credit_limit_regression",
)
QUICK = CASES[:4]


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    previous, argv = Path.cwd(), sys.argv[:]
    os.chdir(folder)
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            yield
    finally:
        os.chdir(previous)
        sys.argv = argv


def _run(case: Path, scratch: Path, traced: bool) -> Callable[[], None]:
    def run() -> None:
        work = scratch / ("traced" if traced else "plain")
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(case, work, ignore=shutil.ignore_patterns(".lester", "*_lester.py"))
        if not traced:
            trace_patches.uninstall()
        with _inside(work):
            trace = harness.run_script(work / "messy.py", work / "_out", [], trace=traced)
        if trace["status"] != "ok":
            raise RuntimeError(f"{case.name} failed: {trace['error']['message']}")

    return run


def main(quick: bool = False) -> dict[str, Any]:
    """Print the table; returns per case the plain and traced medians (s) and their ratio."""
    repeats = 3 if quick else 7
    rows = []
    with tempfile.TemporaryDirectory(prefix="lester-tracing-bench-") as tmp:
        for name in QUICK if quick else CASES:
            case = CORPUS / name
            if not (case / "messy.py").exists():
                continue
            tasks = {"plain": _run(case, Path(tmp), False), "traced": _run(case, Path(tmp), True)}
            for task in tasks.values():  # warm-up: imports, caches
                task()
            medians = interleaved_medians(tasks, repeats)
            rows.append({"case": name, **medians, "ratio": medians["traced"] / medians["plain"]})
    trace_patches.uninstall()
    ratio = statistics.median(r["ratio"] for r in rows) if rows else float("nan")
    print_table(
        f"tracing overhead, harness in process, median of {repeats}",
        ["original", "plain s", "traced s", "traced / plain"],
        [[r["case"], r["plain"], r["traced"], r["ratio"]] for r in rows],
    )
    worst = max((r["ratio"] for r in rows), default=float("nan"))
    print(f"target: traced / plain <= 2x as the median (median {ratio:.2f}x, worst {worst:.2f}x)")
    return {"repeats": repeats, "rows": rows, "median_ratio": ratio, "worst_ratio": worst}


if __name__ == "__main__":
    main()
