"""Deleting a data subject's rows from every artifact of a run, at the cost of a provenance scan.

- **Ids.** The rows to delete are found by binary search in the provenance index of the source
  (`ProvenanceIndex`, built once per run and carried along); a `where` predicate is parsed into
  column comparisons (`predicate.py`) and evaluated on the source's columns, never run as code.
  Ids no row carries are reported one by one; when none is found, nothing changes.
- **Data artifacts, by one mask each.** The source and the prepared data lose rows by position
  (`FrameRows`); the matrix by composing row positions (`Matrix`); labels and predictions by a
  mask. When the preparation used operations deleting derived rows cannot maintain (left joins,
  aggregates, deduplication), it is maintained along its lineage (`incremental.py`), and
  re-applied where even that is impossible; without lineage, and without the pipeline's code in
  this process (a loaded run never imports code), the deletion stops and says what must be
  recomputed. The split is recomputed on the remaining rows, as a re-run would.
- **Encoder.** Each block of the encoder takes its cheapest exact way (`encoder_update.py`):
  reused, from category counts or document frequencies, or refitted on its own input columns.
- **Model.** Retrained (warm-started where possible), or moved by a certified Newton step
  (`unlearning.py`) with its gradient-norm certificate in the report, and retrained when the
  certificate exceeds the tolerance. Predictions follow the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from threadpoolctl import ThreadpoolController

from . import audit
from .encoder_update import EncoderUpdate, RowChange, fit_statistics, update_encoder
from .errors import LesterError
from .features import blocks, fit_transform_all
from .frame import DELETION_SAFE_OPS
from .incremental import Deletion, NotMaintainable, maintain
from .matrix import Matrix
from .model_update import ModelOutcome, TrainingChange, predictions_of, update_model
from .predicate import parse
from .provenance import unique_ids
from .rows import FrameRows
from .run import Run
from .runner import complete_run

MODEL_UPDATES = ("retrain", "influence")
_BLAS = ThreadpoolController()


class NothingToForget(LesterError):
    """None of the requested ids is a row of the source: nothing was changed."""


class NeedsRecompute(LesterError):
    """Part of the run can only be recomputed by the pipeline's code, which is not available."""


@dataclass(frozen=True)
class Request:
    """What to delete: the source, the ids found in it and those not found, and how."""

    source: str
    ids: np.ndarray
    missing: np.ndarray
    predicate: str | None
    positions: np.ndarray


@dataclass(frozen=True)
class PreparedUpdate:
    """The prepared rows and labels after a deletion, and how they were obtained.

    `origins` gives each new prepared row's position among the old ones (-1 for a new row), or is
    None when the preparation was recomputed as a whole.
    """

    rows: FrameRows
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
    tolerance: float | None = None,
) -> Run:
    """The updated run (see the module docstring). Linear algebra runs on one BLAS thread: a
    deletion's products are either tiny (d×d, k rows) or bound by memory, and waking a pool of
    threads for each costs more than it saves, far more on a busy machine."""
    with _BLAS.limit(limits=1, user_api="blas"):
        return _forget(run, source, ids, where, model_update, tolerance)


def _forget(
    run: Run,
    source: str,
    ids: Any,
    where: str | None,
    model_update: str,
    tolerance: float | None,
) -> Run:
    started = time.perf_counter()
    if model_update not in MODEL_UPDATES:
        raise LesterError(f"forget: model_update must be one of {MODEL_UPDATES}")
    request = resolve(run, source, ids, where)
    sources, removed = _drop_from_source(run, request)
    prepared = _update_prepared(run, request, sources)
    data = prepared.rows
    train, test = run.split.indices(_split_frame(run, data), prepared.y_all)
    fit_rows = np.arange(len(data)) if run.fit_on == "all" else train
    encoding = _update_features(run, prepared, fit_rows)
    change = TrainingChange(prepared.origins, prepared.y_all, train, encoding)
    model = update_model(run, change, model_update, tolerance)
    features = encoding.matrix
    predictions = predictions_of(model, features, train, test)
    same_columns = encoding.column_map is not None and np.array_equal(
        encoding.column_map, np.arange(run.features.shape[1])
    )
    updated = complete_run(
        source_rows=sources,
        prepared_rows=data,
        split=run.split,
        fit_on=run.fit_on,
        y_all=prepared.y_all,
        train_index=train,
        test_index=test,
        encoder=encoding.encoder,
        features=features,
        model=model.model,
        predictions=predictions,
        column_provenance=run.column_provenance if same_columns else None,
        statistics=encoding.statistics,
        curvature=model.curvature,
        pipeline=run.pipeline,
        pipeline_path=run.pipeline_path,
        data_dir=run.data_dir,
        audit=list(run.audit),
        origin=run.origin,
        notes=list(run.notes),
    )
    updated.forget_report = _report(
        run, updated, request, removed, prepared, encoding.how, model, started
    )
    updated.audit.append(audit.entry(updated.forget_report, run.content))
    return updated


