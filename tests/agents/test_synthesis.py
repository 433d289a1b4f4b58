"""Encoder and label synthesis against captured data: the running example and one case per idiom."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lester.agents.lifter.synthesis.features import Hints, synthesize_features, synthesize_label
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

import lester

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "creditcard" / "pipeline.py"
WORDS = np.array([f"w{i}" for i in range(40)] + ["a", "I", "good", "bad", "Card", "card"])


def make_data(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, rng.integers(2, 12))) for _ in range(n)]
    titles = [
        " ".join(rng.choice(["lost", "card", "blocked", "limit", "x"], rng.integers(1, 5)))
        for _ in range(n)
    ]
    income = rng.lognormal(10, 1, n).round(2)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": income,
            "country": rng.choice(["NL", "DE", "UK", "FR"], n),
            "smoker": rng.choice(["yes", "no"], n),
            "status": rng.choice(["active", "churned"], n),
            "level": rng.choice(["low", "mid", "high"], n),
            "title": titles,
            "text": texts,
            "debt": np.where(rng.random(n) < 0.2, np.nan, rng.normal(100, 30, n).round(1)),
        }
    )


def standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def codes(plan) -> list[str]:
    return [t.code for t in plan.transformers]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return make_data()


@pytest.fixture(scope="module")
def example():
    return lester.load_pipeline(EXAMPLE).run()


# ---- the running example --------------------------------------------------------------------


@pytest.mark.parametrize(
    "hints",
    [
        None,
        Hints(constants=[{"DE": 0, "FR": 1, "UK": 2, "NL": 3}, 64], keywords={"murmurhash3_32"}),
    ],
)
def test_running_example_rebuilds_x_with_char_length_country_and_hashing(example, hints):
    prepared = example.prepared.drop(columns=["title_length"])
    plan = synthesize_features(prepared, example.X_train, example.train_index, hints=hints)
    assert plan.matched, plan.trail
    assert [(d.column, d.expression) for d in plan.derived] == [("subject", "s.str.len()")]
    assert [(t.start, t.stop) for t in plan.transformers] == [(0, 1), (1, 5), (5, 69)]
    assert plan.transformers[0].code == "StandardScaler()"
    assert plan.transformers[1].code == "OneHotEncoder(categories=[['DE', 'FR', 'UK', 'NL']])"
    hashing = plan.transformers[2]
    assert hashing.columns == "text"
    assert "n_features=64" in hashing.code and "alternate_sign=False" in hashing.code
    assert "norm=None" in hashing.code and r'token_pattern=r"(?u)\b\w+\b"' in hashing.code
    assert "from sklearn.feature_extraction.text import HashingVectorizer" in plan.imports
    label = synthesize_label(prepared, example.y_train, example.train_index)
    assert label.expression == "(data['sentiment'] > 0).astype(int)"


# ---- numeric idioms --------------------------------------------------------------------------


def test_min_max_scaling(data):
    x = data["income"].to_numpy()
    plan = synthesize_features(data, ((x - x.min()) / (x.max() - x.min())).reshape(-1, 1))
    assert plan.matched and codes(plan) == ["MinMaxScaler()"]
    assert plan.transformers[0].columns == ["income"]


def test_log1p_then_standardized(data):
    X = standardize(np.log1p(data["income"].to_numpy())).reshape(-1, 1)
    plan = synthesize_features(data, X)
    assert plan.matched and codes(plan) == ["StandardScaler()"]
    assert [d.expression for d in plan.derived] == ["np.log1p(s)"]


def test_word_counts_and_char_counts_are_told_apart(data):
    words = data["title"].str.split().str.len().to_numpy(float)
    chars = data["title"].str.len().to_numpy(float)
    plan = synthesize_features(data, np.column_stack([words, chars]))
    assert plan.matched
    assert [d.expression for d in plan.derived] == ["s.str.split().str.len()", "s.str.len()"]
    assert plan.transformers[0].columns == ["title_words", "title_len"]  # merged passthrough


def test_imputation_mean_and_median_then_scaled(data):
    debt = data["debt"].to_numpy()
    mean_filled = np.where(np.isnan(debt), np.nanmean(debt), debt)
    median_scaled = standardize(np.where(np.isnan(debt), np.nanmedian(debt), debt))
    plan = synthesize_features(data, np.column_stack([mean_filled, median_scaled]))
    assert plan.matched
    assert codes(plan) == [
        "SimpleImputer(strategy='mean')",
        "make_pipeline(SimpleImputer(strategy='median'), StandardScaler())",
    ]
    assert "from sklearn.pipeline import make_pipeline" in plan.imports


def test_binning_on_hint_edges_one_hot(data):
    bins = np.digitize(data["age"].to_numpy(), [30, 50, 70, 100])  # bin 4 (>= 100) is empty
    X = np.eye(5)[bins]
    plan = synthesize_features(data, X, hints=Hints(constants=[[30, 50, 70, 100]]))
    assert plan.matched, plan.trail
    assert plan.derived[0].expression == "np.digitize(s, [30, 50, 70, 100])"
    assert codes(plan) == ["OneHotEncoder(categories=[[0, 1, 2, 3, 4]])"]


def test_fit_on_all_vs_train_with_a_split(data):
    rng = np.random.default_rng(1)
    rows = np.sort(rng.choice(len(data), 400, replace=False))
    age = data["age"].to_numpy(float)
    on_all = ((age - age.mean()) / age.std())[rows].reshape(-1, 1)
    on_train = standardize(age[rows]).reshape(-1, 1)
    plan_all = synthesize_features(data, on_all, rows)
    plan_train = synthesize_features(data, on_train, rows)
    assert plan_all.matched and plan_all.fit_on == "all"
    assert plan_train.matched and plan_train.fit_on == "train"


def test_fit_modes_must_agree_across_blocks(data):
    rng = np.random.default_rng(2)
    rows = np.sort(rng.choice(len(data), 300, replace=False))
    income = data["income"].to_numpy()
    scaled_all = ((income - income.mean()) / income.std())[rows]
    passthrough_age = data["age"].to_numpy(float)[rows]
    plan = synthesize_features(data, np.column_stack([passthrough_age, scaled_all]), rows)
    assert plan.matched and plan.fit_on == "all"


# ---- categorical idioms ----------------------------------------------------------------------


def test_sorted_category_one_hot_like_get_dummies(data):
    X = pd.get_dummies(data["country"]).to_numpy(float)
    plan = synthesize_features(data, X)
    assert plan.matched and codes(plan) == ["OneHotEncoder()"]


def test_one_hot_with_a_split_names_test_only_categories_when_fitted_on_all(data):
    data = data.copy()
    data.loc[data.index[:5], "country"] = "ES"  # only in rows that X does not contain
    rows = np.arange(100, len(data))
    on_all = data["country"].to_numpy()[rows][:, None] == np.array(["DE", "ES", "FR", "NL", "UK"])
    plan_all = synthesize_features(data, on_all.astype(float), rows)
    assert plan_all.matched and plan_all.fit_on == "all" and codes(plan_all) == ["OneHotEncoder()"]
    on_train = pd.get_dummies(data["country"].iloc[rows]).to_numpy(float)
    plan_train = synthesize_features(data, on_train, rows)
    assert plan_train.matched and plan_train.fit_on == "train"
    assert codes(plan_train) == ["OneHotEncoder(handle_unknown='ignore')"]


def test_one_hot_standardized_with_the_whole_x_is_the_encoder_then_the_scaler(data):
    dummies = pd.get_dummies(data[["age", "country"]], columns=["country"]).to_numpy(float)
    scaled = (dummies - dummies.mean(axis=0)) / dummies.std(axis=0)
    plan = synthesize_features(data, scaled)
    assert plan.matched
    assert codes(plan) == [
        "StandardScaler()",
        "make_pipeline(OneHotEncoder(sparse_output=False), StandardScaler())",
    ]
    dropped = pd.get_dummies(data["level"], drop_first=True).to_numpy(float)
    by_pandas = (dropped - dropped.mean(axis=0)) / dropped.std(axis=0, ddof=1)
    plan = synthesize_features(data, by_pandas)
    assert plan.matched
    assert codes(plan) == [
        "make_pipeline(OneHotEncoder(drop='first', sparse_output=False), SampleStandardScaler())"
    ]


def test_first_appearance_order_one_hot(data):
    order = list(pd.unique(data["country"]))
    X = (data["country"].to_numpy()[:, None] == np.array(order)).astype(float)
    plan = synthesize_features(data, X)
    assert plan.matched and codes(plan) == [f"OneHotEncoder(categories=[{order!r}])"]


def test_index_dict_with_absent_category_needs_the_hint(data):
    index = {"DE": 0, "FR": 1, "ES": 2, "UK": 3, "NL": 4}  # nobody in ES
    X = np.zeros((len(data), 5))
    X[np.arange(len(data)), data["country"].map(index).to_numpy()] = 1.0
    plan = synthesize_features(data, X, hints=Hints(constants=[index]))
    assert plan.matched
    assert codes(plan) == ["OneHotEncoder(categories=[['DE', 'FR', 'ES', 'UK', 'NL']])"]

    unhinted = synthesize_features(data, X)
    assert not unhinted.matched
    assert [(a, b) for a, b, _ in unhinted.unmatched] == [(2, 3)]
    assert "all-zero" in unhinted.unmatched[0][2]
    assert X[:, [0, 1, 3, 4]].shape[1] == sum(t.stop - t.start for t in unhinted.transformers)


def test_ordinal_mapping(data):
    levels = data["level"].map({"low": 1, "mid": 2, "high": 3}).to_numpy(float)
    encoded = data["smoker"].map({"no": 0, "yes": 1}).to_numpy(float)
    plan = synthesize_features(data, np.column_stack([levels, encoded]))
    assert plan.matched
    assert plan.derived[0].expression == "s.map({'low': 1, 'mid': 2, 'high': 3})"
    assert codes(plan) == ["'passthrough'", "OrdinalEncoder()"]


# ---- text idioms -----------------------------------------------------------------------------


def test_count_vectorizer_bag_of_words(data):
    X = CountVectorizer().fit_transform(data["text"]).toarray().astype(float)
    plan = synthesize_features(data, X)
    assert plan.matched and codes(plan) == ["CountVectorizer()"]
    assert plan.transformers[0].columns == "text"


def test_tfidf_vectorizer_default_after_a_number(data):
    tfidf = TfidfVectorizer().fit_transform(data["text"]).toarray()
    X = np.column_stack([data["age"].to_numpy(float), tfidf])
    plan = synthesize_features(data, X)
    assert plan.matched and codes(plan) == ["'passthrough'", "TfidfVectorizer()"]


def test_tfidf_settings_fitted_on_all_rows(data):
    rows = np.arange(0, len(data), 3)
    vectorizer = TfidfVectorizer(sublinear_tf=True, norm=None).fit(data["text"])
    X = vectorizer.transform(data["text"].iloc[rows]).toarray()
    plan = synthesize_features(data, X, rows)
    assert plan.matched and plan.fit_on == "all"
    assert codes(plan) == ["TfidfVectorizer(norm=None, sublinear_tf=True)"]


def test_textbook_tfidf_without_the_plus_one_is_lesters_plain_idf_vectorizer(data):
    counts = CountVectorizer().fit_transform(data["text"]).toarray().astype(float)
    raw_idf = np.log(len(data) / (counts > 0).sum(axis=0))  # no +1: no scikit-learn setting
    X = np.column_stack([data["age"].to_numpy(float), counts * raw_idf])
    plan = synthesize_features(data, X)
    assert plan.matched
    assert codes(plan)[1] == "PlainIdfTfidfVectorizer(norm=None, smooth_idf=False)"
    assert "from lester.abstraction.encoders import PlainIdfTfidfVectorizer" in plan.imports


def test_hand_written_tfidf_variant_is_reported_with_a_description(data):
    counts = CountVectorizer().fit_transform(data["text"]).toarray().astype(float)
    odd_idf = np.log(1 + len(data) / (counts > 0).sum(axis=0))  # no vectorizer weighs like this
    X = np.column_stack([data["age"].to_numpy(float), counts * odd_idf])
    plan = synthesize_features(data, X)
    assert not plan.matched
    assert plan.unmatched[0][:2] == (1, X.shape[1])
    assert "TF-IDF" in plan.unmatched[0][2]


# ---- unmatched -------------------------------------------------------------------------------


def test_random_column_is_unmatched_with_a_description(data):
    noise = np.random.default_rng(3).normal(size=len(data))
    X = np.column_stack([standardize(data["age"].to_numpy(float)), noise])
    plan = synthesize_features(data, X)
    assert not plan.matched
    assert [(a, b) for a, b, _ in plan.unmatched] == [(1, 2)]
    assert "no column, derivation or encoder" in plan.unmatched[0][2]
    assert codes(plan) == ["StandardScaler()"]  # the part that matched is kept
    as_json = json.loads(json.dumps(plan.to_dict()))
    assert (
        as_json["unmatched"][0]["start"] == 1 and "StandardScaler()" in as_json["transformer_code"]
    )


def test_sample_std_standardization_is_lesters_sample_standard_scaler(data):
    age = data["age"].to_numpy(float)
    plan = synthesize_features(data, ((age - age.mean()) / age.std(ddof=1)).reshape(-1, 1))
    assert plan.matched and codes(plan) == ["SampleStandardScaler()"]
    assert "from lester.abstraction.encoders import SampleStandardScaler" in plan.imports


# ---- labels ----------------------------------------------------------------------------------


def test_label_threshold_from_data_and_from_hints(data):
    y = (data["age"] > 60).astype(int).to_numpy()
    assert synthesize_label(data, y).expression == "(data['age'] > 60).astype(int)"
    y = (data["age"] >= 65).astype(int).to_numpy()
    hinted = synthesize_label(data, y, hints=Hints(constants=[65]))
    assert hinted.expression == "(data['age'] >= 65).astype(int)"


def test_label_mapping(data):
    y = data["status"].map({"churned": 1, "active": 0}).to_numpy()
    plan = synthesize_label(data, y)
    assert plan.matched and plan.expression == "data['status'].map({'active': 0, 'churned': 1})"
    levels = data["level"].map({"low": 0, "mid": 1, "high": 2}).to_numpy()
    assert synthesize_label(data, levels).expression.startswith("data['level'].map(")


def test_label_two_conditions(data):
    y = ((data["age"] > 60) & (data["smoker"] == "yes")).astype(int).to_numpy()
    plan = synthesize_label(data, y)
    assert plan.matched
    assert plan.expression == "((data['age'] > 60) & (data['smoker'] == 'yes')).astype(int)"


def test_string_labels_with_a_split(data):
    rows = np.arange(0, len(data), 2)
    y = np.where(data["income"].to_numpy()[rows] > 30000, "rich", "poor")
    plan = synthesize_label(data, y, rows)
    assert plan.matched and plan.expression.startswith("np.where(data['income'] ")


def test_unexplained_label(data):
    y = np.random.default_rng(4).integers(0, 2, len(data))
    assert not synthesize_label(data, y).matched


# ---- the plan as a pipeline module -----------------------------------------------------------

MODULE = """
import numpy as np
import pandas as pd

