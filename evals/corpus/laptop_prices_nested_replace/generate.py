"""Seeded generator for laptop_prices_nested_replace: laptops.csv, one row per laptop in a shop's catalogue.

laptops.csv: sku,brand,cpu_ghz,cores,ram_gb,storage_gb,screen_in,weight_kg,touchscreen,os,battery_wh,price
brand 'acme' is a rare house brand (~4%), 'other' the no-name imports; touchscreen 'yes'/'no';
os 'win'/'mac'/'linux' ('mac' only for lumio); weight_kg with three decimals; cpu_ghz, weight_kg,
battery_wh and os blank for ~2-3% each (incomplete supplier sheets); price in EUR.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

BRANDS = {"zento": 1.0, "lumio": 1.35, "corex": 0.9, "vantra": 1.1, "acme": 0.8, "other": 0.75}
BRAND_P = [0.27, 0.2, 0.22, 0.17, 0.04, 0.1]
RAM = [4, 8, 16, 32, 64]
STORAGE = [128, 256, 512, 1024, 2048]
SCREENS = [11.6, 13.3, 14.0, 15.6, 16.0, 17.3]


def _blank(rng: np.random.Generator, p: float, text: str) -> str:
    return "" if rng.random() < p else text


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    brands = list(BRANDS)
    rows = [["sku", "brand", "cpu_ghz", "cores", "ram_gb", "storage_gb", "screen_in", "weight_kg",
             "touchscreen", "os", "battery_wh", "price"]]
    for i in range(400 * scale):
        brand = brands[int(rng.choice(len(brands), p=BRAND_P))]
        tier = int(rng.choice(5, p=[0.1, 0.35, 0.35, 0.15, 0.05]))
        ram = RAM[tier]
        storage = STORAGE[int(np.clip(tier + rng.integers(-1, 2), 0, 4))]
        cores = int(2 ** np.clip(tier + int(rng.integers(0, 2)), 1, 4))
        ghz = round(rng.uniform(1.6, 3.2) + 0.1 * tier, 1)
        screen = SCREENS[int(rng.integers(len(SCREENS)))]
        weight = 1.0 + 0.09 * (screen - 11) + rng.normal(0, 0.15) + (0.3 if tier >= 3 else 0.0)
        touch = "yes" if rng.random() < (0.45 if screen <= 14 else 0.15) else "no"
        if brand == "lumio":
            os_name = "mac" if rng.random() < 0.8 else "win"
        else:
            os_name = "linux" if rng.random() < 0.12 else "win"
        battery = 40 + 4 * tier + 3.0 * (screen - 11) + rng.normal(0, 6)
        price = (250 + 0.35 * 60 * ram + 0.25 * storage + 120 * (ghz - 2.0) + 25 * cores
                 + (140 if touch == "yes" else 0) + (200 if os_name == "mac" else 0) - 90 * (weight - 1.8))
        price *= BRANDS[brand] * rng.lognormal(0, 0.08)
        rows.append([f"LP-{4000 + 3 * i:05d}", brand, _blank(rng, 0.03, f"{ghz:.1f}"), cores, ram,
                     storage, screen, _blank(rng, 0.025, f"{max(weight, 0.8):.3f}"), touch,
                     _blank(rng, 0.02, os_name), _blank(rng, 0.03, f"{battery:.0f}"), f"{price:.2f}"])
    _write_atomic(Path(out_dir) / "laptops.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
