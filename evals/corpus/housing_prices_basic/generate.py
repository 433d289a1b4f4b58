"""Seeded generator for housing_prices_basic: houses.csv (header).

Columns: house_id,neighborhood,sqft,bedrooms,bathrooms,year_built,garage,price
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

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
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
