"""Seeded generator for parking_citations_main: citations.csv, municipal parking tickets (header).

Columns: citation_id,issued_at,zone,violation,fine_usd,vehicle_age,prior_tickets,out_of_state,paid_on_time
issued_at is "YYYY-MM-DD HH:MM"; vehicle_age is empty for ~8%; prior_tickets for ~4%;
out_of_state is "true"/"false"; paid_on_time is 0/1.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

ZONES = ["downtown", "harbor", "university", "residential", "airport"]
VIOLATIONS = {"meter expired": 35, "no permit": 60, "hydrant": 110, "street cleaning": 50, "double parked": 80}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00")
    kinds = list(VIOLATIONS)
    rows = [["citation_id", "issued_at", "zone", "violation", "fine_usd", "vehicle_age", "prior_tickets",
             "out_of_state", "paid_on_time"]]
    for i in range(1100 * scale):
        minutes = int(rng.integers(0, 365 * 24 * 60))
        when = start + np.timedelta64(minutes, "m")
        text = str(when).replace("T", " ")
        hour = (minutes // 60) % 24
        zone = ZONES[int(rng.integers(len(ZONES)))]
        kind = kinds[int(rng.integers(len(kinds)))]
        fine = VIOLATIONS[kind] * (1.5 if zone == "downtown" else 1.0)
        age = int(rng.integers(0, 25))
        prior = int(rng.poisson(1.2))
        oos = rng.random() < 0.15
        score = 1.2 - 0.012 * fine - 0.05 * age - 0.4 * prior - (0.9 if oos else 0) + (0.3 if hour < 12 else 0)
        paid = int(score + rng.normal(0, 0.9) > 0)
        rows.append([f"C{i:06d}", text, zone, kind, f"{fine:.0f}", "" if rng.random() < 0.08 else age,
                     "" if rng.random() < 0.04 else prior, "true" if oos else "false", paid])
    _write_atomic(Path(out_dir) / "citations.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
