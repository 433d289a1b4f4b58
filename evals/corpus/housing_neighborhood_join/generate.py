"""Seeded generator for housing_neighborhood_join: listings.csv and neighborhoods.csv (headers).

listings.csv:      listing_id,zip,sqft,lot_size,rooms,condition,list_price   (lot_size empty for ~7%)
neighborhoods.csv: zip,crime_rate,school_score,median_income   (a few listing zips are missing here)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

COND = ["poor", "fair", "good", "excellent"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_zip, n = 30, 800 * scale
    zips = [f"9{1000 + 37 * z}" for z in range(n_zip)]
    info = {}
    hoods = [["zip", "crime_rate", "school_score", "median_income"]]
    for z in zips:
        info[z] = (float(rng.uniform(1, 12)), float(rng.uniform(3, 10)), float(rng.lognormal(11, 0.3)))
        if z not in zips[-3:]:   # last three zips have no statistics
            hoods.append([z, f"{info[z][0]:.2f}", f"{info[z][1]:.1f}", f"{info[z][2]:.0f}"])
    _write_atomic(out_dir / "neighborhoods.csv", _lines(hoods))
    rows = [["listing_id", "zip", "sqft", "lot_size", "rooms", "condition", "list_price"]]
    for i in range(n):
        z = zips[int(rng.integers(n_zip))]
        crime, school, inc = info[z]
        sqft = int(rng.lognormal(7.3, 0.35))
        lot = int(sqft * rng.uniform(1.5, 6))
        rooms = int(np.clip(round(sqft / 350 + rng.normal(0, 1)), 2, 12))
        cond = int(rng.choice(4, p=[0.1, 0.3, 0.45, 0.15]))
        ppsf = 150 + 18 * school - 6 * crime + inc / 2000 + 20 * cond + rng.normal(0, 20)
        rows.append([f"LS{i:05d}", z, sqft, "" if rng.random() < 0.07 else lot, rooms, COND[cond], f"{ppsf * sqft:.0f}"])
    _write_atomic(out_dir / "listings.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
