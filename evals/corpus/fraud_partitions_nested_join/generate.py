"""Seeded generator for fraud_partitions_nested_join: daily tab-separated partitions + devices.tsv.

tx/<YYYY-MM-DD>.tsv (no header): tx_id, device_id, amount, time (HH:MM), chargeback (0/1), manual_review (fraud/ok/empty)
    The ingestion job replays ~5% of a day's transactions into the next day's file (same tx_id).
devices.tsv (header): device_id, os, rooted, first_seen
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

OSES = ["android", "ios", "web", "harmony"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_dev, days, per_day = 60 * scale, 7, 170 * scale
    devs = [["device_id", "os", "rooted", "first_seen"]]
    dinfo = []
    for d in range(n_dev):
        os_ = int(rng.choice(4, p=[0.45, 0.35, 0.15, 0.05]))
        rooted = int(rng.random() < 0.12)
        first = dt.date(2024, 3, 7) - dt.timedelta(days=int(rng.integers(0, 400)))
        dinfo.append((os_, rooted, first))
        devs.append([f"D{d:04d}", OSES[os_], rooted, first.isoformat()])
    _write_atomic(out_dir / "devices.tsv", _lines(devs, sep="\t"))
    tx_id = 0
    carry = []
    for day in range(days):
        date = dt.date(2024, 3, 1) + dt.timedelta(days=day)
        rows = list(carry)
        carry = []
        for _ in range(per_day):
            d = int(rng.integers(n_dev))
            os_, rooted, first = dinfo[d]
            amount = float(rng.lognormal(3.8, 1.1))
            hour = int(rng.integers(0, 24))
            age = (date - first).days
            z = 1.8 * rooted + 0.6 * np.log(amount) - 3.5 - 0.004 * age + 0.8 * (hour < 6) + rng.normal(0, 0.8)
            cb = int(z > 0.7 and rng.random() < 0.7)
            review = "fraud" if z > 0.5 and not cb and rng.random() < 0.5 else ("ok" if rng.random() < 0.2 else "")
            row = [f"TX{tx_id:07d}", f"D{d:04d}", f"{amount:.2f}", f"{hour:02d}:{int(rng.integers(60)):02d}", cb, review]
            tx_id += 1
            rows.append(row)
            if rng.random() < 0.05:
                carry.append(row)
        _write_atomic(out_dir / "tx" / f"{date.isoformat()}.tsv", _lines(rows, sep="\t"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
