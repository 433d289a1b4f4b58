"""Seeded generator for housing_sales_dates: houses.csv (header) and one sales file per year (no header).

houses.csv: house_id,type,sqft,year_built,lat,lon
sales/sales_<year>.csv (2018-2023): sale_id,house_id,sale_date,price
Some houses sell several times; ~3% of sales are family transfers with a symbolic price (< 10000).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

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
def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _lines(rows, sep=",") -> str:
    """Join rows (sequences of already formatted strings) into file text with a final newline."""
    return "".join(sep.join(str(v) for v in row) + "\n" for row in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply the row counts by K (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: data/ next to this script)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    generate(args.out, scale=args.scale, seed=args.seed)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