import lester as lt
{imports}


@lt.source
def records(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{{data_dir}}/records.csv")


@lt.prepare
def prepared(records: lt.Frame) -> lt.Frame:
    data = records.filter("age >= 20")
{derivations}
    return data


@lt.split
def split():
    return lt.random_split(test_size=0.25, random_state=7)


@lt.encode(fit_on="{fit_on}")
def features():
{body}


@lt.label
def label(data: pd.DataFrame) -> pd.Series:
    return {label}


@lt.model
def model():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=200)
"""


def test_plan_code_runs_in_a_pipeline_module_and_reproduces_x_and_y(tmp_path, data):
    data.to_csv(tmp_path / "records.csv", index=False)
    prepared = pd.read_csv(tmp_path / "records.csv").query("age >= 20").reset_index(drop=True)
    from sklearn.model_selection import train_test_split

    train, _ = train_test_split(np.arange(len(prepared)), test_size=0.25, random_state=7)
    p = prepared.iloc[train]
    X = np.column_stack(
        [
            standardize(p["title"].str.split().str.len().to_numpy(float)),
            pd.get_dummies(p["country"]).to_numpy(float),
            np.log1p(p["income"].to_numpy()),
            CountVectorizer(binary=True).fit_transform(p["text"]).toarray(),
        ]
    )
    y = ((p["age"] > 60) | (p["smoker"] == "yes")).astype(int).to_numpy()
    plan = synthesize_features(prepared, X, train)
    label = synthesize_label(prepared, y, train)
    assert plan.matched and label.matched, plan.trail

    module = MODULE.format(
        imports="\n".join(plan.imports),
        derivations="\n".join("    " + d.project_code("data") for d in plan.derived),
        fit_on=plan.fit_on,
        body="\n".join("    " + line for line in plan.transformer_code().splitlines()),
        label=label.expression,
    )
    path = tmp_path / "pipeline.py"
    path.write_text(module)
    run = lester.load_pipeline(path).run()
    np.testing.assert_allclose(run.X_train, X, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(run.y_train, y)


# ---- speed -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_twenty_thousand_rows_and_a_hundred_columns_synthesize_fast():
    big = make_data(n=20_000, seed=5)
    numbers = pd.DataFrame(
        np.random.default_rng(6).normal(size=(len(big), 20)), columns=[f"f{i}" for i in range(20)]
    )
    big = pd.concat([big, numbers], axis=1)
    from sklearn.feature_extraction.text import HashingVectorizer

    X = np.column_stack(
        [
            numbers.to_numpy() * 1.0,
            standardize(big["income"].to_numpy()),
            pd.get_dummies(big["country"]).to_numpy(float),
            HashingVectorizer(n_features=64, norm=None, alternate_sign=False)
            .transform(big["text"])
            .toarray(),
            np.random.default_rng(7).normal(size=len(big)),
        ]
    )
    start = time.process_time()  # CPU time: robust to other processes on the machine
    plan = synthesize_features(big, X)
    elapsed = time.process_time() - start
    print(f"synthesized {X.shape} in {elapsed:.2f} s CPU")
    assert [(a, b) for a, b, _ in plan.unmatched] == [(X.shape[1] - 1, X.shape[1])]
    assert len(plan.transformers) == 4  # merged passthrough, scaler, one-hot, hashing
    assert elapsed < 5.0, elapsed


def test_odd_columns_neither_crash_nor_match_by_accident():
    odd = pd.DataFrame(
        {"mixed": [1, "x", 2.5, None] * 50, "lists": [[1], [2]] * 100, "n": np.arange(200.0)}
    )
    plan = synthesize_features(odd, np.column_stack([odd["n"].to_numpy(), np.ones(200)]))
    assert codes(plan) == ["'passthrough'"]
    assert plan.unmatched[0][:2] == (1, 2) and "constant" in plan.unmatched[0][2]
    label = synthesize_label(odd, (odd["n"] > 99).astype(int).to_numpy())
    assert label.expression == "(data['n'] > 99).astype(int)"


def test_scalers_fitted_on_all_rows_when_only_a_later_block_tells():
    """The first column's min and max lie in the training rows, so both fit modes reproduce it;
    the second column's do not: the plan must stay open for "all" until the second block."""
    first = np.array([0.0, 10.0, 3.0, 4.0, 5.0, 6.0])
    second = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 9.0])
    prepared = pd.DataFrame({"a": first, "b": second})
    rows = np.arange(4)

    def scaled(v: np.ndarray) -> np.ndarray:
        return (v - v.min()) / (v.max() - v.min())

    X = np.column_stack([scaled(first), scaled(second)])[rows]
    plan = synthesize_features(prepared, X, rows)
    assert plan.matched and plan.fit_on == "all"


