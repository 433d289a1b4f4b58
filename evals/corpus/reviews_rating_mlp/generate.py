"""Seeded generator for reviews_rating_mlp: users.csv (no header) and reviews.psv (pipe-separated, header).

users.csv: user_id,signup_year,country,is_verified
reviews.psv: user_id|stars|body
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

COUNTRIES = ["us", "uk", "de", "in", "br"]
GOOD = ["amazing", "delightful", "superb", "works", "happy", "sturdy", "beautiful"]
BAD = ["awful", "broke", "missing", "late", "rude", "sticky", "faded"]
OTHER = ["order", "arrived", "box", "seller", "item", "photo", "size", "very", "quite", "not", "really"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_users, n_reviews = 200 * scale, 700 * scale
    users = []
    grump = {}
    for u in range(n_users):
        uid = f"u{u:05d}"
        grump[uid] = float(rng.normal(0, 0.6))
        users.append([uid, int(rng.integers(2012, 2024)), COUNTRIES[int(rng.integers(5))], int(rng.random() < 0.6)])
    _write_atomic(out_dir / "users.csv", _lines(users))
    rows = [["user_id", "stars", "body"]]
    for _ in range(n_reviews):
        uid = f"u{int(rng.integers(n_users)):05d}"
        sat = rng.normal(0, 1) - grump[uid]
        stars = int(np.clip(np.round(3.2 + 1.2 * sat), 1, 5))
        words = []
        for _ in range(int(rng.integers(3, 20))):
            u = rng.random()
            pool = GOOD if u < 0.2 + 0.07 * (stars - 3) else (BAD if u < 0.4 else OTHER)
            words.append(pool[int(rng.integers(len(pool)))])
        rows.append([uid, stars, " ".join(words)])
    _write_atomic(out_dir / "reviews.psv", _lines(rows, sep="|"))


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
