"""Seeded generator for crop_yield_cleaned: fields.csv (one row per field and season) and weather.csv.

fields.csv:  field_id,region,year,crop,soil_type,area_ha,fertilizer_kg_ha,irrigated,yield_t_ha
             (field_id and region are zero-padded codes; soil_type empty for ~6%; crop with stray case
             and spaces; area_ha 0 for a few mis-entered rows; irrigated "Y"/"N")
weather.csv: region,year,rain_mm,gdd,frost_days   (two region-years missing)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

CROPS = {"wheat": 7.5, "barley": 6.2, "maize": 9.5, "rapeseed": 3.6, "sugar beet": 70.0}
SOILS = ["loam", "clay", "sandy", "silt", "peat"]
YEARS = [2019, 2020, 2021, 2022, 2023]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    regions = [f"{r:02d}" for r in range(1, 13)]
    weather, wx = [["region", "year", "rain_mm", "gdd", "frost_days"]], {}
    for r in regions:
        wet = rng.uniform(450, 900)
        for y in YEARS:
            wx[(r, y)] = (wet * rng.lognormal(0, 0.2), rng.normal(1650, 150), int(rng.poisson(18)))
            if (r, y) not in (("04", 2021), ("11", 2019)):
                weather.append([r, y, f"{wx[(r, y)][0]:.0f}", f"{wx[(r, y)][1]:.0f}", wx[(r, y)][2]])
    _write_atomic(out_dir / "weather.csv", _lines(weather))
    crops = list(CROPS)
    rows = [["field_id", "region", "year", "crop", "soil_type", "area_ha", "fertilizer_kg_ha", "irrigated", "yield_t_ha"]]
    for i in range(1500 * scale):
        r = regions[int(rng.integers(len(regions)))]
        y = YEARS[int(rng.integers(len(YEARS)))]
        c = crops[int(rng.choice(5, p=[0.35, 0.2, 0.2, 0.15, 0.1]))]
        soil = int(rng.choice(5, p=[0.4, 0.25, 0.15, 0.15, 0.05]))
        fert = float(np.clip(rng.normal(160, 45), 0, 320))
        irr = rng.random() < 0.25
        rain, gdd, frost = wx[(r, y)]
        water = min(rain + 200 * irr, 750) / 750
        yld = CROPS[c] * (0.55 + 0.35 * water + 0.15 * min(fert, 220) / 220 + 0.0002 * (gdd - 1650)
                          - 0.005 * frost + [0.05, 0.0, -0.12, 0.02, 0.08][soil]) * rng.lognormal(0, 0.08)
        shown = c if rng.random() > 0.1 else (c.upper() if rng.random() < 0.5 else f" {c.title()} ")
        area = 0 if rng.random() < 0.01 else float(np.round(rng.lognormal(2.3, 0.7), 1))
        rows.append([f"{int(rng.integers(1, 9999)):04d}", r, y, shown, "" if rng.random() < 0.06 else SOILS[soil],
                     area, f"{fert:.0f}", "Y" if irr else "N", f"{yld:.2f}"])
    _write_atomic(out_dir / "fields.csv", _lines(rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
