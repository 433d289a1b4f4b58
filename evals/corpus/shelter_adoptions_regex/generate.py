"""Seeded generator for shelter_adoptions_regex: animals.csv, one row per animal listed by a shelter.

animals.csv: animal_id,listing,age_text,species,sex,weight_kg,description,photos,days_to_adoption
listing like 'Bella (Labrador mix). Ready now' or 'Max (Tabby). Shy'; age_text like '3 years',
'8 months', '1 year' or 'unknown'; description free text without commas mentioning vaccination,
kids, other pets; weight blank for ~4%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

NAMES = ["Bella", "Max", "Luna", "Charlie", "Milo", "Daisy", "Rocky", "Nala", "Oscar", "Coco", "Ziggy"]
BREEDS = {"dog": ["Labrador mix", "Beagle", "Terrier", "Shepherd mix", "Husky"],
          "cat": ["Tabby", "Siamese", "Persian", "Domestic Shorthair"]}
TAGS = ["Ready now", "Shy", "Loves walks", "Senior", "Needs a yard"]
PHRASES = ["Fully vaccinated", "Good with kids", "Good with children", "Gets along with other dogs",
           "House trained", "Needs medication", "Very playful", "Calm on the leash"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    rows = [["animal_id", "listing", "age_text", "species", "sex", "weight_kg", "description", "photos",
             "days_to_adoption"]]
    for i in range(1200 * scale):
        species = "dog" if rng.random() < 0.6 else "cat"
        breed = BREEDS[species][int(rng.integers(len(BREEDS[species])))]
        months = int(rng.gamma(1.5, 20)) + 2
        if rng.random() < 0.05:
            age = "unknown"
        elif months < 12:
            age = f"{months} months"
        else:
            years = months // 12
            age = f"{years} year" if years == 1 else f"{years} years"
        chosen = [p for p in PHRASES if rng.random() < 0.3]
        text = ". ".join(chosen) if chosen else "Come and meet"
        if rng.random() < 0.3:
            text = text.lower()
        weight = (rng.normal(22, 8) if species == "dog" else rng.normal(4.5, 1.2))
        photos = int(rng.integers(0, 7))
        days = 10 + 0.4 * months - 3 * photos - 8 * ("accinated" in text) - 6 * ("kids" in text.lower())
        days += 5 * (breed.endswith("mix")) + rng.exponential(12)
        rows.append([f"A{i:05d}", f"{NAMES[int(rng.integers(len(NAMES)))]} ({breed}). "
                     f"{TAGS[int(rng.integers(len(TAGS)))]}", age, species, "F" if rng.random() < 0.5 else "M",
                     "" if rng.random() < 0.04 else f"{max(weight, 1.0):.1f}", text, photos, f"{max(days, 1):.0f}"])
    _write_atomic(Path(out_dir) / "animals.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
