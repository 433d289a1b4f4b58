"""Seeded generator for housing_expensive_classifier: wohnungen.csv, a German-style export.

Semicolon-separated with header; prices use decimal commas and dot thousands separators
("245.000,00"), balcony is "ja"/"nein", district names sometimes carry stray spaces.
Columns: id;bezirk;flaeche_m2;zimmer;etage;balkon;baujahr;kaufpreis
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

DISTRICTS = ["Mitte", "Pankow", "Neukölln", "Spandau", "Kreuzberg", "Lichtenberg"]
BASE = [6500, 4800, 4500, 3600, 6000, 4000]


def _de(x: float) -> str:
    s = f"{x:,.2f}"  # 245,000.00
    return s.replace(",", "X").replace(".", ",").replace("X", ".")


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 600 * scale
    rows = [["id", "bezirk", "flaeche_m2", "zimmer", "etage", "balkon", "baujahr", "kaufpreis"]]
    for i in range(n):
        d = int(rng.integers(len(DISTRICTS)))
        area = float(np.round(rng.lognormal(4.2, 0.35), 1))
        rooms = int(np.clip(round(area / 28 + rng.normal(0, 0.6)), 1, 6))
        floor = int(rng.integers(0, 8))
        balcony = rng.random() < 0.55
        year = int(rng.integers(1900, 2022))
        ppm = BASE[d] * (1 + 0.08 * balcony + 0.02 * floor + 0.002 * (year - 1960)) * np.exp(rng.normal(0, 0.12))
        name = DISTRICTS[d] if rng.random() < 0.85 else f" {DISTRICTS[d]} "
        rows.append([i + 1, name, f"{area:.1f}".replace(".", ","), rooms, floor, "ja" if balcony else "nein", year, _de(round(ppm * area, -2))])
    _write_atomic(Path(out_dir) / "wohnungen.csv", _lines(rows, sep=";"))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
