"""Seeded generator for housing_prices_basic: houses.csv (header).

Columns: house_id,neighborhood,sqft,bedrooms,bathrooms,year_built,garage,price
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

HOODS = ["Oakwood", "Riverside", "Downtown", "Hillcrest", "Meadows", "Old Town"]
HOOD_PREMIUM = [40000, 15000, 80000, 60000, -10000, 25000]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 650 * scale
    rows = [["house_id", "neighborhood", "sqft", "bedrooms", "bathrooms", "year_built", "garage", "price"]]
    for i in range(n):
        h = int(rng.integers(len(HOODS)))
        sqft = int(rng.lognormal(7.4, 0.3))
        beds = int(np.clip(round(sqft / 600 + rng.normal(0, 0.7)), 1, 6))
        baths = float(np.clip(round((beds * 0.6 + rng.normal(0, 0.5)) * 2) / 2, 1, 4))
        year = int(rng.integers(1920, 2023))
        garage = int(rng.random() < 0.6)
        price = 50000 + 120 * sqft + 9000 * baths + HOOD_PREMIUM[h] + 15000 * garage - 600 * (2024 - year) + rng.normal(0, 20000)
        rows.append([i + 1, HOODS[h], sqft, beds, f"{baths:.1f}", year, garage, f"{max(price, 30000):.0f}"])
    _write_atomic(Path(out_dir) / "houses.csv", _lines(rows))


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
