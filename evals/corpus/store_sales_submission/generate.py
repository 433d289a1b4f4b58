"""Seeded generator for store_sales_submission: train.csv, test.csv and store.csv (drugstore chain, daily sales).

train.csv: Store,DayOfWeek,Date,Sales,Customers,Open,Promo,StateHoliday,SchoolHoliday   (6 weeks, newest first; closed days have 0 sales)
test.csv:  Id,Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday   (the 2 weeks after; Open empty for a few rows)
store.csv: Store,StoreType,Assortment,CompetitionDistance,Promo2   (CompetitionDistance empty for ~8% of the stores)
StateHoliday is "0", "a" (public) or "b" (Easter-like); Sundays are mostly closed.
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import datetime as dt

import numpy as np

TYPES = ["a", "b", "c", "d"]
ASSORT = ["a", "b", "c"]
HOLIDAYS = {dt.date(2015, 6, 4): "a", dt.date(2015, 6, 25): "b", dt.date(2015, 7, 16): "a"}


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n_stores = 45 * scale
    stores, base = [["Store", "StoreType", "Assortment", "CompetitionDistance", "Promo2"]], {}
    for s in range(1, n_stores + 1):
        st = int(rng.choice(4, p=[0.5, 0.05, 0.15, 0.3]))
        asrt = int(rng.choice(3, p=[0.5, 0.05, 0.45]))
        dist = float(np.round(rng.lognormal(7.8, 1.1) / 10) * 10)
        base[s] = (rng.lognormal(8.6, 0.3) * (1.3 if st == 1 else 1.0) * (1.1 if asrt == 2 else 1.0)
                   * (1 + 0.15 * (dist > 5000)), st)
        stores.append([s, TYPES[st], ASSORT[asrt], "" if rng.random() < 0.08 else f"{dist:.1f}", int(rng.random() < 0.5)])
    start = dt.date(2015, 6, 1)
    train = [["Store", "DayOfWeek", "Date", "Sales", "Customers", "Open", "Promo", "StateHoliday", "SchoolHoliday"]]
    test = [["Id", "Store", "DayOfWeek", "Date", "Open", "Promo", "StateHoliday", "SchoolHoliday"]]
    for day in range(56):
        d = start + dt.timedelta(days=day)
        dow = d.isoweekday()
        promo = int(dow <= 5 and (day // 7) % 2 == 0)
        hol = HOLIDAYS.get(d, "0")
        school = int(d >= dt.date(2015, 7, 20) or rng.random() < 0.05)
        for s in range(1, n_stores + 1):
            level, st = base[s]
            is_open = int(not (dow == 7 and st != 1) and hol == "0" and rng.random() > 0.01)
            if day < 42:
                mult = (1.25 if promo else 1.0) * (1.12 if dow == 1 else 0.92 if dow == 6 else 1.0) * (1.05 if school else 1.0)
                sales = int(level * mult * rng.lognormal(0, 0.1)) if is_open else 0
                cust = int(sales / rng.normal(9.5, 0.6)) if is_open else 0
                train.append([s, dow, d.isoformat(), sales, cust, is_open, promo, hol, school])
            else:
                test.append([len(test), s, dow, d.isoformat(), "" if rng.random() < 0.01 else is_open, promo, hol, school])
    _write_atomic(out_dir / "store.csv", _lines(stores))
    _write_atomic(out_dir / "train.csv", _lines(train[:1] + train[:0:-1]))   # newest day first, as exported
    _write_atomic(out_dir / "test.csv", _lines(test))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
