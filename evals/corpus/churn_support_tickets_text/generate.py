"""Seeded generator for churn_support_tickets_text: subscribers.csv (header) and tickets.jsonl.

subscribers.csv: sub_id,plan,monthly_fee,months_active,churned (True/False)
tickets.jsonl:   {"ticket_id", "sub_id", "opened", "channel", "text"}  (0-6 tickets per subscriber)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import json

import numpy as np

PLANS = ["lite", "standard", "premium"]
ANGRY = ["cancel", "unacceptable", "again", "refund", "outage", "worst", "leaving", "competitor", "overcharged"]
CALM = ["how", "change", "address", "invoice", "question", "thanks", "upgrade", "password", "help"]
COMMON = ["my", "the", "internet", "router", "bill", "please", "since", "monday", "is", "not", "working"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 600 * scale
    subs = [["sub_id", "plan", "monthly_fee", "months_active", "churned"]]
    tickets = []
    t_id = 0
    for i in range(n):
        sid = f"S{i:05d}"
        p = int(rng.integers(3))
        fee = [19.0, 35.0, 59.0][p] + float(rng.integers(-3, 4))
        months = int(rng.integers(1, 60))
        anger = rng.beta(1.5, 3)
        z = 3 * anger - 0.02 * months + 0.3 * (p == 0) + rng.normal(0, 0.5) - 0.6
        subs.append([sid, PLANS[p], f"{fee:.2f}", months, "True" if z > 0 else "False"])
        for _ in range(int(rng.poisson(1 + 3 * anger))):
            words = []
            for _ in range(int(rng.integers(4, 15))):
                u = rng.random()
                pool = ANGRY if u < anger * 0.6 else (CALM if u < 0.5 else COMMON)
                words.append(pool[int(rng.integers(len(pool)))])
            text = " ".join(words)
            if rng.random() < 0.3:
                text = text.capitalize() + "!"
            tickets.append(json.dumps({"ticket_id": t_id, "sub_id": sid, "opened": f"2024-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}",
                                       "channel": str(rng.choice(["email", "chat", "phone"])), "text": text}))
            t_id += 1
    _write_atomic(out_dir / "subscribers.csv", _lines(subs))
    _write_atomic(out_dir / "tickets.jsonl", "\n".join(tickets) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
