"""Seeded generator for reviews_sentiment_bow: reviews.csv (header, quoted CSV; text has commas).

Columns: review_id,product,rating,title,text
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import csv
import io

import numpy as np

POS = ["great", "love", "excellent", "perfect", "works", "recommend", "sturdy", "fast", "comfortable", "happy"]
NEG = ["broke", "terrible", "refund", "cheap", "disappointed", "slow", "returned", "poor", "waste", "awful"]
NEU = ["the", "it", "this", "product", "i", "was", "and", "for", "with", "my", "size", "color", "box",
       "delivery", "price", "after", "week", "use", "daily", "kids", "kitchen", "battery", "quality"]
PRODUCTS = ["blender", "headphones", "backpack", "desk lamp", "kettle", "phone case", "yoga mat"]


def _text(rng, rating):
    n = int(rng.integers(6, 25))
    p_pos = {1: 0.05, 2: 0.1, 3: 0.2, 4: 0.3, 5: 0.4}[rating]
    p_neg = {1: 0.4, 2: 0.3, 3: 0.2, 4: 0.07, 5: 0.03}[rating]
    words = []
    for _ in range(n):
        u = rng.random()
        pool = POS if u < p_pos else (NEG if u < p_pos + p_neg else NEU)
        w = pool[int(rng.integers(len(pool)))]
        if rng.random() < 0.15:
            w = w.capitalize()
        if rng.random() < 0.1:
            w += rng.choice([",", "!", ".", "!!"])
        words.append(w)
    return " ".join(words)


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 900 * scale
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["review_id", "product", "rating", "title", "text"])
    for i in range(n):
        rating = int(rng.choice([1, 2, 3, 4, 5], p=[0.12, 0.1, 0.13, 0.25, 0.4]))
        title = _text(rng, rating).split(" ")[:3]
        w.writerow([f"R{i:06d}", PRODUCTS[int(rng.integers(len(PRODUCTS)))], rating, " ".join(title), _text(rng, rating)])
    _write_atomic(Path(out_dir) / "reviews.csv", buf.getvalue())


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
