"""Model updates after a deletion: a certified Newton removal step for linear models, else a
warm-started retraining.

**Objectives.** L2-regularized binary logistic regression, F(θ) = C·Σ loss_i(θ) + ½‖w‖², and
squared loss (Ridge, LinearRegression), F(θ) = ½‖Zθ − y‖² + ½α‖w‖², with θ = (w, intercept) and
the intercept unpenalized, as scikit-learn fits them. The constants are read from the estimator.

**The cache.** At training time (and after every update) the run keeps a `Curvature`: the Hessian
of the data term at the model's θ and the data term's gradient there (the fitted model's own
optimization residual included, so nothing assumes it is an exact optimum). Computing the Hessian
is the O(n·d²) step; a deletion never repeats it.

**The removal step** (in the style of Guo et al., "Certified data removal"): the gradient and
Hessian of the objective on the remaining rows follow from the cache by removing the deleted rows'
terms (O(d²) per row) and adding those of rows that joined the training set. When a refitted
scaler moved a feature column by an affine map x' = a·x + b, that is a linear change of θ's
coordinates (the intercept absorbs b), applied exactly to the cached quantities. Then
θ⁻ = θ − H⁻¹∇F(θ), solved by a Cholesky factorization of the updated d×d Hessian.

**The certificate.** One pass over the remaining training rows computes the exact gradient at θ⁻;
its norm per training row (scikit-learn's own scale: lbfgs stops when this falls below `tol`) is
the certificate, and ‖θ⁻ − θ*‖ ≤ ‖∇F(θ⁻)‖ / μ bounds the distance to the exact optimum θ*, with μ
the smallest eigenvalue of the Hessian (exact for squared loss; for the logistic loss, where the
Hessian varies with θ, a local bound). Above the tolerance (the estimator's `tol` unless the caller
states one), a second step with the exact gradient follows; if that does not meet it either, the
model is retrained.

**Retraining** warm-starts from the current coefficients where the estimator supports it
(`warm_start`), on the updated matrix; trees, forests and other models retrain from scratch, and
the report says so.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve, eigvalsh
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from .matrix import Matrix

MAX_PARAMETERS = 1000
MAX_STEPS = 2
DEFAULT_TOLERANCE = 1e-4
GRAM_ROWS = 1 << 15


class UnlearningUnsupported(Exception):
    """The estimator has no certified update; it is retrained instead."""


@dataclass(frozen=True)
class Curvature:
    """The data term's Hessian and gradient at `theta`, in the current feature coordinates."""

    hessian: np.ndarray
    gradient: np.ndarray
    theta: np.ndarray

    def matches(self, model: Any) -> bool:
        try:
            theta = parameters(model)
        except UnlearningUnsupported:
            return False
        return theta.shape == self.theta.shape and bool(np.array_equal(theta, self.theta))


@dataclass(frozen=True)
class Affine:
    """Feature columns moved by x' = a·x + b (a refitted scaler), as a change of θ: Z'θ = Z·Mθ."""

    columns: np.ndarray
    scale: np.ndarray
    shift: np.ndarray

    def apply(self, theta: np.ndarray) -> np.ndarray:
        """M·θ: the parameters that give, on the old columns, the logits θ gives on the new."""
        out = theta.copy()
        out[self.columns] = self.scale * theta[self.columns]
        out[-1] += float(self.shift @ theta[self.columns])
        return out

    def transpose(self, v: np.ndarray) -> np.ndarray:
        out = v.copy()
        out[self.columns] = self.scale * v[self.columns] + self.shift * v[-1]
        return out

    def conjugate(self, hessian: np.ndarray) -> np.ndarray:
        """Mᵀ·H·M."""
        right = hessian.copy()
        right[:, self.columns] = hessian[:, self.columns] * self.scale + np.outer(
            hessian[:, -1], self.shift
        )
        out = right.copy()
        out[self.columns, :] = right[self.columns, :] * self.scale[:, None] + np.outer(
            self.shift, right[-1, :]
        )
        return out


