"""Seeded generator for reviews_rating_mlp: users.csv (no header) and reviews.psv (pipe-separated, header).

users.csv: user_id,signup_year,country,is_verified
reviews.psv: user_id|stars|body
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

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
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
