"""Seeded generator for titanic_partitions_jsonl: one JSON-lines file per embarkation port + tickets.csv.

passengers_<port>.jsonl (port in C, Q, S): {"id", "name", "sex", "age" (null ~20%), "pclass", "ticket",
    "sibsp", "parch", "outcome" ("survived" | "rescued" | "lost" | "missing")}
tickets.csv (header): ticket,fare,cabin   (fare empty for ~5% of the tickets)
"""

from __future__ import annotations

from pathlib import Path

from lester.evals.datagen import lines as _lines
from lester.evals.datagen import run_cli
from lester.evals.datagen import write_atomic as _write_atomic

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
import json

import numpy as np

SURN = ["Smith", "Brown", "Kelly", "Olsen", "Rossi", "Murphy", "Andersson", "Sage", "Baker", "Ivanov"]


def generate(out_dir: Path, scale: int = 1, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    n = 900 * scale
    ports = {"C": [], "Q": [], "S": []}
    tickets = [["ticket", "fare", "cabin"]]
    for i in range(n):
        pclass = int(rng.choice([1, 2, 3], p=[0.24, 0.21, 0.55]))
        female = bool(rng.random() < 0.35)
        age = float(np.clip(rng.normal(30 - 4 * (pclass == 3), 14), 1, 80))
        sib = int(rng.choice([0, 1, 2, 4], p=[0.68, 0.24, 0.05, 0.03]))
        par = int(rng.choice([0, 1, 2], p=[0.76, 0.14, 0.10]))
        fare = float(np.round(rng.lognormal([4.1, 3.0, 2.2][pclass - 1], 0.5), 2))
        port = str(rng.choice(["S", "C", "Q"], p=[0.72, 0.19, 0.09]))
        z = 2.4 * female - 0.9 * (pclass - 2) - 0.02 * (age - 30) - 0.3 * max(0, sib + par - 3) + rng.normal(0, 1) - 0.6
        outcome = (["survived", "rescued"][int(rng.random() < 0.2)]) if z > 0 else (["lost", "missing"][int(rng.random() < 0.1)])
        ticket = f"TK{i:05d}"
        cabin = f"{'ABCDEF'[int(rng.integers(6))]}{int(rng.integers(1, 130))}" if pclass == 1 and rng.random() < 0.7 else ""
        tickets.append([ticket, "" if rng.random() < 0.05 else f"{fare:.2f}", cabin])
        rec = {"id": i + 1, "name": f"{SURN[int(rng.integers(10))]} #{i}", "sex": "female" if female else "male",
               "age": None if rng.random() < 0.2 else int(age), "pclass": pclass, "ticket": ticket,
               "sibsp": sib, "parch": par, "outcome": outcome}
        ports[port].append(json.dumps(rec))
    for port, lines in ports.items():
        _write_atomic(out_dir / f"passengers_{port}.jsonl", "\n".join(lines) + "\n")
    _write_atomic(out_dir / "tickets.csv", _lines(tickets))


# ----------------------------------------------------------------------------- plumbing
def main(argv: list[str] | None = None) -> None:
    run_cli(generate, __doc__, DEFAULT_OUT, argv)


if __name__ == "__main__":
    main()
