"""Seeded generator for greenhouse_batches_loader: batches.csv (comma-separated, header).

Columns: batch_id,variety,lux,humidity,temp_c,water_ml,season,notes,thrived
``notes`` is empty for most batches; ``thrived`` is 0/1.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

VARIETIES = ["basil-genovese", "tomato-cherry", "lettuce-romaine", "pepper-jalapeno", "mint-spear"]
SEASONS = ["winter", "spring", "summer", "autumn"]
NOTES = ["", "", "", "", "aphids seen", "re-potted", "shade cloth"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 640 * scale
    rows = [["batch_id", "variety", "lux", "humidity", "temp_c", "water_ml", "season", "notes", "thrived"]]
    for i in range(n):
        variety = VARIETIES[int(rng.integers(0, len(VARIETIES)))]
        season = SEASONS[int(rng.integers(0, 4))]
        lux = int(rng.integers(2000, 60000))
        humidity = int(rng.integers(30, 95))
        temp = round(float(rng.normal(22, 4)), 1)
        water = int(rng.integers(50, 900))
        note = NOTES[int(rng.integers(0, len(NOTES)))]
        score = lux / 30000 + (humidity - 60) / 40 - abs(temp - 23) / 6 + water / 600
        score += 0.4 if season in ("spring", "summer") else -0.3
        score -= 0.8 if note == "aphids seen" else 0.0
        thrived = int(score + rng.normal(0, 0.5) > 1.0)
        rows.append([f"GB{i:04d}", variety, lux, humidity, f"{temp:.1f}", water, season, note, thrived])
    _write_atomic(Path(out_dir) / "batches.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
