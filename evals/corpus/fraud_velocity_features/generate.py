"""Seeded generator for fraud_velocity_features: card_tx.csv (header), unsorted.

Columns: tx_id,card,ts,amount,channel,status
ts is "YYYY-MM-DD HH:MM:SS" over March 2024; status in ok / disputed_rejected / chargeback / confirmed_fraud.
Fraud comes in bursts: several transactions on one card within minutes.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

CHANNELS = ["pos", "ecom", "atm", "contactless"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_cards = 120 * scale
    start = dt.datetime(2024, 3, 1)
    rows = []
    for c in range(n_cards):
        card = f"4000{c:06d}"
        typical = float(rng.lognormal(3.3, 0.5))
        for _ in range(int(rng.integers(5, 14))):
            ts = start + dt.timedelta(seconds=int(rng.integers(0, 31 * 86400)))
            status = "ok" if rng.random() > 0.03 else "disputed_rejected"
            rows.append([card, ts, typical * float(rng.lognormal(0, 0.4)), int(rng.choice(4, p=[0.5, 0.3, 0.05, 0.15])), status])
        if rng.random() < 0.25:  # a fraud burst
            t0 = start + dt.timedelta(seconds=int(rng.integers(0, 30 * 86400)))
            for k in range(int(rng.integers(2, 6))):
                ts = t0 + dt.timedelta(seconds=int(rng.integers(30, 900)) * (k + 1))
                st = "chargeback" if rng.random() < 0.6 else "confirmed_fraud"
                rows.append([card, ts, typical * float(rng.lognormal(1.0, 0.6)), int(rng.choice(4, p=[0.1, 0.6, 0.2, 0.1])), st])
    order = rng.permutation(len(rows))
    out = [["tx_id", "card", "ts", "amount", "channel", "status"]]
    for i, j in enumerate(order):
        card, ts, amt, ch, st = rows[j]
        out.append([f"X{i:06d}", card, ts.strftime("%Y-%m-%d %H:%M:%S"), f"{amt:.2f}", CHANNELS[ch], st])
    _write_atomic(Path(out_dir) / "card_tx.csv", _lines(out))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
