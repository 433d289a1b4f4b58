"""Trace-lifter rules for idioms of published pandas scripts: frame-wide fills by the frame's own
statistics, dummies joined back on the index, one-group regex extraction, rare categories grouped
by their counts, meta-estimator models and label-fitted transformers. Each lifted preparation is
run against pandas running the script itself."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lester.agents.lifter.syntax import Unsupported
from lester.agents.lifter.trace_code import Functions, param_code, traced_model
from lester.agents.oracle.analysis import _non_default

import lester as lt
from tests.agents.test_trace_lift import plan_for

pytestmark = pytest.mark.usefixtures("restore_pandas")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    n = 120
    pets = pd.DataFrame(
        {
            "pid": np.arange(n),
            "weight": rng.normal(20, 5, n).round(1),
            "visits": rng.integers(0, 9, n).astype(float),
            "breed": rng.choice(
                ["lab", "pug", "boxer", "akita", "corgi"], n, p=[0.4, 0.3, 0.2, 0.06, 0.04]
            ),
            "coat": rng.choice(["short", "long"], n),
            "listing": [
                f"Rex ({b} mix). {t}"
                for b, t in zip(
                    rng.choice(["Lab", "Pug"], n), rng.choice(["Shy", "Calm"], n), strict=True
                )
            ],
            "adopted": rng.integers(0, 2, n),
        }
    )
    pets.loc[rng.random(n) < 0.15, "weight"] = np.nan
    pets.loc[rng.random(n) < 0.1, "visits"] = np.nan
    pets.loc[rng.random(n) < 0.1, "coat"] = np.nan
    pets.to_csv(tmp_path / "pets.csv", index=False)
    return tmp_path


def run_lifted(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict]:
    """The plan, and the script's own globals after pandas ran it; the lifted code is checked
    by the caller against them."""
    plan = plan_for(folder, script, monkeypatch)
    expected: dict[str, Any] = {}
    exec(textwrap.dedent(script), expected)
    return plan, expected


def lifted_frame(folder: Path, plan: Any) -> pd.DataFrame:
    scope = {
        "pets": lt.from_pandas(pd.read_csv(folder / "pets.csv"), "pets"),
        "pd": pd,
        "np": np,
        "lt": lt,
    }
    exec("\n".join(plan.body), scope)
    return scope[plan.result].data


FRAME_FILLS = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").drop(["listing"], axis=1)
pets = pets.fillna(pets.median(numeric_only=True))
pets = pets.fillna(pets.mode().iloc[0])
pets = pd.get_dummies(pets, columns=["breed", "coat"], drop_first=True)
X = pets.drop("adopted", axis=1).astype(float)
LogisticRegression().fit(X, pets["adopted"])
"""


def test_a_frame_filled_by_its_numeric_medians_then_its_modes(folder, monkeypatch):
    plan, expected = run_lifted(folder, FRAME_FILLS, monkeypatch)
    code = "\n".join(plan.body)
    assert "fill_na(['pid', 'weight', 'visits', 'adopted'], statistic='median')" in code
    assert "statistic='mode'" in code
    wanted = expected["pets"].reset_index(drop=True)
    pd.testing.assert_frame_equal(lifted_frame(folder, plan)[list(wanted.columns)], wanted)


