"""The equivalence oracle: levels, the stage it blames, and the evidence it shows the repair step."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lester.agents.oracle.equivalence import Captured, ColumnBlock, Tolerance, compare

LOGREG = "sklearn.linear_model._logistic.LogisticRegression"
PARAMS = {"C": 1.0, "max_iter": 100, "penalty": "l2"}


def _standardize(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std()


@pytest.fixture
def data() -> dict[str, np.ndarray]:
    """A small training set like the running example: age, a text length, one-hot country."""
    rng = np.random.default_rng(7)
    n = 300
    age = rng.integers(18, 80, n).astype(float)
    chars = rng.integers(20, 400, n).astype(float)
    country = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    X = np.column_stack([_standardize(age), _standardize(chars), np.eye(3)[country]])
    words = np.round(chars / 5.5) + rng.integers(0, 3, n)
    return {"X": X, "y": (age > 40).astype(float), "age": age, "words": words}


def _side(X, y, params=None, predictions=None) -> Captured:
    return Captured(np.asarray(X), np.asarray(y), LOGREG, dict(params or PARAMS), predictions)


def _text(report) -> str:
    return report.to_text()


# ---------------------------------------------------------------------------------------------------
# accepted levels


def test_exact(data):
    report = compare(_side(data["X"], data["y"]), _side(data["X"].copy(), data["y"].copy()))
    assert (report.level, report.ok, report.stage) == ("exact", True, None)
    assert report.row_order is None and report.column_order is None


def test_exact_within_tolerance_but_not_beyond(data):
    noisy = data["X"] * (1 + 1e-12)
    assert compare(_side(data["X"], data["y"]), _side(noisy, data["y"])).level == "exact"
    far = data["X"] + 1e-3
    assert not compare(_side(data["X"], data["y"]), _side(far, data["y"])).ok


def test_rows_permuted_reports_the_permutation(data):
    perm = np.random.default_rng(1).permutation(len(data["X"]))
    rewritten = _side(data["X"][perm], data["y"][perm])
    report = compare(_side(data["X"], data["y"]), rewritten)
    assert (report.level, report.ok) == ("rows-permuted", True)
    np.testing.assert_array_equal(rewritten.X[report.row_order], data["X"])
    np.testing.assert_array_equal(rewritten.y[report.row_order], data["y"])


def test_rows_permuted_with_float_noise_from_another_summation_order(data):
    perm = np.random.default_rng(2).permutation(len(data["X"]))
    noisy = data["X"][perm] * (1 + np.random.default_rng(3).uniform(-5e-16, 5e-16, data["X"].shape))
    report = compare(_side(data["X"], data["y"]), _side(noisy, data["y"][perm]))
    assert report.level == "rows-permuted"
    np.testing.assert_allclose(noisy[report.row_order], data["X"], rtol=1e-7)


def test_columns_permuted_moving_whole_blocks(data):
    order = [2, 3, 4, 0, 1]  # the one-hot block first, its inner order kept
    rewritten = _side(data["X"][:, order], data["y"])
    report = compare(_side(data["X"], data["y"]), rewritten)
    assert (report.level, report.ok) == ("columns-permuted", True)
    np.testing.assert_array_equal(rewritten.X[:, report.column_order], data["X"])


def test_duplicate_rows_with_different_labels_pair_by_label():
    X = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    perm = np.array([3, 1, 0, 2])
    report = compare(_side(X, y), _side(X[perm], y[perm]))
    assert report.level == "rows-permuted"
    np.testing.assert_array_equal(y[perm][report.row_order], y)


def test_identical_rows_with_swapped_labels_are_only_reordered():
    X = np.array([[1.0, 2.0], [1.0, 2.0], [5.0, 6.0]])
    report = compare(_side(X, [0.0, 1.0, 1.0]), _side(X, [1.0, 0.0, 1.0]))
    assert report.level == "rows-permuted"


def test_nan_equals_nan_but_not_a_number():
    X = np.array([[np.nan, 1.0], [2.0, np.nan], [3.0, 4.0]])
    y = np.array([0.0, 1.0, 0.0])
    assert compare(_side(X, y), _side(X.copy(), y)).level == "exact"
    assert compare(_side(X, y), _side(X[::-1], y[::-1])).level == "rows-permuted"
    filled = np.nan_to_num(X, nan=0.0)
    report = compare(_side(X, y), _side(filled, y))
    assert not report.ok and report.stage in {"features", "data_preparation"}


def test_string_labels():
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array(["yes", "no", "no", "yes", "maybe", "no"])
    assert compare(_side(X, y), _side(X, y.copy())).level == "exact"
    assert compare(_side(X, y), _side(X[::-1], y[::-1])).level == "rows-permuted"
    report = compare(_side(X, y), _side(X, np.where(y == "maybe", "no", y)))
    assert report.stage == "label"
    assert "'maybe': 1" in _text(report)


def test_empty_matrices():
    assert compare(_side(np.empty((0, 3)), []), _side(np.empty((0, 3)), [])).level == "exact"
    report = compare(_side(np.empty((0, 3)), []), _side(np.ones((2, 3)), [0, 1]))
    assert report.stage == "data_preparation"


# ---------------------------------------------------------------------------------------------------
# data preparation


def test_dropped_filter_rows_are_counted_and_shown(data):
    keep = data["age"] >= 25  # a filter the original does not apply
    report = compare(
        _side(data["X"], data["y"]),
        _side(data["X"][keep], data["y"][keep]),
        row_ids={"people": np.flatnonzero(keep)},
    )
    text = _text(report)
    assert (report.ok, report.stage) == (False, "data_preparation")
    assert f"the original trains on {len(keep)} rows, yours on {keep.sum()}" in report.summary
    assert f"{(~keep).sum()} original rows have no partner in yours" in text
    first_missing = int(np.flatnonzero(~keep)[0])
    assert f"original row {first_missing} (missing in yours)" in text
    assert "yours is a subset" in text and "filter" in text


def test_left_join_extra_rows_name_their_source_rows(data):
    n = len(data["X"])
    unmatched = np.column_stack([np.full((4, 2), np.nan), np.zeros((4, 3))])
    X = np.vstack([data["X"], unmatched])
    y = np.r_[data["y"], np.zeros(4)]
    ids = {"mails": np.arange(n + 4), "customers": np.r_[np.arange(n), [-1, -1, -1, -1]]}
    report = compare(_side(data["X"], data["y"]), _side(X, y), row_ids=ids)
    text = _text(report)
    assert report.stage == "data_preparation" and "4 more" in report.summary
    assert f"your row {n} (not in the original)" in text
    assert f"mails {n}" in text
    assert "left or outer join" in text and "superset" in text


def test_same_size_but_other_filter_blames_data_preparation():
    rng = np.random.default_rng(5)
    pool = np.column_stack(
        [rng.normal(size=600), rng.integers(0, 50, 600), np.eye(3)[rng.integers(0, 3, 600)]]
    )
    chosen = np.flatnonzero(pool[:, 0] > 0)[:200]
    other = np.r_[chosen[:190], np.flatnonzero(pool[:, 0] <= 0)[:10]]
    report = compare(_side(pool[chosen], np.zeros(200)), _side(pool[other], np.zeros(200)))
    assert report.stage == "data_preparation"
    assert "10 original rows have no partner in yours" in _text(report)


# ---------------------------------------------------------------------------------------------------
# features


def test_one_hot_in_another_category_order(data):
    X = data["X"][:, [0, 1, 3, 2, 4]]
    blocks = [("num", 0, 2, ["age", "chars"]), ("country", 2, 5, ["country"])]
    report = compare(_side(data["X"], data["y"]), _side(X, data["y"]), column_blocks=blocks)
    text = _text(report)
    assert (report.ok, report.stage) == (False, "features")
    assert "columns 2-4" in text and "one-hot in both" in text
    assert "[1, 0, 2]" in text and "'country'" in text


def test_one_hot_order_with_shuffled_rows(data):
    perm = np.random.default_rng(4).permutation(len(data["X"]))
    X = data["X"][perm][:, [0, 1, 2, 4, 3]]
    report = compare(_side(data["X"], data["y"]), _side(X, data["y"][perm]))
    assert report.stage == "features"
    assert "[0, 2, 1]" in _text(report)


def test_rows_and_columns_both_permuted_fail_at_features(data):
    perm = np.random.default_rng(6).permutation(len(data["X"]))
    X = data["X"][perm][:, [1, 0, 2, 3, 4]]
    report = compare(_side(data["X"], data["y"]), _side(X, data["y"][perm]))
    assert (report.level, report.stage) == ("mismatch", "features")
    np.testing.assert_array_equal(X[report.row_order][:, report.column_order], data["X"])


@pytest.mark.parametrize("shuffle", [False, True])
def test_word_counts_instead_of_character_counts(data, shuffle):
    X = data["X"].copy()
    X[:, 1] = _standardize(data["words"])
    perm = np.random.default_rng(8).permutation(len(X)) if shuffle else np.arange(len(X))
    blocks = [ColumnBlock("text_length", 1, 2, ("text",))]
    report = compare(
        _side(data["X"], data["y"]), _side(X[perm], data["y"][perm]), column_blocks=blocks
    )
    text = _text(report)
    assert report.stage == "features"
    assert "column 1 (your transformer 'text_length' on text)" in text
    assert "original min" in text and "yours min" in text and "correlation" in text
    assert "rows (original -> yours)" in text


def test_standardized_versus_raw_is_an_affine_map(data):
    X = data["X"].copy()
    X[:, 0] = data["age"]
    report = compare(_side(data["X"], data["y"]), _side(X, data["y"]))
    text = _text(report)
    assert report.stage == "features"
    assert "affine" in text and "the original is standardized" in text
    assert f"{data['age'].std():.6g} * original + {data['age'].mean():.6g}" in text


def test_column_count_differs(data):
    X = np.column_stack([data["X"], data["words"]])
    blocks = [
        ("num", 0, 2, ["age", "chars"]),
        ("country", 2, 5, ["country"]),
        ("words", 5, 6, ["text"]),
    ]
    report = compare(_side(data["X"], data["y"]), _side(X, data["y"]), column_blocks=blocks)
    text = _text(report)
    assert report.stage == "features" and "original X has 5 columns, yours 6" in report.summary
    assert (
        "'words' columns 5-5" in text
        and "your columns with no column of equal values in the original: [5]" in text
    )


# ---------------------------------------------------------------------------------------------------
# label and model


def test_flipped_label(data):
    report = compare(_side(data["X"], data["y"]), _side(data["X"], 1 - data["y"]))
    text = _text(report)
    assert (report.stage, report.ok) == ("label", False)
    assert "flipped" in text and "label counts" in text
    assert f"y differs in {len(data['y'])} of {len(data['y'])} rows" in report.summary


def test_label_differs_after_row_permutation(data):
    perm = np.random.default_rng(9).permutation(len(data["X"]))
    y = data["y"].copy()
    y[:5] = 1 - y[:5]
    report = compare(_side(data["X"], data["y"]), _side(data["X"][perm], y[perm]))
    assert report.stage == "label" and "rows-permuted" in report.summary
    assert "y differs in 5 of" in report.summary


def test_other_regularization_constant(data):
    report = compare(_side(data["X"], data["y"]), _side(data["X"], data["y"], dict(PARAMS, C=0.1)))
    assert (report.stage, report.ok) == ("model", False)
    assert "parameter C: original 1.0, yours 0.1" in _text(report)


def test_model_equal_up_to_module_path_and_int_float(data):
    rewritten = Captured(
        data["X"],
        data["y"],
        "sklearn.linear_model.LogisticRegression",
        dict(PARAMS, max_iter=100.0),
    )
    assert compare(_side(data["X"], data["y"]), rewritten).level == "exact"


def test_model_difference_is_also_reported_with_a_data_failure(data):
    rewritten = _side(data["X"][:-3], data["y"][:-3], dict(PARAMS, C=10))
    report = compare(_side(data["X"], data["y"]), rewritten)
    assert report.stage == "data_preparation"
    assert any(line.startswith("also (model): parameter C") for line in report.evidence)


def test_predictions_that_disagree_blame_the_model(data):
    pred = data["y"].copy()
    assert compare(
        _side(data["X"], data["y"], predictions=pred), _side(data["X"], data["y"], predictions=pred)
    ).ok
    other = pred.copy()
    other[:30] = 1 - other[:30]
    report = compare(
        _side(data["X"], data["y"], predictions=pred),
        _side(data["X"], data["y"], predictions=other),
    )
    assert report.stage == "model" and "90.0%" in report.summary


# ---------------------------------------------------------------------------------------------------
# report form


def test_report_is_json_safe_and_bounded(data):
    perm = np.random.default_rng(10).permutation(len(data["X"]))
    report = compare(_side(data["X"], data["y"]), _side(data["X"][perm], data["y"][perm]))
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["level"] == "rows-permuted" and payload["ok"] is True
    assert payload["row_order"] == report.row_order.tolist()
    assert payload["tolerance"] == {"rtol": 1e-7, "atol": 1e-9}
    keep = data["age"] > 60
    failure = compare(_side(data["X"], data["y"]), _side(data["X"][keep], data["y"][keep]))
    assert len(failure.to_text(max_chars=500)) <= 500
    assert failure.to_text().startswith(
        "Equivalence: MISMATCH; stage most likely at fault: data_preparation"
    )


def test_tolerance_is_configurable(data):
    off = data["X"] + 1e-5
    assert not compare(_side(data["X"], data["y"]), _side(off, data["y"])).ok
    loose = Tolerance(rtol=0, atol=1e-4)
    assert compare(_side(data["X"], data["y"]), _side(off, data["y"]), tol=loose).level == "exact"
    perm = np.arange(len(off))[::-1]
    assert (
        compare(_side(data["X"], data["y"]), _side(off[perm], data["y"][perm]), tol=loose).level
        == "rows-permuted"
    )


# ---------------------------------------------------------------------------------------------------
# property


@settings(max_examples=60, deadline=None)
@given(
    X=arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 6)),
        elements=st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False, width=64),
            st.sampled_from([0.0, 1.0, np.nan]),
        ),
    ),
    seed=st.integers(0, 2**32 - 1),
)
@example(X=np.array([[np.nan, 0.0], [0.0, np.nan]]), seed=5)  # a row swap that is a column swap
def test_any_row_permutation_is_recognized(X, seed):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    y = rng.integers(0, 2, len(X)).astype(float)
    report = compare(_side(X, y), _side(X[perm], y[perm]))
    if report.level == "columns-permuted":  # [[nan, 0], [0, nan]]: swapping rows swaps columns
        assert np.array_equal(X[perm][:, report.column_order], X, equal_nan=True)
        assert np.array_equal(y[perm], y)
        return
    assert report.level in {"exact", "rows-permuted"}
    order = np.arange(len(X)) if report.row_order is None else report.row_order
    assert sorted(order.tolist()) == list(range(len(X)))
    np.testing.assert_allclose(X[perm][order], X, rtol=1e-7, atol=1e-9, equal_nan=True)
    np.testing.assert_array_equal(y[perm][order], y)


def test_the_comparison_the_prompts_state_is_what_compare_does(data):
    from lester.agents.llm.prompts import render
    from lester.agents.oracle.equivalence import comparison_text

    from .test_llm import request

    text = comparison_text()
    assert text in render(request("encode")).user
    tol = Tolerance()
    assert f"<= {tol.atol:g} + {tol.rtol:g} * |original|" in text
    X, y = data["X"], data["y"]
    nudged = X + tol.atol / 2
    assert compare(_side(X, y), _side(nudged, y)).level == "exact"
    swapped = X[:, [1, 0, 2, 3, 4]]
    assert compare(_side(X, y), _side(swapped, y)).level == "columns-permuted"
    order = np.random.default_rng(0).permutation(len(X))
    assert compare(_side(X, y), _side(X[order], y[order])).level == "rows-permuted"
    assert compare(_side(X, y), _side(swapped[order], y[order])).level == "mismatch"
    inside = X[:, [0, 1, 3, 2, 4]]
    assert compare(_side(X, y), _side(inside, y)).level == "mismatch"
    assert "numeric text parsed" in text
    assert compare(_side(X, y), _side(X.astype(str).astype(object), y)).level == "exact"
