"""Seeded generator for job_postings_rare_levels: postings.csv, one row per job posting with its advertised salary.

postings.csv: posting_id,title,city,industry,seniority,remote,years_required,benefits_count,salary
city with stray spaces and case and a long tail of small towns; industry with a long tail of rare
labels; remote 'yes'/'no'/'hybrid'; years_required blank for ~6%; salary blank for ~2%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

CITIES = {"Berlin": 1.15, "Munich": 1.2, "Hamburg": 1.1, "Cologne": 1.0, "Leipzig": 0.9, "Dresden": 0.9}
TOWNS = ["Aalen", "Bingen", "Celle", "Diez", "Emden", "Fulda", "Goch", "Husum", "Isny", "Jena", "Kehl", "Lahr"]
INDUSTRIES = {"software": 1.2, "finance": 1.15, "retail": 0.85, "health": 1.0, "logistics": 0.9,
              "manufacturing": 1.0, "education": 0.8}
RARE_INDUSTRIES = ["mining", "fashion", "gaming", "aerospace", "forestry", "shipping", "biotech"]
SENIORITY = {"junior": 42000, "mid": 56000, "senior": 72000, "lead": 88000}
TITLES = ["Analyst", "Engineer", "Manager", "Specialist", "Consultant"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    cities, inds, levels = list(CITIES), list(INDUSTRIES), list(SENIORITY)
    rows = [["posting_id", "title", "city", "industry", "seniority", "remote", "years_required",
             "benefits_count", "salary"]]
    for i in range(1300 * scale):
        if rng.random() < 0.12:
            city, cf = TOWNS[int(rng.integers(len(TOWNS)))], 0.85
        else:
            city = cities[int(rng.choice(len(cities), p=[0.3, 0.2, 0.2, 0.12, 0.1, 0.08]))]
            cf = CITIES[city]
        if rng.random() < 0.05:
            ind, inf = RARE_INDUSTRIES[int(rng.integers(len(RARE_INDUSTRIES)))], 1.0
        else:
            ind = inds[int(rng.integers(len(inds)))]
            inf = INDUSTRIES[ind]
        level = levels[int(rng.choice(4, p=[0.3, 0.35, 0.25, 0.1]))]
        remote = ["yes", "no", "hybrid"][int(rng.choice(3, p=[0.2, 0.5, 0.3]))]
        years = int(rng.integers(0, 4)) + 2 * levels.index(level)
        benefits = int(rng.integers(0, 9))
        salary = SENIORITY[level] * cf * inf * (1.05 if remote == "hybrid" else 1.0) * (1 + 0.01 * benefits)
        salary *= rng.lognormal(0, 0.1)
        shown = city
        r = rng.random()
        if r < 0.06:
            shown = city.lower()
        elif r < 0.1:
            shown = city + " "
        rows.append([f"J{i:05d}", f"{level.title()} {TITLES[int(rng.integers(len(TITLES)))]}", shown, ind,
                     level, remote, "" if rng.random() < 0.06 else years, benefits,
                     "" if rng.random() < 0.02 else f"{salary:.0f}"])
    _write_atomic(Path(out_dir) / "postings.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
