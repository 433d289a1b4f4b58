"""Seeded generator for diabetes_onset: diabetes.csv (header), Pima-like columns.

Columns: pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,pedigree,age,outcome
Missing measurements are recorded as 0 (glucose, blood_pressure, bmi, insulin), as in the original data.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 700 * scale
    rows = [["pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "pedigree", "age", "outcome"]]
    for _ in range(n):
        age = int(rng.integers(21, 75))
        preg = int(min(rng.poisson(max(0.5, (age - 20) / 8)), 14))
        glucose = float(np.clip(rng.normal(120, 30), 50, 199))
        bp = float(np.clip(rng.normal(70, 12), 30, 120))
        skin = int(np.clip(rng.normal(25, 9), 0, 60))
        insulin = float(np.clip(rng.normal(100, 60), 0, 600))
        bmi = float(np.clip(rng.normal(32, 6.5), 17, 60))
        ped = float(np.round(rng.gamma(2.0, 0.22), 3))
        z = (glucose - 120) / 25 + (bmi - 32) / 7 + (age - 40) / 20 + ped + rng.normal(0, 1) - 0.7
        outcome = int(z > 0)
        if rng.random() < 0.04:
            glucose = 0
        if rng.random() < 0.05:
            bp = 0
        if rng.random() < 0.03:
            bmi = 0
        if rng.random() < 0.3:
            insulin = 0
        rows.append([preg, f"{glucose:.0f}", f"{bp:.0f}", skin, f"{insulin:.0f}", f"{bmi:.1f}", f"{ped:.3f}", age, outcome])
    _write_atomic(Path(out_dir) / "diabetes.csv", _lines(rows))


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