@dataclass(frozen=True)
class Rows:
    """Training rows whose terms enter or leave the objective: features (with the intercept's
    column when the model has one) and labels."""

    Z: np.ndarray
    y: np.ndarray


@dataclass
class ModelUpdate:
    model: Any
    method: str
    curvature: Curvature | None
    certificate: dict[str, Any] = field(default_factory=dict)
    decision: np.ndarray | None = None


# ---- objectives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Objective:
    """The loss, its constants and the penalty of one supported estimator."""

    kind: str  # logistic or squared
    weight: float  # C for the logistic loss, 1 for squared loss
    penalty: np.ndarray
    fit_intercept: bool
    positive: Any = None

    def target(self, model: Any, y: np.ndarray) -> np.ndarray:
        if self.kind == "logistic":
            return (y == model.classes_[1]).astype(np.float64)
        return np.asarray(y, dtype=np.float64)

    def residual(self, decision: np.ndarray, target: np.ndarray) -> np.ndarray:
        if self.kind == "logistic":
            return self.weight * (_sigmoid(decision) - target)
        return decision - target

    def curvature_weights(self, decision: np.ndarray) -> np.ndarray:
        if self.kind == "logistic":
            p = _sigmoid(decision)
            return self.weight * p * (1 - p)
        return np.ones(len(decision))

    def scale(self, n_rows: int) -> float:
        """The objective scikit-learn minimizes is F divided by this (a mean over rows)."""
        return self.weight * max(n_rows, 1)


def objective_of(model: Any) -> Objective:
    """The objective `model` minimizes, or `UnlearningUnsupported` naming why not."""
    if isinstance(model, LogisticRegression):
        if len(getattr(model, "classes_", [])) != 2 or model.class_weight is not None:
            raise UnlearningUnsupported("it supports binary, unweighted logistic regression")
        if model.penalty not in ("l2", "deprecated") or model.l1_ratio not in (None, 0, 0.0):
            raise UnlearningUnsupported("it supports the L2 penalty only")
        if not np.isfinite(model.C):
            raise UnlearningUnsupported("an unpenalized logistic regression has no certified step")
        p = model.coef_.shape[1]
        return Objective(
            "logistic", float(model.C), _mask(p, model.fit_intercept), model.fit_intercept
        )
    if isinstance(model, Ridge | LinearRegression):
        if np.ndim(model.coef_) != 1 or getattr(model, "positive", False):
            raise UnlearningUnsupported("it supports one unconstrained regression target")
        alpha = float(getattr(model, "alpha", 0.0))
        p = len(model.coef_)
        return Objective("squared", 1.0, alpha * _mask(p, model.fit_intercept), model.fit_intercept)
    raise UnlearningUnsupported(f"{type(model).__name__} has no certified removal step")


def _mask(p: int, fit_intercept: bool) -> np.ndarray:
    return np.r_[np.ones(p), np.zeros(1 if fit_intercept else 0)]


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * t))


def parameters(model: Any) -> np.ndarray:
    coef = np.asarray(model.coef_, dtype=np.float64).ravel()
    if not getattr(model, "fit_intercept", False):
        return coef
    return np.r_[coef, np.asarray(model.intercept_, dtype=np.float64).ravel()[:1]]


def with_parameters(model: Any, theta: np.ndarray) -> Any:
    """A copy of a linear model with parameters θ = (coef, intercept)."""
    updated = copy.deepcopy(model)
    n = len(theta) - int(model.fit_intercept)
    updated.coef_ = theta[:n].reshape((1, n) if np.ndim(model.coef_) == 2 else (n,))
    if hasattr(updated, "n_features_in_"):
        updated.n_features_in_ = n
    if model.fit_intercept:
        value = theta[n]
        updated.intercept_ = np.array([value]) if np.ndim(model.intercept_) else float(value)
    return updated


# ---- passes over the data -----------------------------------------------------------------------


