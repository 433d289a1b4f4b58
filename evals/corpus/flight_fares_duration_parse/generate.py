"""Seeded generator for flight_fares_duration_parse: domestic flight bookings with fares (train) and without (test).

Data_Train.csv: Airline,Date_of_Journey,Source,Destination,Route,Dep_Time,Arrival_Time,Duration,Total_Stops,Additional_Info,Price
Test_set.csv:   the same columns without Price
(Date_of_Journey d/mm/yyyy with unpadded days; Arrival_Time "HH:MM" or "HH:MM 22 Mar" when it lands another day;
Duration "2h 50m" / "19h"; Destination both "Delhi" and "New Delhi"; a few rows without Route and Total_Stops;
"No info" and "No Info"; duplicated bookings; a few business-class fares far above the rest)
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import numpy as np

AIRLINES = ["Jet Airways", "IndiGo", "Air India", "Multiple carriers", "SpiceJet", "Vistara", "Air Asia", "GoAir"]
AIRLINE_P = [0.36, 0.19, 0.16, 0.11, 0.08, 0.05, 0.03, 0.02]
AIRLINE_PREMIUM = [1.35, 0.85, 1.1, 1.3, 0.8, 1.15, 0.75, 0.8]
# source, destination, source code, destination code, base fare, base minutes, stop probabilities (0..4)
SECTORS = [("Delhi", "Cochin", "DEL", "COK", 6500, 180, [0.1, 0.6, 0.25, 0.04, 0.01]),
           ("Kolkata", "Banglore", "CCU", "BLR", 6000, 150, [0.2, 0.6, 0.17, 0.03, 0.0]),
           ("Banglore", "Delhi", "BLR", "DEL", 5000, 165, [0.7, 0.25, 0.05, 0.0, 0.0]),
           ("Banglore", "New Delhi", "BLR", "DEL", 6200, 165, [0.35, 0.55, 0.1, 0.0, 0.0]),
           ("Mumbai", "Hyderabad", "BOM", "HYD", 4000, 85, [0.8, 0.17, 0.03, 0.0, 0.0]),
           ("Chennai", "Kolkata", "MAA", "CCU", 4200, 140, [0.9, 0.1, 0.0, 0.0, 0.0])]
SECTOR_P = [0.42, 0.27, 0.12, 0.09, 0.06, 0.04]
HUBS = ["BOM", "HYD", "MAA", "BLR", "DEL", "CCU", "AMD", "NAG", "GOI", "IDR", "BBI", "JAI"]
INFO = ["No info", "In-flight meal not included", "No check-in baggage included", "1 Long layover", "No Info"]
INFO_P = [0.78, 0.12, 0.05, 0.02, 0.03]
STOPS = ["non-stop", "1 stop", "2 stops", "3 stops", "4 stops"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _booking(rng, with_price):
    a = int(rng.choice(8, p=AIRLINE_P))
    src, dst, sc, dc, fare, minutes, stop_p = SECTORS[int(rng.choice(6, p=SECTOR_P))]
    stops = int(rng.choice(5, p=stop_p))
    day = _dt.date(2019, 3, 1) + _dt.timedelta(days=int(rng.integers(0, 119)))
    date_s = (f"{day.day:02d}" if rng.random() < 0.5 else str(day.day)) + f"/{day.month:02d}/{day.year}"
    dep = int(rng.integers(0, 24)) * 60 + 5 * int(rng.integers(0, 12))
    dur = minutes + sum(int(rng.integers(60, 720)) for _ in range(stops)) // 5 * 5
    arr = dep + dur
    arr_s = f"{arr // 60 % 24:02d}:{arr % 60:02d}"
    if arr >= 1440:
        land = day + _dt.timedelta(days=arr // 1440)
        arr_s += f" {land.day:02d} {MONTHS[land.month - 1]}"
    dur_s = f"{dur // 60}h {dur % 60}m" if dur % 60 else f"{dur // 60}h"
    route = " → ".join([sc] + [str(h) for h in rng.choice([h for h in HUBS if h not in (sc, dc)], stops, replace=False)] + [dc])
    stops_s = STOPS[stops]
    if rng.random() < 0.002:
        route, stops_s = "", ""
    info = INFO[int(rng.choice(5, p=INFO_P))]
    row = [AIRLINES[a], date_s, src, dst, route, f"{dep // 60:02d}:{dep % 60:02d}", arr_s, dur_s, stops_s, info]
    if with_price:
        early = 1.3 if day.month == 3 and day.day < 15 else 1.0
        price = fare * AIRLINE_PREMIUM[a] * early * (1 + 0.35 * stops) * (0.92 if info.startswith("In-flight") else 1.0)
        price *= float(rng.lognormal(0, 0.15))
        if rng.random() < 0.004:
            price = float(rng.uniform(45000, 80000))
        row.append(int(round(price)))
    return row


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    header = ["Airline", "Date_of_Journey", "Source", "Destination", "Route", "Dep_Time", "Arrival_Time",
              "Duration", "Total_Stops", "Additional_Info"]
    for name, n, with_price in (("Data_Train.csv", 2400 * scale, True), ("Test_set.csv", 800 * scale, False)):
        rows = []
        for _ in range(n):
            rows.append(_booking(rng, with_price))
            if rng.random() < 0.03:
                rows.append(list(rows[int(rng.integers(0, len(rows)))]))
        _write_atomic(out_dir / name, _lines([header + (["Price"] if with_price else [])] + rows))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
