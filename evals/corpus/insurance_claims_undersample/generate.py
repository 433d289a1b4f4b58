"""Seeded generator for insurance_claims_undersample: motor insurance claims flagged as fraudulent or not.

claims.csv: claim_id,policy_type,region,incident_type,vehicle_make,driver_age,vehicle_age,annual_premium,
claim_amount,prior_claims,days_to_report,police_report,witness_present,fraud (1500 claims per scale unit, ~14% fraud)
Dirt: categories with odd casing and stray spaces, blank driver_age / vehicle_age / claim_amount /
days_to_report, police_report and witness_present spelt yes/Yes/YES/ no / blank, a few blank regions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

POLICIES = {"Basic": 0.3, "Standard": 0.0, "Premium": -0.2}
REGIONS = ["North", "South", "East", "West", "Central"]
INCIDENTS = {"Collision": 0.0, "Theft": 0.9, "Vandalism": 0.4, "Fire": 1.1, "Weather": -0.3}
MAKES = ["Toyota", "Ford", "Honda", "BMW", "Kia", "Volkswagen"]


def _messy_cat(rng, value: str) -> str:
    r = rng.random()
    if r < 0.05:
        return value.lower()
    if r < 0.08:
        return value.upper()
    if r < 0.12:
        return " " + value
    if r < 0.15:
        return value + "  "
    return value


def _messy_yes_no(rng, flag: bool) -> str:
    r = rng.random()
    if r < 0.03:
        return ""
    word = "yes" if flag else "no"
    if r < 0.25:
        return word.capitalize()
    if r < 0.32:
        return word.upper()
    if r < 0.38:
        return " " + word
    return word


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    header = ["claim_id", "policy_type", "region", "incident_type", "vehicle_make", "driver_age",
              "vehicle_age", "annual_premium", "claim_amount", "prior_claims", "days_to_report",
              "police_report", "witness_present", "fraud"]
    rows = [header]
    for i in range(1500 * scale):
        policy = list(POLICIES)[int(rng.choice(3, p=[0.35, 0.45, 0.2]))]
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        incident = list(INCIDENTS)[int(rng.choice(5, p=[0.45, 0.15, 0.15, 0.05, 0.2]))]
        make = MAKES[int(rng.integers(len(MAKES)))]
        age = int(np.clip(rng.normal(42, 13), 18, 85))
        vage = int(np.clip(rng.poisson(6), 0, 25))
        premium = max(250.0, rng.normal(900, 250) + (300 if policy == "Premium" else 0) - 8 * vage)
        amount = float(np.exp(rng.normal(8.2, 0.8)))
        prior = int(rng.poisson(0.6))
        days = int(rng.exponential(6)) + 1
        police = rng.random() < (0.2 if incident in ("Vandalism", "Weather") else 0.65)
        witness = rng.random() < 0.35
        logit = (-2.6 + 2 * POLICIES[policy] + 1.5 * INCIDENTS[incident] + 1.2 * (amount > 8000)
                 + 0.6 * prior + 0.1 * days - 1.6 * police - 1.0 * witness - 0.03 * (age - 42))
        fraud = int(rng.random() < 1 / (1 + np.exp(-logit)))
        da = "" if rng.random() < 0.04 else str(age)
        va = "" if rng.random() < 0.03 else str(vage)
        am = "" if rng.random() < 0.03 else f"{amount:.2f}"
        dr = "" if rng.random() < 0.05 else str(days)
        rg = "" if rng.random() < 0.02 else _messy_cat(rng, region)
        rows.append([f"CL{100000 + i}", _messy_cat(rng, policy), rg, _messy_cat(rng, incident),
                     _messy_cat(rng, make), da, va, f"{premium:.2f}", am, prior, dr,
                     _messy_yes_no(rng, police), _messy_yes_no(rng, witness), fraud])
    _write_atomic(out_dir / "claims.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