def decision(model: Any, matrix: Matrix, theta: np.ndarray | None = None) -> np.ndarray:
    """Zθ over the rows of `matrix` (block by block, no copy of the matrix)."""
    theta = parameters(model) if theta is None else theta
    d = matrix.shape[1]
    out = matrix.matvec(theta[:d])
    return out + theta[d] if len(theta) > d else out


def data_gradient(objective: Objective, matrix: Matrix, residual: np.ndarray) -> np.ndarray:
    g = matrix.rmatvec(residual)
    return np.r_[g, residual.sum()] if objective.fit_intercept else g


def curvature_at(model: Any, matrix: Matrix, y: np.ndarray) -> Curvature:
    """The cache for `model` fitted on the rows of `matrix`: O(n·d²), once per fit."""
    objective = objective_of(model)
    theta = parameters(model)
    if len(theta) > MAX_PARAMETERS:
        raise UnlearningUnsupported(f"{len(theta)} parameters: the Hessian would be too large")
    target = objective.target(model, y)
    hessian = np.zeros((len(theta), len(theta)))
    gradient = np.zeros(len(theta))
    for start in range(0, matrix.n_rows, GRAM_ROWS):
        rows = np.arange(start, min(start + GRAM_ROWS, matrix.n_rows))
        Z = _design(matrix.dense(rows), objective.fit_intercept)
        t = Z @ theta
        weights = objective.curvature_weights(t)
        hessian += (Z.T * weights) @ Z
        gradient += Z.T @ objective.residual(t, target[rows])
    return Curvature(hessian, gradient, theta)


def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.hstack([X, np.ones((len(X), 1))]) if fit_intercept else X


