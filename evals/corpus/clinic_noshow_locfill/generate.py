"""Seeded generator for clinic_noshow_locfill: appointments.csv, one row per outpatient appointment.

appointments.csv: appointment_id,gender,age,neighbourhood,specialty,insurance,weekday,lead_days,
wait_days,sms_reminder,prior_noshows,distance_km,no_show
gender blank for ~3%, neighbourhood blank for ~6%, insurance blank for ~4%; age, wait_days and
distance_km blank for ~10% each (not recorded at booking); lead_days always present (days between
booking and appointment); no_show is 1 when the patient did not come.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

NEIGHBOURHOODS = {"Riverside": 0.3, "Old Town": -0.2, "Hillcrest": -0.4, "Eastgate": 0.5,
                  "Millbrook": 0.0, "Harbour": 0.2, "Northfield": -0.1}
SPECIALTIES = {"general": 0.0, "dermatology": 0.3, "cardiology": -0.5, "pediatrics": -0.2,
               "orthopedics": 0.1, "psychiatry": 0.6}
INSURANCE = {"public": 0.2, "private": -0.4, "none": 0.7}
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]


def _blank(rng: np.random.Generator, p: float, text: str) -> str:
    return "" if rng.random() < p else text


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    hoods, specs, ins = list(NEIGHBOURHOODS), list(SPECIALTIES), list(INSURANCE)
    rows = [["appointment_id", "gender", "age", "neighbourhood", "specialty", "insurance", "weekday",
             "lead_days", "wait_days", "sms_reminder", "prior_noshows", "distance_km", "no_show"]]
    for i in range(500 * scale):
        gender = "F" if rng.random() < 0.6 else "M"
        spec = specs[int(rng.choice(len(specs), p=[0.35, 0.12, 0.13, 0.15, 0.15, 0.1]))]
        age = int(rng.integers(1, 15)) if spec == "pediatrics" else int(np.clip(rng.normal(45, 19), 16, 95))
        hood = hoods[int(rng.integers(len(hoods)))]
        insurance = ins[int(rng.choice(3, p=[0.55, 0.35, 0.1]))]
        weekday = WEEKDAYS[int(rng.integers(5))]
        lead = int(rng.gamma(2.0, 6.0))
        wait = max(0, int(round(lead * rng.uniform(0.2, 0.8))))
        sms = int(rng.random() < 0.45)
        prior = int(rng.poisson(0.6))
        dist = rng.gamma(2.0, 3.5)
        z = (-1.6 + 0.04 * lead + 0.5 * prior - 0.6 * sms - 0.012 * (age - 45) + 0.06 * dist
             + NEIGHBOURHOODS[hood] + SPECIALTIES[spec] + INSURANCE[insurance]
             + (0.3 if weekday in ("Mon", "Fri") else 0.0) + rng.normal(0, 0.6))
        rows.append([100000 + 7 * i, _blank(rng, 0.03, gender), _blank(rng, 0.1, str(age)),
                     _blank(rng, 0.06, hood), spec, _blank(rng, 0.04, insurance), weekday, lead,
                     _blank(rng, 0.1, str(wait)), sms, prior, _blank(rng, 0.1, f"{dist:.1f}"),
                     int(z > 0)])
    _write_atomic(Path(out_dir) / "appointments.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
