"""Seeded generator for ferry_crossings_rounds: vessels.csv and crossings.csv with headers.

vessels.csv:   vessel_id,length_m,built,hull
crossings.csv: crossing_id,vessel_id,wind_kmh,passengers,cars,delay_min,late
(older, shorter vessels in strong wind run late more often; ~30% of crossings are late; the
recent delays of a vessel say something about its next crossings)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

HULLS = ["mono", "catamaran", "roro"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    vessels = [["vessel_id", "length_m", "built", "hull"]]
    crossings = [["crossing_id", "vessel_id", "wind_kmh", "passengers", "cars", "delay_min", "late"]]
    for v in range(40 * scale):
        length = round(float(rng.uniform(30, 140)), 1)
        built = int(rng.integers(1978, 2022))
        vessels.append([f"V{v + 100}", length, built, str(rng.choice(HULLS))])
        frailty = (2022 - built) / 40 - length / 200
        for _ in range(int(rng.integers(8, 30))):
            wind = round(float(rng.gamma(2.0, 12.0)), 1)
            delay = max(0, int(rng.normal(4 + 14 * frailty + wind / 8, 6)))
            late = int(delay + rng.normal(0, 3) > 12)
            crossings.append([f"X{len(crossings) + 5000}", f"V{v + 100}", wind,
                              int(rng.integers(5, 400)), int(rng.integers(0, 90)), delay, late])
    _write_atomic(Path(out_dir) / "vessels.csv", _lines(vessels))
    _write_atomic(Path(out_dir) / "crossings.csv", _lines(crossings))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
