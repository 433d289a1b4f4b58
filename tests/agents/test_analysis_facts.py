"""Facts the analysis derives from the captured run and the source (no sandbox needed here)."""

from lester.agents.oracle.analysis import (
    ModelReport,
    _final_fit,
    _unseeded_estimator,
)


def test_pipeline_fit_is_compared_through_its_final_estimator():
    fit = {
        "estimator": "sklearn.pipeline.Pipeline",
        "params": {"steps": "[('scale', StandardScaler()), ('svc', SVC(C=2.0))]"},
        "X": "fit_0_X.npy",
        "line": 9,
        "final": {
            "estimator": "sklearn.svm._classes.SVC",
            "X": "fit_0_final_X.npy",
            "params": {"C": 2.0},
        },
    }
    final = _final_fit(fit)
    assert (final["estimator"], final["X"], final["line"]) == (
        "sklearn.svm._classes.SVC",
        "fit_0_final_X.npy",
        9,
    )
    plain = {"estimator": "x.LogisticRegression", "X": "fit_0_X.npy"}
    assert _final_fit(plain) == plain


def test_unseeded_randomized_estimators_are_flagged():
    def report(name: str, seed: object) -> ModelReport:
        return ModelReport(name, {"random_state": seed}, {}, 7, [1, 1], [1], "float64", "int64")

    assert _unseeded_estimator(report("sklearn.ensemble._forest.RandomForestClassifier", None)) == [
        "line 7: RandomForestClassifier has random_state=None"
    ]
    assert _unseeded_estimator(report("sklearn.ensemble._forest.RandomForestClassifier", 0)) == []
    assert (
        _unseeded_estimator(report("sklearn.linear_model._logistic.LogisticRegression", None)) == []
    )
