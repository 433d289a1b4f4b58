"""Seeded generator for ev_charging_station_mix: charging sessions of a public EV network and its station list.

sessions.csv: session_id,station_id,connector,plug_in,plug_out,kwh_delivered,user_type,tariff_eur_kwh,notes
              (connector spelled "CCS"/"ccs"/"Type 2"/"type_2"/"CHAdeMO"; blank plug_out, kwh_delivered and
              user_type; zero or negative kWh after meter resets; ~1% sessions replayed by the backend with
              the same id; sessions of test stations missing from stations.csv; quoted free-text notes
              with commas; rows in export order, not time order)
stations.csv: station_id,site_category,max_kw,n_ports,commissioned
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"

CATEGORIES = ["workplace", "retail", "residential", "highway"]
# category: (typical stay hours, sigma, typical arrival hour)
STAY = {"workplace": (7.5, 0.3, 8.5), "retail": (1.2, 0.5, 14.0), "residential": (9.0, 0.35, 19.0),
        "highway": (0.6, 0.35, 13.0)}
KW = {"workplace": [11.0, 22.0], "retail": [22.0, 50.0], "residential": [7.4, 11.0], "highway": [50.0, 150.0]}
CONNECTOR_SPELLINGS = {"CCS": ["CCS", "CCS", "ccs"], "Type2": ["Type 2", "Type 2", "type_2", "TYPE2"],
                       "CHAdeMO": ["CHAdeMO", "chademo"]}
NOTES = ["", "", "", "", "", "", "", "", "\"app crash, restarted\"", "\"cable fault, moved bay\"",
         "rfid", "\"slow start, ok after\""]
T0 = datetime(2023, 1, 2)


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)

    stations = [["station_id", "site_category", "max_kw", "n_ports", "commissioned"]]
    info = {}
    for s in range(1, 37):
        sid = f"CH-{s:03d}"
        cat = CATEGORIES[int(rng.choice(4, p=[0.3, 0.3, 0.2, 0.2]))]
        kw = float(rng.choice(KW[cat]))
        info[sid] = (cat, kw)
        commissioned = datetime(2019, 1, 1) + timedelta(days=int(rng.integers(0, 1400)))
        stations.append([sid, cat, f"{kw:g}", int(rng.choice([2, 4, 6, 8])), commissioned.date().isoformat()])
    station_ids = list(info)

    sessions = [["session_id", "station_id", "connector", "plug_in", "plug_out", "kwh_delivered", "user_type",
                 "tariff_eur_kwh", "notes"]]
    n = 2600 * scale
    for i in range(n):
        test_station = rng.random() < 0.012
        sid = f"CH-9{int(rng.integers(0, 3)):02d}" if test_station else station_ids[int(rng.integers(len(station_ids)))]
        cat, kw = info.get(sid, ("retail", 22.0))
        user = str(rng.choice(["member", "guest", "fleet"], p=[0.55, 0.3, 0.15]))
        stay_h, sig, arrive_h = STAY[cat]
        day = T0 + timedelta(days=int(rng.integers(0, 180)))
        hour = float(np.clip(rng.normal(arrive_h, 2.5), 0, 23.9))
        plug_in = day + timedelta(minutes=int(hour * 60))
        dur_h = float(stay_h * rng.lognormal(0, sig)) * (1.3 if user == "fleet" else 1.0)
        plug_out = plug_in + timedelta(minutes=max(3, int(dur_h * 60)))
        need = float(rng.lognormal(3.0 + 0.35 * (cat == "highway") + 0.3 * (user == "fleet"), 0.45))
        eff_kw = kw * (0.62 if kw >= 50 else 0.9) * rng.uniform(0.8, 1.0)
        kwh = min(need, eff_kw * dur_h) * (0.85 if plug_in.weekday() >= 5 else 1.0)
        tariff = (0.59 if kw >= 50 else 0.39) - (0.06 if user == "member" else 0.0)
        conn_key = "CCS" if kw >= 50 and rng.random() < 0.85 else ("CHAdeMO" if kw >= 50 else "Type2")
        conn = str(rng.choice(CONNECTOR_SPELLINGS[conn_key]))
        r = rng.random()
        kwh_txt = "" if r < 0.02 else ("0.0" if r < 0.027 else (f"{-kwh:.2f}" if r < 0.03 else f"{kwh:.2f}"))
        row = [f"S{100000 + i}", sid, conn, plug_in.strftime("%Y-%m-%d %H:%M:%S"),
               "" if rng.random() < 0.03 else plug_out.strftime("%Y-%m-%d %H:%M:%S"),
               kwh_txt, "" if rng.random() < 0.04 else user, f"{tariff:.2f}", NOTES[int(rng.integers(len(NOTES)))]]
        sessions.append(row)
        if rng.random() < 0.01:
            sessions.append(list(row))

    _write_atomic(out_dir / "sessions.csv", _lines(sessions))
    _write_atomic(out_dir / "stations.csv", _lines(stations))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
