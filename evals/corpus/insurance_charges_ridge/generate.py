"""Seeded generator for insurance_charges_ridge: insurance.csv (header), Kaggle-insurance-like.

Columns: age,sex,bmi,children,smoker,region,charges
smoker is written yes/no/Yes/No/Y, region in varying case, bmi empty for ~3%.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

REGIONS = ["northeast", "northwest", "southeast", "southwest"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 1000 * scale
    rows = [["age", "sex", "bmi", "children", "smoker", "region", "charges"]]
    for _ in range(n):
        age = int(rng.integers(18, 65))
        bmi = float(np.clip(rng.normal(30.5, 6), 16, 53))
        kids = int(rng.choice(6, p=[0.43, 0.24, 0.18, 0.11, 0.02, 0.02]))
        smoker = rng.random() < 0.2
        region = int(rng.integers(4))
        charges = 2500 + 260 * age + 450 * kids + (23000 + 1400 * max(0, bmi - 30)) * smoker + 300 * max(0, bmi - 30)
        charges *= float(np.exp(rng.normal(0, 0.15)))
        sm = (["yes", "Yes", "Y"] if smoker else ["no", "No"])[int(rng.integers(3 if smoker else 2))]
        reg = REGIONS[region] if rng.random() < 0.85 else REGIONS[region].upper()
        bmi_txt = "" if rng.random() < 0.03 else f"{bmi:.2f}"
        rows.append([age, "female" if rng.random() < 0.5 else "male", bmi_txt, kids, sm, reg, f"{charges:.2f}"])
    _write_atomic(Path(out_dir) / "insurance.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
