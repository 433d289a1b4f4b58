"""Seeded generator for reviews_hashing_products: reviews.tsv (tab-separated, header) and products.csv.

reviews.tsv: review_id<TAB>product_id<TAB>rating<TAB>review_text
products.csv (header): product_id,category,brand
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

CATS = ["audio", "kitchen", "outdoor", "toys"]
BRANDS = ["acme", "zenix", "polar", "hearth", "nimbus"]
POS = ["great", "solid", "love", "crisp", "sturdy", "recommend", "bargain", "flawless"]
NEG = ["broken", "noisy", "flimsy", "returned", "leaks", "refund", "useless", "cracked"]
NEU = ["sound", "pan", "tent", "doll", "bought", "gift", "son", "after", "days", "the", "a", "is", "was"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_prod, n_rev = 40 * scale, 800 * scale
    prods = [["product_id", "category", "brand"]]
    quality = {}
    for p in range(n_prod):
        pid = f"SKU{p:04d}"
        quality[pid] = float(rng.normal(0, 1))
        prods.append([pid, CATS[int(rng.integers(4))], BRANDS[int(rng.integers(5))]])
    _write_atomic(out_dir / "products.csv", _lines(prods))
    rows = [["review_id", "product_id", "rating", "review_text"]]
    for i in range(n_rev):
        # a few reviews point at products that were delisted (not in products.csv)
        pid = f"SKU{int(rng.integers(n_prod + 3)):04d}"
        mood = quality.get(pid, 0.0) + rng.normal(0, 1)
        rating = int(np.clip(np.round(3 + 1.3 * mood), 1, 5))
        words = []
        for _ in range(int(rng.integers(4, 16))):
            u = rng.random()
            pool = POS if u < 0.25 + 0.08 * (rating - 3) else (NEG if u < 0.5 else NEU)
            words.append(pool[int(rng.integers(len(pool)))])
        rows.append([f"RV{i:05d}", pid, rating, " ".join(words)])
    _write_atomic(out_dir / "reviews.tsv", _lines(rows, sep="\t"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