def terms(
    objective: Objective, model: Any, rows: Rows, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The gradient and Hessian terms of some rows at θ."""
    if not len(rows.y):
        return np.zeros(len(theta)), np.zeros((len(theta), len(theta)))
    t = rows.Z @ theta
    residual = objective.residual(t, objective.target(model, rows.y))
    weights = objective.curvature_weights(t)
    return rows.Z.T @ residual, (rows.Z.T * weights) @ rows.Z


# ---- the removal step ---------------------------------------------------------------------------


def newton_update(
    model: Any,
    curvature: Curvature,
    removed: Rows,
    joined: Rows,
    moved: Affine | None,
    matrix: Matrix,
    y: np.ndarray,
    tolerance: float | None,
) -> ModelUpdate:
    """The certified removal step; `UnlearningUnsupported` when the certificate fails."""
    objective = objective_of(model)
    if objective.kind == "logistic" and not _two_classes(y):
        raise UnlearningUnsupported("one class is left; retraining says so")
    theta = curvature.theta
    if moved is not None and not objective.fit_intercept and np.any(moved.shift):
        raise UnlearningUnsupported("a feature moved by a shift, and the model has no intercept")
    gone_g, gone_h = terms(objective, model, removed, theta)
    gradient, hessian = curvature.gradient - gone_g, curvature.hessian - gone_h
    if moved is not None:
        gradient = moved.transpose(gradient + hessian @ (moved.apply(theta) - theta))
        hessian = moved.conjugate(hessian)
    joined_g, joined_h = terms(objective, model, joined, theta)
    gradient, hessian = gradient + joined_g, hessian + joined_h
    system = hessian + np.diag(objective.penalty)
    try:
        factor = cho_factor(system, lower=True)
    except LinAlgError:
        raise UnlearningUnsupported("the updated Hessian is not positive definite") from None
    limit = _tolerance(model, tolerance)
    target = objective.target(model, y)
    step = gradient + objective.penalty * theta
    for attempt in range(1, MAX_STEPS + 1):
        theta = theta - cho_solve(factor, step)
        t = decision(model, matrix, theta)
        data_g = data_gradient(objective, matrix, objective.residual(t, target))
        step = data_g + objective.penalty * theta
        norm = float(np.linalg.norm(step)) / objective.scale(len(y))
        if norm <= limit:
            return _accepted(
                model, objective, theta, hessian, data_g, system, norm, limit, attempt, t
            )
    raise UnlearningUnsupported(
        f"the gradient norm after {MAX_STEPS} Newton steps, {norm:.3g}, exceeds the tolerance {limit:.3g}"
    )


def _two_classes(y: np.ndarray) -> bool:
    """Whether the labels hold more than one value (one vectorized comparison: sorting them,
    as `np.unique` does, costs more than the rest of a small deletion's Newton step)."""
    return bool(len(y)) and bool(np.any(y != y[0]))


def _accepted(
    model: Any,
    objective: Objective,
    theta: np.ndarray,
    hessian: np.ndarray,
    data_gradient_: np.ndarray,
    system: np.ndarray,
    norm: float,
    limit: float,
    steps: int,
    t: np.ndarray,
) -> ModelUpdate:
    mu = float(eigvalsh(system, subset_by_index=[0, 0])[0])
    bound = float(np.linalg.norm(data_gradient_ + objective.penalty * theta)) / max(mu, 1e-300)
    certificate = {
        "gradient_norm": norm,
        "tolerance": limit,
        "distance_bound": bound,
        "bound": "exact" if objective.kind == "squared" else "local",
        "mu": mu,
        "objective_scale": objective.scale(len(t)),
        "newton_steps": steps,
    }
    updated = with_parameters(model, theta)
    method = f"influence update ({steps} Newton step{'s' if steps > 1 else ''}; gradient norm {norm:.2e} <= {limit:.0e})"
    return ModelUpdate(updated, method, Curvature(hessian, data_gradient_, theta), certificate, t)


def _tolerance(model: Any, tolerance: float | None) -> float:
    if tolerance is not None:
        return float(tolerance)
    tol = getattr(model, "tol", None)
    return float(tol) if isinstance(tol, int | float) and tol > 0 else DEFAULT_TOLERANCE


def certificate_of(model: Any, matrix: Matrix, y: np.ndarray) -> dict[str, Any]:
    """The gradient norm (per training row) of a fitted model on its training rows."""
    objective = objective_of(model)
    theta = parameters(model)
    t = decision(model, matrix, theta)
    data_g = data_gradient(objective, matrix, objective.residual(t, objective.target(model, y)))
    norm = float(np.linalg.norm(data_g + objective.penalty * theta)) / objective.scale(len(y))
    return {"gradient_norm": norm}


# ---- retraining -----------------------------------------------------------------------------


def retrain(
    model: Any, X: np.ndarray, y: np.ndarray, old_columns: np.ndarray | None, fit: Any
) -> tuple[Any, str]:
    """`model` fitted again on (X, y), from its current coefficients where it supports that.

    `old_columns` gives, per column of X, its column in the old matrix (None: the same columns);
    `fit` is the runner's guarded fit.
    """
    fresh = clone(model)
    params = fresh.get_params()
    start = _warm_start(model, old_columns, X.shape[1])
    if "warm_start" not in params or start is None:
        how = (
            "retrained"
            if not _is_tree_model(model)
            else "retrained (trees and forests are always retrained)"
        )
        return fit(fresh, X, y), how
    fresh.set_params(warm_start=True)
    fresh.coef_, fresh.intercept_ = start
    fitted = fit(fresh, X, y)
    fitted.set_params(warm_start=params["warm_start"])
    return fitted, "retrained (warm start from the current coefficients)"


def _warm_start(
    model: Any, old_columns: np.ndarray | None, width: int
) -> tuple[np.ndarray, Any] | None:
    coef = getattr(model, "coef_", None)
    if coef is None or not hasattr(model, "intercept_"):
        return None
    coef = np.asarray(coef)
    if old_columns is not None:
        coef = coef[..., old_columns]
    if coef.shape[-1] != width:
        return None
    return coef.copy(), copy.deepcopy(model.intercept_)


def _is_tree_model(model: Any) -> bool:
    names = [c.__name__ for c in type(model).__mro__]
    return any(
        n.startswith(
            ("BaseDecisionTree", "BaseForest", "BaseGradientBoosting", "BaseHistGradientBoosting")
        )
        for n in names
    )
