"""Deleting a data subject's rows from every artifact of a run, incrementally where it is exact.

- Sources: the rows are dropped (their ids stay stable, so the remaining rows keep theirs).
- Prepared data: when the preparation used only deletion-safe operations (select, project, inner
  join, union, ...), the rows whose provenance contains a deleted id are dropped. Otherwise (left
  joins, aggregates, deduplication) the preparation is maintained along its lineage
  (`lester.abstraction.incremental`): rows derived from the deleted ones are dropped, only the
  affected groups of aggregates and deduplications are recomputed, left rows that lost their match
  are joined again, and an operation that cannot be maintained is re-applied with everything above
  it. A run without lineage (one loaded from disk) recomputes the preparation from the updated
  sources. The report says which path was taken, step by step.
- Labels: row selections when rows were only deleted, else recomputed by the pipeline's label stage.
- Split: recomputed on the remaining rows, as a re-run would.
- Features: stateful transformers are refitted on the remaining rows from the prepared data;
  stateless blocks (hashing, functions, passthrough) are row selections of the old matrix, with
  only new rows (recomputed groups) transformed.
- Model: retrained (exact) or moved by an influence step (approximate); predictions follow the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from lester.abstraction.errors import LesterError
from lester.abstraction.features import fit_transform_all, refit
from lester.abstraction.frame import DELETION_SAFE_OPS, Frame, prov_column
from lester.abstraction.incremental import Deletion, NotMaintainable, maintain
from lester.abstraction.provenance import rows_derived_from, unique_ids
from lester.abstraction.run import Run
from lester.abstraction.runner import complete_run, fit_model
from lester.abstraction.unlearning import UnlearningUnsupported, influence_update
from sklearn.base import clone

MODEL_UPDATES = ("retrain", "influence")


@dataclass(frozen=True)
class PreparedUpdate:
    """The prepared frame and labels after a deletion, and how they were obtained.

    `origins` gives each new prepared row's position among the old ones (-1 for a new row), or is
    None when the preparation was recomputed as a whole.
    """

    frame: Frame
    y_all: np.ndarray
    origins: np.ndarray | None
    method: str
    steps: list[dict[str, Any]] = field(default_factory=list)


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
    prepared = _update_prepared(run, source, ids, sources)
    data, y_all = prepared.frame.data, prepared.y_all
    train, test = run.split.indices(data, y_all)
    fit_rows = np.arange(len(data)) if run.fit_on == "all" else train
    if prepared.origins is not None:
        encoder, X_all, blocks = refit(run.encoder, run.X_all, prepared.origins, data, fit_rows)
    else:
        encoder, X_all = fit_transform_all(clone(run.encoder), data, fit_rows)
        blocks = {name: "refitted" for name, _, _ in run.encoder.transformers_}
    model, model_method = _update_model(run.model, model_update, X_all[train], y_all[train])
    updated = complete_run(
        sources=sources,
        prepared_frame=prepared.frame,
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
        run, updated, source, ids, removed, prepared, blocks, model_method, started
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
) -> PreparedUpdate:
    """The prepared frame and labels without the deleted rows, by the cheapest exact path."""
    old = run.prepared_frame
    if source not in old.sources:
        return PreparedUpdate(old, run.y_all, np.arange(len(old)), "unaffected")
    if old.ops <= DELETION_SAFE_OPS:
        derived = rows_derived_from(old.df[prov_column(source)].to_numpy(), ids)
        kept = np.flatnonzero(~derived)
        frame = Frame(old.df.iloc[kept].reset_index(drop=True), old.colprov, old.ops)
        return PreparedUpdate(frame, run.y_all[kept], kept, "deleted-by-provenance")
    if old.lineage is None:
        return _recompute(run, sources, "the run has no lineage")
    try:
        return _maintain(run, Deletion(source, ids), sources)
    except NotMaintainable as exc:
        return _recompute(run, sources, str(exc))


def _maintain(run: Run, deletion: Deletion, sources: dict[str, Frame]) -> PreparedUpdate:
    """The preparation maintained along its lineage; labels are row selections when rows were
    only deleted, and come from the pipeline's label stage when rows changed."""
    updated = {id(run.sources[name]): frame for name, frame in sources.items()}
    change, steps = maintain(run.prepared_frame, deletion, updated)
    method = "incremental: " + "; ".join(f"{s['op']}: {s['method']}" for s in steps)
    if change.deletion_only:
        kept = np.flatnonzero(~change.removed)
        method = method if steps else "deleted-by-provenance"
        return PreparedUpdate(change.new, run.y_all[kept], kept, method, steps)
    y_all = _pipeline(run, "its labels").labels(change.new.data)
    origins = change.origins() if change.known else None
    return PreparedUpdate(change.new, y_all, origins, method, steps)


def _recompute(run: Run, sources: dict[str, Frame], reason: str) -> PreparedUpdate:
    """The whole preparation again, from the updated sources, by the pipeline's own code."""
    pipeline = _pipeline(run, "this preparation")
    frame = pipeline.prepare(sources, run.data_dir)
    ops = ", ".join(sorted(run.prepared_frame.ops - DELETION_SAFE_OPS))
    return PreparedUpdate(frame, pipeline.labels(frame.data), None, f"recomputed ({ops}; {reason})")


def _pipeline(run: Run, what: str) -> Any:
    if run.pipeline_path is None:
        raise LesterError(
            f"forget: {what} must be recomputed, but the run does not name its pipeline file"
        )
    from lester.abstraction.pipeline import load_pipeline

    return load_pipeline(run.pipeline_path)


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
    prepared: PreparedUpdate,
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
            "prepared": {
                **rows("prepared"),
                "method": prepared.method,
                "steps": prepared.steps,
            },
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
