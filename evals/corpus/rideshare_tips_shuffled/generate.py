"""Seeded generator for rideshare_tips_shuffled: trips.csv, one row per completed ride-share trip in March 2024.

trips.csv: trip_id,pickup_time,distance_km,duration_min,fare,tip,payment,passengers,zone
pickup_time 'YYYY-MM-DD HH:MM'; a few trips with fare 0 (cancelled) or absurd distances (GPS glitch);
payment 'card', 'cash' or 'wallet' (cash tips are mostly not recorded).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

ZONES = ["airport", "downtown", "suburb", "university", "harbor"]
PAYMENTS = ["card", "cash", "wallet"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["trip_id", "pickup_time", "distance_km", "duration_min", "fare", "tip", "payment", "passengers",
             "zone"]]
    for i in range(1500 * scale):
        day = int(rng.integers(1, 32))
        hour = int(rng.choice(24, p=np.r_[np.full(6, 0.01), np.full(18, 0.94 / 18)]))
        minute = int(rng.integers(60))
        dist = float(rng.gamma(2.0, 3.5))
        dur = dist * rng.uniform(1.8, 3.5) + rng.uniform(2, 8)
        fare = 3.0 + 1.4 * dist + 0.3 * dur
        pay = PAYMENTS[int(rng.choice(3, p=[0.6, 0.15, 0.25]))]
        zone = ZONES[int(rng.integers(len(ZONES)))]
        pct = 0.0 if pay == "cash" and rng.random() < 0.8 else max(0.0, rng.normal(0.15 + 0.05 * (zone == "airport")
                                                                          + 0.03 * (hour >= 20), 0.06))
        if rng.random() < 0.01:
            fare = 0.0
        if rng.random() < 0.005:
            dist = 900.0 + rng.uniform(0, 100)
        rows.append([f"T{i:06d}", f"2024-03-{day:02d} {hour:02d}:{minute:02d}", f"{dist:.2f}", f"{dur:.1f}",
                     f"{fare:.2f}", f"{fare * pct:.2f}", pay, int(rng.choice(4, p=[0.7, 0.2, 0.07, 0.03])) + 1,
                     zone])
    _write_atomic(Path(out_dir) / "trips.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