JOINED_DUMMIES = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
pets["tag"] = pets.listing.str.extract(r"\\)\\. (\\w+)")
pets["mix"] = pets["listing"].str.extract(r"\\((.+?)\\)", expand=False).str.contains("mix").astype(int)
tags = pd.get_dummies(pets["tag"], prefix="tag", dtype=int)
pets = pets.join(tags)
LogisticRegression().fit(pets[["mix", *tags.columns]].values, pets["adopted"])
"""


def test_dummies_joined_on_the_index_and_a_one_group_extract(folder, monkeypatch):
    plan, expected = run_lifted(folder, JOINED_DUMMIES, monkeypatch)
    code = "\n".join(plan.body)
    assert "str.extract('\\\\)\\\\. (\\\\w+)', expand=False)" in code
    assert ".concat_columns(tags)" in code
    wanted = expected["pets"][["tag", "mix", "tag_Calm", "tag_Shy"]]
    got = lifted_frame(folder, plan)[list(wanted.columns)]
    pd.testing.assert_frame_equal(got, wanted, check_names=False)


def test_a_join_of_other_rows_on_the_index_is_still_refused(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    few = pd.get_dummies(pets[pets["visits"] > 3]["breed"], dtype=int)
    pets = pets.join(few)
    LogisticRegression().fit(pets[["pid"]].values, pets["adopted"])
    """
    with pytest.raises(Unsupported, match="a join on the index or left"):
        plan_for(folder, script, monkeypatch)


RARE_LEVELS = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
counts = pets["breed"].value_counts()
pets["breed"] = pets["breed"].where(pets["breed"].map(counts) >= 10, "other")
pets["breed_n"] = pets.breed.map(pets.breed.value_counts())
X = pd.get_dummies(pets[["breed"]], dtype=int).join(pets[["breed_n"]])
LogisticRegression().fit(X.values, pets["adopted"])
"""


def test_rare_categories_grouped_by_their_own_counts(folder, monkeypatch):
    plan, expected = run_lifted(folder, RARE_LEVELS, monkeypatch)
    code = "\n".join(plan.body)
    assert "transform_groups('breed_count_1', ['breed'], 'breed', 'count')" in code
    assert set(expected["pets"]["breed"]) == {"lab", "pug", "boxer", "other"}
    wanted = expected["X"]
    pd.testing.assert_frame_equal(lifted_frame(folder, plan)[list(wanted.columns)], wanted)


def test_a_map_by_counts_of_another_column_is_not_a_group_size(folder, monkeypatch):
    """Not the group size by `breed`: the counts of another column, a statistic of the whole
    column computed again inside the function (`rowwise=False`)."""
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    pets["coat"] = pets["coat"].fillna("lab")
    pets["n"] = pets["breed"].map(pets["coat"].value_counts())
    LogisticRegression().fit(pets[["pid"]].values, pets["adopted"])
    """
    plan, expected = run_lifted(folder, script, monkeypatch)
    code = "\n".join(plan.body)
    assert "transform('count')" not in code and "rowwise=False" in code
    got = lifted_frame(folder, plan)["n"]
    pd.testing.assert_series_equal(got, expected["pets"]["n"], check_names=False)


def test_a_transformer_fitted_with_the_labels_is_kept_in_the_encoder(folder, monkeypatch):
    """The encoder is fitted with the training labels, as scikit-learn fits it with `y`."""
    script = """
    import pandas as pd
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import PolynomialFeatures

    pets = pd.read_csv("pets.csv").dropna()
    steps = [("poly", PolynomialFeatures()), ("best", SelectKBest(f_classif, k=3))]
    Pipeline(steps + [("lr", LogisticRegression())]).fit(pets[["weight", "visits"]], pets["adopted"])
    """
    plan = plan_for(folder, script, monkeypatch)
    assert "SelectKBest(k=3, score_func=f_classif)" in plan.entries[0]
    assert "from sklearn.feature_selection import f_classif" in plan.encoder_imports


def test_a_scikit_learn_function_parameter_is_named_and_imported():
    imports: dict[str, str] = {}
    described = {
        "function": {
            "name": "f_regression",
            "module": "sklearn.feature_selection._univariate_selection",
        }
    }
    assert param_code(described, Functions("", set()), imports) == "f_regression"
    assert imports == {"f_regression": "from sklearn.feature_selection import f_regression"}


