"""Seeded generator for mushroom_edibility_labelcodes: mushrooms.csv, field records of foraged mushrooms.

mushrooms.csv: specimen,cap_shape,cap_color,odor,gill_size,habitat,season,ring_count,stem_height,class
cap_color blank for ~3% (faded specimens), season blank for ~5%, stem_height blank for ~4%;
about 2% of the rows are exact duplicates (a specimen entered twice); class is 'e' or 'p'.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

SHAPES = ["bell", "conical", "convex", "flat", "knobbed", "sunken"]
COLORS = ["brown", "buff", "gray", "green", "pink", "purple", "red", "white", "yellow"]
ODORS = ["almond", "anise", "creosote", "fishy", "foul", "musty", "none", "pungent", "spicy"]
HABITATS = ["grasses", "leaves", "meadows", "paths", "urban", "waste", "woods"]
SEASONS = ["spring", "summer", "autumn", "winter"]
POISON_ODOR = {"creosote": 2.5, "fishy": 2.0, "foul": 3.0, "musty": 1.5, "pungent": 2.5, "spicy": 2.0}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["specimen", "cap_shape", "cap_color", "odor", "gill_size", "habitat", "season", "ring_count",
             "stem_height", "class"]]
    for i in range(1400 * scale):
        shape = SHAPES[int(rng.integers(len(SHAPES)))]
        color = COLORS[int(rng.integers(len(COLORS)))]
        odor = ODORS[int(rng.choice(len(ODORS), p=[0.08, 0.08, 0.05, 0.08, 0.12, 0.04, 0.4, 0.05, 0.1]))]
        gill = "narrow" if rng.random() < 0.3 else "broad"
        habitat = HABITATS[int(rng.integers(len(HABITATS)))]
        season = SEASONS[int(rng.choice(4, p=[0.2, 0.3, 0.4, 0.1]))]
        rings = int(rng.choice(3, p=[0.1, 0.8, 0.1]))
        height = rng.normal(7.0 if gill == "broad" else 5.5, 2.0)
        z = POISON_ODOR.get(odor, -1.0) + 0.8 * (gill == "narrow") - 0.3 * rings + 0.4 * (habitat == "paths")
        z += rng.normal(0, 0.7) - 0.3
        row = [f"M{i:05d}", shape, "" if rng.random() < 0.03 else color, odor, gill, habitat,
               "" if rng.random() < 0.05 else season, rings,
               "" if rng.random() < 0.04 else f"{max(height, 0.5):.1f}", "p" if z > 0 else "e"]
        rows.append(row)
        if rng.random() < 0.02:
            rows.append(list(row))
    _write_atomic(Path(out_dir) / "mushrooms.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
