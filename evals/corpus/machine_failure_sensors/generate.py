"""Seeded generator for machine_failure_sensors: sensor_readings.jsonl, machines.csv and failures.csv.

sensor_readings.jsonl: {"machine_id", "ts" (ISO timestamp), "temp_c", "vibration", "pressure", "rpm", "status"}
    three readings a day per machine over 21 days; temp_c / vibration null for ~2%; status "ok", "warn"
    or "calibration" (calibration readings are not production data)
machines.csv: machine_id,model,install_year,line
failures.csv: machine_id,date,failure_type   (one row per logged breakdown; vibration and heat rise the days before)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt
import json

import numpy as np

MODELS = ["HX-200", "HX-300", "Vulcan 5", "Kappa Mill"]
TYPES = ["bearing", "overheat", "hydraulic", "electrical"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_mach, n_days = 48 * scale, 21
    start = dt.datetime(2024, 3, 1)
    machines = [["machine_id", "model", "install_year", "line"]]
    readings, failures = [], [["machine_id", "date", "failure_type"]]
    for m in range(n_mach):
        mid = f"M{m:03d}"
        model = int(rng.choice(4, p=[0.4, 0.3, 0.2, 0.1]))
        year = int(rng.integers(2008, 2023))
        machines.append([mid, MODELS[model], year, f"L{int(rng.integers(1, 5))}"])
        base_vib = rng.uniform(0.25, 0.5) * (1.3 if model == 3 else 1.0)
        base_temp = rng.normal(65, 4)
        hazard = 0.02 + 0.004 * (2024 - year) + 0.03 * (model == 2)
        fail_days = [d for d in range(1, n_days) if rng.random() < hazard]
        for d in range(n_days):
            stress = sum(max(0, 3 - (f - d)) for f in fail_days if 0 < f - d <= 2)
            for hour in (6, 14, 22):
                ts = start + dt.timedelta(days=d, hours=hour, minutes=int(rng.integers(0, 50)))
                status = "calibration" if rng.random() < 0.03 else ("warn" if stress and rng.random() < 0.3 else "ok")
                temp = base_temp + 3.5 * stress + rng.normal(0, 2.5) + (4 if hour == 14 else 0)
                vib = base_vib * (1 + 0.35 * stress) * rng.lognormal(0, 0.12)
                rec = {"machine_id": mid, "ts": ts.isoformat(), "temp_c": None if rng.random() < 0.02 else round(temp, 1),
                       "vibration": None if rng.random() < 0.02 else round(vib, 3),
                       "pressure": round(float(rng.normal(5.2 - 0.2 * stress, 0.3)), 2),
                       "rpm": int(rng.normal(1480, 25)), "status": status}
                readings.append(json.dumps(rec))
        for f in fail_days:
            failures.append([mid, (start + dt.timedelta(days=f)).date().isoformat(), TYPES[int(rng.integers(4))]])
    _write_atomic(out_dir / "sensor_readings.jsonl", "\n".join(readings) + "\n")
    _write_atomic(out_dir / "machines.csv", _lines(machines))
    _write_atomic(out_dir / "failures.csv", _lines(failures))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
