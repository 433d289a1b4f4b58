"""Seeded generator for beehive_inspections_csvreader: inspections.csv (comma-separated, header).

Columns: hive,frames_brood,frames_honey,mites_per_100,weight_kg,temp_c,verdict
``verdict`` is a code like ``apiary3/strong`` or ``apiary1/weak``: the apiary, then the grade.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 520 * scale
    rows = [["hive", "frames_brood", "frames_honey", "mites_per_100", "weight_kg", "temp_c", "verdict"]]
    for i in range(n):
        brood = int(rng.integers(0, 10))
        honey = int(rng.integers(0, 12))
        mites = int(rng.poisson(3))
        weight = round(float(rng.normal(38, 9)), 1)
        temp = round(float(rng.normal(34.5, 1.5)), 1)
        vigour = brood * 0.6 + honey * 0.4 - mites * 0.7 + (weight - 38) / 6 + rng.normal(0, 1.2)
        grade = "strong" if vigour > 4.5 else ("fair" if vigour > 2.0 else "weak")
        apiary = int(rng.integers(1, 5))
        rows.append([f"H{i:04d}", brood, honey, mites, f"{weight:.1f}", f"{temp:.1f}", f"apiary{apiary}/{grade}"])
    _write_atomic(Path(out_dir) / "inspections.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
