"""Seeded generator for coffee_loyalty_select: members.csv, loyalty-card members of a coffee chain (header).

Columns: member_id,visits_90d,avg_ticket,drink_pref,store_type,app_user,days_since_last,age,renewed
avg_ticket uses a dot; visits_90d has a few huge outliers (shared cards); age is empty for ~6%;
store_type is one of "mall", "street", "campus", "station"; app_user is "Y"/"N".
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

DRINKS = ["espresso", "latte", "cappuccino", "tea", "cold brew", "mocha"]
STORES = ["mall", "street", "campus", "station"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["member_id", "visits_90d", "avg_ticket", "drink_pref", "store_type", "app_user",
             "days_since_last", "age", "renewed"]]
    for i in range(900 * scale):
        visits = int(rng.poisson(9))
        if rng.random() < 0.02:
            visits = int(rng.integers(150, 400))
        ticket = float(np.clip(rng.normal(5.5, 1.8), 1.8, 14))
        drink = DRINKS[int(rng.integers(len(DRINKS)))]
        store = STORES[int(rng.choice(4, p=[0.3, 0.35, 0.2, 0.15]))]
        app = rng.random() < 0.45
        days = int(rng.exponential(20))
        age = int(np.clip(rng.normal(34, 11), 16, 80))
        score = 0.12 * min(visits, 40) - 0.04 * days + (0.8 if app else 0) + 0.15 * ticket
        score += (0.5 if store == "campus" else 0) + rng.normal(0, 0.8) - 0.9
        renewed = int(score > 0)
        rows.append([f"M{i:05d}", visits, f"{ticket:.2f}", drink, store, "Y" if app else "N", days,
                     "" if rng.random() < 0.06 else age, renewed])
    _write_atomic(Path(out_dir) / "members.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
