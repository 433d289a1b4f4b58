"""Seeded generator for museum_visits_trainer_class: exhibitions.csv, past museum exhibitions (header).

Columns: exhibit_id,title,gallery,curator_note,floor_area,ticket_price,duration_days,school_program,
press_mentions,visitors
ticket_price is written "$12.50" or "12.5 USD" or "free"; floor_area "1,250 sqm"; press_mentions empty
for ~5%; gallery names with stray spaces and case; visitors is the target (thousands).
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

GALLERIES = ["East Wing", "West Wing", "Atrium", "Basement"]
THEMES = ["Impressionism", "Dinosaurs", "Ancient Egypt", "Photography", "Design", "Space", "Textiles"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["exhibit_id", "title", "gallery", "curator_note", "floor_area", "ticket_price", "duration_days",
             "school_program", "press_mentions", "visitors"]]
    for i in range(700 * scale):
        theme = THEMES[int(rng.integers(len(THEMES)))]
        gallery = GALLERIES[int(rng.integers(len(GALLERIES)))]
        area = int(rng.integers(200, 3000))
        price = float(rng.choice([0, 8, 10, 12.5, 15, 18]))
        days = int(rng.integers(20, 200))
        school = rng.random() < 0.4
        press = int(rng.poisson(6))
        blockbuster = theme in ("Dinosaurs", "Ancient Egypt", "Space")
        visitors = (0.004 * area + 0.06 * days + 1.5 * press ** 0.5 - 0.25 * price + (6 if blockbuster else 0)
                    + (3 if school else 0) + rng.normal(0, 2))
        r = rng.random()
        price_s = "free" if price == 0 else (f"${price:.2f}" if r < 0.6 else f"{price:g} USD")
        area_s = f'"{area:,} sqm"' if area >= 1000 else f"{area} sqm"
        shown = gallery.upper() if rng.random() < 0.1 else (" " + gallery if rng.random() < 0.1 else gallery)
        note = f"{theme} - {'family friendly' if school else 'adults'}"
        rows.append([f"EX{i:04d}", f"{theme} {i}", shown, note, area_s, price_s, days, "yes" if school else "no",
                     "" if rng.random() < 0.05 else press, f"{max(visitors, 0.5):.2f}"])
    _write_atomic(Path(out_dir) / "exhibitions.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
