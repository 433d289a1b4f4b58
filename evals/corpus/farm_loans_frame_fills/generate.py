"""Seeded generator for farm_loans_frame_fills: loans.csv, one row per agricultural loan of a rural credit union.

loans.csv: loan_id,crop,region,irrigation,farm_ha,herd_size,amount,term_months,rate,prior_loans,
rainfall_mm,officer_note,defaulted
numeric columns blank at 2-6% each; crop, region and irrigation blank at ~3% each; officer_note a
free-text remark without commas; defaulted 0/1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

CROPS = ["maize", "wheat", "soy", "coffee", "cotton", "dairy"]
REGIONS = ["highlands", "valley", "coast", "plains"]
IRRIGATION = ["none", "drip", "sprinkler", "flood"]
NOTES = ["long-standing member", "new customer", "collateral checked", "pending inspection", "referral"]


def _blank(rng: np.random.Generator, text: str, p: float) -> str:
    return "" if rng.random() < p else text


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["loan_id", "crop", "region", "irrigation", "farm_ha", "herd_size", "amount", "term_months", "rate",
             "prior_loans", "rainfall_mm", "officer_note", "defaulted"]]
    for i in range(1100 * scale):
        crop = int(rng.choice(6, p=[0.3, 0.2, 0.15, 0.12, 0.1, 0.13]))
        region = int(rng.integers(4))
        irr = int(rng.choice(4, p=[0.4, 0.25, 0.2, 0.15]))
        ha = rng.gamma(2.0, 12.0)
        herd = int(rng.poisson(40)) if crop == 5 else int(rng.poisson(3))
        amount = ha * rng.uniform(800, 2000)
        term = int(rng.choice([12, 24, 36, 60]))
        rate = rng.uniform(6, 18)
        prior = int(rng.poisson(1.5))
        rain = rng.normal([900, 700, 1200, 500][region], 150)
        z = -1.5 + 0.12 * (rate - 10) + 0.00002 * amount - 0.3 * prior - 0.002 * (rain - 800) - 0.4 * (irr > 0)
        z += 0.5 * (crop == 3) + rng.normal(0, 0.8)
        rows.append([f"L{i:05d}", _blank(rng, CROPS[crop], 0.03), _blank(rng, REGIONS[region], 0.03),
                     _blank(rng, IRRIGATION[irr], 0.03), _blank(rng, f"{ha:.1f}", 0.04),
                     _blank(rng, str(herd), 0.05), _blank(rng, f"{amount:.0f}", 0.02), term,
                     _blank(rng, f"{rate:.2f}", 0.03), _blank(rng, str(prior), 0.06),
                     _blank(rng, f"{rain:.0f}", 0.05), NOTES[int(rng.integers(len(NOTES)))], int(z > 0)])
    _write_atomic(Path(out_dir) / "loans.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
