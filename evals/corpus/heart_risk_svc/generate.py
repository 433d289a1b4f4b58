"""Seeded generator for heart_risk_svc: heart.psv (pipe-separated, no header), hand-entered values.

Columns: record_id|age|sex|chest_pain|resting_bp|cholesterol|max_hr|exercise_angina|disease
sex is written as M/F/male/female with stray spaces, chest_pain in mixed case, disease as yes/no/Y/N.
About 4% of the records are exact duplicates (double entry).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

SEX = {"M": ["M", "male", " M", "Male "], "F": ["F", "female", "F ", "Female"]}
CP = ["typical", "atypical", "non-anginal", "asymptomatic"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 500 * scale
    rows = []
    for i in range(n):
        sex = "M" if rng.random() < 0.65 else "F"
        age = int(rng.integers(29, 78))
        cp = int(rng.choice(4, p=[0.2, 0.2, 0.25, 0.35]))
        bp = int(rng.normal(132, 17))
        chol = int(rng.normal(245, 50))
        max_hr = int(np.clip(rng.normal(205 - 0.8 * age, 18), 70, 202))
        angina = int(rng.random() < 0.33)
        z = (age - 54) / 9 + (cp == 3) * 1.4 + angina * 1.2 - (max_hr - 150) / 25 + (sex == "M") * 0.6 + rng.normal(0, 1) - 0.8
        sick = z > 0
        dis = ["yes", "Y"][int(rng.random() < 0.3)] if sick else ["no", "N"][int(rng.random() < 0.3)]
        cp_txt = CP[cp] if rng.random() < 0.7 else CP[cp].upper()
        row = [f"{i:05d}", age, SEX[sex][int(rng.integers(4))], cp_txt, bp, chol, max_hr, angina, dis]
        rows.append(row)
        if rng.random() < 0.04:
            rows.append(list(row))
    _write_atomic(Path(out_dir) / "heart.psv", _lines(rows, sep="|"))


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
