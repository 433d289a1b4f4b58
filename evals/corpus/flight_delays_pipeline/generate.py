"""Seeded generator for flight_delays_pipeline: flights.csv (on-time performance extract) and airports.csv.

flights.csv:  FL_DATE,OP_CARRIER,OP_CARRIER_FL_NUM,TAIL_NUM,ORIGIN,DEST,CRS_DEP_TIME,DEP_TIME,DEP_DELAY,TAXI_OUT,
              CRS_ARR_TIME,ARR_DELAY,CANCELLED,CANCELLATION_CODE,CRS_ELAPSED_TIME,DISTANCE
              (times as hhmm without leading zeros; cancelled flights have empty DEP_TIME/DEP_DELAY/ARR_DELAY;
              CRS_ELAPSED_TIME empty for ~1%)
airports.csv: iata,name,city,state,lat,lon,elevation_ft   (two small origins are missing; elevation empty for a few)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

AIRPORTS = [  # iata, city, state, lat, lon, elevation, hub weight
    ("ATL", "Atlanta", "GA", 33.64, -84.43, 1026, 9), ("ORD", "Chicago", "IL", 41.98, -87.90, 672, 8),
    ("DEN", "Denver", "CO", 39.86, -104.67, 5431, 7), ("DFW", "Dallas-Fort Worth", "TX", 32.90, -97.04, 607, 7),
    ("LAX", "Los Angeles", "CA", 33.94, -118.41, 125, 6), ("SEA", "Seattle", "WA", 47.45, -122.31, 433, 4),
    ("BOS", "Boston", "MA", 42.36, -71.01, 20, 4), ("MSP", "Minneapolis", "MN", 44.88, -93.22, 841, 3),
    ("BNA", "Nashville", "TN", 36.12, -86.68, 599, 2), ("SAV", "Savannah", "GA", 32.13, -81.20, 50, 1),
    ("BOI", "Boise", "ID", 43.56, -116.22, 2871, 1), ("GRR", "Grand Rapids", "MI", 42.88, -85.52, 794, 1),
]
CARRIERS = {"AA": 0.3, "DL": -0.2, "UA": 0.1, "WN": 0.25, "AS": -0.3, "B6": 0.45}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    ports = [
        [a[0], f"{a[1]} International", a[1], a[2], a[3], a[4], "" if i in (5, 8) else a[5]]
        for i, a in enumerate(AIRPORTS) if a[0] not in ("BOI", "GRR")
    ]
    _write_atomic(out_dir / "airports.csv", _lines([["iata", "name", "city", "state", "lat", "lon", "elevation_ft"]] + ports))
    weights = np.array([a[6] for a in AIRPORTS], dtype=float)
    weights /= weights.sum()
    carriers = list(CARRIERS)
    rows = [["FL_DATE", "OP_CARRIER", "OP_CARRIER_FL_NUM", "TAIL_NUM", "ORIGIN", "DEST", "CRS_DEP_TIME", "DEP_TIME",
             "DEP_DELAY", "TAXI_OUT", "CRS_ARR_TIME", "ARR_DELAY", "CANCELLED", "CANCELLATION_CODE",
             "CRS_ELAPSED_TIME", "DISTANCE"]]
    start = dt.date(2019, 1, 1)
    for _ in range(2200 * scale):
        o, d = rng.choice(len(AIRPORTS), size=2, replace=False, p=weights)
        a, b = AIRPORTS[int(o)], AIRPORTS[int(d)]
        dist = int(69 * np.hypot(a[3] - b[3], (a[4] - b[4]) * 0.8))
        day = start + dt.timedelta(days=int(rng.integers(0, 365)))
        car = carriers[int(rng.integers(len(carriers)))]
        dep_min = int(rng.integers(5 * 60, 23 * 60 + 30)) // 5 * 5
        elapsed = int(30 + dist / 7.5 + rng.normal(0, 8))
        arr_min = (dep_min + elapsed) % (24 * 60)
        z = (CARRIERS[car] + 0.12 * (dep_min / 60 - 12) + 0.15 * a[6] / 3 + 0.5 * (day.month in (6, 7, 12))
             + 0.3 * (day.weekday() == 4) - 1.5 + rng.normal(0, 1))
        cancelled = rng.random() < 0.02
        if cancelled:
            dep_time = dep_delay = taxi = arr_delay = ""
            code = str(rng.choice(["A", "B", "C"]))
        else:
            delay = int(rng.exponential(45) + 10) if z > 0 else int(rng.normal(-3, 5))
            actual = (dep_min + delay) % (24 * 60)
            dep_time = f"{actual // 60}{actual % 60:02d}"
            dep_delay = f"{delay:.1f}"
            taxi = f"{max(4, rng.normal(16 + a[6], 5)):.1f}"
            arr_delay = f"{delay + rng.normal(0, 8):.1f}"
            code = ""
        rows.append([day.isoformat(), car, int(rng.integers(100, 3000)), f"N{int(rng.integers(100, 999))}{car[0]}",
                     a[0], b[0], f"{dep_min // 60}{dep_min % 60:02d}", dep_time, dep_delay, taxi,
                     f"{arr_min // 60}{arr_min % 60:02d}", arr_delay, f"{float(cancelled):.1f}", code,
                     "" if rng.random() < 0.01 else f"{elapsed:.1f}", f"{dist:.1f}"])
    _write_atomic(out_dir / "flights.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
