"""Seeded generator for bank_campaign_response: bank_marketing.csv, one row per client called in a term-deposit campaign.

bank_marketing.csv: age,job,marital,education,default,housing,loan,contact,month,day_of_week,duration,campaign,
                    pdays,previous,poutcome,emp_var_rate,cons_price_idx,euribor3m,y
("unknown" for missing job / marital / education / default / housing / loan; pdays 999 = never contacted
before; y "yes" for ~12%)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

JOBS = ["admin.", "blue-collar", "technician", "services", "management", "retired", "entrepreneur",
        "self-employed", "housemaid", "unemployed", "student"]
EDU = ["basic.4y", "basic.6y", "basic.9y", "high.school", "professional.course", "university.degree", "illiterate"]
MONTHS = ["mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["mon", "tue", "wed", "thu", "fri"]
# month: (emp_var_rate, cons_price_idx, euribor3m)
MACRO = {"mar": (-1.8, 93.37, 0.88), "apr": (-1.8, 93.08, 1.29), "may": (1.1, 93.99, 4.86), "jun": (1.4, 94.47, 4.96),
         "jul": (1.4, 93.92, 4.96), "aug": (1.4, 93.44, 4.96), "sep": (-3.4, 92.38, 0.88), "oct": (-3.4, 92.43, 0.74),
         "nov": (-0.1, 93.20, 4.12), "dec": (-3.0, 92.71, 0.85)}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)

    def maybe(v: str, p: float) -> str:
        return "unknown" if rng.random() < p else v

    rows = [["age", "job", "marital", "education", "default", "housing", "loan", "contact", "month", "day_of_week",
             "duration", "campaign", "pdays", "previous", "poutcome", "emp_var_rate", "cons_price_idx", "euribor3m", "y"]]
    for _ in range(2000 * scale):
        job = JOBS[int(rng.choice(11, p=[0.25, 0.22, 0.16, 0.1, 0.07, 0.05, 0.04, 0.04, 0.03, 0.02, 0.02]))]
        age = int(np.clip(rng.normal(64 if job == "retired" else 23 if job == "student" else 39, 8), 18, 95))
        marital = str(rng.choice(["married", "single", "divorced"], p=[0.6, 0.28, 0.12]))
        edu = EDU[int(rng.choice(7, p=[0.1, 0.06, 0.15, 0.24, 0.13, 0.31, 0.01]))]
        month = MONTHS[int(rng.choice(10, p=[0.02, 0.06, 0.33, 0.13, 0.17, 0.15, 0.02, 0.02, 0.09, 0.01]))]
        emp, cpi, eur = MACRO[month]
        contact = "cellular" if rng.random() < 0.64 else "telephone"
        campaign = int(1 + rng.geometric(0.4) - 1)
        before = rng.random() < 0.04
        previous = int(rng.integers(1, 4)) if before else int(rng.random() < 0.08)
        pout = ("success" if rng.random() < 0.6 else "failure") if before else ("failure" if previous else "nonexistent")
        z = (-0.1 - 0.45 * eur - 0.3 * emp * (emp < 0) + 1.6 * (pout == "success") + 0.5 * (contact == "cellular")
             + 0.8 * (job in ("student", "retired")) + 0.25 * (edu == "university.degree") - 0.12 * (campaign - 1)
             + 0.6 * (month in ("mar", "sep", "oct", "dec")) + rng.normal(0, 0.8))
        yes = z > 0
        duration = int(rng.lognormal(5.9 if yes else 5.1, 0.6))
        rows.append([age, maybe(job, 0.01), maybe(marital, 0.005), maybe(edu, 0.04), maybe("no", 0.2) if rng.random() > 0.001 else "yes",
                     maybe(str(rng.choice(["yes", "no"])), 0.02), maybe(str(rng.choice(["no", "yes"], p=[0.84, 0.16])), 0.02),
                     contact, month, DAYS[int(rng.integers(5))], duration, campaign,
                     int(rng.integers(2, 20)) if before else 999, previous, pout, emp, f"{cpi:.2f}", f"{eur + rng.normal(0, 0.02):.3f}",
                     "yes" if yes else "no"])
    _write_atomic(out_dir / "bank_marketing.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
