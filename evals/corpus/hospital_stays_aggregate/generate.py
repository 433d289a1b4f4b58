"""Seeded generator for hospital_stays_aggregate: patients.csv, admissions.csv, diagnoses.csv (headers).

patients.csv:   patient_id,birth_year,sex
admissions.csv: admission_id,patient_id,ward,admit_date,discharge_date   (2020-2023)
diagnoses.csv:  admission_id,icd_code   (1-6 codes per admission; one-to-many)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

WARDS = ["cardio", "ortho", "general", "neuro", "onco"]
CODES = ["I10", "E11", "J44", "N18", "I50", "M17", "S72", "C34", "F32", "K21", "Z96", "R07"]
CHRONIC = {"I10", "E11", "J44", "N18", "I50"}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_pat, n_adm = 400 * scale, 900 * scale
    pats = [["patient_id", "birth_year", "sex"]]
    by = {}
    for p in range(n_pat):
        by[p] = int(rng.integers(1930, 2004))
        pats.append([f"PT{p:05d}", by[p], "F" if rng.random() < 0.5 else "M"])
    _write_atomic(out_dir / "patients.csv", _lines(pats))
    adms = [["admission_id", "patient_id", "ward", "admit_date", "discharge_date"]]
    diags = [["admission_id", "icd_code"]]
    start = dt.date(2020, 1, 1)
    for a in range(n_adm):
        p = int(rng.integers(n_pat))
        ward = int(rng.integers(len(WARDS)))
        admit = start + dt.timedelta(days=int(rng.integers(0, 4 * 365)))
        codes = list(rng.choice(len(CODES), size=int(rng.integers(1, 7)), replace=False))
        n_chronic = sum(CODES[c] in CHRONIC for c in codes)
        age = admit.year - by[p]
        los = 1.5 + 0.9 * len(codes) + 1.2 * n_chronic + 0.06 * max(0, age - 50) + [0, 3, 0, 2, 4][ward]
        los += 1.5 if admit.weekday() >= 4 else 0
        los = max(0, int(round(los + rng.normal(0, 1.5))))
        aid = f"AD{a:06d}"
        adms.append([aid, f"PT{p:05d}", WARDS[ward], admit.isoformat(), (admit + dt.timedelta(days=los)).isoformat()])
        for c in codes:
            diags.append([aid, CODES[c]])
    _write_atomic(out_dir / "admissions.csv", _lines(adms))
    _write_atomic(out_dir / "diagnoses.csv", _lines(diags))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
