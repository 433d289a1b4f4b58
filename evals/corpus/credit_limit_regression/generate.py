"""Seeded generator for credit_limit_regression: applicants.csv (semicolon-separated, header).

Columns: applicant_id;age;income;debt;employment;years_employed;open_lines;credit_limit
``income`` is empty for about 8% of the applicants.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

EMPLOYMENT = ["salaried", "self-employed", "contract", "retired", "student"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 700 * scale
    rows = [["applicant_id", "age", "income", "debt", "employment", "years_employed", "open_lines", "credit_limit"]]
    for i in range(n):
        age = int(rng.integers(18, 75))
        emp = EMPLOYMENT[int(rng.choice(5, p=[0.55, 0.15, 0.15, 0.1, 0.05]))]
        income = float(np.round(rng.lognormal(10.6, 0.5), 0))
        if emp == "student":
            income *= 0.3
        debt = float(np.round(income * rng.uniform(0.0, 0.9), 0))
        years = int(min(age - 17, rng.integers(0, 30)))
        lines = int(rng.integers(0, 12))
        limit = 0.18 * income - 0.1 * debt + 120 * years + 250 * lines + rng.normal(0, 1500)
        if emp in ("contract", "student"):
            limit *= 0.7
        limit = max(500.0, round(limit / 100) * 100)
        inc_txt = "" if rng.random() < 0.08 else f"{income:.0f}"
        rows.append([f"AP{i:05d}", age, inc_txt, f"{debt:.0f}", emp, years, lines, f"{limit:.0f}"])
    _write_atomic(Path(out_dir) / "applicants.csv", _lines(rows, sep=";"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
