"""Seeded generator for census_income_noheader: adult.data, census extract without a header row.

adult.data: age, workclass, fnlwgt, education, education_num, marital_status, occupation,
relationship, race, sex, capital_gain, capital_loss, hours_per_week, native_country, income
(", "-separated like the UCI file; "?" for unknown workclass / occupation / native_country;
income "<=50K" or ">50K", some written "<=50K." / ">50K."; ~3% duplicated records)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

WORK = ["Private", "Self-emp-not-inc", "Self-emp-inc", "Local-gov", "State-gov", "Federal-gov"]
EDU = [("HS-grad", 9), ("Some-college", 10), ("Bachelors", 13), ("Masters", 14), ("Assoc-voc", 11),
       ("11th", 7), ("Doctorate", 16), ("Prof-school", 15)]
MARITAL = ["Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed", "Married-spouse-absent"]
OCC = ["Prof-specialty", "Craft-repair", "Exec-managerial", "Adm-clerical", "Sales", "Other-service",
       "Machine-op-inspct", "Transport-moving", "Tech-support", "Handlers-cleaners"]
RACE = ["White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"]
COUNTRY = ["United-States", "Mexico", "Philippines", "Germany", "India", "Canada"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    rows: list[list] = []
    for _ in range(1400 * scale):
        if rows and rng.random() < 0.03:
            rows.append(list(rows[int(rng.integers(len(rows)))]))
            continue
        age = int(np.clip(rng.normal(39, 13), 17, 90))
        work = WORK[int(rng.choice(6, p=[0.7, 0.08, 0.04, 0.07, 0.05, 0.06]))]
        edu, edu_num = EDU[int(rng.choice(8, p=[0.32, 0.22, 0.17, 0.06, 0.05, 0.1, 0.03, 0.05]))]
        marital = MARITAL[int(rng.choice(6, p=[0.46, 0.33, 0.13, 0.03, 0.03, 0.02]))]
        occ = OCC[int(rng.integers(len(OCC)))]
        male = bool(rng.random() < 0.67)
        if marital == "Married-civ-spouse":
            rel = "Husband" if male else "Wife"
        else:
            rel = str(rng.choice(["Not-in-family", "Own-child", "Unmarried", "Other-relative"]))
        race = RACE[int(rng.choice(5, p=[0.85, 0.09, 0.03, 0.01, 0.02]))]
        gain = int(rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3103, 5178, 7688, 15024, 99999]))
        loss = int(rng.choice([0] * 24 + [1902, 1887, 1977]))
        hours = int(np.clip(rng.normal(41 + 4 * male, 11), 1, 99))
        country = COUNTRY[int(rng.choice(6, p=[0.9, 0.03, 0.02, 0.02, 0.015, 0.015]))]
        z = (0.06 * (age - 38) - 0.0009 * (age - 45) ** 2 + 0.35 * (edu_num - 10)
             + 1.4 * (marital == "Married-civ-spouse") + 0.6 * (occ in ("Exec-managerial", "Prof-specialty"))
             + 0.03 * (hours - 40) + 1.5 * (gain > 5000) + 0.8 * (loss > 0) - 1.6 + rng.normal(0, 0.9))
        income = ">50K" if z > 0 else "<=50K"
        if rng.random() < 0.15:
            income += "."
        rows.append([age, "?" if rng.random() < 0.05 else work, int(rng.integers(20000, 500000)), edu, edu_num,
                     marital, "?" if rng.random() < 0.05 else occ, rel, race, "Male" if male else "Female",
                     gain, loss, hours, "?" if rng.random() < 0.02 else country, income])
    _write_atomic(out_dir / "adult.data", _lines(rows, sep=", "))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
