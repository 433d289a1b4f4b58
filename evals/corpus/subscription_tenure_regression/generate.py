"""Seeded generator for subscription_tenure_regression: subscriptions.jsonl.

Keys: sub_id, signup_date, cancel_date (null while active), channel, monthly_price, trial_days, referrals
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt
import json

import numpy as np

CHANNELS = ["organic", "paid_search", "social", "referral", "partner"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 900 * scale
    lines = []
    start = dt.date(2019, 1, 1)
    for i in range(n):
        ch = int(rng.choice(5, p=[0.3, 0.25, 0.2, 0.15, 0.1]))
        signup = start + dt.timedelta(days=int(rng.integers(0, 1500)))
        price = float(rng.choice([4.99, 9.99, 14.99, 19.99]))
        trial = int(rng.choice([0, 7, 14, 30]))
        refs = int(rng.poisson(0.7))
        months = 2 + 6 * (ch == 3) + 3 * (ch == 0) - 0.3 * price + 0.2 * trial + 2.5 * refs + 2 * (signup.month in (11, 12)) + rng.normal(0, 3)
        months = max(1.0, months + rng.exponential(4))
        cancel = signup + dt.timedelta(days=int(months * 30.4))
        cancel_txt = cancel.isoformat() if cancel < dt.date(2024, 1, 1) else None
        lines.append(json.dumps({"sub_id": i, "signup_date": signup.isoformat(), "cancel_date": cancel_txt,
                                 "channel": CHANNELS[ch], "monthly_price": price, "trial_days": trial, "referrals": refs}))
    _write_atomic(Path(out_dir) / "subscriptions.jsonl", "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
