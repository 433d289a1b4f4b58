"""Seeded data for the style scripts beside this file: `generate(out_dir)` writes `data/`."""

from pathlib import Path

import numpy as np
import pandas as pd

WORDS = ["cozy", "flat", "near", "park", "big", "garden", "quiet", "central", "loft", "sunny"]


def generate(out_dir: Path, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    n = 300
    pd.DataFrame(
        {
            "pid": np.arange(n),
            "age": rng.integers(10, 90, n),
            "weight": rng.normal(75, 12, n).round(1),
            "height": rng.normal(172, 9, n).round(1),
            "smoker": rng.choice(["yes", "no"], n),
            "visits": rng.integers(0, 5, n),
            "outcome": rng.integers(0, 2, n),
        }
    ).to_csv(data / "patients.csv", index=False)
    customers = pd.DataFrame(
        {"cid": [f"c{i}" for i in range(80)], "segment": rng.choice(["consumer", "business", "student"], 80), "since": rng.integers(2000, 2024, 80)}
    )
    customers.to_csv(data / "customers.csv", index=False, header=False)
    pd.DataFrame(
        {
            "oid": np.arange(400),
            "cid": [f"c{i}" for i in rng.integers(0, 90, 400)],
            "amount": rng.normal(50, 40, 400).round(2),
            "returned": rng.choice(["yes", "no"], 400),
        }
    ).to_csv(data / "orders.csv", index=False, header=False)
    titles = [" ".join(rng.choice(WORDS, rng.integers(0, 5))).title() for _ in range(250)]
    pd.DataFrame({"title": titles, "price": rng.integers(300, 3000, 250), "score": rng.normal(4, 0.5, 250).round(2)}).to_csv(
        data / "listings.csv", index=False
    )
