"""Seeded generator for used_cars_listings: used_cars.csv, a frame saved with its index (first column unnamed).

used_cars.csv: ,title,brand,model,year,mileage,engine,power,fuel,transmission,owner_type,seats,location,price
mileage "45,000 km" (quoted) or "45000 km"; engine "1498 CC"; power "117.3 bhp" or "null bhp";
brand spelled with stray case and spaces ("honda", " Toyota", "Land" for Land Rover); missing values
written "N/A", "?" or "-"; a few year typos (209, 1019); price in lakh, "N/A" for ~1%.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

BRANDS = {  # brand: (price level in lakh, models, typical cc, weight)
    "Maruti": (5.0, ["Swift", "Baleno", "Wagon R", "Ertiga"], 1200, 0.26),
    "Hyundai": (6.5, ["i20", "Creta", "Verna", "Grand i10"], 1400, 0.2),
    "Honda": (7.5, ["City", "Amaze", "Jazz"], 1450, 0.12),
    "Toyota": (11.0, ["Innova", "Corolla", "Fortuner"], 2200, 0.1),
    "Mahindra": (8.5, ["XUV500", "Scorpio", "Bolero"], 2200, 0.08),
    "Ford": (6.0, ["EcoSport", "Figo", "Endeavour"], 1500, 0.08),
    "BMW": (28.0, ["3 Series", "5 Series", "X1"], 2000, 0.05),
    "Audi": (26.0, ["A4", "A6", "Q3"], 2000, 0.05),
    "Mercedes-Benz": (30.0, ["C-Class", "E-Class"], 2100, 0.04),
    "Land Rover": (40.0, ["Discovery Sport", "Range Rover Evoque"], 2200, 0.02),
}
CITIES = ["Mumbai", "Pune", "Delhi", "Kochi", "Chennai", "Hyderabad", "Kolkata"]
OWNERS = ["First", "Second", "Third", "Fourth & Above"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    names = list(BRANDS)
    w = np.array([BRANDS[b][3] for b in names])
    rows = [["", "title", "brand", "model", "year", "mileage", "engine", "power", "fuel", "transmission",
             "owner_type", "seats", "location", "price"]]
    for i in range(1200 * scale):
        brand = names[int(rng.choice(len(names), p=w / w.sum()))]
        level, models, cc, _ = BRANDS[brand]
        model = models[int(rng.integers(len(models)))]
        year = int(np.clip(rng.normal(2015, 3), 2004, 2023))
        age = 2024 - year
        km = int(max(2000, rng.normal(12000 * age, 5000)))
        engine = int(cc * rng.uniform(0.8, 1.25) // 10 * 10)
        power = engine / 14 * rng.uniform(0.85, 1.2)
        diesel = rng.random() < (0.6 if cc >= 2000 else 0.35)
        fuel = "Diesel" if diesel else ("CNG" if rng.random() < 0.05 else "Petrol")
        auto = rng.random() < (0.8 if level > 20 else 0.2)
        owner = int(rng.choice(4, p=[0.8, 0.15, 0.04, 0.01]))
        seats = 7 if model in ("Innova", "Ertiga", "XUV500", "Scorpio", "Fortuner", "Bolero") else 5
        city = CITIES[int(rng.integers(len(CITIES)))]
        price = (level * 0.88 ** age * (1 - 0.06 * owner) * (1.1 if auto else 1) * (1.05 if diesel else 1)
                 * (power / (cc / 14)) ** 0.5 * np.exp(-km / 400000) * (1.08 if city in ("Kochi", "Hyderabad") else 1)
                 * rng.lognormal(0, 0.12))
        shown = brand
        r = rng.random()
        if brand == "Land Rover":
            shown = "Land"
        elif r < 0.08:
            shown = brand.lower()
        elif r < 0.12:
            shown = " " + brand
        mileage = f'"{km:,} km"' if rng.random() < 0.6 else f"{km} km"
        year_s = str(year) if rng.random() > 0.004 else str(year)[0] + str(year)[2:]
        rows.append([i, f"{brand} {model}", shown, model, "-" if rng.random() < 0.01 else year_s, mileage,
                     "N/A" if rng.random() < 0.01 else f"{engine} CC",
                     "null bhp" if rng.random() < 0.02 else f"{power:.1f} bhp", fuel,
                     "Automatic" if auto else "Manual", OWNERS[owner], "?" if rng.random() < 0.01 else f"{seats:.1f}",
                     city, "N/A" if rng.random() < 0.01 else f"{price:.2f}"])
    _write_atomic(out_dir / "used_cars.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
