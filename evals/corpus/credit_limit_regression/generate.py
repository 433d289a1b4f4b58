"""Seeded generator for credit_limit_regression: applicants.csv (semicolon-separated, header).

Columns: applicant_id;age;income;debt;employment;years_employed;open_lines;credit_limit
``income`` is empty for about 8% of the applicants.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

EMPLOYMENT = ["salaried", "self-employed", "contract", "retired", "student"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 700 * scale
    rows = [["applicant_id", "age", "income", "debt", "employment", "years_employed", "open_lines", "credit_limit"]]
    for i in range(n):
        age = int(rng.integers(18, 75))
        emp = EMPLOYMENT[int(rng.choice(5, p=[0.55, 0.15, 0.15, 0.1, 0.05]))]
        income = float(np.round(rng.lognormal(10.6, 0.5), 0))
        if emp == "student":
            income *= 0.3
        debt = float(np.round(income * rng.uniform(0.0, 0.9), 0))
        years = int(min(age - 17, rng.integers(0, 30)))
        lines = int(rng.integers(0, 12))
        limit = 0.18 * income - 0.1 * debt + 120 * years + 250 * lines + rng.normal(0, 1500)
        if emp in ("contract", "student"):
            limit *= 0.7
        limit = max(500.0, round(limit / 100) * 100)
        inc_txt = "" if rng.random() < 0.08 else f"{income:.0f}"
        rows.append([f"AP{i:05d}", age, inc_txt, f"{debt:.0f}", emp, years, lines, f"{limit:.0f}"])
    _write_atomic(Path(out_dir) / "applicants.csv", _lines(rows, sep=";"))


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
