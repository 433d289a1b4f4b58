"""Seeded generator for hiring_screening_tfidf: applications.jsonl.

Keys: candidate_id, applied (date), degree (none/bachelor/master/phd), years_experience, resume (free text),
decision (hired / offer_declined / rejected / withdrawn)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import json

import numpy as np

DEGREES = ["none", "bachelor", "master", "phd"]
STRONG = ["python", "sql", "spark", "kubernetes", "led", "shipped", "mentored", "production", "statistics"]
WEAK = ["excel", "familiar", "basic", "coursework", "assisted", "exposure", "learning"]
FILL = ["team", "project", "data", "worked", "on", "with", "and", "the", "in", "years", "company", "built"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 700 * scale
    lines = []
    for i in range(n):
        skill = rng.beta(2, 2)
        deg = int(rng.choice(4, p=[0.1, 0.5, 0.3, 0.1]))
        yrs = round(float(rng.gamma(2, 2.5)), 1)
        words = []
        for _ in range(int(rng.integers(15, 60))):
            u = rng.random()
            pool = STRONG if u < 0.3 * skill else (WEAK if u < 0.3 else FILL)
            words.append(pool[int(rng.integers(len(pool)))])
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        z = 4 * (skill - 0.5) + 0.3 * deg + 0.08 * yrs + rng.normal(0, 0.7) - 0.6
        if rng.random() < 0.05:
            decision = "withdrawn"
        elif z > 0:
            decision = "hired" if rng.random() < 0.8 else "offer_declined"
        else:
            decision = "rejected"
        lines.append(json.dumps({"candidate_id": f"CAND-{i:05d}", "applied": f"2023-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}",
                                 "degree": DEGREES[deg], "years_experience": yrs, "resume": text, "decision": decision}))
    _write_atomic(Path(out_dir) / "applications.jsonl", "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
