"""Seeded generator for bike_rentals_hourly: rentals.csv (header), hourly bike-share counts.

Columns: datetime,season,holiday,workingday,weather,temp,humidity,windspeed,count
datetime is "M/D/YYYY H:MM" (US export format); weather 1 (clear) .. 4 (storm).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

HOUR_SHAPE = [0.1, 0.05, 0.03, 0.02, 0.03, 0.1, 0.4, 1.2, 2.0, 1.0, 0.7, 0.8,
              1.0, 1.0, 0.9, 1.0, 1.4, 2.4, 2.0, 1.3, 0.9, 0.7, 0.5, 0.3]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 1500 * scale
    start = dt.datetime(2022, 1, 1)
    rows = [["datetime", "season", "holiday", "workingday", "weather", "temp", "humidity", "windspeed", "count"]]
    for i in range(n):
        t = start + dt.timedelta(hours=int(i * 17520 / n))   # spread over two years
        season = (t.month % 12) // 3 + 1
        holiday = int(rng.random() < 0.03)
        working = int(t.weekday() < 5 and not holiday)
        weather = int(rng.choice([1, 2, 3, 4], p=[0.65, 0.25, 0.09, 0.01]))
        temp = 15 - 12 * np.cos(2 * np.pi * (t.timetuple().tm_yday - 15) / 365) + rng.normal(0, 3)
        hum = int(np.clip(rng.normal(62, 18), 10, 100))
        wind = max(0.0, float(rng.normal(12, 7)))
        shape = HOUR_SHAPE[t.hour] if working else (0.3 + 0.8 * (10 <= t.hour <= 18))
        mu = 120 * shape * (1 + 0.04 * (temp - 10)) * [1, 0.8, 0.45, 0.1][weather - 1] * (1 + 0.3 * (t.year - 2022))
        count = int(rng.poisson(max(1.0, mu)))
        rows.append([f"{t.month}/{t.day}/{t.year} {t.hour}:00", season, holiday, working, weather, f"{temp:.2f}", hum, f"{wind:.4f}", count])
    _write_atomic(Path(out_dir) / "rentals.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
