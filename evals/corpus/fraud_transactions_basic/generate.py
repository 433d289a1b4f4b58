"""Seeded generator for fraud_transactions_basic: transactions.csv and merchants.csv (headers).

transactions.csv: tx_id,card_id,merchant_id,amount,card_country,hour,is_fraud
merchants.csv:    merchant_id,category,country
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

CATS = ["grocery", "electronics", "travel", "gaming", "fuel", "fashion"]
COUNTRIES = ["US", "GB", "DE", "NG", "BR", "FR"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_m, n = 80 * scale, 2000 * scale
    merchants = [["merchant_id", "category", "country"]]
    minfo = []
    for m in range(n_m):
        cat, co = int(rng.integers(6)), int(rng.choice(6, p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1]))
        minfo.append((cat, co))
        merchants.append([f"M{m:04d}", CATS[cat], COUNTRIES[co]])
    _write_atomic(out_dir / "merchants.csv", _lines(merchants))
    rows = [["tx_id", "card_id", "merchant_id", "amount", "card_country", "hour", "is_fraud"]]
    for t in range(n):
        m = int(rng.integers(n_m))
        cat, co = minfo[m]
        card_co = int(rng.choice(6, p=[0.5, 0.15, 0.15, 0.05, 0.05, 0.1]))
        amount = float(rng.lognormal(3.5 + 0.8 * (cat in (1, 2)), 1.0))
        hour = int(rng.integers(0, 24))
        z = 0.9 * np.log(amount) - 5 + 1.5 * (co != card_co) + 1.0 * (cat in (1, 3)) + 1.0 * (hour < 5) + rng.normal(0, 1)
        rows.append([f"T{t:07d}", f"CARD{int(rng.integers(300 * scale)):05d}", f"M{m:04d}", f"{amount:.2f}", COUNTRIES[card_co], hour, int(z > 1.6)])
    _write_atomic(out_dir / "transactions.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
