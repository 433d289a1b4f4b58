"""Approximate model updates after a deletion: one Newton (influence) step from the current model.

For an L2-regularized objective F(θ) = C·Σ loss_i(θ) + ½‖w‖², the model fitted on the remaining rows
is approximated by θ' = θ − H⁻¹ ∇F'(θ), with the gradient and Hessian of the objective F' on the
*updated* training matrix (rows removed, stateful features refitted). The sign matters: at the old
optimum ∇F' = −C·Σ_removed ∇loss_i, so the step adds the removed rows' influence back out.

For squared loss (Ridge, LinearRegression) the objective is quadratic and the step is exact. For
logistic regression the error is second order in the size of the change; the benchmark reports it.
The objective and its constants are read from the estimator, never assumed: sklearn's logistic
regression uses C on the data term and leaves the intercept unpenalized.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

MAX_PARAMETERS = 5000


class UnlearningUnsupported(Exception):
    """The estimator has no supported approximate update; retrain instead."""


def influence_update(model: Any, X: np.ndarray, y: np.ndarray) -> Any:
    """A copy of `model` moved by one Newton step towards the optimum on (X, y)."""
    if X.shape[1] + 1 > MAX_PARAMETERS:
        raise UnlearningUnsupported(f"{X.shape[1]} features: the Hessian would be too large")
    if isinstance(model, LogisticRegression):
        return _logistic(model, X, y)
    if isinstance(model, Ridge | LinearRegression):
        return _squared(model, X, y)
    raise UnlearningUnsupported(f"no influence update for {type(model).__name__}")


def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.hstack([X, np.ones((len(X), 1))]) if fit_intercept else X


def _penalty_mask(n_features: int, fit_intercept: bool) -> np.ndarray:
    return np.r_[np.ones(n_features), np.zeros(1 if fit_intercept else 0)]


def _logistic(model: LogisticRegression, X: np.ndarray, y: np.ndarray) -> LogisticRegression:
    if len(model.classes_) != 2 or model.class_weight is not None:
        raise UnlearningUnsupported(
            "influence updates support binary, unweighted logistic regression"
        )
    if model.penalty not in ("l2", "deprecated") or (model.l1_ratio not in (None, 0, 0.0)):
        raise UnlearningUnsupported("influence updates support the L2 penalty only")
    Z = _design(X, model.fit_intercept)
    theta = (
        np.r_[model.coef_.ravel(), model.intercept_] if model.fit_intercept else model.coef_.ravel()
    )
    target = (y == model.classes_[1]).astype(np.float64)
    p = 1.0 / (1.0 + np.exp(-(Z @ theta)))
    mask = _penalty_mask(X.shape[1], model.fit_intercept)
    grad = model.C * Z.T @ (p - target) + mask * theta
    hess = model.C * (Z.T * (p * (1 - p))) @ Z + np.diag(mask)
    return _with_theta(model, theta - np.linalg.solve(hess, grad), X.shape[1])


def _squared(model: Ridge | LinearRegression, X: np.ndarray, y: np.ndarray) -> Any:
    if np.ndim(model.coef_) != 1:
        raise UnlearningUnsupported("influence updates support a single regression target")
    alpha = float(getattr(model, "alpha", 0.0))
    Z = _design(X, model.fit_intercept)
    theta = np.r_[model.coef_, model.intercept_] if model.fit_intercept else np.asarray(model.coef_)
    mask = _penalty_mask(X.shape[1], model.fit_intercept)
    grad = Z.T @ (Z @ theta - y) + alpha * mask * theta
    hess = Z.T @ Z + alpha * np.diag(mask)
    step = np.linalg.lstsq(hess, grad, rcond=None)[0]
    return _with_theta(model, theta - step, X.shape[1])


def _with_theta(model: Any, theta: np.ndarray, n_features: int) -> Any:
    updated = copy.deepcopy(model)
    coef = theta[:n_features]
    updated.coef_ = coef.reshape(model.coef_.shape)
    if model.fit_intercept:
        intercept = theta[n_features]
        updated.intercept_ = (
            np.array([intercept]) if np.ndim(model.intercept_) else float(intercept)
        )
    return updated
