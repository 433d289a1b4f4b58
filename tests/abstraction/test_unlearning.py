"""The certified removal step: its bound holds against the exact optimum, it falls back to
retraining above its tolerance, and models without a step are retrained and say so."""

from pathlib import Path

import numpy as np
import pytest
from lester.abstraction.unlearning import parameters
from sklearn.base import clone

import lester as lt

from .saved_runs import PEOPLE, adult_in_training, write_people
from .test_encoder_update import TEXT, write_text_shop


def exact_optimum(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The optimum of the model's objective, to far below its own tolerance."""
    return parameters(clone(model).set_params(tol=1e-12, max_iter=100_000).fit(X, y))


@pytest.fixture
def people_run(tmp_path: Path) -> lt.Run:
    return lt.load_pipeline(PEOPLE).run(data_dir=write_people(tmp_path / "data"))


def test_the_certified_bound_holds_against_the_exact_optimum(people_run):
    ids = sorted(set(people_run.train_provenance["people"].to_numpy().tolist()))[:4]
    updated = people_run.forget("people", ids=ids, model_update="influence")
    certificate = updated.forget_report["artifacts"]["model"]["certificate"]
    assert updated.forget_report["artifacts"]["model"]["method"].startswith("influence update")
    assert certificate["gradient_norm"] <= certificate["tolerance"]
    optimum = exact_optimum(updated.model, updated.X_train, updated.y_train)
    assert np.linalg.norm(parameters(updated.model) - optimum) <= certificate["distance_bound"]


def test_the_step_follows_columns_that_vanish(tmp_path):
    run = lt.load_pipeline(TEXT).run(data_dir=write_text_shop(tmp_path / "data"))
    updated = run.forget("customers", ids=[0], model_update="influence")
    assert updated.forget_report["artifacts"]["model"]["method"].startswith("influence update")
    assert updated.model.coef_.shape[1] == updated.X_train.shape[1] == run.X_train.shape[1] - 3
    optimum = exact_optimum(updated.model, updated.X_train, updated.y_train)
    bound = updated.forget_report["artifacts"]["model"]["certificate"]["distance_bound"]
    assert np.linalg.norm(parameters(updated.model) - optimum) <= bound


def test_above_the_tolerance_the_model_is_retrained(people_run):
    pid = adult_in_training(people_run)
    updated = people_run.forget("people", ids=[pid], model_update="influence", tolerance=1e-30)
    method = updated.forget_report["artifacts"]["model"]["method"]
    assert method.startswith("retrained") and "exceeds the tolerance" in method
    reference = clone(people_run.model).fit(updated.X_train, updated.y_train)
    np.testing.assert_allclose(
        updated.model.predict_proba(updated.X_train),
        reference.predict_proba(updated.X_train),
        atol=1e-3,
    )


def test_retraining_warm_starts_and_keeps_the_certificate_fresh(people_run):
    pid = adult_in_training(people_run)
    once = people_run.forget("people", ids=[pid])
    assert (
        once.forget_report["artifacts"]["model"]["method"]
        == "retrained (warm start from the current coefficients)"
    )
    assert once.curvature is not None and once.curvature.matches(once.model)
    assert once.model.get_params()["warm_start"] is False
    twice = once.forget("people", ids=[adult_in_training(once)], model_update="influence")
    assert twice.forget_report["artifacts"]["model"]["method"].startswith("influence update")


def test_forests_are_retrained_and_say_so(tmp_path):
    module = tmp_path / "forest.py"
    module.write_text(
        PEOPLE.read_text()
        .replace(
            "from sklearn.linear_model import LogisticRegression",
            "from sklearn.ensemble import RandomForestClassifier",
        )
        .replace(
            "LogisticRegression(max_iter=500)",
            "RandomForestClassifier(n_estimators=5, random_state=0)",
        )
    )
    run = lt.load_pipeline(module).run(data_dir=write_people(tmp_path / "data"))
    updated = run.forget("people", ids=[adult_in_training(run)], model_update="influence")
    method = updated.forget_report["artifacts"]["model"]["method"]
    assert method.startswith("retrained (trees and forests are always retrained)")
    assert "RandomForestClassifier has no certified removal step" in method
    assert np.array_equal(updated.predictions, updated.model.predict(updated.X_train))
