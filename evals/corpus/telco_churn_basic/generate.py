"""Seeded generator for telco_churn_basic: telco.csv (header), a Telco-churn-like customer table.

Columns: customerID,gender,SeniorCitizen,tenure,Contract,InternetService,PaymentMethod,MonthlyCharges,TotalCharges,Churn
TotalCharges is a single space for brand-new customers (tenure 0), as in the well-known dataset.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

CONTRACT = ["Month-to-month", "One year", "Two year"]
INTERNET = ["DSL", "Fiber optic", "No"]
PAYMENT = ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 1000 * scale
    rows = [["customerID", "gender", "SeniorCitizen", "tenure", "Contract", "InternetService", "PaymentMethod",
             "MonthlyCharges", "TotalCharges", "Churn"]]
    for i in range(n):
        c = int(rng.choice(3, p=[0.55, 0.21, 0.24]))
        net = int(rng.choice(3, p=[0.34, 0.44, 0.22]))
        pay = int(rng.integers(4))
        tenure = int(rng.integers(0, 73)) if rng.random() > 0.015 else 0
        monthly = round(float([55, 85, 22][net] + rng.normal(0, 12)), 2)
        total = " " if tenure == 0 else f"{monthly * tenure * rng.uniform(0.95, 1.05):.2f}"
        senior = int(rng.random() < 0.16)
        z = 1.2 * (c == 0) - 0.04 * tenure + 0.8 * (net == 1) + 0.5 * (pay == 0) + 0.4 * senior + rng.normal(0, 1) - 0.2
        cid = f"{int(rng.integers(1000, 9999))}-{''.join('ABCDEFGHJKLMNPQRSTUVWXYZ'[k] for k in rng.integers(0, 24, 5))}"
        rows.append([cid, "Female" if rng.random() < 0.5 else "Male", senior, tenure, CONTRACT[c], INTERNET[net],
                     PAYMENT[pay], f"{monthly:.2f}", total, "Yes" if z > 0.3 else "No"])
    _write_atomic(Path(out_dir) / "telco.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
