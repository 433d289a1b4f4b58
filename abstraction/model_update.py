"""The model after a deletion: which training rows left and joined, which columns moved, and
whether the certified Newton step or retraining brings the model to the re-run's optimum.

The arithmetic lives in `unlearning.py`; this module maps a run's change onto it: the rows that
left the training set are read from the old matrix, the rows that joined from the new one, the
parameters of vanished columns are dropped (those columns are zero on every remaining training
row), and refitted scalers become an affine change of coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

from .encoder_update import EncoderUpdate
from .matrix import Matrix
from .run import Run
from .runner import fit_model, model_curvature, predict
from .unlearning import (
    Affine,
    Curvature,
    Rows,
    UnlearningUnsupported,
    certificate_of,
    decision,
    newton_update,
    objective_of,
    parameters,
    retrain,
    with_parameters,
)


@dataclass(frozen=True)
class TrainingChange:
    """The new run's rows (`origins`: old position per new row, or None when recomputed), labels,
    training rows and encoder update."""

    origins: np.ndarray | None
    y_all: np.ndarray
    train: np.ndarray
    encoding: EncoderUpdate


@dataclass
class ModelOutcome:
    model: Any
    method: str
    curvature: Curvature | None
    certificate: dict[str, Any] = field(default_factory=dict)
    decision: np.ndarray | None = None


def update_model(
    run: Run, change: TrainingChange, how: str, tolerance: float | None
) -> ModelOutcome:
    """The model for the new run: `how` is "influence" or "retrain"."""
    if how == "influence":
        try:
            return _influence(run, change, tolerance)
        except UnlearningUnsupported as exc:
            return _retrain(run, change, f"influence update not used: {exc}")
    return _retrain(run, change, None)


def _influence(run: Run, change: TrainingChange, tolerance: float | None) -> ModelOutcome:
    objective = objective_of(run.model)
    if run.curvature is None or not run.curvature.matches(run.model):
        raise UnlearningUnsupported("the run keeps no Hessian for this model")
    if change.origins is None or change.encoding.column_map is None:
        raise UnlearningUnsupported("the features were recomputed as a whole")
    left, joined = training_delta(run, change)
    keep = _kept_parameters(
        change.encoding.column_map, run.features.shape[1], objective.fit_intercept
    )
    removed = Rows(
        _design(run.features.take(left).dense(), objective.fit_intercept), run.y_all[left]
    )
    features = change.encoding.matrix
    added = Rows(
        _design(features.take(joined).dense(), objective.fit_intercept), change.y_all[joined]
    )
    model, curvature = run.model, run.curvature
    if keep is not None:
        model = with_parameters(model, parameters(model)[keep])
        curvature = _gone_columns(curvature, removed, keep, objective, run.model)
        removed = Rows(np.zeros((0, len(keep))), removed.y[:0])
    update = newton_update(
        model,
        curvature,
        removed,
        added,
        affine_moves(run.encoder, change.encoding),
        features.take(change.train),
        change.y_all[change.train],
        tolerance,
    )
    return ModelOutcome(
        update.model, update.method, update.curvature, update.certificate, update.decision
    )


def training_delta(run: Run, change: TrainingChange) -> tuple[np.ndarray, np.ndarray]:
    """(old training rows not trained on any more, new training rows not trained on before)."""
    n_old = len(run.prepared_rows)
    was_train = np.zeros(n_old, dtype=bool)
    was_train[run.train_index] = True
    origin = change.origins[change.train]
    joined = change.train[(origin < 0) | ~was_train[np.maximum(origin, 0)]]
    still = np.zeros(n_old, dtype=bool)
    still[origin[origin >= 0]] = True
    return run.train_index[~still[run.train_index]], joined


def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.hstack([X, np.ones((len(X), 1))]) if fit_intercept else X


def _kept_parameters(column_map: np.ndarray, n_old: int, fit_intercept: bool) -> np.ndarray | None:
    """The old parameter of each new one (None when no column vanished)."""
    if len(column_map) == n_old and np.array_equal(column_map, np.arange(n_old)):
        return None
    return np.r_[column_map, n_old] if fit_intercept else column_map


def _gone_columns(
    curvature: Curvature, removed: Rows, keep: np.ndarray, objective: Any, model: Any
) -> Curvature:
    """The cache without the removed rows' terms (taken out before their columns go) and
    restricted to the parameters that remain."""
    from .unlearning import terms

    g, h = terms(objective, model, removed, curvature.theta)
    gradient, hessian = curvature.gradient - g, curvature.hessian - h
    return Curvature(hessian[np.ix_(keep, keep)], gradient[keep], curvature.theta[keep])


def affine_moves(old: Any, encoding: EncoderUpdate) -> Affine | None:
    """The refitted scaler columns as x' = a·x + b, in the new matrix's columns."""
    before = {name: t for name, t, _ in old.transformers_}
    columns, scales, shifts = [], [], []
    for name, transformer, _ in encoding.encoder.transformers_:
        cols = encoding.encoder.output_indices_[name]
        if cols.stop == cols.start or transformer is before.get(name):
            continue
        moved = _affine(before[name], transformer)
        if moved is not None:
            columns.append(np.arange(cols.start, cols.stop))
            scales.append(moved[0])
            shifts.append(moved[1])
    if not columns:
        return None
    return Affine(np.concatenate(columns), np.concatenate(scales), np.concatenate(shifts))


def _affine(before: Any, after: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(a, b) with after(x) = a·before(x) + b, for per-column affine scalers of one class."""
    if type(before) is not type(after):
        return None
    old, new = _offset_scale(before), _offset_scale(after)
    if old is None or new is None:
        return None
    return old[1] / new[1], (old[0] - new[0]) / new[1]


