"""Saving and loading runs in open formats, atomically.

Layout: `meta.json` (split, provenance maps, report), `sources/*.parquet` and `prepared.parquet`
(data with `__prov__*` id columns), `X_*.npy`, `y_*.npy`, `predictions.npy`, the row positions of the
split, and `encoder.joblib` / `model.joblib`. The directory is written under a temporary name and
renamed into place, so a crash never leaves a half-written run behind.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from lester.abstraction.errors import LesterError
from lester.abstraction.frame import Frame, is_prov_column, object_array
from lester.abstraction.params import estimator_params, qualname
from lester.abstraction.run import Run
from lester.abstraction.splits import Split

FORMAT = 1
ARRAYS = ("y_all", "train_index", "test_index", "predictions")


def save_run(run: Run, target: Path, *, overwrite: bool = False) -> Path:
    if target.exists() and not overwrite:
        raise LesterError(
            f"{target} already exists; choose another directory (nothing was written)"
        )
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write(run, tmp)
        _replace_dir(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def _write(run: Run, out: Path) -> None:
    (out / "sources").mkdir(parents=True)
    for name, frame in run.sources.items():
        frame.df.to_parquet(out / "sources" / f"{name}.parquet", index=False)
    run.prepared_frame.df.to_parquet(out / "prepared.parquet", index=False)
    run.train_provenance.to_parquet(out / "provenance_train.parquet", index=False)
    run.test_provenance.to_parquet(out / "provenance_test.parquet", index=False)
    for name in ("X_train", "X_test", "y_train", "y_test"):
        np.save(out / f"{name}.npy", getattr(run, name), allow_pickle=False)
    for name in ARRAYS:
        np.save(out / f"{name}.npy", getattr(run, name), allow_pickle=False)
    joblib.dump(run.encoder, out / "encoder.joblib")
    joblib.dump(run.model, out / "model.joblib")
    (out / "meta.json").write_text(json.dumps(_meta(run), indent=2, default=str))


def save_prepared(sources: dict[str, Frame], prepared: Frame, target: Path) -> Path:
    """The artifacts of a partial run (sources and preparation only), in the same layout."""
    if target.exists():
        raise LesterError(
            f"{target} already exists; choose another directory (nothing was written)"
        )
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        (tmp / "sources").mkdir(parents=True)
        for name, frame in sources.items():
            frame.df.to_parquet(tmp / "sources" / f"{name}.parquet", index=False)
        prepared.df.to_parquet(tmp / "prepared.parquet", index=False)
        meta = {
            "format": FORMAT,
            "partial": True,
            "rows": len(prepared),
            "columns": prepared.columns,
            "source_rows": {n: len(f) for n, f in sources.items()},
            "ops": sorted(prepared.ops),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
        _replace_dir(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def _meta(run: Run) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "pipeline_path": run.pipeline_path,
        "data_dir": run.data_dir,
        "split": run.split.to_dict(),
        "fit_on": run.fit_on,
        "sources": {name: _colprov_json(f) for name, f in run.sources.items()},
        "prepared": {
            "colprov": _colprov_json(run.prepared_frame),
            "ops": sorted(run.prepared_frame.ops),
        },
        "source_ops": {name: sorted(f.ops) for name, f in run.sources.items()},
        "column_provenance": run.column_provenance,
        "shapes": {"X_train": list(run.X_train.shape), "X_test": list(run.X_test.shape)},
        "model": qualname(run.model),
        "model_params": estimator_params(run.model),
        "forget_report": run.forget_report,
    }


def _colprov_json(frame: Frame) -> dict[str, list[list[str]]]:
    return {col: sorted([list(p) for p in pairs]) for col, pairs in frame.colprov.items()}


def _replace_dir(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    backup = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(target, backup)
    os.rename(tmp, target)
    shutil.rmtree(backup)


def load_run(directory: str | Path) -> Run:
    """Load a saved run; no pipeline source code is needed."""
    root = Path(directory)
    meta_path = root / "meta.json"
    if not meta_path.is_file():
        raise LesterError(f"{root} is not a saved Lester run (no meta.json)")
    meta = json.loads(meta_path.read_text())
    if meta.get("format") != FORMAT:
        raise LesterError(f"{root}: unsupported run format {meta.get('format')!r}")
    arrays = {name: np.load(root / f"{name}.npy", allow_pickle=False) for name in ARRAYS}
    X_train = np.load(root / "X_train.npy", allow_pickle=False)
    X_test = np.load(root / "X_test.npy", allow_pickle=False)
    X_all = np.empty((len(arrays["y_all"]), X_train.shape[1]), dtype=X_train.dtype)
    X_all[arrays["train_index"]] = X_train
    X_all[arrays["test_index"]] = X_test
    return Run(
        sources={
            name: _frame(
                pd.read_parquet(root / "sources" / f"{name}.parquet"),
                colprov,
                meta["source_ops"][name],
            )
            for name, colprov in meta["sources"].items()
        },
        prepared_frame=_frame(
            pd.read_parquet(root / "prepared.parquet"),
            meta["prepared"]["colprov"],
            meta["prepared"]["ops"],
        ),
        split=Split.from_dict(meta["split"]),
        fit_on=meta["fit_on"],
        X_all=X_all,
        encoder=joblib.load(root / "encoder.joblib"),
        model=joblib.load(root / "model.joblib"),
        column_provenance=meta["column_provenance"],
        pipeline_path=meta["pipeline_path"],
        data_dir=meta["data_dir"],
        forget_report=meta["forget_report"],
        **arrays,
    )


def _frame(df: pd.DataFrame, colprov: dict[str, list[list[str]]], ops: list[str]) -> Frame:
    for col in df.columns:
        if is_prov_column(col) and df[col].dtype == object:
            df[col] = object_array([np.asarray(v, dtype=np.int64) for v in df[col]])
    pairs = {col: frozenset(tuple(p) for p in pairs) for col, pairs in colprov.items()}
    return Frame(df, pairs, frozenset(ops))
