"""Seeded generator for churn_usage_aggregates: customers.csv (header) and events.csv (no header).

customers.csv: customer_id,plan,signup_date,cancel_date   (cancel_date empty when still active)
events.csv:    customer_id,event_date,kind,amount   (kind: call minutes / sms count / data MB)
About 8% of the customers have no events at all.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

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
def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _lines(rows, sep=",") -> str:
    """Join rows (sequences of already formatted strings) into file text with a final newline."""
    return "".join(sep.join(str(v) for v in row) + "\n" for row in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply the row counts by K (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: data/ next to this script)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    generate(args.out, scale=args.scale, seed=args.seed)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
