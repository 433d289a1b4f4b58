"""Seeded generator for courier_shift_stats: couriers.csv and drops.csv with headers.

couriers.csv: courier_id,zone,years_active,vehicle,top_rated
drops.csv:    drop_id,courier_id,zone,minutes,parcels,distance_km
(each courier works one or two zones; fast couriers with many parcels per drop are top rated more
often, ~35% top rated; a few courier-zone pairs have no drops)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

ZONES = ["north", "docks", "old_town", "campus"]
VEHICLES = ["bike", "cargo_bike", "van", "scooter"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    couriers = [["courier_id", "zone", "years_active", "vehicle", "top_rated"]]
    drops = [["drop_id", "courier_id", "zone", "minutes", "parcels", "distance_km"]]
    for c in range(180 * scale):
        speed = rng.normal(0, 1)
        zones = rng.choice(ZONES, size=int(rng.integers(1, 3)), replace=False)
        for zone in zones:
            score = -0.9 * speed + rng.normal(0, 0.8) - 0.4
            couriers.append([f"C{300 + c}", str(zone), int(rng.integers(0, 12)),
                             str(rng.choice(VEHICLES)), int(score > 0)])
            for _ in range(int(rng.integers(0, 14))):
                minutes = max(4, int(rng.normal(28 + 6 * speed, 7)))
                parcels = int(rng.integers(1, 5)) + int(score > 0)
                drops.append([f"D{len(drops) + 9000}", f"C{300 + c}", str(zone), minutes,
                              parcels, round(float(rng.uniform(0.4, 9.0)), 1)])
    _write_atomic(Path(out_dir) / "couriers.csv", _lines(couriers))
    _write_atomic(Path(out_dir) / "drops.csv", _lines(drops))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
