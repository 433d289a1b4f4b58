"""Seeded generator for insurance_charges_ridge: insurance.csv (header), Kaggle-insurance-like.

Columns: age,sex,bmi,children,smoker,region,charges
smoker is written yes/no/Yes/No/Y, region in varying case, bmi empty for ~3%.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

REGIONS = ["northeast", "northwest", "southeast", "southwest"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 1000 * scale
    rows = [["age", "sex", "bmi", "children", "smoker", "region", "charges"]]
    for _ in range(n):
        age = int(rng.integers(18, 65))
        bmi = float(np.clip(rng.normal(30.5, 6), 16, 53))
        kids = int(rng.choice(6, p=[0.43, 0.24, 0.18, 0.11, 0.02, 0.02]))
        smoker = rng.random() < 0.2
        region = int(rng.integers(4))
        charges = 2500 + 260 * age + 450 * kids + (23000 + 1400 * max(0, bmi - 30)) * smoker + 300 * max(0, bmi - 30)
        charges *= float(np.exp(rng.normal(0, 0.15)))
        sm = (["yes", "Yes", "Y"] if smoker else ["no", "No"])[int(rng.integers(3 if smoker else 2))]
        reg = REGIONS[region] if rng.random() < 0.85 else REGIONS[region].upper()
        bmi_txt = "" if rng.random() < 0.03 else f"{bmi:.2f}"
        rows.append([age, "female" if rng.random() < 0.5 else "male", bmi_txt, kids, sm, reg, f"{charges:.2f}"])
    _write_atomic(Path(out_dir) / "insurance.csv", _lines(rows))


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
