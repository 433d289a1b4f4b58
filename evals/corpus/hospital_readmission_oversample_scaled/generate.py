"""Seeded generator for hospital_readmission_oversample_scaled: hospital stays and whether the patient came back within 30 days.

patients.csv:   patient_id,sex,birth_year,insurance,chronic_conditions (500 patients per scale unit)
admissions.csv: admission_id,patient_id,admit_date,discharge_date,department,num_procedures,
                num_medications,lab_tests,prior_visits,readmitted (1400 stays per scale unit, ~11% readmitted)
Dirt: department and insurance spelt with odd casing / stray spaces, sex as M/F/m/f, blank discharge dates,
blank lab_tests and num_medications, blank chronic_conditions, ~2% of stays whose patient_id is unknown.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

DEPTS = {"Cardiology": 0.6, "Orthopedics": -0.4, "General Surgery": 0.1, "Oncology": 0.8, "Maternity": -0.9}
INSURANCE = {"Public": 0.3, "Private": -0.2, "Self-pay": 0.1}


def _messy(rng, value: str) -> str:
    r = rng.random()
    if r < 0.05:
        return value.lower()
    if r < 0.08:
        return value.upper()
    if r < 0.12:
        return value + " "
    return value


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_pat, n_adm = 500 * scale, 1400 * scale
    patients = [["patient_id", "sex", "birth_year", "insurance", "chronic_conditions"]]
    risk = {}
    for i in range(n_pat):
        pid = 5000 + i
        sex = "M" if rng.random() < 0.48 else "F"
        by = int(np.clip(rng.normal(1960, 18), 1925, 2004))
        ins = list(INSURANCE)[int(rng.choice(3, p=[0.5, 0.4, 0.1]))]
        chronic = int(np.clip(rng.poisson(1.0 + (2000 - by) / 40), 0, 8))
        risk[pid] = (by, INSURANCE[ins], chronic)
        sx = sex.lower() if rng.random() < 0.1 else sex
        ch = "" if rng.random() < 0.04 else str(chronic)
        patients.append([pid, sx, by, _messy(rng, ins), ch])
    admissions = [["admission_id", "patient_id", "admit_date", "discharge_date", "department", "num_procedures",
                   "num_medications", "lab_tests", "prior_visits", "readmitted"]]
    start = date(2022, 1, 1)
    for j in range(n_adm):
        pid = 5000 + int(rng.integers(n_pat))
        dept = list(DEPTS)[int(rng.choice(5, p=[0.25, 0.2, 0.25, 0.12, 0.18]))]
        admit = start + timedelta(days=int(rng.integers(0, 700)))
        los = int(np.clip(rng.gamma(2.0, 2.5), 1, 40))
        procs = int(rng.poisson(1.5))
        meds = int(np.clip(rng.normal(12 + 0.8 * los, 5), 1, 60))
        labs = int(rng.poisson(20 + 3 * los))
        prior = int(rng.poisson(0.8))
        by, ins_r, chronic = risk[pid]
        logit = (-4.1 + DEPTS[dept] + ins_r + 0.09 * los + 0.35 * chronic + 0.45 * prior
                 + 0.02 * (admit.year - by - 60) + 0.03 * (meds - 15))
        readm = int(rng.random() < 1 / (1 + np.exp(-logit)))
        if rng.random() < 0.02:
            pid = 9000 + int(rng.integers(100))  # unknown patient
        dd = "" if rng.random() < 0.03 else (admit + timedelta(days=los)).isoformat()
        md = "" if rng.random() < 0.03 else str(meds)
        lb = "" if rng.random() < 0.05 else str(labs)
        admissions.append([100000 + j, pid, admit.isoformat(), dd, _messy(rng, dept), procs, md, lb, prior, readm])
    _write_atomic(out_dir / "patients.csv", _lines(patients))
    _write_atomic(out_dir / "admissions.csv", _lines(admissions))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
