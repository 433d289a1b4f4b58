"""Seeded generator for reviews_helpfulness_tfidf: reviews.jsonl and products.csv.

reviews.jsonl: {"review_id", "product_id", "date", "stars", "text", "helpful_votes"}
products.csv (header): product_id,category,price
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt
import json

import numpy as np

CATS = ["electronics", "home", "toys", "books", "garden"]
DETAIL = ["battery", "lasted", "months", "compared", "previous", "model", "measured", "inches", "setup",
          "instructions", "warranty", "customer", "support", "replaced", "screws", "manual", "noise", "weight"]
FILLER = ["good", "bad", "ok", "nice", "meh", "great", "love", "it", "the", "works", "fine", "cool"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_prod, n_rev = 60 * scale, 1000 * scale
    prods = [["product_id", "category", "price"]]
    price = {}
    for p in range(n_prod):
        pid = f"PR{p:04d}"
        price[pid] = round(float(rng.lognormal(3.5, 0.9)), 2)
        prods.append([pid, CATS[int(rng.integers(len(CATS)))], f"{price[pid]:.2f}"])
    _write_atomic(out_dir / "products.csv", _lines(prods))
    lines = []
    start = dt.date(2019, 6, 1)
    for i in range(n_rev):
        pid = f"PR{int(rng.integers(n_prod)):04d}"
        detailed = rng.random()
        n_words = int(3 + detailed * 40 + rng.integers(0, 5))
        words = []
        for _ in range(n_words):
            pool = DETAIL if rng.random() < detailed else FILLER
            words.append(pool[int(rng.integers(len(pool)))])
        stars = int(rng.integers(1, 6))
        votes = int(rng.poisson(0.2 + 12 * detailed ** 2 + price[pid] / 200))
        date = start + dt.timedelta(days=int(rng.integers(0, 1100)))
        lines.append(json.dumps({"review_id": i, "product_id": pid, "date": date.isoformat(), "stars": stars,
                                 "text": " ".join(words), "helpful_votes": votes}))
    _write_atomic(out_dir / "reviews.jsonl", "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
