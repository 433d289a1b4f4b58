"""Seeded generator for saas_trial_event_pivot: B2B SaaS free-trial accounts and their product events.

accounts.csv: account_id,signup_date,company_size,industry,country,channel,seats_invited,trial_outcome
              (company_size "1-10".."1000+" or blank; industry with mixed casing and stray spaces;
              a few rare channels; blank seats_invited; outcome converted / expired / cancelled, ~22% converted)
events.jsonl: {"account_id", "ts", "event"} product analytics, one line per event, in ingestion order;
              events after the 14-day trial window, and events of deleted accounts absent from accounts.csv
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
INDUSTRIES = ["Software", "Retail", "Healthcare", "Financial Services", "Education", "Manufacturing", "Media"]
CHANNELS = ["organic", "paid_search", "referral", "partner", "events", "podcast", "affiliate"]
CH_P = [0.38, 0.27, 0.14, 0.1, 0.07, 0.025, 0.015]
EVENTS = ["login", "project_created", "invite_sent", "integration_connected", "report_exported", "billing_viewed"]
T0 = datetime(2023, 2, 1)


def messy_industry(name: str, u: float) -> str:
    if u < 0.12:
        return name.lower()
    if u < 0.18:
        return name.upper()
    if u < 0.24:
        return f" {name} "
    return name


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)

    accounts = [["account_id", "signup_date", "company_size", "industry", "country", "channel", "seats_invited",
                 "trial_outcome"]]
    events: list[tuple[datetime, str, str]] = []
    n = 1300 * scale
    for i in range(n):
        aid = f"A-{10001 + i}"
        signup = T0 + timedelta(days=int(rng.integers(0, 240)), minutes=int(rng.integers(0, 1440)))
        size_i = int(rng.choice(5, p=[0.35, 0.3, 0.18, 0.12, 0.05]))
        industry = INDUSTRIES[int(rng.integers(len(INDUSTRIES)))]
        channel = CHANNELS[int(rng.choice(len(CHANNELS), p=CH_P))]
        seats = int(rng.poisson(1 + size_i))
        engagement = rng.normal(0, 1) + 0.3 * (channel in ("referral", "partner")) + 0.15 * size_i
        # product usage over the first 21 days
        rates = {"login": 0.3, "project_created": 0.06, "invite_sent": 0.02 + 0.01 * seats,
                 "integration_connected": 0.02, "report_exported": 0.04, "billing_viewed": 0.015}
        usage_score = 0.0
        for ev, base in rates.items():
            lam = base * float(np.exp(0.6 * engagement))
            for d in range(21):
                k = int(rng.poisson(lam * (1.0 if d < 14 else 0.6)))
                for _ in range(k):
                    ts = signup + timedelta(days=d, minutes=int(rng.integers(0, 1440)))
                    events.append((ts, aid, ev))
                if d < 14:
                    usage_score += k * {"login": 0.05, "project_created": 0.3, "invite_sent": 0.35,
                                        "integration_connected": 0.8, "report_exported": 0.25,
                                        "billing_viewed": 0.9}[ev]
        z = -1.7 + 1.1 * np.log1p(usage_score) + 0.2 * (size_i in (1, 2)) + rng.normal(0, 0.6)
        outcome = "converted" if z > 0 else ("cancelled" if rng.random() < 0.3 else "expired")
        accounts.append([aid, signup.date().isoformat(), "" if rng.random() < 0.07 else SIZES[size_i],
                         messy_industry(industry, float(rng.random())), str(rng.choice(["US", "GB", "DE", "CA", "AU", "FR"])),
                         channel, "" if rng.random() < 0.05 else seats, outcome])
    # deleted accounts (GDPR erasure) still have events in the analytics export
    for j in range(25 * scale):
        aid = f"A-9{j:04d}"
        signup = T0 + timedelta(days=int(rng.integers(0, 240)))
        for _ in range(int(rng.integers(1, 12))):
            events.append((signup + timedelta(minutes=int(rng.integers(0, 20000))), aid,
                           EVENTS[int(rng.integers(len(EVENTS)))]))

    # ingestion order: roughly by time, with late batches
    order = np.argsort([ts.timestamp() + float(rng.exponential(3600.0)) for ts, _, _ in events], kind="stable")
    out = [json.dumps({"account_id": events[k][1], "ts": events[k][0].strftime("%Y-%m-%dT%H:%M:%S"),
                       "event": events[k][2]}) for k in order]
    _write_atomic(out_dir / "accounts.csv", _lines(accounts))
    _write_atomic(out_dir / "events.jsonl", "\n".join(out) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
