"""Seeded generator for heart_risk_svc: heart.psv (pipe-separated, no header), hand-entered values.

Columns: record_id|age|sex|chest_pain|resting_bp|cholesterol|max_hr|exercise_angina|disease
sex is written as M/F/male/female with stray spaces, chest_pain in mixed case, disease as yes/no/Y/N.
About 4% of the records are exact duplicates (double entry).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

SEX = {"M": ["M", "male", " M", "Male "], "F": ["F", "female", "F ", "Female"]}
CP = ["typical", "atypical", "non-anginal", "asymptomatic"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 500 * scale
    rows = []
    for i in range(n):
        sex = "M" if rng.random() < 0.65 else "F"
        age = int(rng.integers(29, 78))
        cp = int(rng.choice(4, p=[0.2, 0.2, 0.25, 0.35]))
        bp = int(rng.normal(132, 17))
        chol = int(rng.normal(245, 50))
        max_hr = int(np.clip(rng.normal(205 - 0.8 * age, 18), 70, 202))
        angina = int(rng.random() < 0.33)
        z = (age - 54) / 9 + (cp == 3) * 1.4 + angina * 1.2 - (max_hr - 150) / 25 + (sex == "M") * 0.6 + rng.normal(0, 1) - 0.8
        sick = z > 0
        dis = ["yes", "Y"][int(rng.random() < 0.3)] if sick else ["no", "N"][int(rng.random() < 0.3)]
        cp_txt = CP[cp] if rng.random() < 0.7 else CP[cp].upper()
        row = [f"{i:05d}", age, SEX[sex][int(rng.integers(4))], cp_txt, bp, chol, max_hr, angina, dis]
        rows.append(row)
        if rng.random() < 0.04:
            rows.append(list(row))
    _write_atomic(Path(out_dir) / "heart.psv", _lines(rows, sep="|"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