def test_a_column_of_per_row_float_vectors_is_stacked(data):
    vectors = data["income"].map(lambda v: [float(v % 7), -float(v % 3), 1.0])
    frame = data.assign(vec=vectors)
    x = frame["age"].to_numpy(dtype=float).reshape(-1, 1)
    X = np.hstack([x, np.vstack(vectors.to_list())])
    plan = synthesize_features(frame, X)
    assert plan.matched
    assert codes(plan) == ["'passthrough'", "FunctionTransformer(np.vstack)"]
    assert plan.transformers[1].columns == "vec"


def test_vectors_of_unequal_length_are_not_stacked(data):
    vectors = data["income"].map(lambda v: [1.0] * (1 + int(v) % 2))
    frame = data.assign(vec=vectors)
    X = np.ones((len(frame), 2))
    plan = synthesize_features(frame, X)
    assert "FunctionTransformer(np.vstack)" not in codes(plan)


@pytest.mark.parametrize(
    "code",
    [
        "ColumnTransformer([('a', FunctionTransformer(lambda x: x), ['a'])])",
        "__import__('os').system('true')",
        "ColumnTransformer([('a', StandardScaler().__class__.__base__, ['a'])])",
        "ColumnTransformer([('a', open('/etc/passwd'), ['a'])])",
        "ColumnTransformer([('a', np._core, ['a'])])",
    ],
)
def test_a_constructor_text_with_anything_but_library_constructors_is_refused(code):
    """Encoder texts carry what the sandbox recorded; only calls of the namespace's classes,
    constants and NumPy's public names are built on the host."""
    from lester.agents.lifter.synthesis.context import build_constructors

    with pytest.raises(ValueError, match="not a constructor text"):
        build_constructors(code)


def test_a_constructor_text_of_library_calls_constants_and_numpy_is_built():
    from lester.agents.lifter.synthesis.context import build_constructors

    built = build_constructors(
        "ColumnTransformer([('a', make_pipeline(SimpleImputer(fill_value=-1.5), "
        "FunctionTransformer(np.log1p)), ['a'])])"
    )
    assert type(built).__name__ == "ColumnTransformer"
