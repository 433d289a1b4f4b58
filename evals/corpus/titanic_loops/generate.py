"""Seeded generator for titanic_loops: passengers.csv (semicolon-separated), a synthetic Titanic-like passenger list (header).

Columns: PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked
Names contain a comma (hence the semicolons); Age is empty for ~20%, Cabin for ~75%, Embarked for a few.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import csv
import io

import numpy as np

SURN = ["Smith", "Brown", "Kelly", "Olsen", "Rossi", "Murphy", "Andersson", "Sage", "Baker", "Ivanov"]
MALE = ["John", "William", "Karl", "Patrick", "Luigi", "Erik"]
FEMALE = ["Mary", "Anna", "Bridget", "Helga", "Maria", "Elin"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 890 * scale
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_NONE)
    w.writerow(["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"])
    for i in range(n):
        pclass = int(rng.choice([1, 2, 3], p=[0.24, 0.21, 0.55]))
        female = rng.random() < 0.35
        age = float(np.clip(rng.normal(30 - 4 * (pclass == 3), 14), 0.5, 80))
        sib = int(rng.choice([0, 1, 2, 3, 4], p=[0.68, 0.23, 0.04, 0.03, 0.02]))
        par = int(rng.choice([0, 1, 2, 3], p=[0.76, 0.13, 0.09, 0.02]))
        fare = float(np.round(rng.lognormal([4.1, 3.0, 2.2][pclass - 1], 0.5), 4))
        emb = str(rng.choice(["S", "C", "Q"], p=[0.72, 0.19, 0.09]))
        z = 2.4 * female - 0.9 * (pclass - 2) - 0.02 * (age - 30) - 0.3 * max(0, sib + par - 3) + (emb == "C") * 0.3 + rng.normal(0, 1) - 0.6
        title = ("Mrs" if age > 25 else "Miss") if female else ("Master" if age < 13 else "Mr")
        first = (FEMALE if female else MALE)[int(rng.integers(6))]
        name = f"{SURN[int(rng.integers(10))]}, {title}. {first}"
        age_txt = "" if rng.random() < 0.2 else (f"{age:.0f}" if age >= 1 else f"{age:.2f}")
        cabin = "" if rng.random() < 0.75 else f"{'ABCDEF'[int(rng.integers(6))]}{int(rng.integers(1, 130))}"
        emb_txt = "" if rng.random() < 0.003 else emb
        w.writerow([i + 1, int(z > 0), pclass, name, "female" if female else "male", age_txt, sib, par,
                    f"T{int(rng.integers(100000, 400000))}", f"{fare:.4f}", cabin, emb_txt])
    _write_atomic(Path(out_dir) / "passengers.csv", buf.getvalue())


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