def _offset_scale(scaler: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(c, s) with transform(x) = (x − c) / s, for the scalers that have that form."""
    n = getattr(scaler, "n_features_in_", 0)
    if isinstance(scaler, StandardScaler):
        offset = scaler.mean_ if scaler.with_mean else np.zeros(n)
        return offset, scaler.scale_ if scaler.with_std else np.ones(n)
    if isinstance(scaler, MinMaxScaler) and not scaler.clip:
        return -scaler.min_ / scaler.scale_, 1.0 / scaler.scale_
    if isinstance(scaler, MaxAbsScaler):
        return np.zeros(n), scaler.scale_
    if isinstance(scaler, RobustScaler):
        offset = scaler.center_ if scaler.with_centering else np.zeros(n)
        return offset, scaler.scale_ if scaler.with_scaling else np.ones(n)
    return None


def _retrain(run: Run, change: TrainingChange, why: str | None) -> ModelOutcome:
    """Fitted again on the new training rows (warm-started where possible), with a fresh cache."""
    X = change.encoding.matrix.take(change.train).dense()
    y = change.y_all[change.train]
    try:
        model, method = retrain(run.model, X, y, change.encoding.column_map, fit_model)
    except UnlearningUnsupported:
        model, method = fit_model(clone(run.model), X, y), "retrained"
    if why:
        method = f"{method}; {why}"
    matrix = Matrix.of(X, [X.shape[1]])
    curvature = model_curvature(model, matrix, y)
    certificate = certificate_of(model, matrix, y) if curvature is not None else {}
    return ModelOutcome(model, method, curvature, certificate)


def predictions_of(
    model: ModelOutcome, features: Matrix, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    """Predictions on the test rows (or the training rows without a test set); for linear models
    from their decision function over the blocks, without a copy of the matrix."""
    try:
        objective_of(model.model)
    except UnlearningUnsupported:
        return predict(model.model, features, train, test)
    if model.decision is not None and not len(test):
        t = model.decision
    else:
        t = decision(model.model, features.take(test if len(test) else train))
    classes = getattr(model.model, "classes_", None)
    return classes[(t > 0).astype(int)] if classes is not None else t
