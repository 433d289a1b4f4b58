"""Seeded generator for hospital_stays_aggregate: patients.csv, admissions.csv, diagnoses.csv (headers).

patients.csv:   patient_id,birth_year,sex
admissions.csv: admission_id,patient_id,ward,admit_date,discharge_date   (2020-2023)
diagnoses.csv:  admission_id,icd_code   (1-6 codes per admission; one-to-many)
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

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
