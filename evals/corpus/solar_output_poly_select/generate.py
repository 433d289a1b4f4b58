"""Seeded generator for solar_output_poly_select: readings.csv, daily readings of rooftop solar installations.

readings.csv: site,date,panel_kw,tilt_deg,azimuth_dev,irradiance,cloud_cover,temp_c,humidity,wind_ms,
dust_index,firmware,output_kwh
a constant column firmware (every site on the same release); irradiance blank for ~2% (sensor down);
output_kwh the day's yield.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["site", "date", "panel_kw", "tilt_deg", "azimuth_dev", "irradiance", "cloud_cover", "temp_c",
             "humidity", "wind_ms", "dust_index", "firmware", "output_kwh"]]
    sites = [(f"S{k:03d}", rng.uniform(3, 12), rng.uniform(10, 45), rng.uniform(0, 60)) for k in range(40)]
    for i in range(1200 * scale):
        site, kw, tilt, az = sites[int(rng.integers(len(sites)))]
        day = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
        season = np.cos((day.timetuple().tm_yday - 172) / 365 * 2 * np.pi)
        cloud = float(np.clip(rng.beta(2, 3), 0, 1))
        irr = max(0.5, 4.5 + 2.5 * season) * (1 - 0.75 * cloud)
        temp = 12 + 10 * season + rng.normal(0, 4)
        dust = float(rng.uniform(0, 1))
        out = kw * irr * (1 - abs(tilt - 30) / 150) * (1 - az / 300) * (1 - 0.004 * max(temp - 25, 0))
        out *= (1 - 0.15 * dust) * rng.lognormal(0, 0.05)
        rows.append([site, day.isoformat(), f"{kw:.2f}", f"{tilt:.1f}", f"{az:.1f}",
                     "" if rng.random() < 0.02 else f"{irr:.3f}", f"{cloud:.2f}", f"{temp:.1f}",
                     f"{rng.uniform(30, 95):.0f}", f"{rng.gamma(2, 2):.1f}", f"{dust:.2f}", "4.2", f"{out:.2f}"])
    _write_atomic(Path(out_dir) / "readings.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
