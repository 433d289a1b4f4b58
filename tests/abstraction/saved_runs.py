"""Helpers for the saved-run tests: a data set whose people have unique names, saved runs of it,
the CLI run in a subprocess, and a search of every file under a directory for a person."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import lester as lt

from .conftest import PIPELINES

PEOPLE = PIPELINES / "people.py"


def name_of(pid: int) -> str:
    return f"person-{pid:04d}-zq"


def write_people(directory: Path, n_people: int = 40, n_orders: int = 160, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "pid": np.arange(n_people),
            "name": [name_of(i) for i in range(n_people)],
            "country": rng.choice(["DE", "FR", "NL", "UK"], n_people),
            "age": rng.integers(16, 90, n_people),
        }
    ).to_csv(directory / "people.csv", index=False)
    words = np.array(["fast", "slow", "gift", "card", "late", "ok"])
    pd.DataFrame(
        {
            "oid": np.arange(n_orders),
            "pid": rng.integers(0, n_people, n_orders),
            "amount": rng.integers(1, 500, n_orders),
            "note": [" ".join(rng.choice(words, rng.integers(1, 5))) for _ in range(n_orders)],
        }
    ).to_csv(directory / "orders.csv", index=False)
    return directory


def saved_people_run(root: Path) -> tuple[Path, lt.Run]:
    """A saved run of the people pipeline under `root/runs/run`, and the run in memory."""
    data = write_people(root / "data")
    run = lt.load_pipeline(PEOPLE).run(data_dir=data)
    (root / "runs").mkdir()
    return run.save(root / "runs" / "run"), run


def adult_in_training(run: lt.Run) -> int:
    """A person whose orders reach the training data."""
    return int(np.sort(run.train_provenance["people"].to_numpy())[0])


def lester(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`lester ARGS` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "lester", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def files_holding(root: Path, needle: str) -> list[Path]:
    """Every file under `root` whose bytes contain `needle` (saved frames are uncompressed)."""
    found = []
    data = needle.encode()
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink() and data in path.read_bytes():
                found.append(path)
    return sorted(found)


def as_format_2(run_dir: Path) -> None:
    """Rewrite a saved run as Lester wrote format 2, signed: one Parquet file per frame and
    `X_{train,test}.npy` instead of parts."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq
    from lester.abstraction.signing import sign_directory

    meta = json.loads((run_dir / "meta.json").read_text())

    def join_frame(directory: Path, entry: dict) -> None:
        tables = [pq.read_table(directory / name) for name, _ in entry.pop("parts")]
        shutil.rmtree(directory)
        pq.write_table(pa.concat_tables(tables), directory.with_name(directory.name + ".parquet"))

    for name, entry in meta["source_layout"].items():
        join_frame(run_dir / "sources" / name, entry)
    join_frame(run_dir / "prepared", meta["prepared"])
    columns = []
    for block in meta["blocks"]:
        directory = run_dir / "features" / block.pop("dir")
        columns.append(np.concatenate([np.load(directory / n) for n, _ in block.pop("parts")]))
    shutil.rmtree(run_dir / "features")
    X_all = np.asfortranarray(np.hstack(columns))
    for split in ("train", "test"):
        index = np.load(run_dir / f"{split}_index.npy")
        np.save(run_dir / f"X_{split}.npy", np.asfortranarray(X_all[index]))
    del meta["features_dtype"]
    meta["format"] = 2
    (run_dir / "meta.json").write_text(json.dumps(meta))
    sign_directory(run_dir)
