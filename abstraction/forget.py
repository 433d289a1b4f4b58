"""Deleting a data subject's rows from every artifact of a run, incrementally where it is exact.

- Sources: the rows are dropped (their ids stay stable, so the remaining rows keep theirs).
- Prepared data: when the preparation used only deletion-safe operations (select, project, inner
  join, union, ...), the rows whose provenance contains a deleted id are dropped; otherwise (left
  joins, aggregates, deduplication) the preparation is recomputed from the updated sources.
- Split: recomputed on the remaining rows, as a re-run would.
- Features: stateful transformers are refitted on the remaining rows from the prepared data;
  stateless blocks (hashing, functions, passthrough) are row selections of the old matrix.
- Model: retrained (exact) or moved by an influence step (approximate); predictions follow the model.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from lester.abstraction.errors import LesterError
from lester.abstraction.features import fit_transform_all, refit
from lester.abstraction.frame import DELETION_SAFE_OPS, Frame, prov_column
from lester.abstraction.provenance import rows_derived_from, unique_ids
from lester.abstraction.run import Run
from lester.abstraction.runner import complete_run, fit_model
from lester.abstraction.unlearning import UnlearningUnsupported, influence_update
from sklearn.base import clone

MODEL_UPDATES = ("retrain", "influence")


def forget(
    run: Run,
    source: str,
    *,
    ids: Any = None,
    where: str | None = None,
    model_update: str = "retrain",
) -> Run:
    started = time.perf_counter()
    if source not in run.sources:
        raise LesterError(
            f"forget: unknown source {source!r}; the run's sources are {sorted(run.sources)}"
        )
    if model_update not in MODEL_UPDATES:
        raise LesterError(f"forget: model_update must be one of {MODEL_UPDATES}")
    ids = _resolve_ids(run.sources[source], source, ids, where)
    sources, removed = _drop_from_source(run.sources, source, ids)
    prepared, y_all, kept, prep_method = _update_prepared(run, source, ids, sources)
    data = prepared.data
    train, test = run.split.indices(data, y_all)
    fit_rows = np.arange(len(data)) if run.fit_on == "all" else train
    if kept is not None:
        encoder, X_all, blocks = refit(run.encoder, run.X_all, kept, data, fit_rows)
    else:
        encoder, X_all = fit_transform_all(clone(run.encoder), data, fit_rows)
        blocks = {name: "refitted" for name, _, _ in run.encoder.transformers_}
    model, model_method = _update_model(run.model, model_update, X_all[train], y_all[train])
    updated = complete_run(
        sources=sources,
        prepared_frame=prepared,
        split=run.split,
        fit_on=run.fit_on,
        y_all=y_all,
        train_index=train,
        test_index=test,
        encoder=encoder,
        X_all=X_all,
        model=model,
        pipeline_path=run.pipeline_path,
        data_dir=run.data_dir,
    )
    updated.forget_report = _report(
        run, updated, source, ids, removed, prep_method, blocks, model_method, started
    )
    return updated


def _resolve_ids(frame: Frame, source: str, ids: Any, where: str | None) -> np.ndarray:
    if (ids is None) == (where is None):
        raise LesterError("forget: give either ids or where")
    if where is None:
        return unique_ids(np.asarray(ids, dtype=np.int64))
    try:
        mask = frame.df[frame.columns].eval(where)
    except Exception as exc:
        raise LesterError(f"forget: cannot evaluate {where!r} on source {source!r}: {exc}") from exc
    return unique_ids(frame.df[prov_column(source)].to_numpy()[np.asarray(mask, dtype=bool)])


def _drop_from_source(
    sources: dict[str, Frame], source: str, ids: np.ndarray
) -> tuple[dict[str, Frame], int]:
    frame = sources[source]
    hit = np.isin(frame.df[prov_column(source)].to_numpy(), ids)
    updated = dict(sources)
    updated[source] = Frame(frame.df[~hit].reset_index(drop=True), frame.colprov, frame.ops)
    return updated, int(hit.sum())


def _update_prepared(
    run: Run, source: str, ids: np.ndarray, sources: dict[str, Frame]
) -> tuple[Frame, np.ndarray, np.ndarray | None, str]:
    """The prepared frame and labels without the deleted rows, and the kept positions if incremental."""
    old = run.prepared_frame
    if source not in old.sources:
        return old, run.y_all, np.arange(len(old)), "unaffected"
    if old.ops <= DELETION_SAFE_OPS:
        derived = rows_derived_from(old.df[prov_column(source)].to_numpy(), ids)
        kept = np.flatnonzero(~derived)
        frame = Frame(old.df.iloc[kept].reset_index(drop=True), old.colprov, old.ops)
        return frame, run.y_all[kept], kept, "deleted-by-provenance"
    if run.pipeline_path is None:
        raise LesterError(
            "forget: this preparation must be recomputed, but the run does not name its pipeline file"
        )
    from lester.abstraction.pipeline import load_pipeline

    pipeline = load_pipeline(run.pipeline_path)
    frame = pipeline.prepare(sources, run.data_dir)
    return (
        frame,
        pipeline.labels(frame.data),
        None,
        "recomputed (" + ", ".join(sorted(old.ops - DELETION_SAFE_OPS)) + ")",
    )


def _update_model(model: Any, how: str, X: np.ndarray, y: np.ndarray) -> tuple[Any, str]:
    if how == "influence":
        try:
            return influence_update(model, X, y), "influence-update (approximate)"
        except UnlearningUnsupported as exc:
            return fit_model(clone(model), X, y), f"retrained (influence update unsupported: {exc})"
    return fit_model(clone(model), X, y), "retrained"


def _report(
    old: Run,
    new: Run,
    source: str,
    ids: np.ndarray,
    removed: int,
    prep: str,
    blocks: dict[str, str],
    model: str,
    started: float,
) -> dict[str, Any]:
    def rows(name: str) -> dict[str, Any]:
        before, after = len(getattr(old, name)), len(getattr(new, name))
        return {"rows_before": before, "rows_after": after, "rows_removed": before - after}

    return {
        "source": source,
        "ids": [int(i) for i in ids[:1000]],
        "n_ids": int(len(ids)),
        "artifacts": {
            f"sources/{source}": {"rows_removed": removed, "method": "deleted"},
            "prepared": {**rows("prepared"), "method": prep},
            "X_train": {
                **rows("X_train"),
                "method": "row selection + encoder update",
                "blocks": blocks,
            },
            "X_test": {
                **rows("X_test"),
                "method": "row selection + encoder update",
                "blocks": blocks,
            },
            "y_train": {**rows("y_train"), "method": "row selection"},
            "y_test": {**rows("y_test"), "method": "row selection"},
            "encoder": {"method": ", ".join(f"{k}: {v}" for k, v in blocks.items())},
            "model": {"method": model},
            "predictions": {**rows("predictions"), "method": "predicted by the updated model"},
        },
        "seconds": round(time.perf_counter() - started, 4),
    }
