"""Seeded generator for power_plans_stacked_dummies: households on electricity retail plans.

train.csv (header): household,signup,region,tariff,heating,kwh_month,outages,switched
test.csv  (header): the same columns without `switched` (the households to score).
kwh_month is empty for ~8% of the rows; regions come in a few spellings of the same four names.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
REGIONS = ["Nord", "Sud", "Est", "Ouest"]
TARIFFS = ["fixed", "variable", "green"]
HEATING = ["gas", "electric", "heat-pump", "oil"]


def _rows(rng: np.random.Generator, n: int, first: int, labelled: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["household", "signup", "region", "tariff", "heating", "kwh_month", "outages"]
    w.writerow(header + (["switched"] if labelled else []))
    for i in range(n):
        region = REGIONS[int(rng.integers(4))]
        spelled = region.upper() if rng.random() < 0.1 else (f" {region}" if rng.random() < 0.05 else region)
        tariff = str(rng.choice(TARIFFS, p=[0.5, 0.35, 0.15]))
        heating = str(rng.choice(HEATING, p=[0.4, 0.3, 0.2, 0.1]))
        kwh = float(rng.gamma(4.0, 80.0)) * (1.8 if heating == "electric" else 1.0)
        outages = int(rng.poisson(0.7 + 0.5 * (region == "Est")))
        month = int(rng.integers(1, 13))
        signup = f"2023-{month:02d}-{int(rng.integers(1, 29)):02d}"
        kwh_txt = "" if rng.random() < 0.08 else f"{kwh:.1f}"
        row = [first + i, signup, spelled, tariff, heating, kwh_txt, outages]
        if labelled:
            z = 0.9 * (tariff == "variable") + 0.45 * outages + kwh / 900 - 0.6 * (tariff == "green") - 1.2
            row.append(int(z + rng.normal(0, 1) > 0))
        w.writerow(row)
    return buf.getvalue()


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    _write_atomic(Path(out_dir) / "train.csv", _rows(rng, 640 * scale, 1, True))
    _write_atomic(Path(out_dir) / "test.csv", _rows(rng, 160 * scale, 640 * scale + 1, False))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
