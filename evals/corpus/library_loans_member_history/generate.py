"""Seeded generator for library_loans_member_history: members.csv and loans.csv with headers.

members.csv: member_id,branch,birth_year,joined_year,student
loans.csv:   loan_id,member_id,genre,days_kept,renewals,fine_paid,returned_late
(some loans belong to members missing from members.csv; students and long-kept, often renewed
loans come back late more often, ~30% late)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

BRANCHES = ["central", "harbour", "hillside", "market"]
GENRES = ["fiction", "history", "science", "children", "travel", "cooking"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_members = 260 * scale
    members = [["member_id", "branch", "birth_year", "joined_year", "student"]]
    student = {}
    for m in range(n_members):
        student[m] = bool(rng.random() < 0.3)
        members.append([f"M{1000 + m}", str(rng.choice(BRANCHES)), int(rng.integers(1945, 2012)),
                        int(rng.integers(2012, 2025)), "yes" if student[m] else "no"])
    loans = [["loan_id", "member_id", "genre", "days_kept", "renewals", "fine_paid", "returned_late"]]
    for i in range(1500 * scale):
        m = int(rng.integers(0, n_members + 15))
        days = int(rng.integers(3, 60))
        renewals = int(rng.poisson(0.8))
        score = 0.05 * days + 0.6 * renewals + 0.8 * student.get(m, False) - 2.6
        late = int(rng.random() < 1 / (1 + np.exp(-score)))
        fine = round(float(late * rng.uniform(0.5, 6.0)), 2)
        loans.append([f"L{50000 + i}", f"M{1000 + m}", str(rng.choice(GENRES)), days, renewals,
                      fine, late])
    _write_atomic(Path(out_dir) / "members.csv", _lines(members))
    _write_atomic(Path(out_dir) / "loans.csv", _lines(loans))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
