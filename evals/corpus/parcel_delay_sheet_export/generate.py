"""Seeded generator for parcel_delay_sheet_export: data/shipments_export.csv.

A spreadsheet export: no real header line. The first line holds the column names behind an empty
cell, and every later line starts with the sheet's row number (an exported index column). Columns:
weight_kg, distance_km, stops, express (0/1), fragile (0/1), depot_load (share of capacity),
driver_years, weekend (0/1), late (0/1, the label). About 1,500 shipments at scale 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines, run_cli, write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
COLUMNS = ["weight_kg", "distance_km", "stops", "express", "fragile", "depot_load",
           "driver_years", "weekend", "late"]  # fmt: skip


def _shipments(rng: np.random.Generator, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        weight = rng.lognormal(1.2, 0.8)
        distance = rng.gamma(2.0, 90.0)
        stops = int(rng.integers(1, 14))
        express = int(rng.random() < 0.3)
        fragile = int(rng.random() < 0.15)
        load = float(np.clip(rng.normal(0.7, 0.15), 0.2, 1.2))
        years = int(rng.integers(0, 25))
        weekend = int(rng.random() < 2 / 7)
        z = (0.008 * distance + 0.12 * stops - 1.1 * express + 2.2 * (load - 0.7)
             - 0.04 * years + 0.5 * weekend + 0.3 * fragile - 2.0 + rng.normal(0, 0.8))  # fmt: skip
        late = int(z > 0)
        rows.append([f"{i}.0", f"{weight:.2f}", f"{distance:.1f}", str(stops), str(express),
                     str(fragile), f"{load:.3f}", str(years), str(weekend), str(late)])  # fmt: skip
    return rows


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    text = lines([["", *COLUMNS], *_shipments(rng, 1500 * scale)])
    write_atomic(Path(out_dir) / "shipments_export.csv", text)


def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
