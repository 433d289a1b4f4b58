"""Seeded generator for orchard_yield_values: data/orchard_plots.csv.

A field logger's file: the first line is a title row with the logger's own short column codes
(plot, sun, rain, soil_ph, age, trees, pruned, yield), the rest one line per orchard plot. The
last line is a footer with the number of plots. About 900 plots at scale 1; yield in tonnes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines, run_cli, write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
CODES = ["plot", "sun", "rain", "soil_ph", "age", "trees", "pruned", "yield"]


def _plots(rng: np.random.Generator, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        sun = rng.normal(2100, 250)
        rain = rng.gamma(6.0, 110.0)
        ph = rng.normal(6.4, 0.5)
        age = int(rng.integers(2, 40))
        trees = int(rng.integers(80, 600))
        pruned = int(rng.random() < 0.6)
        per_tree = (0.004 * (sun - 2100) / 250 + 0.002 * (rain - 660) / 250 - 0.006 * abs(ph - 6.5)
                    + 0.0015 * min(age, 15) - 0.0004 * max(age - 25, 0) + 0.004 * pruned + 0.03)  # fmt: skip
        tonnes = max(trees * per_tree + rng.normal(0, 0.8), 0.1)
        rows.append([f"P{i:04d}", f"{sun:.0f}", f"{rain:.1f}", f"{ph:.2f}", str(age), str(trees),
                     str(pruned), f"{tonnes:.2f}"])  # fmt: skip
    return rows


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    plots = _plots(rng, 900 * scale)
    footer = [f"plots={len(plots)}", "", "", "", "", "", "", ""]
    write_atomic(Path(out_dir) / "orchard_plots.csv", lines([CODES, *plots, footer]))


def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
