"""Seeded generator for energy_daily_consumption: hourly meter partitions, weather and buildings.

meters/building_<id>.csv (no header): timestamp (YYYY-MM-DDTHH:00), kwh ("NA" when the meter dropped out)
weather.csv (header): date,temp_mean,temp_max,humidity
buildings.csv (header): building_id,use,floor_area_m2,year_built
Covers 2023-07-01 .. 2023-10-28 (120 days).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

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
