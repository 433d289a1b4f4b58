"""Seeded generator for credit_default_opensplit: customers.csv and accounts.csv (no headers).

customers.csv: cust_id,name,age,region,income
accounts.csv:  acct_id,cust_id,product,balance,credit_limit,days_late
About 3% of the accounts reference a customer id that does not exist.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

REGIONS = ["north", "south", "east", "west", "central"]
PRODUCTS = ["card", "overdraft", "personal_loan"]
FIRST = ["anna", "ben", "carla", "dev", "emil", "fatma", "gus", "hana", "ivan", "jo"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_cust, n_acct = 400 * scale, 600 * scale
    ages = rng.integers(19, 80, n_cust)
    regions = rng.integers(0, len(REGIONS), n_cust)
    incomes = np.round(rng.lognormal(10.5, 0.45, n_cust), -2)
    customers = []
    for i in range(n_cust):
        name = f"{FIRST[rng.integers(len(FIRST))]}_{i}"
        customers.append([1000 + i, name, ages[i], REGIONS[regions[i]], f"{incomes[i]:.0f}"])
    accounts = []
    for j in range(n_acct):
        c = rng.integers(0, n_cust)
        cust_id = 1000 + c if rng.random() > 0.03 else 900000 + j
        product = PRODUCTS[rng.integers(len(PRODUCTS))]
        limit = float(rng.choice([1000, 2500, 5000, 10000]))
        util = min(1.2, rng.beta(2, 3) * 1.3)
        balance = round(limit * util, 2)
        risk = 2.5 * util - (incomes[c] / 60000.0) - (ages[c] - 40) / 40.0 + rng.normal(0, 0.7)
        days_late = int(max(0, rng.normal(45 if risk > 1.0 else 5, 12)))
        accounts.append([f"A{j:06d}", cust_id, product, f"{balance:.2f}", f"{limit:.0f}", days_late])
    _write_atomic(Path(out_dir) / "customers.csv", _lines(customers))
    _write_atomic(Path(out_dir) / "accounts.csv", _lines(accounts))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