# ---- ids -------------------------------------------------------------------------------------


def resolve(run: Run, source: str, ids: Any, where: str | None) -> Request:
    """The ids to delete and the positions of their rows in the source."""
    if source not in run.source_rows:
        raise LesterError(
            f"forget: unknown source {source!r}; the run's sources are {sorted(run.source_rows)}"
        )
    if (ids is None) == (where is None):
        raise LesterError("forget: give either ids or where")
    rows = run.source_rows[source]
    index = rows.index(source)
    if where is not None:
        predicate = parse(where)
        present = sorted(predicate.columns() & set(rows.columns))
        hit = predicate.mask(rows.data(present))
        wanted = unique_ids(rows.provenance(source)[hit])
    else:
        wanted = unique_ids(_as_ids(ids))
    found = index.found(wanted)
    request = Request(source, wanted[found], wanted[~found], where, index.positions(wanted[found]))
    if not len(request.ids):
        what = f"no row matches {where!r}" if where is not None else "none of the ids is a row"
        raise NothingToForget(f"forget: {what} of source {source!r}; nothing was changed")
    return request


def _as_ids(ids: Any) -> np.ndarray:
    values = np.atleast_1d(np.asarray(ids))
    if values.dtype == object or values.dtype.kind not in "iu":
        try:
            as_int = values.astype(np.int64)
        except (TypeError, ValueError):
            raise LesterError("forget: ids must be integers") from None
        if not np.array_equal(as_int, values):
            raise LesterError("forget: ids must be integers")
        values = as_int
    return values.astype(np.int64)


def _drop_from_source(run: Run, request: Request) -> tuple[dict[str, FrameRows], int]:
    rows = run.source_rows[request.source]
    removed = np.zeros(len(rows), dtype=bool)
    removed[request.positions] = True
    updated = dict(run.source_rows)
    updated[request.source] = rows.without(removed)
    return updated, int(removed.sum())


# ---- prepared data ------------------------------------------------------------------------------


def _update_prepared(run: Run, request: Request, sources: dict[str, FrameRows]) -> PreparedUpdate:
    """The prepared rows and labels without the deleted rows, by the cheapest exact path."""
    old = run.prepared_rows
    if request.source not in old.sources:
        return PreparedUpdate(old, run.y_all, np.arange(len(old)), "unaffected")
    if old.lineage is None and old.ops <= DELETION_SAFE_OPS:
        derived = old.index(request.source).mask(request.ids)
        kept = np.flatnonzero(~derived)
        return PreparedUpdate(old.without(derived), run.y_all[kept], kept, "deleted-by-provenance")
    if old.lineage is None:
        return _recompute(run, sources, "the run keeps no lineage of it")
    try:
        return _maintain(run, Deletion(request.source, request.ids), sources)
    except NotMaintainable as exc:
        return _recompute(run, sources, str(exc))


def _maintain(run: Run, deletion: Deletion, sources: dict[str, FrameRows]) -> PreparedUpdate:
    """The preparation maintained along its lineage; labels are row selections when rows were
    only deleted, and come from the pipeline's label stage when rows changed."""
    changed = sources[deletion.source].frame
    sources[deletion.source] = FrameRows(changed, None, sources[deletion.source].indexes)
    updated = {id(run.sources[deletion.source]): changed}
    change, steps = maintain(run.prepared_frame, deletion, updated)
    method = "incremental: " + "; ".join(f"{s['op']}: {s['method']}" for s in steps)
    if change.deletion_only:
        kept = np.flatnonzero(~change.removed)
        method = method if steps else "deleted-by-provenance"
        return PreparedUpdate(FrameRows(change.new), run.y_all[kept], kept, method, steps)
    pipeline = _pipeline(run, f"the labels of the rows it recomputed ({method})")
    y_all = pipeline.labels(change.new.data)
    origins = change.origins() if change.known else None
    return PreparedUpdate(FrameRows(change.new), y_all, origins, method, steps)


