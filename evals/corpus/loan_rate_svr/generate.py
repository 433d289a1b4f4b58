"""Seeded generator for loan_rate_svr: loans.jsonl (one JSON object per line).

Keys: loan_id, grade (A-G), purpose, amount, annual_income, emp_length (missing on ~10%),
dti, interest_rate.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import json

import numpy as np

GRADES = "ABCDEFG"
PURPOSES = ["debt_consolidation", "credit_card", "home_improvement", "car", "medical", "small_business"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 600 * scale
    lines = []
    for i in range(n):
        g = int(rng.choice(7, p=[0.18, 0.27, 0.22, 0.15, 0.1, 0.05, 0.03]))
        purpose = PURPOSES[int(rng.integers(len(PURPOSES)))]
        amount = int(rng.integers(20, 400)) * 100
        income = int(round(rng.lognormal(11.0, 0.4), -2))
        dti = round(float(rng.uniform(2, 35)), 1)
        rate = 6.0 + 3.1 * g + 0.05 * dti + (1.5 if purpose == "small_business" else 0.0) + rng.normal(0, 0.8)
        rec = {"loan_id": f"L{i:05d}", "grade": GRADES[g], "purpose": purpose, "amount": amount,
               "annual_income": income, "dti": dti, "interest_rate": round(float(rate), 2)}
        if rng.random() > 0.10:
            rec["emp_length"] = int(rng.integers(0, 11))
        lines.append(json.dumps(rec, sort_keys=True))
    _write_atomic(Path(out_dir) / "loans.jsonl", "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