GRID = "sklearn.model_selection._search.GridSearchCV"
SEARCH = {
    "class": GRID,
    "params": {
        "cv": 3,
        "error_score": {"float": "nan"},
        "estimator": {
            "estimator": {
                "class": "sklearn.tree._classes.DecisionTreeClassifier",
                "params": {"max_depth": 3},
            }
        },
        "param_grid": {"dict": [["min_samples_leaf", [1, 5]]]},
    },
}


def test_a_search_model_is_written_from_its_description():
    dataflow = {"nodes": [{"op": "sklearn.fit", "model": True, "estimator": SEARCH}]}
    imports, call = traced_model(dataflow, GRID, Functions("", set()))
    assert call == (
        "GridSearchCV(cv=3, estimator=DecisionTreeClassifier(max_depth=3), "
        "param_grid={'min_samples_leaf': [1, 5]})"
    )
    assert "from sklearn.model_selection import GridSearchCV" in imports
    plain = {"class": "sklearn.tree._classes.DecisionTreeClassifier", "params": {"max_depth": 3}}
    flat = {"nodes": [{"op": "sklearn.fit", "model": True, "estimator": plain}]}
    assert traced_model(flat, plain["class"], Functions("", set())) is None


def test_a_meta_estimators_defaults_come_from_its_signature():
    params = {"cv": 3, "error_score": "nan", "estimator": "Tree()", "n_jobs": None, "refit": True}
    assert _non_default(GRID, params) == {"cv": 3, "estimator": "Tree()"}


