"""Seeded generator for wind_turbine_qcut_bins: readings.csv, ten-minute turbine readings (header).

Columns: reading_id,turbine,site,wind_speed,wind_dir,air_temp,rotor_rpm,blade_pitch,output_kw
wind_speed is empty for ~3% (anemometer dropouts); air_temp for ~5%; site spelled with stray case;
output_kw follows a power curve with noise and a few curtailed (zero) readings.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

SITES = {"north ridge": 1.1, "coastal": 1.25, "valley": 0.85}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    turbines = [(f"T{k:02d}", list(SITES)[k % 3]) for k in range(12)]
    rows = [["reading_id", "turbine", "site", "wind_speed", "wind_dir", "air_temp", "rotor_rpm",
             "blade_pitch", "output_kw"]]
    for i in range(1000 * scale):
        tid, site = turbines[int(rng.integers(len(turbines)))]
        speed = float(np.clip(rng.weibull(2.0) * 8 * SITES[site], 0, 28))
        direction = int(rng.integers(0, 360))
        temp = rng.normal(11, 7)
        rpm = min(speed, 13) * 1.2 + rng.normal(0, 0.5)
        pitch = max(0.0, (speed - 12) * 1.5 + rng.normal(0, 0.4))
        kw = 2000 / (1 + np.exp(-(speed - 8) * 0.9)) * (0 if speed > 25 else 1)
        kw = max(0.0, kw * rng.normal(1, 0.06) - 30)
        if rng.random() < 0.02:
            kw = 0.0
        shown = site.title() if rng.random() < 0.2 else site
        rows.append([i, tid, shown, "" if rng.random() < 0.03 else f"{speed:.2f}", direction,
                     "" if rng.random() < 0.05 else f"{temp:.1f}", f"{rpm:.2f}", f"{pitch:.2f}",
                     f"{kw:.1f}"])
    _write_atomic(Path(out_dir) / "readings.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
