"""Executing a pipeline's stages in order and materializing the run's artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .encoder_update import fit_statistics
from .errors import StageError
from .features import blocks, fit_transform_all
from .features import column_provenance as feature_provenance
from .matrix import Matrix
from .pipeline import Pipeline, _call_guarded
from .rows import FrameRows
from .run import Run
from .unlearning import Curvature, UnlearningUnsupported, curvature_at


def execute(pipeline: Pipeline, data_dir: Path) -> Run:
    sources = pipeline.read_sources(data_dir)
    prepared = pipeline.prepare(sources, data_dir)
    data = prepared.data
    if len(data) == 0:
        raise StageError(pipeline.prepare_name, "the prepared data has no rows")
    y_all = pipeline.labels(data)
    split = pipeline.make_split()
    train, test = _call_guarded("split", split.indices, data, y_all)
    fit_on = pipeline.encode_options.get("fit_on", "train")
    fit_rows = np.arange(len(data)) if fit_on == "all" else train
    encoder, X_all = _call_guarded(
        "encode", fit_transform_all, pipeline.make_encoder(), data, fit_rows, y_all
    )
    X_all = np.asfortranarray(X_all)  # saved column by column, one column per refit
    features = Matrix.of(X_all, [b.stop - b.start for _, _, b in blocks(encoder)])
    model = fit_model(pipeline.make_model(), X_all[train], y_all[train])
    source_rows = {name: FrameRows(frame) for name, frame in sources.items()}
    prepared_rows = FrameRows(prepared)
    _index(source_rows, prepared_rows)
    return complete_run(
        source_rows=source_rows,
        prepared_rows=prepared_rows,
        split=split,
        fit_on=fit_on,
        y_all=y_all,
        train_index=train,
        test_index=test,
        encoder=encoder,
        features=features,
        model=model,
        statistics=fit_statistics(encoder, features, fit_rows),
        curvature=model_curvature(model, features.take(train), y_all[train]),
        pipeline=pipeline,
        pipeline_path=str(pipeline.path) if pipeline.path else None,
        data_dir=str(Path(data_dir).resolve()),
    )


def _index(sources: dict[str, FrameRows], prepared: FrameRows) -> None:
    """Build the provenance indexes (source id to rows) once per run: every deletion looks ids
    up in them and carries them over to the run it makes."""
    for name, rows in sources.items():
        rows.index(name)
    for name in prepared.sources:
        prepared.index(name)


def complete_run(
    *, predictions: np.ndarray | None = None, column_provenance: list | None = None, **fields: Any
) -> Run:
    """A run from its parts; the predictions and the column provenance follow from them unless
    given (a deletion that kept the model's decisions and the encoder's columns passes them)."""
    if predictions is None:
        predictions = predict(
            fields["model"], fields["features"], fields["train_index"], fields["test_index"]
        )
    if column_provenance is None:
        prepared: FrameRows = fields["prepared_rows"]
        column_provenance = feature_provenance(
            fields["encoder"], prepared.empty(), prepared.colprov
        )
    return Run(**fields, predictions=predictions, column_provenance=column_provenance)


def model_curvature(model: Any, matrix: Matrix, y: np.ndarray) -> Curvature | None:
    """The Hessian cache of a linear model (None for models without a certified update)."""
    try:
        return curvature_at(model, matrix, y)
    except UnlearningUnsupported:
        return None


def materialize(path: Path, data_dir: Path, out: Path) -> None:
    """Run a pipeline module and save what it produces: a whole run, or, for a module that has only
    sources and a preparation (a candidate checked stage by stage), the sources and prepared data."""
    from .pipeline import load_pipeline
    from .storage import save_prepared, save_run

    pipeline = load_pipeline(path, partial=True)
    if pipeline.complete:
        save_run(pipeline.run(data_dir=data_dir), out, signed=False)
        return
    sources = pipeline.read_sources(data_dir)
    save_prepared(sources, pipeline.prepare(sources, data_dir), out)


def fit_model(model: BaseEstimator, X: np.ndarray, y: np.ndarray) -> Any:
    if len(X) == 0:
        raise StageError("model", "there are no training rows")
    return _call_guarded("model", model.fit, X, y)


def predict(model: Any, features: Matrix, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Predictions on the test rows, or on the training rows when there is no test set."""
    rows = test if len(test) else train
    return np.asarray(_call_guarded("model", model.predict, features.take(rows).dense()))
