"""Seeded generator for hr_attrition_hashing: employees.csv, departments.csv, reviews.csv (headers).

employees.csv:   emp_id,job_title,department,hire_date,salary,status,exit_reason
                 job titles are free text with inconsistent spelling ("Sr. Data Engineer", "senior data engineer ")
departments.csv: department,budget_per_head   (one department is missing)
reviews.csv:     emp_id,year,score   (0-4 yearly reviews per employee)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

LEVELS = [["Jr.", "Junior", "jr"], ["", ""], ["Sr.", "Senior", "senior", "SR"]]
ROLES = ["Data Engineer", "Accountant", "Sales Rep", "Nurse", "Software Developer", "HR Partner"]
DEPTS = ["engineering", "finance", "sales", "clinical", "people", "legal"]
REASONS_VOL = ["resigned", "better offer"]
REASONS_INV = ["laid off", "retired", "dismissed"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 700 * scale
    _write_atomic(out_dir / "departments.csv", _lines([["department", "budget_per_head"]] +
                  [[d, f"{rng.uniform(2000, 9000):.0f}"] for d in DEPTS[:-1]]))
    emps = [["emp_id", "job_title", "department", "hire_date", "salary", "status", "exit_reason"]]
    reviews = [["emp_id", "year", "score"]]
    for i in range(n):
        lvl = int(rng.choice(3, p=[0.3, 0.4, 0.3]))
        role = int(rng.integers(len(ROLES)))
        dept = DEPTS[min(role, 5)] if rng.random() < 0.85 else DEPTS[int(rng.integers(6))]
        spelled = LEVELS[lvl][int(rng.integers(len(LEVELS[lvl])))]
        title = (spelled + " " + ROLES[role]).strip()
        if rng.random() < 0.3:
            title = title.lower()
        if rng.random() < 0.1:
            title = title + " "
        hire = dt.date(2012, 1, 1) + dt.timedelta(days=int(rng.integers(0, 11 * 365)))
        salary = 42000 * (1 + 0.35 * lvl) * (1.3 if role in (0, 4) else 1.0) * float(np.exp(rng.normal(0, 0.12)))
        happiness = rng.normal(0, 1)
        years = (dt.date(2024, 1, 1) - hire).days / 365
        for y in range(max(2019, hire.year + 1), 2024):
            if rng.random() < 0.7:
                reviews.append([f"E{i:05d}", y, int(np.clip(round(2.5 + 0.8 * happiness + rng.normal(0, 0.6)), 1, 5))])
        z = -happiness - 0.1 * years - (salary - 60000) / 30000 + rng.normal(0, 0.8) - 0.3
        status, reason = "active", ""
        if z > 0:
            status, reason = "terminated", REASONS_VOL[int(rng.integers(2))]
        elif rng.random() < 0.1:
            status, reason = "terminated", REASONS_INV[int(rng.integers(3))]
        emps.append([f"E{i:05d}", title, dept, hire.isoformat(), f"{salary:.0f}", status, reason])
    _write_atomic(out_dir / "employees.csv", _lines(emps))
    _write_atomic(out_dir / "reviews.csv", _lines(reviews))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