def test_frames_concatenated_side_by_side_are_read_where_they_come_from(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    pets = pets.fillna(0)
    num = pets[["weight", "visits"]]
    cat = pd.get_dummies(pets[["breed"]], dtype=int)
    X = pd.concat([num, cat], axis=1).values
    LogisticRegression().fit(X, pets["adopted"].values)
    """
    plan = plan_for(folder, script, monkeypatch)
    assert plan.label == "data['adopted']"  # the label's column stays in the prepared frame
    assert [e.split(",")[0] for e in plan.entries] == [
        "('weight_visits'",
        "('breed_akita_to_breed_pug'",
    ]


RARE_BY_INDEX = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
counts = pets["breed"].value_counts()
rare = counts[counts < 10].index
pets.loc[pets["breed"].isin(rare), "breed"] = "other"
X = pd.get_dummies(pets[["breed"]], dtype=int)
LogisticRegression().fit(X.values, pets["adopted"])
"""


def test_labels_of_a_count_threshold_are_rows_whose_group_size_passes_it(folder, monkeypatch):
    """`isin(counts[counts < n].index)` holds for the rows whose value's own count is below n:
    a group count by the column, which stays right when rows are deleted (a frozen list of
    labels would not)."""
    plan, expected = run_lifted(folder, RARE_BY_INDEX, monkeypatch)
    code = "\n".join(plan.body)
    assert "transform_groups('breed_count_1', ['breed'], 'breed', 'count')" in code
    assert "(breed_count_1 < 10)" in code
    assert "akita" not in code  # no frozen labels
    assert set(expected["pets"]["breed"]) == {"lab", "pug", "boxer", "other"}
    wanted = expected["X"]
    pd.testing.assert_frame_equal(lifted_frame(folder, plan)[list(wanted.columns)], wanted)


@pytest.mark.parametrize(
    "labels",
    [
        "coats[coats < 60].index",  # the counts of another column
        "counts[counts < coats.min()].index",  # a test that is not of the counts alone
        "counts.index[:2]",  # positions, which the trace does not show
    ],
)
def test_an_index_of_other_counts_as_an_argument_is_refused_not_frozen(folder, monkeypatch, labels):
    script = f"""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    counts = pets["breed"].value_counts()
    coats = pets["coat"].value_counts()
    pets.loc[pets["breed"].isin({labels}), "breed"] = "other"
    X = pd.get_dummies(pets[["breed"]], dtype=int).values
    LogisticRegression().fit(X, pets["adopted"])
    """
    with pytest.raises(Unsupported):
        plan_for(folder, script, monkeypatch)


SHUFFLED = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna()
pets["heavy"] = (pets["weight"] > 20).astype(int)
pets = pets.sample(frac=1, random_state=3).reset_index(drop=True)
cut = int(len(pets) * 0.75)
train, test = pets[:cut], pets[cut:]
LogisticRegression().fit(train[["heavy", "visits"]].values, train["adopted"].values)
"""


@pytest.mark.parametrize("replayed", [True, False])
def test_the_head_of_a_shuffled_frame_is_the_splits_part(folder, monkeypatch, replayed):
    split = {"function": "permutation_split" if replayed else None, "args": {}}
    if not replayed:
        with pytest.raises(Unsupported, match="a shuffled frame cut by position"):
            plan_for(folder, SHUFFLED, monkeypatch, split=split)
        return
    plan = plan_for(folder, SHUFFLED, monkeypatch, split=split)
    assert not any("sample" in line for line in plan.body)  # the split shuffles, not the steps
    assert plan.label == "data['adopted']"
    expected: dict[str, Any] = {}
    exec(textwrap.dedent(SHUFFLED), expected)
    prepared = lifted_frame(folder, plan)
    train, _ = lt.permutation_split(expected["cut"], 3).indices(prepared, np.zeros(len(prepared)))
    got = prepared.iloc[train][["heavy", "visits", "adopted"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected["train"][["heavy", "visits", "adopted"]])


SHUFFLED_THEN_CUT_X = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna()
pets = pets.sample(frac=1, random_state=3).reset_index(drop=True)
X, y = pets[["weight", "visits"]].values, pets["adopted"].values
cut = int(0.75 * len(X))
LogisticRegression().fit(X[:cut], y[:cut])
"""


def test_a_shuffle_whose_x_is_cut_is_left_to_the_split_that_replays_it(folder, monkeypatch):
    """The cut is of X, not of the frame: the shuffle's line, from the analysis' split, tells
    the sample rule to leave the rows in their order (a take_rows would shuffle twice)."""
    split = {"function": "permutation_split", "args": {}, "line": 6}
    plan = plan_for(folder, SHUFFLED_THEN_CUT_X, monkeypatch, split=split)
    assert not any("take_rows" in line for line in plan.body)
    plan = plan_for(folder, SHUFFLED_THEN_CUT_X, monkeypatch, split={"function": None})
    assert any("take_rows" in line for line in plan.body)  # no split replays it: the steps do


LABEL_CODES = """
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder

pets = pd.read_csv("pets.csv").dropna()
for col in ["breed", "coat"]:
    le = LabelEncoder()
    pets[col] = le.fit_transform(pets[col])
X = pets[["weight", "breed", "coat"]]
LogisticRegression().fit(X, pets["adopted"])
"""


def encoded(plan: Any, frame: pd.DataFrame) -> np.ndarray:
    """X as the plan's encoder makes it from the lifted frame."""
    scope: dict[str, Any] = {}
    exec("\n".join(plan.encoder_imports), scope)
    exec("from sklearn.compose import ColumnTransformer", scope)
    exec("def features():\n" + textwrap.indent(plan.encoder, "    "), scope)
    return scope["features"]().fit_transform(frame)


def test_a_label_encoder_per_column_is_label_codes_of_that_column(folder, monkeypatch):
    """LabelEncoder takes no X, so it cannot be a ColumnTransformer part; `lt.LabelCodes` gives
    its codes, the sorted distinct values' positions, in one."""
    plan, expected = run_lifted(folder, LABEL_CODES, monkeypatch)
    assert "('breed', LabelCodes(), ['breed'])" in plan.entries
    assert "LabelEncoder" not in plan.encoder
    got = encoded(plan, lifted_frame(folder, plan))
    np.testing.assert_array_equal(got, expected["X"].to_numpy(dtype=float))


ENCODED_THEN_DERIVED = """
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder

pets = pd.read_csv("pets.csv").drop("listing", axis=1)
pets = pets.fillna({"visits": 0, "weight": 0})
for col in ["coat"]:
    le = LabelEncoder()
    pets[col] = le.fit_transform(pets[col].astype(str))
pets["breed"] = pets["breed"].astype("category").cat.codes
X = pets[["weight", "coat", "breed", "visits"]].values
LogisticRegression().fit(X, pets["adopted"])
"""


def test_a_column_encoded_in_place_is_left_raw_for_the_encoder_and_later_steps_still_lift(
    folder, monkeypatch
):
    """`df[c] = le.fit_transform(df[c].astype(str))` before more feature code: the preparation
    skips the assignment (the encoder does it, missing values coded last as LabelEncoder does,
    and `astype(str)` of strings is the column), and category codes, taken from the column's
    own values, depend on the whole column."""
    plan, expected = run_lifted(folder, ENCODED_THEN_DERIVED, monkeypatch)
    assert "('coat', LabelCodes(), ['coat'])" in plan.entries
    assert "breed.astype('category').cat.codes, rowwise=False" in "\n".join(plan.body)
    prepared = lifted_frame(folder, plan)
    raw = pd.read_csv(folder / "pets.csv")["coat"]
    assert raw.isna().any() and prepared["coat"].equals(raw)
    np.testing.assert_array_equal(encoded(plan, prepared), expected["X"].astype(float))


def test_a_column_read_again_after_its_encoding_is_not_left_raw(folder, monkeypatch):
    """The preparation would read the raw column where the script read the codes."""
    script = ENCODED_THEN_DERIVED.replace(
        'pets["breed"] =', 'pets["heavy"] = pets["coat"] * pets["weight"]\npets["breed"] ='
    ).replace('"visits"]].values', '"visits", "heavy"]].values')
    with pytest.raises(Unsupported):
        run_lifted(folder, script, monkeypatch)


SELECT_AND_QUANTILES = """
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna()
pets["band"] = np.select([pets["weight"] < 15, pets["weight"] < 25], [0, 1], default=2)
pets["visit_q"] = pd.qcut(pets["visits"], q=3, labels=False, duplicates="drop")
LogisticRegression().fit(pets[["band", "visit_q"]].values, pets["adopted"])
"""


def test_np_select_of_conditions_and_quantile_bins_of_the_whole_column(folder, monkeypatch):
    """np.select takes a list of traced conditions; pd.qcut's edges are the column's own
    quantiles, so its projection depends on the whole column (recomputed when rows change)."""
    plan, expected = run_lifted(folder, SELECT_AND_QUANTILES, monkeypatch)
    code = "\n".join(plan.body)
    assert "np.select([(weight < 15), (weight < 25)], [0, 1], default=2)" in code
    quantiles = next(line for line in plan.body if "pd.qcut" in line)
    assert "rowwise=False" in quantiles
    wanted = expected["pets"].reset_index(drop=True)[["band", "visit_q"]]
    got = lifted_frame(folder, plan)[["band", "visit_q"]]
    pd.testing.assert_frame_equal(got, wanted, check_dtype=False)


PER_COLUMN_DICTS = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna()
pets = pets.replace({"coat": {"short": 0, "long": 1}})
pets = pets.replace({"breed": "pug"}, "lab")
pets = pets.round({"weight": 0})
X = pets[["weight", "visits", "coat", "pid"]]
LogisticRegression().fit(X, pets["adopted"])
"""


def test_frame_methods_given_a_dict_per_column_change_only_those_columns(folder, monkeypatch):
    """`df.replace({"married": {"yes": 1}})` names its column: the other columns (an int id)
    are not given the nested mapping."""
    plan, expected = run_lifted(folder, PER_COLUMN_DICTS, monkeypatch)
    code = "\n".join(plan.body)
    assert "lambda coat: coat.replace({'short': 0, 'long': 1})" in code
    assert "lambda breed: breed.replace('pug', 'lab')" in code
    assert "lambda weight: weight.round(0)" in code and "pid.replace" not in code
    got = lifted_frame(folder, plan).reset_index(drop=True)
    columns = ["weight", "visits", "coat", "breed", "pid"]
    pd.testing.assert_frame_equal(got[columns], expected["pets"][columns].reset_index(drop=True))


FILLED_BY_LOC_THEN_CODED = """
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder

data = pd.read_csv("pets.csv").drop("listing", axis=1)
data.loc[data["weight"].isnull(), "weight"] = data["weight"].mean()
data.loc[data["visits"].isna(), "visits"] = data["weight"] / 10
data["coat"] = data["coat"].fillna("none")
le = LabelEncoder()
for col in data.select_dtypes(include="object").columns:
    data[col] = le.fit_transform(data[col])
X = data.iloc[:, 1:].drop("adopted", axis=1).values
LogisticRegression().fit(X, data["adopted"])
"""


def test_a_loc_fill_by_a_statistic_and_codes_read_through_a_positional_column_selection(
    folder, monkeypatch
):
    """`df.loc[df.a.isnull(), "a"] = df.a.mean()` computes its value over the frame before (the
    whole column, so `rowwise=False`); `iloc[:, 1:]` keeps every row, so the encoded columns
    behind it are still the ones the LabelEncoder loop assigned."""
    plan, expected = run_lifted(folder, FILLED_BY_LOC_THEN_CODED, monkeypatch)
    code = "\n".join(plan.body)
    assert "weight.mask(weight.isnull(), weight.mean()), vectorized=True, rowwise=False" in code
    assert "visits.mask(visits.isna(), (weight / 10)), vectorized=True)" in code
    assert "('breed', LabelCodes(), ['breed'])" in plan.entries
    np.testing.assert_array_equal(encoded(plan, lifted_frame(folder, plan)), expected["X"])


STATISTIC_MERGED_BACK = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna(subset=["weight"]).reset_index(drop=True)
stat = pets.groupby("coat")["weight"].mean().rename("coat_weight")
pets = pets.merge(stat, left_on="coat", right_index=True, how="left")
pets["coat_weight"] = pets["coat_weight"].fillna(pets["weight"].mean())
LogisticRegression().fit(pets[["weight", "coat_weight"]], pets["adopted"])
"""


def test_a_group_statistic_merged_back_on_the_series_index_is_a_join_on_its_keys(
    folder, monkeypatch
):
    """`df.merge(df.groupby(k)["v"].mean().rename("m"), left_on=k, right_index=True)`: the
    Series' index is the aggregate's key column, its name the joined column's; a row whose key
    is missing (coat has gaps) finds no group and is filled afterwards."""
    plan, expected = run_lifted(folder, STATISTIC_MERGED_BACK, monkeypatch)
    code = "\n".join(plan.body)
    assert ".rename({'weight': 'coat_weight'}), on=['coat'], how='left')" in code
    got = lifted_frame(folder, plan).reset_index(drop=True)
    columns = ["weight", "coat", "coat_weight"]
    pd.testing.assert_frame_equal(got[columns], expected["pets"][columns].reset_index(drop=True))


GROUP_FILL_LOOP = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
for b in pets["breed"].unique():
    typical = pets.loc[pets["breed"] == b, "weight"].median()
    pets.loc[(pets["weight"].isnull()) & (pets["breed"] == b), "weight"] = typical
for c in ["short", "long"]:
    pets.loc[pets["visits"].isna() & (pets["coat"] == c), "visits"] = pets[pets["coat"] == c][
        "visits"
    ].mean()
LogisticRegression().fit(pets[["weight", "visits"]].fillna(0), pets["adopted"])
"""


def test_a_fill_by_each_groups_statistic_in_a_loop_reduces_the_masked_column(folder, monkeypatch):
    """`df.loc[df.k == v, "a"].median()` and `df[df.k == v]["a"].mean()`, the Titanic-style fill
    of each group's gaps: a reduction of the column's rows where the mask holds, recomputed
    from the whole column (`rowwise=False`) so that a deletion changes the statistic."""
    plan, expected = run_lifted(folder, GROUP_FILL_LOOP, monkeypatch)
    code = "\n".join(plan.body)
    assert "weight[(breed == 'pug')].median()" in code
    assert "visits[(coat == 'long')].mean()" in code
    got = lifted_frame(folder, plan).reset_index(drop=True)
    want = expected["pets"][["weight", "visits"]].fillna(0).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[["weight", "visits"]], want)


CAST_BY_NUMPY = """
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna(subset=["weight", "visits"])
X = pets[["weight", "visits"]].values.astype(np.float64)
y = pets["adopted"].values.astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
LogisticRegression().fit(X_train, y_train)
"""


def test_a_matrix_and_label_cast_by_numpy_are_the_traced_arrays_they_hold(folder, monkeypatch):
    """NumPy's `astype` is not traced; the tracer names the traced array whose values the cast
    holds, so X and y are followed back to the frame's columns."""
    plan, expected = run_lifted(folder, CAST_BY_NUMPY, monkeypatch)
    assert plan.label == "data['adopted']"
    np.testing.assert_array_equal(encoded(plan, lifted_frame(folder, plan)), expected["X"])


PREPARED_TOGETHER = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
train = pets[pets["pid"] < 90].reset_index(drop=True)
test = pets[pets["pid"] >= 90].drop(columns=["adopted"]).reset_index(drop=True)
y = train["adopted"].values
full = pd.concat([train.drop(columns=["adopted"]), test], ignore_index=True)
full["weight"] = full["weight"].fillna(full["weight"].median())
X = full.iloc[: len(train)][["pid", "weight"]].values
LogisticRegression().fit(X, y)
"""


@pytest.mark.parametrize("cut", ["full.iloc[: len(train)]", "full[: len(train)]"])
def test_a_label_of_the_train_table_goes_beside_rows_cut_back_out_of_train_and_test(
    folder, monkeypatch, cut
):
    """Train and test prepared together, X cut back out by position (`iloc`, or a frame sliced
    by a range of rows, which pandas also takes by position), y read from the train table before
    the concat dropped it: the label's column goes beside the prepared rows."""
    script = PREPARED_TOGETHER.replace("full.iloc[: len(train)]", cut)
    plan, expected = run_lifted(folder, script, monkeypatch)
    assert plan.label == "data['adopted']"
    assert ".concat_columns(" in plan.body[-1] and ".select(['adopted'])" in plan.body[-1]
    frame = lifted_frame(folder, plan)
    np.testing.assert_array_equal(frame["adopted"].to_numpy(), expected["y"])
    np.testing.assert_array_equal(encoded(plan, frame), expected["X"])


COURSE_TEMPLATE = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

dataset = pd.read_csv("pets.csv")
X = dataset.iloc[:, :1].values
y = dataset.%s.values
LogisticRegression().fit(X, y)
"""


@pytest.mark.parametrize("label", ["iloc[:, -1]", "iloc[:, 6]", 'loc[:, "adopted"]'])
def test_a_label_taken_by_position_or_by_loc_is_the_sources_column(folder, monkeypatch, label):
    """`X = dataset.iloc[:, :-1].values; y = dataset.iloc[:, -1].values`, as the course
    templates start: the label is the column at that position of the frame read."""
    plan, expected = run_lifted(folder, COURSE_TEMPLATE % label, monkeypatch)
    assert plan.label == "data['adopted']"
    frame = lifted_frame(folder, plan)
    np.testing.assert_array_equal(frame["adopted"].to_numpy(), expected["y"])
