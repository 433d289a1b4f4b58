"""Seeded generator for bakery_sellout_ordinal_bins: batches.csv, one row per batch baked in a chain of bakeries.

batches.csv: batch_id,shop,product,weekday,channel,temp_c,batch_size,price,promo,sold_out
weekday 'Mon'..'Sun'; channel 'counter', 'app' or 'wholesale'; product with a few spelling variants
in case ('Croissant' / 'croissant'); promo 0/1; sold_out 'Y' or 'N' (gone before noon).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

PRODUCTS = {"Croissant": 1.6, "Baguette": 1.2, "Sourdough": 4.5, "Cinnamon Roll": 2.8, "Pretzel": 1.1,
            "Rye Loaf": 3.9}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CHANNELS = ["counter", "app", "wholesale"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    names = list(PRODUCTS)
    rows = [["batch_id", "shop", "product", "weekday", "channel", "temp_c", "batch_size", "price", "promo",
             "sold_out"]]
    for i in range(1300 * scale):
        product = names[int(rng.integers(len(names)))]
        day = int(rng.integers(7))
        channel = int(rng.choice(3, p=[0.6, 0.25, 0.15]))
        temp = rng.normal(14, 8)
        size = int(rng.integers(20, 200))
        promo = int(rng.random() < 0.2)
        price = PRODUCTS[product] * (0.8 if promo else 1.0) * rng.uniform(0.95, 1.1)
        z = 1.5 - 0.015 * size + 0.5 * (day >= 5) + 0.7 * promo - 0.03 * abs(temp - 12) + 0.4 * (channel == 1)
        z += rng.normal(0, 0.7)
        shown = product.lower() if rng.random() < 0.1 else product
        rows.append([f"B{i:06d}", f"shop{int(rng.integers(1, 9))}", shown, DAYS[day], CHANNELS[channel],
                     f"{temp:.1f}", size, f"{price:.2f}", promo, "Y" if z > 0 else "N"])
    _write_atomic(Path(out_dir) / "batches.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
