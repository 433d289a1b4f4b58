"""Seeded generator for patients_readmission: patients.csv and labs.csv (both with header).

patients.csv: patient_id,age,sex,admission_type,num_medications,readmit_days (empty = not readmitted)
labs.csv: patient_id,test,value   (several tests per patient; HbA1c missing for ~20% of patients)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

ADM = ["emergency", "urgent", "elective", "transfer"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 600 * scale
    patients = [["patient_id", "age", "sex", "admission_type", "num_medications", "readmit_days"]]
    labs = [["patient_id", "test", "value"]]
    for i in range(n):
        pid = f"H{i:05d}"
        age = int(rng.integers(20, 95))
        adm = ADM[int(rng.choice(4, p=[0.45, 0.2, 0.3, 0.05]))]
        meds = int(rng.poisson(8))
        hba1c = float(np.round(rng.normal(7.0, 1.4), 1))
        risk = (age - 60) / 20 + (meds - 8) / 4 + (hba1c - 7) / 1.5 + (adm == "emergency") * 0.6 + rng.normal(0, 0.8)
        readmit = ""
        if risk > 0.7:
            readmit = str(int(rng.integers(3, 30)))
        elif rng.random() < 0.25:
            readmit = str(int(rng.integers(31, 200)))
        patients.append([pid, age, "F" if rng.random() < 0.52 else "M", adm, meds, readmit])
        if rng.random() > 0.2:
            labs.append([pid, "hba1c", f"{hba1c:.1f}"])
        labs.append([pid, "creatinine", f"{rng.normal(1.0, 0.3):.2f}"])
    _write_atomic(out_dir / "patients.csv", _lines(patients))
    _write_atomic(out_dir / "labs.csv", _lines(labs))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
