"""Seeded generator for vet_visits_followup_columns: visits.csv with a header.

visits.csv: visit_id,clinic,species,age_months,weight_kg,temp_c,heart_rate,vaccinated,reason,follow_up
(weights and temperatures sometimes missing (blank), some weights recorded as 0 by mistake, species
spelled in mixed case, follow_up "yes"/"no", ~30% yes: more often for old, feverish or unvaccinated pets)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

CLINICS = ["north", "harbour", "old_town", "riverside"]
SPECIES = {"dog": (3, 40), "cat": (2.5, 7), "rabbit": (1, 3), "ferret": (0.6, 2)}
SPELLINGS = {"dog": ["dog", "Dog", "DOG"], "cat": ["cat", "Cat"], "rabbit": ["rabbit", "Rabbit"],
             "ferret": ["ferret"]}
REASONS = ["checkup", "vaccination", "injury", "skin", "digestive", "dental"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["visit_id", "clinic", "species", "age_months", "weight_kg", "temp_c", "heart_rate",
             "vaccinated", "reason", "follow_up"]]
    for i in range(1100 * scale):
        species = str(rng.choice(list(SPECIES), p=[0.5, 0.35, 0.1, 0.05]))
        low, high = SPECIES[species]
        age = int(rng.integers(2, 200))
        weight = round(float(rng.uniform(low, high)), 1)
        temp = round(float(rng.normal(38.6, 0.7)), 1)
        heart = int(rng.normal(110, 25))
        vaccinated = str(rng.choice(["yes", "no"], p=[0.8, 0.2]))
        reason = str(rng.choice(REASONS))
        score = 0.01 * age + 1.5 * (temp > 39.3) + (vaccinated == "no") + (reason == "injury") - 2.2
        follow = "yes" if rng.random() < 1 / (1 + np.exp(-score)) else "no"
        weight_text = "" if rng.random() < 0.07 else ("0" if rng.random() < 0.02 else f"{weight}")
        temp_text = "" if rng.random() < 0.05 else f"{temp}"
        rows.append([f"V{5000 + i}", str(rng.choice(CLINICS)), str(rng.choice(SPELLINGS[species])),
                     age, weight_text, temp_text, heart, vaccinated, reason, follow])
    _write_atomic(Path(out_dir) / "visits.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
