"""Seeded generator for housing_sales_dates: houses.csv (header) and one sales file per year (no header).

houses.csv: house_id,type,sqft,year_built,lat,lon
sales/sales_<year>.csv (2018-2023): sale_id,house_id,sale_date,price
Some houses sell several times; ~3% of sales are family transfers with a symbolic price (< 10000).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

TYPES = ["detached", "semi", "terraced", "flat"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_houses, n_sales = 500 * scale, 1100 * scale
    houses = [["house_id", "type", "sqft", "year_built", "lat", "lon"]]
    attrs = {}
    for h in range(n_houses):
        t = int(rng.integers(4))
        sqft = int(rng.lognormal([7.6, 7.3, 7.1, 6.6][t], 0.25))
        lat, lon = 51.4 + rng.uniform(0, 0.2), -0.2 + rng.uniform(0, 0.3)
        attrs[h] = (t, sqft, lat, lon)
        houses.append([f"H{h:05d}", TYPES[t], sqft, int(rng.integers(1880, 2022)), f"{lat:.4f}", f"{lon:.4f}"])
    _write_atomic(out_dir / "houses.csv", _lines(houses))
    by_year = {y: [] for y in range(2018, 2024)}
    start = dt.date(2018, 1, 1)
    for s in range(n_sales):
        h = int(rng.integers(n_houses))
        t, sqft, lat, lon = attrs[h]
        d = start + dt.timedelta(days=int(rng.integers(0, 6 * 365)))
        years = (d - start).days / 365.0
        price = sqft * (300 + 40 * years + 200 * (lat - 51.4) * 5 - 100 * (lon + 0.05)) * (1.0 + 0.05 * (d.month in (5, 6, 7)))
        price *= np.exp(rng.normal(0, 0.08))
        if rng.random() < 0.03:
            price = float(rng.integers(1, 10)) * 1000
        by_year[d.year].append([f"S{s:06d}", f"H{h:05d}", d.isoformat(), f"{price:.0f}"])
    for year, rows in by_year.items():
        rows.sort(key=lambda r: (r[2], r[0]))
        _write_atomic(out_dir / "sales" / f"sales_{year}.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
