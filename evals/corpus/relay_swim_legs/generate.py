"""Seeded generator for relay_swim_legs: legs.csv and swimmers.csv with headers.

legs.csv:     relay_id,meet,pool,leg,swimmer_id,split_s,next_split_s
swimmers.csv: swimmer_id,club,birth_year,years_training
(four legs per relay, one swimmer per leg; a swimmer's next split is their split improved by
training, worse when they were the slowest of their relay; a few swimmers are missing from
swimmers.csv)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

CLUBS = ["otters", "marlins", "herons", "seals", "pikes"]
MEETS = ["spring", "summer", "autumn", "winter"]
POOLS = ["25m", "50m"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_swimmers = 180 * scale
    swimmers = [["swimmer_id", "club", "birth_year", "years_training"]]
    base, training = {}, {}
    for s in range(n_swimmers):
        base[s] = float(rng.normal(62.0, 4.0))
        training[s] = int(rng.integers(1, 15))
        if rng.random() < 0.95:
            swimmers.append([f"S{300 + s}", str(rng.choice(CLUBS)), int(rng.integers(1985, 2012)),
                             training[s]])
    legs = [["relay_id", "meet", "pool", "leg", "swimmer_id", "split_s", "next_split_s"]]
    for r in range(220 * scale):
        team = rng.choice(n_swimmers, size=4, replace=False)
        meet, pool = str(rng.choice(MEETS)), str(rng.choice(POOLS))
        splits = [round(base[int(s)] + float(rng.normal(0, 1.5)) + (0.8 if pool == "25m" else 0), 2)
                  for s in team]
        for leg, (s, split) in enumerate(zip(team, splits, strict=True), start=1):
            slowest = split == max(splits)
            gain = 0.08 * training[int(s)] - (0.9 if slowest else 0.0)
            nxt = round(split - gain + float(rng.normal(0, 0.6)), 2)
            legs.append([f"R{7000 + r}", meet, pool, leg, f"S{300 + int(s)}", split, nxt])
    _write_atomic(Path(out_dir) / "legs.csv", _lines(legs))
    _write_atomic(Path(out_dir) / "swimmers.csv", _lines(swimmers))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
