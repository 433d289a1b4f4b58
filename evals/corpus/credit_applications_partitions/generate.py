"""Seeded generator for credit_applications_partitions: quarterly application partitions + bureau scores.

applications/applications_2023_q{1..4}.csv (header):
    app_id,applicant_id,submitted,amount,income,term_months,status,days_past_due
    About 6% of the applications are resubmitted in a later quarter with the same app_id.
bureau.csv (header): applicant_id,score,inquiries   (about 12% of applicants are missing)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

STATUS = ["current", "late", "charged_off", "paid"]
TERMS = [12, 24, 36, 60]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_app = 800 * scale
    n_people = 500 * scale
    scores = np.clip(rng.normal(690, 60, n_people), 450, 850).astype(int)
    bureau = [["applicant_id", "score", "inquiries"]]
    for p in range(n_people):
        if rng.random() > 0.12:
            bureau.append([f"P{p:05d}", scores[p], int(rng.poisson(1.5))])
    _write_atomic(out_dir / "bureau.csv", _lines(bureau))
    quarters = {q: [] for q in range(1, 5)}
    start = dt.date(2023, 1, 1)
    for a in range(n_app):
        p = int(rng.integers(n_people))
        day = int(rng.integers(0, 365))
        submitted = start + dt.timedelta(days=day)
        income = float(np.round(rng.lognormal(10.7, 0.4), -2))
        amount = float(np.round(rng.uniform(1000, 40000), -2))
        term = TERMS[int(rng.integers(4))]
        risk = (700 - scores[p]) / 50 + amount / income * 2 + (term == 60) * 0.5 + rng.normal(0, 0.8)
        if risk > 1.2:
            status = "charged_off" if rng.random() < 0.5 else "late"
        else:
            status = "current" if rng.random() < 0.7 else ("paid" if rng.random() < 0.8 else "late")
        dpd = int(rng.integers(31, 150)) if status == "late" and risk > 0.8 else (int(rng.integers(1, 45)) if status == "late" else 0)
        row = [f"APP{a:06d}", f"P{p:05d}", submitted.isoformat(), f"{amount:.0f}", f"{income:.0f}", term, status, dpd]
        q = (submitted.month - 1) // 3 + 1
        quarters[q].append(row)
        if rng.random() < 0.06 and q < 4:  # resubmission later in the year, updated status
            later = submitted + dt.timedelta(days=int(rng.integers(92, 200)))
            if later.year == 2023:
                row2 = list(row)
                row2[2] = later.isoformat()
                row2[6] = "current" if status != "charged_off" else "charged_off"
                row2[7] = 0 if row2[6] == "current" else dpd
                quarters[(later.month - 1) // 3 + 1].append(row2)
    header = ["app_id", "applicant_id", "submitted", "amount", "income", "term_months", "status", "days_past_due"]
    for q, rows in quarters.items():
        rows.sort(key=lambda r: (r[2], r[0]))
        _write_atomic(out_dir / "applications" / f"applications_2023_q{q}.csv", _lines([header] + rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
