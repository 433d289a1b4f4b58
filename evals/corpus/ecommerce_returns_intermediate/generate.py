"""Seeded generator for ecommerce_returns_intermediate: orders.csv (no header) and items.csv (header).

orders.csv: order_id,customer_id,order_date,channel,total,return_flag   (return_flag "R" or empty)
items.csv:  order_id,sku,category,price,qty,size   (1-6 lines per order; "bracketing" = same sku in several sizes)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

CHANNELS = ["web", "app", "marketplace"]
CATS = ["fashion", "shoes", "home", "beauty", "electronics"]
SIZES = ["XS", "S", "M", "L", "XL"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 700 * scale
    orders, items = [], [["order_id", "sku", "category", "price", "qty", "size"]]
    start = dt.date(2024, 1, 1)
    for o in range(n):
        oid = f"O{o:06d}"
        total, n_fashion, bracket = 0.0, 0, 0
        n_lines = int(rng.integers(1, 7))
        for _ in range(n_lines):
            cat = int(rng.choice(5, p=[0.35, 0.15, 0.2, 0.15, 0.15]))
            sku = f"SKU{cat}{int(rng.integers(0, 60)):03d}"
            price = float(np.round(rng.lognormal(3.3 + 0.6 * (cat == 4), 0.5), 2))
            qty = int(rng.choice([1, 1, 1, 2, 3]))
            sizes = [SIZES[int(rng.integers(5))]] if cat in (0, 1) else [""]
            if cat in (0, 1) and rng.random() < 0.2:
                sizes.append(SIZES[(SIZES.index(sizes[0]) + 1) % 5])
                bracket = 1
            for s in sizes:
                items.append([oid, sku, CATS[cat], f"{price:.2f}", qty, s])
                total += price * qty
            n_fashion += cat in (0, 1)
        d = start + dt.timedelta(days=int(rng.integers(0, 300)))
        ch = int(rng.choice(3, p=[0.5, 0.35, 0.15]))
        z = 2.2 * bracket + 0.8 * n_fashion / n_lines + 0.4 * (ch == 2) + 0.3 * np.log1p(total) - 2.8 + rng.normal(0, 0.8)
        orders.append([oid, f"CU{int(rng.integers(0, 250 * scale)):05d}", d.isoformat(), CHANNELS[ch], f"{total:.2f}", "R" if z > 0 else ""])
    _write_atomic(out_dir / "orders.csv", _lines(orders))
    _write_atomic(out_dir / "items.csv", _lines(items))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
