"""Seeded generator for fraud_velocity_features: card_tx.csv (header), unsorted.

Columns: tx_id,card,ts,amount,channel,status
ts is "YYYY-MM-DD HH:MM:SS" over March 2024; status in ok / disputed_rejected / chargeback / confirmed_fraud.
Fraud comes in bursts: several transactions on one card within minutes.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

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