def _recompute(run: Run, sources: dict[str, FrameRows], reason: str) -> PreparedUpdate:
    """The whole preparation again, from the updated sources, by the pipeline's own code."""
    ops = ", ".join(sorted(run.prepared_rows.ops - DELETION_SAFE_OPS))
    pipeline = _pipeline(run, f"the preparation ({ops}; {reason})")
    frames = {name: rows.frame for name, rows in sources.items()}
    frame = pipeline.prepare(frames, run.data_dir)
    method = f"recomputed ({ops}; {reason})"
    return PreparedUpdate(FrameRows(frame), pipeline.labels(frame.data), None, method)


def _pipeline(run: Run, what: str) -> Any:
    if run.pipeline is None:
        raise NeedsRecompute(
            f"forget: {what} must be recomputed by the pipeline's code, and a saved run carries no "
            "code that Lester would run; nothing was changed. Re-run the pipeline on the sources "
            "without these rows (`lester run`)."
        )
    return run.pipeline


def _split_frame(run: Run, rows: FrameRows) -> Any:
    column = run.split.column
    if column is None:
        return pd.DataFrame(index=pd.RangeIndex(len(rows)))
    return rows.data([column])


# ---- features ---------------------------------------------------------------------------------


def _update_features(run: Run, prepared: PreparedUpdate, fit_rows: np.ndarray) -> EncoderUpdate:
    encoder = run.encoder
    if prepared.origins is None or encoder.transformer_weights:
        fitted, X_all = fit_transform_all(
            clone(encoder), prepared.rows.data(), fit_rows, prepared.y_all
        )
        features = Matrix.of(
            np.asfortranarray(X_all), [b.stop - b.start for _, _, b in blocks(fitted)]
        )
        statistics = fit_statistics(fitted, features, fit_rows)
        how = {name: "refitted" for name, _, _ in blocks(fitted)}
        return EncoderUpdate(fitted, features, statistics, how, None)
    old_fit = np.arange(len(run.prepared_rows)) if run.fit_on == "all" else run.train_index
    change = RowChange(
        prepared.origins,
        old_fit,
        fit_rows,
        prepared.rows.data,
        len(run.prepared_rows),
        prepared.rows.values,
        labels=prepared.y_all,
    )
    return update_encoder(encoder, run.features, run.statistics, change)


def _recomputed(prepared: PreparedUpdate) -> int:
    if prepared.origins is None:
        return len(prepared.rows)
    return int((prepared.origins < 0).sum())


# ---- report -----------------------------------------------------------------------------------


def _report(
    old: Run,
    new: Run,
    request: Request,
    removed: int,
    prepared: PreparedUpdate,
    blocks_how: dict[str, str],
    model: ModelOutcome,
    started: float,
) -> dict[str, Any]:
    def rows(name: str, before: int, after: int) -> dict[str, Any]:
        return {"rows_before": before, "rows_after": after, "rows_removed": before - after}

    matrix_how = "row selection; blocks: " + ", ".join(f"{k}: {v}" for k, v in blocks_how.items())
    return {
        "source": request.source,
        "predicate": request.predicate,
        "ids": [int(i) for i in request.ids[:1000]],
        "n_ids": int(len(request.ids)),
        "ids_not_found": [int(i) for i in request.missing[:1000]],
        "n_not_found": int(len(request.missing)),
        "artifacts": {
            f"sources/{request.source}": {"rows_removed": removed, "method": "deleted"},
            "prepared": {
                **rows("prepared", len(old.prepared_rows), len(new.prepared_rows)),
                "rows_recomputed": _recomputed(prepared),
                "method": prepared.method,
                "steps": prepared.steps,
            },
            "X_train": {
                **rows("X_train", len(old.train_index), len(new.train_index)),
                "method": matrix_how,
                "blocks": blocks_how,
            },
            "X_test": {
                **rows("X_test", len(old.test_index), len(new.test_index)),
                "method": matrix_how,
                "blocks": blocks_how,
            },
            "y_train": {
                **rows("y_train", len(old.train_index), len(new.train_index)),
                "method": "row selection",
            },
            "y_test": {
                **rows("y_test", len(old.test_index), len(new.test_index)),
                "method": "row selection",
            },
            "encoder": {"method": ", ".join(f"{k}: {v}" for k, v in blocks_how.items())},
            "model": {"method": model.method, "certificate": model.certificate},
            "predictions": {
                **rows("predictions", len(old.predictions), len(new.predictions)),
                "method": "predicted by the updated model",
            },
        },
        "seconds": round(time.perf_counter() - started, 4),
    }
