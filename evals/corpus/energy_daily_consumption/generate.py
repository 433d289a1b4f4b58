"""Seeded generator for energy_daily_consumption: hourly meter partitions, weather and buildings.

meters/building_<id>.csv (no header): timestamp (YYYY-MM-DDTHH:00), kwh ("NA" when the meter dropped out)
weather.csv (header): date,temp_mean,temp_max,humidity
buildings.csv (header): building_id,use,floor_area_m2,year_built
Covers 2023-07-01 .. 2023-10-28 (120 days).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

USES = ["office", "school", "retail", "lab"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_b, n_days = 6 * scale, 120
    start = dt.date(2023, 7, 1)
    temps = {}
    weather = [["date", "temp_mean", "temp_max", "humidity"]]
    for d in range(n_days):
        day = start + dt.timedelta(days=d)
        t = 24 - 12 * d / n_days + rng.normal(0, 3)
        temps[day] = t
        weather.append([day.isoformat(), f"{t:.1f}", f"{t + rng.uniform(3, 8):.1f}", int(rng.integers(30, 95))])
    _write_atomic(out_dir / "weather.csv", _lines(weather))
    bld = [["building_id", "use", "floor_area_m2", "year_built"]]
    for b in range(n_b):
        use = int(rng.integers(4))
        area = int(rng.lognormal(8, 0.5))
        bld.append([f"B{b:03d}", USES[use], area, int(rng.integers(1950, 2020))])
        rows = []
        for d in range(n_days):
            day = start + dt.timedelta(days=d)
            weekend = day.weekday() >= 5
            school_break = USES[use] == "school" and day < dt.date(2023, 9, 1)
            for h in range(24):
                occ = 0.2 if (weekend or school_break or h < 7 or h > 19) else 1.0
                kwh = area / 1000 * (1.5 + 3 * occ + 0.25 * max(0, temps[day] - 18) + (USES[use] == "lab") * 2) * rng.uniform(0.85, 1.15)
                val = "NA" if rng.random() < 0.02 or (rng.random() < 0.01 and h > 10) else f"{kwh:.3f}"
                rows.append([f"{day.isoformat()}T{h:02d}:00", val])
        _write_atomic(out_dir / "meters" / f"building_B{b:03d}.csv", _lines(rows))
    _write_atomic(out_dir / "buildings.csv", _lines(bld))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
