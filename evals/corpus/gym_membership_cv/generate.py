"""Seeded generator for gym_membership_cv: members.csv, one row per gym member at the end of June 2024.

members.csv: member_id,joined,age,plan,visits_90d,classes_90d,pt_sessions,monthly_fee,cancelled
joined is an ISO date; age has a few impossible entries (0, 150); pt_sessions blank when the member
never booked a trainer; cancelled is 'yes' or 'no'.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

PLANS = {"basic": 24.9, "plus": 39.9, "premium": 59.9, "student": 19.9}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    names = list(PLANS)
    rows = [["member_id", "joined", "age", "plan", "visits_90d", "classes_90d", "pt_sessions", "monthly_fee",
             "cancelled"]]
    for i in range(1100 * scale):
        plan = names[int(rng.choice(4, p=[0.45, 0.25, 0.12, 0.18]))]
        joined = date(2019, 1, 1) + timedelta(days=int(rng.integers(0, 2000)))
        age = int(np.clip(rng.normal(22 if plan == "student" else 38, 9), 16, 80))
        if rng.random() < 0.01:
            age = int(rng.choice([0, 150]))
        visits = int(rng.poisson(14 if plan != "basic" else 9))
        classes = int(rng.poisson(4 if plan in ("plus", "premium") else 1))
        pt = "" if rng.random() < 0.7 else str(int(rng.integers(1, 12)))
        tenure = (date(2024, 6, 30) - joined).days
        z = 1.0 - 0.12 * visits - 0.15 * classes - 0.0004 * tenure + 0.5 * (plan == "student") - 0.6 * (pt != "")
        z += rng.normal(0, 0.8)
        fee = PLANS[plan] * rng.choice([1.0, 0.9, 0.8], p=[0.8, 0.15, 0.05])
        rows.append([f"G{i:05d}", joined.isoformat(), age, plan, visits, classes, pt, f"{fee:.2f}",
                     "yes" if z > 0 else "no"])
    _write_atomic(Path(out_dir) / "members.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
