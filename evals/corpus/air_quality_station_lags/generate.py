"""Seeded generator for air_quality_station_lags: hourly PM2.5 readings of city monitoring stations.

train.csv: id,station,timestamp,temp,humidity,wind_speed,wind_dir,no2,pm25 (14 days x 24 h x 5 stations per scale unit)
test.csv:  id,station,timestamp,temp,humidity,wind_speed,wind_dir,no2 (the following 3 days per scale unit)
Dirt: station names with odd casing / trailing spaces, "calm" and blanks in wind_speed, "<LOD" and blanks
in no2, blank humidity and wind_dir, ~1% replayed rows in train, a few blank pm25 targets.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

STATIONS = {"Central": 28.0, "Harbour": 22.0, "Airport": 18.0, "Northgate": 15.0, "Riverside": 20.0}
DIRS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    train_days, test_days = 14 * scale, 3 * scale
    start = datetime(2021, 11, 1)
    header = ["id", "station", "timestamp", "temp", "humidity", "wind_speed", "wind_dir", "no2"]
    train, test = [header + ["pm25"]], [header]
    ar = {s: 0.0 for s in STATIONS}
    rid = 100000
    for h in range((train_days + test_days) * 24):
        ts = start + timedelta(hours=h)
        day = h // 24
        weather_wind = 4 + 3 * np.sin(day / 2.3)
        for name, base in STATIONS.items():
            hour, dow = ts.hour, ts.weekday()
            temp = 8 + 5 * np.sin((hour - 9) / 24 * 2 * np.pi) - day * 0.1 + rng.normal(0, 1.2)
            hum = float(np.clip(70 - 2.5 * (temp - 8) + rng.normal(0, 6), 25, 100))
            wind = max(0.0, weather_wind + rng.normal(0, 1.5))
            rush = 1.0 if hour in (7, 8, 9, 17, 18, 19) and dow < 5 else 0.0
            ar[name] = 0.8 * ar[name] + rng.normal(0, 3.0)
            pm = base + 9 * rush - 1.8 * wind + 0.12 * (hum - 60) - 3 * (dow >= 5) + ar[name]
            pm = max(1.0, pm + rng.normal(0, 2))
            no2 = max(2.0, 0.9 * pm + 12 * rush + rng.normal(0, 5))
            st = name
            r = rng.random()
            if r < 0.04:
                st = name.lower()
            elif r < 0.07:
                st = name + " "
            elif r < 0.09:
                st = name.upper()
            ws = "" if rng.random() < 0.02 else ("calm" if wind < 0.6 else f"{wind:.1f}")
            wd = "" if rng.random() < 0.03 else DIRS[int(rng.integers(8))]
            n2 = "<LOD" if no2 < 8 and rng.random() < 0.5 else ("" if rng.random() < 0.02 else f"{no2:.1f}")
            hu = "" if rng.random() < 0.03 else f"{hum:.0f}"
            row = [rid, st, ts.strftime("%Y-%m-%d %H:%M:%S"), f"{temp:.1f}", hu, ws, wd, n2]
            rid += 1
            if day < train_days:
                row.append("" if rng.random() < 0.01 else f"{pm:.1f}")
                train.append(row)
                if rng.random() < 0.01:
                    train.append(row)
            else:
                test.append(row)
    _write_atomic(out_dir / "train.csv", _lines(train))
    _write_atomic(out_dir / "test.csv", _lines(test))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
