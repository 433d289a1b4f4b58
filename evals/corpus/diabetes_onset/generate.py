"""Seeded generator for diabetes_onset: diabetes.csv (header), Pima-like columns.

Columns: pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,pedigree,age,outcome
Missing measurements are recorded as 0 (glucose, blood_pressure, bmi, insulin), as in the original data.
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
    n = 700 * scale
    rows = [["pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "pedigree", "age", "outcome"]]
    for _ in range(n):
        age = int(rng.integers(21, 75))
        preg = int(min(rng.poisson(max(0.5, (age - 20) / 8)), 14))
        glucose = float(np.clip(rng.normal(120, 30), 50, 199))
        bp = float(np.clip(rng.normal(70, 12), 30, 120))
        skin = int(np.clip(rng.normal(25, 9), 0, 60))
        insulin = float(np.clip(rng.normal(100, 60), 0, 600))
        bmi = float(np.clip(rng.normal(32, 6.5), 17, 60))
        ped = float(np.round(rng.gamma(2.0, 0.22), 3))
        z = (glucose - 120) / 25 + (bmi - 32) / 7 + (age - 40) / 20 + ped + rng.normal(0, 1) - 0.7
        outcome = int(z > 0)
        if rng.random() < 0.04:
            glucose = 0
        if rng.random() < 0.05:
            bp = 0
        if rng.random() < 0.03:
            bmi = 0
        if rng.random() < 0.3:
            insulin = 0
        rows.append([preg, f"{glucose:.0f}", f"{bp:.0f}", skin, f"{insulin:.0f}", f"{bmi:.1f}", f"{ped:.3f}", age, outcome])
    _write_atomic(Path(out_dir) / "diabetes.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
