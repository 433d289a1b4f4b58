"""Executing a pipeline's stages in order and materializing the run's artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from lester.abstraction.errors import StageError
from lester.abstraction.features import column_provenance, fit_transform_all
from lester.abstraction.pipeline import Pipeline, _call_guarded
from lester.abstraction.run import Run
from sklearn.base import BaseEstimator


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
        "encode", fit_transform_all, pipeline.make_encoder(), data, fit_rows
    )
    model = fit_model(pipeline.make_model(), X_all[train], y_all[train])
    return complete_run(
        sources=sources,
        prepared_frame=prepared,
        split=split,
        fit_on=fit_on,
        y_all=y_all,
        train_index=train,
        test_index=test,
        encoder=encoder,
        X_all=X_all,
        model=model,
        pipeline_path=str(pipeline.path) if pipeline.path else None,
        data_dir=str(Path(data_dir).resolve()),
    )


def complete_run(**fields: Any) -> Run:
    """A run from its parts; the predictions and the column provenance follow from them."""
    prepared = fields["prepared_frame"]
    predictions = predict(
        fields["model"], fields["X_all"], fields["train_index"], fields["test_index"]
    )
    colprov = column_provenance(fields["encoder"], prepared.data, prepared.colprov)
    return Run(**fields, predictions=predictions, column_provenance=colprov)


def materialize(path: Path, data_dir: Path, out: Path) -> None:
    """Run a pipeline module and save what it produces: a whole run, or, for a module that has only
    sources and a preparation (a candidate checked stage by stage), the sources and prepared data."""
    from lester.abstraction.pipeline import load_pipeline
    from lester.abstraction.storage import save_prepared

    pipeline = load_pipeline(path, partial=True)
    if pipeline.complete:
        pipeline.run(data_dir=data_dir).save(out)
        return
    sources = pipeline.read_sources(data_dir)
    save_prepared(sources, pipeline.prepare(sources, data_dir), out)


def fit_model(model: BaseEstimator, X: np.ndarray, y: np.ndarray) -> Any:
    if len(X) == 0:
        raise StageError("model", "there are no training rows")
    return _call_guarded("model", model.fit, X, y)


def predict(model: Any, X_all: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Predictions on the test rows, or on the training rows when there is no test set."""
    rows = test if len(test) else train
    return np.asarray(_call_guarded("model", model.predict, X_all[rows]))
