"""Seeded generator for loan_rate_svr: loans.jsonl (one JSON object per line).

Keys: loan_id, grade (A-G), purpose, amount, annual_income, emp_length (missing on ~10%),
dti, interest_rate.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import json

import numpy as np

GRADES = "ABCDEFG"
PURPOSES = ["debt_consolidation", "credit_card", "home_improvement", "car", "medical", "small_business"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 600 * scale
    lines = []
    for i in range(n):
        g = int(rng.choice(7, p=[0.18, 0.27, 0.22, 0.15, 0.1, 0.05, 0.03]))
        purpose = PURPOSES[int(rng.integers(len(PURPOSES)))]
        amount = int(rng.integers(20, 400)) * 100
        income = int(round(rng.lognormal(11.0, 0.4), -2))
        dti = round(float(rng.uniform(2, 35)), 1)
        rate = 6.0 + 3.1 * g + 0.05 * dti + (1.5 if purpose == "small_business" else 0.0) + rng.normal(0, 0.8)
        rec = {"loan_id": f"L{i:05d}", "grade": GRADES[g], "purpose": purpose, "amount": amount,
               "annual_income": income, "dti": dti, "interest_rate": round(float(rate), 2)}
        if rng.random() > 0.10:
            rec["emp_length"] = int(rng.integers(0, 11))
        lines.append(json.dumps(rec, sort_keys=True))
    _write_atomic(Path(out_dir) / "loans.jsonl", "\n".join(lines) + "\n")


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
