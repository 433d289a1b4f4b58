"""Seeded generator for wine_quality_blend: winequality-red.csv and winequality-white.csv (';'-separated).

Both files: a quoted header "fixed acidity";"volatile acidity";"citric acid";"residual sugar";"chlorides";
"free sulfur dioxide";"total sulfur dioxide";"density";"pH";"sulphates";"alcohol";"quality"
(about 10% exact duplicate rows, pH and sulphates empty for ~2%; quality 3-9).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

HEADER = ["fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides",
          "free sulfur dioxide", "total sulfur dioxide", "density", "pH", "sulphates", "alcohol", "quality"]


def _wines(rng, n: int, red: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for _ in range(n):
        if rows and rng.random() < 0.1:          # the same analysis entered twice
            rows.append(list(rows[int(rng.integers(len(rows)))]))
            continue
        fixed = rng.normal(8.3 if red else 6.9, 1.4 if red else 0.8)
        volatile = abs(rng.normal(0.53 if red else 0.28, 0.17 if red else 0.1))
        citric = float(np.clip(rng.normal(0.27 if red else 0.33, 0.18), 0, 1))
        sugar = rng.lognormal(0.9 if red else 1.6, 0.45 if red else 0.8)
        chlorides = rng.lognormal(-2.5 if red else -3.1, 0.35)
        free = rng.lognormal(2.6 if red else 3.4, 0.55)
        total = free + rng.lognormal(3.4 if red else 4.6, 0.5 if red else 0.3)
        alcohol = float(np.clip(rng.normal(10.4, 1.1), 8, 14.5))
        density = 0.9968 + 0.0004 * sugar / 3 - 0.001 * (alcohol - 10.4) + rng.normal(0, 0.0008)
        ph = rng.normal(3.31 if red else 3.19, 0.15)
        sulph = abs(rng.normal(0.66 if red else 0.49, 0.15))
        z = (0.85 * (alcohol - 10.4) - 2.5 * (volatile - (0.53 if red else 0.28)) + 1.2 * (sulph - 0.55)
             + 0.6 * citric - 0.12 * np.log(chlorides) + rng.normal(0, 0.75))
        quality = int(np.clip(np.round(5.4 + z), 3, 9))
        rows.append([f"{fixed:.1f}", f"{volatile:.3f}", f"{citric:.2f}", f"{sugar:.1f}", f"{chlorides:.3f}",
                     f"{free:.0f}", f"{total:.0f}", f"{density:.5f}",
                     "" if rng.random() < 0.02 else f"{ph:.2f}",
                     "" if rng.random() < 0.02 else f"{sulph:.2f}", f"{alcohol:.1f}", str(quality)])
    return rows


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    header = ['"' + h + '"' for h in HEADER]
    for name, n, red in (("red", 600 * scale, True), ("white", 1000 * scale, False)):
        _write_atomic(out_dir / f"winequality-{name}.csv", _lines([header] + _wines(rng, n, red), sep=";"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
