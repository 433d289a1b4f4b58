"""Seeded generator for restaurant_inspections_gridsearch: inspections.csv, one row per health inspection.

inspections.csv: inspection_id,borough,cuisine,seats,years_open,prior_violations,critical_flags,
days_since_last,score,grade
score blank for ~2% (inspection not finished); prior_violations blank for first inspections;
grade 'A', 'B' or 'C'.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

BOROUGHS = ["North", "South", "East", "West", "Harbor"]
CUISINES = ["pizza", "chinese", "mexican", "cafe", "indian", "burger", "sushi", "bakery"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["inspection_id", "borough", "cuisine", "seats", "years_open", "prior_violations",
             "critical_flags", "days_since_last", "score", "grade"]]
    for i in range(1000 * scale):
        borough = int(rng.integers(len(BOROUGHS)))
        cuisine = int(rng.integers(len(CUISINES)))
        seats = int(rng.integers(8, 160))
        years = int(rng.integers(0, 30))
        prior = int(rng.poisson(3 + cuisine % 3))
        critical = int(rng.binomial(prior, 0.3))
        days = int(rng.integers(30, 720))
        score = max(0.0, 8 + 2.2 * critical + 0.6 * prior + 0.004 * days - 0.1 * years + rng.normal(0, 4))
        grade = "A" if score < 14 else ("B" if score < 28 else "C")
        rows.append([f"I{i:06d}", BOROUGHS[borough], CUISINES[cuisine], seats, years,
                     "" if years == 0 or rng.random() < 0.03 else prior, critical, days,
                     "" if rng.random() < 0.02 else f"{score:.0f}", grade])
    _write_atomic(Path(out_dir) / "inspections.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
