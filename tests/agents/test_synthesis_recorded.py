"""The script's own fitted transformers, as the tracer records them, in the encoder synthesis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from lester.agents.lifter.synthesis.features import Hints, synthesize_features
from lester.agents.lifter.synthesis.recorded import recorded_encoders
from lester.sandbox.trace_values import describe_estimator, encode
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

WORDS = ["ok", "no", "pay", "Paid", "late", "x1", "refund", "a", "card", "CARD", "fee-2"]


def untraced(_value: Any) -> None:
    return None


def fit_node(node_id: int, estimator: Any, given: Any, *, model: bool = False) -> dict[str, Any]:
    """A fit node as the tracer writes it, for data it did not trace (a plain list)."""
    return {
        "id": node_id,
        "op": "sklearn.fit" if model else "sklearn.fit_transform",
        "line": 10 + node_id,
        "inputs": [],
        "estimator": describe_estimator(estimator, untraced),
        "estimator_id": node_id,
        "model": model,
        "X": encode(given, untraced),
        "y": None,
    }


def messages(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, rng.integers(1, 9))) for _ in range(n)]
    return pd.DataFrame(
        {
            "kind": rng.choice(["sms", "mail"], n),
            "body": texts,
            "title": [" ".join(rng.choice(WORDS, 2)) for _ in range(n)],
        }
    )


CUSTOM = dict(token_pattern=r"[a-z]{3,}", ngram_range=(1, 2), min_df=2, lowercase=False)


def test_a_vectorizer_with_parameters_no_search_tries_is_the_scripts_own(tmp_path):
    data = messages(400)
    train = np.random.default_rng(1).permutation(400)[:300]
    texts = data["body"].iloc[train].tolist()
    vectorizer = CountVectorizer(**CUSTOM)
    X = vectorizer.fit_transform(texts).toarray()
    dag = {"nodes": [fit_node(0, vectorizer, tuple(texts))], "X": None}

    plain = synthesize_features(data, X, train)
    plan = synthesize_features(data, X, train, hints=Hints(encoders=recorded_encoders(dag)))

    assert not plain.matched
    assert plan.matched and plan.fit_on == "train"
    [spec] = plan.transformers
    assert spec.columns == "body"  # one column of texts, 1-D as the vectorizer wants it
    assert "token_pattern='[a-z]{3,}'" in spec.code and "min_df=2" in spec.code
    assert "lowercase=False" in spec.code
    assert plan.imports == [
        "from sklearn.compose import ColumnTransformer",
        "from sklearn.feature_extraction.text import CountVectorizer",
    ]


def test_texts_read_with_their_line_ends_still_name_their_column():
    data = messages(300)
    lines = [t + "\n" for t in data["title"]]  # a line read keeps the newline, a table read not
    vectorizer = CountVectorizer(**CUSTOM)
    X = vectorizer.fit_transform(lines).toarray()
    dag = {"nodes": [fit_node(0, vectorizer, lines)], "X": None}

    plan = synthesize_features(data, X, hints=Hints(encoders=recorded_encoders(dag)))

    assert plan.matched and [t.columns for t in plan.transformers] == ["title"]


def test_rows_from_a_loop_are_matched_to_their_columns_by_value():
    rng = np.random.default_rng(3)
    n = 250
    data = pd.DataFrame(
        {
            "weight": rng.normal(70, 10, n).round(1),
            "height": np.where(rng.random(n) < 0.1, np.nan, rng.normal(170, 9, n).round(1)),
            "decoy": rng.normal(170, 9, n).round(1),
        }
    )
    rows = [[h, w] for h, w in zip(data["height"], data["weight"], strict=True)]
    scaler = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(with_mean=False))
    X = scaler.fit_transform(rows)
    dag = {"nodes": [fit_node(0, scaler, rows)], "X": None}

    plan = synthesize_features(data, X, hints=Hints(encoders=recorded_encoders(dag)))

    assert plan.matched
    [spec] = plan.transformers
    assert spec.columns == ["height", "weight"]
    assert spec.code.startswith("Pipeline(steps=[(")
    assert "SimpleImputer(strategy='median')" in spec.code and "with_mean=False" in spec.code
    assert "from sklearn.pipeline import Pipeline" in plan.imports


def test_the_model_and_transformers_with_functions_are_not_encoders():
    texts = ["a b", "c d"]
    dag = {
        "nodes": [
            fit_node(0, FunctionTransformer(np.log1p), [[1.0], [2.0]]),
            fit_node(1, CountVectorizer(min_df=1), texts),
            fit_node(2, LogisticRegression(), [[1.0], [2.0]], model=True),
            fit_node(3, CountVectorizer(min_df=1), texts),  # fitted again: the same encoder
        ],
        "X": None,
    }

    found = recorded_encoders(dag)

    assert [e.code for e in found] == ["CountVectorizer()"]
    assert found[0].one_column and found[0].sample == ("a b", "c d")


def test_a_transformer_class_of_the_script_is_no_recorded_encoder():
    """Its code is not run on the host: round 48's CI run crashed the lifter's label step."""
    node = fit_node(0, CountVectorizer(min_df=1), ["a b", "c d"])
    node["estimator"] = {**node["estimator"], "class": "__main__.Capped", "params": {}}
    assert recorded_encoders({"nodes": [node], "X": None}) == []


def test_a_transformer_given_a_series_names_its_column():
    data = messages(200)
    vectorizer = CountVectorizer(**CUSTOM)
    X = vectorizer.fit_transform(data["title"]).toarray()
    series = {"id": 0, "op": "DataFrame.__getitem__", "inputs": [], "out": {"kind": "series"}}
    series["out"]["name"] = "title"
    node = fit_node(1, vectorizer, None) | {"X": {"ref": 0}}
    dag = {"nodes": [series, node], "X": None}

    plan = synthesize_features(data, X, hints=Hints(encoders=recorded_encoders(dag)))

    assert plan.matched and [t.columns for t in plan.transformers] == ["title"]


@pytest.mark.parametrize("recorded", [False, True])
def test_an_unmatched_bag_of_words_is_described_as_counts(recorded):
    data = messages(300)
    vectorizer = CountVectorizer(token_pattern=r"[a-z]{3,}", ngram_range=(1, 2))
    reversed_texts = data["body"].str[::-1]  # words no prepared column holds
    X = vectorizer.fit_transform(reversed_texts).toarray()
    X = np.hstack([X, X])  # a second copy: counts up to the row's repeats of a word
    encoders = recorded_encoders({"nodes": [fit_node(0, vectorizer, [])], "X": None})

    plan = synthesize_features(data, X, hints=Hints(encoders=encoders if recorded else []))

    start, stop, text = max(plan.unmatched, key=lambda u: u[1] - u[0])
    assert stop - start > X.shape[1] // 2
    assert "non-negative integer counts" in text and "category" not in text
    assert f"{stop - start} columns" in text
    assert ("the script's own CountVectorizer(" in text) == recorded


def test_a_lone_unmatched_indicator_is_not_called_a_category():
    data = messages(200)
    X = (np.arange(200) % 7 == 0).astype(float).reshape(-1, 1)

    plan = synthesize_features(data, X)

    [(_, _, text)] = plan.unmatched
    assert text.startswith("X[0:1]: 0/1 column (")
    assert "not the indicator of any category" in text


def test_each_recorded_transformer_goes_to_the_column_its_input_came_from():
    data = messages(300)
    train = np.arange(240)
    texts, kinds = data["body"][:240].tolist(), data["kind"][:240].tolist()
    vectorizer = CountVectorizer(**CUSTOM)
    onehot = OneHotEncoder(sparse_output=False)
    X = np.hstack(
        [vectorizer.fit_transform(texts).toarray(), onehot.fit_transform([[k] for k in kinds])]
    )
    nodes = [fit_node(0, vectorizer, texts), fit_node(1, onehot, [[k] for k in kinds])]

    plan = synthesize_features(
        data, X, train, hints=Hints(encoders=recorded_encoders({"nodes": nodes}))
    )

    assert plan.matched
    assert [(t.code.split("(")[0], t.columns) for t in plan.transformers] == [
        ("CountVectorizer", "body"),
        ("OneHotEncoder", ["kind"]),  # not the vectorizer on the one-word column
    ]


def test_what_would_reach_outside_the_data_on_the_host_is_no_encoder(tmp_path):
    """The trace is untrusted: a class name that is no estimator, a Pipeline caching pickles in
    a folder and a vectorizer opening the files its texts name are never built on the host."""
    texts = ["a b", "c d"]
    loader = fit_node(0, CountVectorizer(), texts)
    loader["estimator"] = {
        "class": "sklearn.datasets.load_files",
        "params": {"container_path": "/"},
    }
    cached = make_pipeline(StandardScaler(), memory=str(tmp_path))
    nodes = [
        loader,
        fit_node(1, cached, [[1.0], [2.0]]),
        fit_node(2, CountVectorizer(input="filename"), texts),
        fit_node(3, make_pipeline(StandardScaler()), [[1.0], [2.0]]),
    ]

    found = recorded_encoders({"nodes": nodes})

    assert [e.code.split("(")[0] for e in found] == ["Pipeline"]
    assert "memory" not in found[0].code


def test_a_transformer_fitted_on_an_untraced_array_says_nothing_was_compared():
    """The script scales an array a loop built: the trace holds its shape, not its values, so the
    reason says that, not that the prepared frame lacks the input."""
    data = pd.DataFrame({f"f{j:02d}": np.arange(40.0) * (j + 1) for j in range(3)})
    X = StandardScaler().fit_transform(data.to_numpy())[:, :1] ** 3  # no rule reproduces it
    opaque = {
        "id": 0,
        "op": "opaque",
        "line": 72,
        "inputs": [],
        "out": {"kind": "array", "shape": [40, 3], "dtype": "float64"},
    }
    scaler = fit_node(1, StandardScaler(), None) | {"X": {"ref": 0}}

    plan = synthesize_features(
        data, X, hints=Hints(encoders=recorded_encoders({"nodes": [opaque, scaler], "X": None}))
    )

    [(_, _, text)] = plan.unmatched
    assert (
        "the script's own StandardScaler() (line 11) was fitted on array [40, 3] float64 made at "
        "line 72 outside pandas and scikit-learn, whose column names and values the trace does "
        "not hold: its input was not compared with the current prepared frame's columns (f00, "
        "f01, f02)"
    ) in text
    assert "no prepared column holds" not in text


def test_rows_no_prepared_column_holds_name_the_column_and_the_rows_compared():
    data = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) * 2})
    rows = [[v, -v - 1] for v in data["a"]]  # column 1 is in no prepared column
    X = StandardScaler().fit_transform(rows)[:, 1:] ** 3
    nodes = [fit_node(0, StandardScaler(), rows)]

    plan = synthesize_features(data, X, hints=Hints(encoders=recorded_encoders({"nodes": nodes})))

    [(_, _, text)] = plan.unmatched
    assert (
        "was fitted on a list the script built (its first 30 items recorded); none of the "
        "current prepared frame's columns (a, b) equals its column 1 value by value on the first "
        "30 rows it was fitted on"
    ) in text
