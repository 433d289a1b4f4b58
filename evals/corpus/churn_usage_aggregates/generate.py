"""Seeded generator for churn_usage_aggregates: customers.csv (header) and events.csv (no header).

customers.csv: customer_id,plan,signup_date,cancel_date   (cancel_date empty when still active)
events.csv:    customer_id,event_date,kind,amount   (kind: call minutes / sms count / data MB)
About 8% of the customers have no events at all.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

PLANS = ["basic", "plus", "family", "business"]
KINDS = ["call", "sms", "data"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 500 * scale
    custs = [["customer_id", "plan", "signup_date", "cancel_date"]]
    events = []
    start = dt.date(2022, 1, 1)
    for i in range(n):
        cid = f"C{i:05d}"
        plan = int(rng.choice(4, p=[0.4, 0.3, 0.2, 0.1]))
        signup = start + dt.timedelta(days=int(rng.integers(0, 700)))
        engagement = rng.gamma(2.0, 1.0)
        churn_z = 1.2 - 0.8 * engagement - 0.4 * (plan == 3) + rng.normal(0, 0.7)
        cancel = ""
        if churn_z > 0:
            cancel = (dt.date(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))).isoformat()
        custs.append([cid, PLANS[plan], signup.isoformat(), cancel])
        if rng.random() < 0.08:
            continue
        for _ in range(int(rng.poisson(2 + 4 * engagement))):
            k = int(rng.integers(3))
            d = dt.date(2023, 7, 1) + dt.timedelta(days=int(rng.integers(0, 184)))
            amt = [rng.exponential(6 * engagement + 1), rng.integers(1, 20), rng.exponential(300 * engagement)][k]
            events.append([cid, d.isoformat(), KINDS[k], f"{float(amt):.1f}"])
    events.sort(key=lambda r: (r[1], r[0]))
    _write_atomic(out_dir / "customers.csv", _lines(custs))
    _write_atomic(out_dir / "events.csv", _lines(events))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
