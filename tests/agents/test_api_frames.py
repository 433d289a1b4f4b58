"""The frame facts of the API reference (issue 14, defect 3) hold: each is checked here against
the abstraction directly, independently of how `api_frames` observed it."""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest
from lester.abstraction.features import fit_transform_all
from lester.agents.llm import api_facts, api_frames
from lester.agents.llm.api_reference import api_reference
from sklearn.compose import ColumnTransformer

import lester as lt


def test_every_frame_fact_is_in_the_reference_the_prompts_carry():
    reference = api_reference()
    for fact in api_frames.frame_facts():
        assert fact in reference


def test_header_none_labels_are_the_strings_the_fact_names(tmp_path):
    (tmp_path / "t.csv").write_text("x,1\ny,2\n")
    frame = lt.read_csv(str(tmp_path / "t.csv"), header=None)
    shown = re.search(r"labels the columns (\[.*?\])", api_frames.header_none()).group(1)
    assert repr(list(frame.columns)) == shown
    with pytest.raises(lt.OperationError):
        frame.select([0])


def test_filter_rejects_what_the_fact_says_it_rejects():
    text = api_frames.filter_masks()
    frame = lt.from_pandas(pd.DataFrame({"v": [1, 2, 3]}), "t")
    assert "an int 0/1 array raises" in text
    with pytest.raises(lt.OperationError):
        frame.filter(np.array([1, 0, 1]))
    assert len(frame.filter([True, False, True]).data) == 2


def test_aggregate_layout_is_pandas_groupby_agg():
    text = api_frames.aggregate_layout()
    frame = pd.DataFrame({"k": ["b", "a", "b"], "v": [1.0, 2.0, 3.0], "w": [10, 20, 30]})
    expected = frame.groupby("k").agg(total=("v", "sum"), head=("w", "first")).reset_index()
    assert f"rows {expected.values.tolist()}" in text
    assert f"columns {list(expected.columns)}" in text
    # round 40's scrabble note: the dtype a Python function's ints come out as
    assert "'head': 'int64'" in text and str(expected["head"].dtype) == "int64"
    # round 57's ecommerce note: the dtypes of a count, a size and a lambda's ints
    counted = pd.DataFrame({"k": ["b", "a", "b"], "v": [1.0, None, 3.0], "w": [10, 20, 30]})
    counted = counted.groupby("k").agg(
        n=("v", "count"), size=("w", "size"), big=("w", lambda s: int((s > 15).sum()))
    )
    shown = {c: str(t) for c, t in counted.dtypes.items()}
    assert f"`: {shown}, rows {counted.reset_index().values.tolist()}." in text


def test_a_custom_transformer_without_output_names_still_names_the_columns():
    # round 54's answerer asked whether a custom encoder must give its output column names
    text = api_frames.output_names()
    assert "get_feature_names_out()` of the ColumnTransformer raises AttributeError" in text
    assert "named ['half__0', 'kind__0', 'kind__1']" in text
    assert "X [[1.0, 1.0, 0.0], [2.0, 0.0, 1.0]]" in text
    assert text in api_frames.frame_facts()


def test_the_encoder_and_split_facts_match_a_pipeline_run():
    assert "the transform calls saw [[3, 1, 2, 5]]" in api_frames.encoder_calls()
    # round 26's fraud velocity notes read the fact as offering running values to the encoder
    assert "Running values per key are still the preparation's" in api_frames.encoder_calls()
    data = pd.DataFrame({"v": range(10)})
    assert len(lt.head_split(0.75).indices(data, np.zeros(10))[0]) == int(0.75 * 10)
    assert f"{int(0.75 * 10)});" in api_frames.split_rows()


def test_the_idioms_do_what_the_original_loops_do():
    fact = api_frames.repeat_rows()
    looped = fact.split("gives rows ")[1].split("]")[0]
    assert f"gives {looped}] (dtypes kept" in fact  # the loop and take_rows agree
    assert "permutation(len(d))` gives the rows of `df.sample(frac=1" in fact
    assert "randint(0, len(d), n)` gives the rows of `df.sample(n, replace=True" in fact
    # round 51 c1: a sample without replacement, by pandas and by scikit-learn
    drawn = "replace=False)` gives the rows of `df.sample(n, random_state=s)` and `resample("
    assert drawn in fact and "NOT" not in fact
    rng, kept = np.random.RandomState(7), list(range(9))
    for _ in range(4):
        kept.pop(rng.randint(len(kept)))
    again = np.random.RandomState(7)
    folded = functools.reduce(
        lambda pos, _: np.delete(pos, again.randint(len(pos))), range(4), np.arange(9)
    )
    assert folded.tolist() == kept
    assert "the same as the loop's" in api_frames.sequential_draw()


def test_the_float_fact_names_the_sums_that_differ():
    values = [1e16, 1.0, 1.0, -1e16]
    loop = 0.0
    for x in values:
        loop += x
    grouped = pd.DataFrame({"k": [0] * 4, "v": values}).groupby("k")["v"].cumsum().iloc[-1]
    assert loop != grouped
    assert f"the loop gives {loop}, `np.cumsum` {loop}, `groupby(...).cumsum()` {grouped}" in (
        api_frames.float_sums()
    )
    # round 27's churn notes: whether a grouped `sum` (and so `aggregate`'s) compensates too
    frame = pd.DataFrame({"k": [0] * 4, "v": values})
    summed = lt.from_pandas(frame, "p").aggregate("k", t=("v", "sum")).data["t"].iloc[0]
    assert summed != loop
    assert f"`aggregate('k', t=('v', 'sum'))` {summed}; replay a loop's sum" in (
        api_frames.float_sums()
    )


def test_a_text_vectorizer_needs_the_string_column_form():
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    data = pd.DataFrame({"text": ["red apple", "green apple"]})
    words = ColumnTransformer([("t", CountVectorizer(), "text")]).fit_transform(data)
    names = ColumnTransformer([("t", CountVectorizer(), ["text"])]).fit_transform(data)
    assert words.shape == (2, 3) and names.shape != (2, 3)  # a list: one "document" per column
    assert "string hands the transformer a 1-D column" in api_frames.column_shapes()


def test_the_project_facts_name_what_project_returns():
    frame = lt.from_pandas(pd.DataFrame({"t": ["a", "b"]}), "t")
    text = api_frames.project_probe()
    contains = frame.project("c", "t", lambda t: "a" in t).data["c"].tolist()
    assert f"on t=['a', 'b'] gives {contains}" in text
    codes = lt.from_pandas(pd.DataFrame({"t": ["b", "a", "b", "c"]}), "t")
    codes = codes.project("c", "t", lambda v: pd.factorize(v)[0], rowwise=False)
    assert f"is called with ['Series'] and gives {codes.data['c'].tolist()}," in text


def test_a_whole_column_statistic_in_a_preparation_passes_the_static_check():
    from lester.agents.oracle.form import check_form

    stated = " ".join(api_facts.STATED.split())
    assert "with `project(..., rowwise=False)` (accepted by the static check" in stated
    code = (
        "import pandas as pd\nimport lester as lt\n\n@lt.prepare\ndef p(t):\n"
        "    return t.project('c', 't', lambda v: pd.factorize(v)[0], rowwise=False)\n"
    )
    assert not [p for p in check_form(code) if "missing stage" not in p]


def test_missing_keys_are_stated_for_lester_and_pandas_as_each_groups_them():
    keys = {"k": ["a", None, "a", "b"], "j": [1, 1, 1, None], "v": [1.0, 2.0, 3.0, 4.0]}
    frame = lt.from_pandas(pd.DataFrame(keys), "t")
    ours = frame.aggregate(["k", "j"], n=("v", "count")).data
    theirs = pd.DataFrame(keys).groupby(["k", "j"]).agg(n=("v", "count")).reset_index()
    text = api_frames.aggregate_layout()
    assert f"gives {len(ours)} groups {ours.values.tolist()}, pandas'" in text
    assert f"gives {len(theirs)} {theirs.values.tolist()}: it drops" in text
    kept = frame.filter(lambda d: d[["k", "j"]].notna().all(axis=1))
    assert f"gives {kept.aggregate(['k', 'j'], n=('v', 'count')).data.values.tolist()}." in text


def test_a_function_transformer_in_a_run_receives_what_the_fact_says():
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import FunctionTransformer

    text = api_frames.transformer_input()
    got: list = []
    frame = pd.DataFrame({"card": [7, 8], "amount": [1.5, 0.0]})

    def record(values):
        got.append(values)
        return np.zeros((len(values), 1))

    ColumnTransformer([("f", FunctionTransformer(record), ["card", "amount"])]).fit(frame)
    assert f"a `{type(got[0]).__name__}` of those columns" in text
    assert f"'card': '{type(got[0]['card'].iloc[0]).__name__}'" in text
    assert "`1.5 / 0.0` and `0.0 / 0.0` on them give [inf, nan]" in text
    assert text in api_reference()


def test_the_left_join_layout_is_the_joined_columns():
    left = lt.from_pandas(pd.DataFrame({"k": [1, 2], "a": [10, 20]}), "l")
    day = pd.Timestamp("2024-03-01")
    right = pd.DataFrame({"k": [1], "n": [5], "t": ["x"], "b": [True], "d": [day]})
    joined = left.join(lt.from_pandas(right, "r"), on="k", how="left").data
    assert f"columns {list(joined.columns)};" in api_frames.left_join_dtypes()
    # round 46's churn note: the cast back is for a later int, not for X
    assert "where a later value depends on an int; where none does" in (
        api_frames.left_join_dtypes()
    )
    # round 43's churn note: what a missed key gives a datetime column
    assert f"'d': '{joined['d'].dtype}'" in api_frames.left_join_dtypes()
    assert pd.isna(joined["d"].iloc[1]) and "d NaT)" in api_frames.left_join_dtypes()
    keyed = lt.from_pandas(pd.DataFrame({"order_id": [1, 2], "a": [10, 20]}), "l")
    other = lt.from_pandas(pd.DataFrame({"0": [1, 2], "n": [5, 6], "a": [7, 8]}), "r")
    named = list(keyed.join(other, left_on="order_id", right_on="0").data.columns)
    assert named == ["order_id", "a", "0", "n", "a_right"]  # both keys stay
    assert f"gives {named}." in api_frames.left_join_dtypes()


def test_the_stated_column_place_and_matched_join_dtype_hold():
    frame = lt.from_pandas(pd.DataFrame({"a": [1], "b": [2], "c": [3]}), "t")
    columns = list(frame.project("b", "b", lambda b: b * 10).data.columns)
    assert f"with b replaced are {columns}." in api_frames.project_probe()
    left = lt.from_pandas(pd.DataFrame({"k": [1, 2], "a": [10, 20]}), "l")
    right = lt.from_pandas(pd.DataFrame({"k": [1, 2], "n": [5, 6]}), "r")
    dtype = str(left.join(right, on="k", how="left").data["n"].dtype)
    assert f"an int column stays {dtype}." in api_frames.left_join_dtypes()


def test_text_conversion_states_what_astype_and_label_codes_do_here():
    text = api_frames.text_conversion()
    column = pd.Series(["b", None, "a"], dtype="str")
    kept = column.astype(str)
    assert kept.isna().tolist() == [False, True, False]  # missing stays missing in this pandas
    assert f"gives {kept.tolist()}" in text and "gives ['b', 'nan', 'a']" in text
    from sklearn.preprocessing import LabelEncoder

    codes = LabelEncoder().fit_transform(kept).tolist()
    assert f"on the text gives {codes}" in text and codes[1] == max(codes)


def test_a_passthrough_of_numeric_text_fits_as_the_fact_says():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LinearRegression

    text = api_frames.passthrough_text()
    data = pd.DataFrame({"a": pd.Series(["1.5", "2"], dtype="str"), "b": [1, 0]})
    X = ColumnTransformer([("p", "passthrough", ["a", "b"])]).fit_transform(data)
    assert f"dtype {X.dtype}" in text
    LinearRegression().fit(X, [0.0, 1.0])
    assert "gives 'a fitted model'" in text
    # round 46's bank note: whether the run's model and deletion state take the object array
    run = fit_transform_all(
        ColumnTransformer([("p", "passthrough", ["a", "b"])]), data, [0, 1], None
    )
    assert run[1].dtype == np.float64 and "(dtype float64: [[1.5, 1.0], [2.0, 0.0]])" in text
    # round 48's bank note: whether converting the text column in the preparation changes X
    converted = data.assign(a=data["a"].astype(float))
    again = fit_transform_all(
        ColumnTransformer([("p", "passthrough", ["a", "b"])]), converted, [0, 1], None
    )
    assert np.array_equal(again[1], run[1]) and "both give the same X" in text


def test_the_one_hot_order_fact_matches_the_encoder():
    from sklearn.preprocessing import OneHotEncoder

    text = api_facts.one_hot_options()
    values = pd.DataFrame({"c": ["b", "a", "b", "c"]})
    given = OneHotEncoder(categories=[["b", "a", "c"]], sparse_output=False).fit_transform(values)
    assert given[:2].tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]  # the order given is kept
    assert "gives ['a', 'b', 'c']" in text and "keeps the order given (['b', 'a', 'c'])" in text
    codes = pd.factorize(values["c"])[0].reshape(-1, 1)
    first = OneHotEncoder(sparse_output=False).fit_transform(codes)
    assert first[:2].tolist() == given[:2].tolist()  # codes sort into first appearance


def test_select_dtypes_of_text_is_stated_as_pandas_does_it():
    import warnings

    text = api_facts.text_dtype()
    frame = pd.DataFrame({"n": [1], "f": [1.5], "b": [True], "t": pd.Series(["x"], dtype="str")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        included = list(frame.select_dtypes(include=["object"]).columns)
    kept = list(frame.select_dtypes(exclude=["object", "str"]).columns)
    assert f"`select_dtypes(include=['object'])` gives {included}" in text
    assert kept == ["n", "f", "b"] and f"`exclude=['object', 'str']` gives {kept}" in text
    # round 47's house-prices note: whether text stays text through the steps
    filled = lt.from_pandas(pd.DataFrame({"t": ["x", None]}), "t").fill_na("t", value="z")
    assert pd.api.types.is_string_dtype(filled.data["t"])
    assert f"`{filled.data['t'].dtype}` after `fill_na`" in text


def test_constant_and_category_projects_are_stated_as_they_behave():
    text = api_frames.project_probe()
    frame = lt.from_pandas(pd.DataFrame({"t": ["a", "b"]}), "t")
    flag = frame.project("flag", [], lambda: 0).data["flag"]
    day = frame.project("day", [], lambda: "2024-03-01").data["day"]
    assert (
        f"`project('flag', [], lambda: 0)`: {flag.tolist()}, dtype {flag.dtype} (a text "
        f"constant gives dtype {day.dtype})."
    ) in text
    binned = lt.from_pandas(pd.DataFrame({"w": [1.0, 9.0]}), "w").project(
        "b", "w", lambda w: pd.cut(w, [0, 5, 10], labels=["lo", "hi"])
    )
    columns = list(binned.get_dummies(["b"]).data.columns)
    assert columns == ["w", "b_lo", "b_hi"] and f"gives {columns}." in text


def test_the_date_comparison_fact_is_what_pandas_and_a_query_do():
    import datetime

    text = api_frames.date_comparison()
    day = datetime.date(2024, 2, 1)
    column = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01"]))
    with pytest.raises(TypeError):
        column < day  # noqa: B015
    assert "`column < date` raises TypeError" in text
    assert "gives [True, False]" in text and (column < pd.Timestamp(day)).tolist() == [True, False]
    frame = lt.from_pandas(pd.DataFrame({"d": column}), "t")
    assert len(frame.filter("d < @day")) == 1 and "gives ['2024-01-01']" in text


def test_the_integer_text_fact_holds_for_astype_and_int():
    """Round 56's fraud model could not tell whether `astype('int64')` reads "09" as `int()` does."""
    text = api_frames.text_conversion()
    digits = ["0", "09", "12", "-3", "007"]
    converted = pd.Series(digits, dtype="str").astype("int64").tolist()
    assert converted == [int(v) for v in digits]
    assert (
        f"to the same ints as Python's `int()` of each value, leading zeros and signs included: {digits} gives {converted}"
        in text
    )


def test_a_filter_function_may_give_a_numpy_mask_as_the_fact_says():
    """Round 56's orchard model could not tell whether a function may give a NumPy mask."""
    assert "`lambda d: d.index >= 1`) works" in api_frames.filter_masks()
    frame = lt.from_pandas(pd.DataFrame({"v": [1, 2, 3]}), "t")
    assert frame.filter(lambda d: d.index >= 1).data["v"].tolist() == [2, 3]
    assert frame.filter(lambda d: np.arange(len(d)) < 2).data["v"].tolist() == [1, 2]


def test_the_decimal_text_fact_holds_for_astype_and_float():
    text = api_frames.text_conversion()
    decimals = ["0.1", "2.675", "93.997", "-34.3", "1e-7", "5225.8", "0.30000000000000004"]
    converted = pd.Series(decimals, dtype="str").astype("float64").tolist()
    assert converted == [float(v) for v in decimals]
    assert "converts with `astype('float64')` to the same floats as Python's `float()`" in text


def test_rows_a_group_helper_extends_keep_their_entries_as_pandas_apply_types_them():
    """Round 26's relay and scrabble notes: whether `target=None` keeps the entries an original's
    helper adds to each row, typed as the original's `apply(axis=1)` types them."""
    text = api_frames.group_rows_replaced()
    df = pd.DataFrame({"g": ["a", "b", "a"], "v": [3, 1, 2], "w": ["x", "yy", "z"]})

    def ranked(row: pd.Series) -> pd.Series:
        row["rank"] = int((df.loc[df["g"] == row["g"], "v"] > row["v"]).sum()) + 1
        row["v"] = row["v"] / 2
        row["w"] = len(row["w"])
        return row

    expected = df.apply(ranked, axis=1)
    assert f"columns {list(expected.columns)}" in text
    assert f"dtypes {[str(d) for d in expected.dtypes]}" in text
    assert f"rows {expected.values.tolist()}" in text
    assert "a function giving a bool Series (`lambda d: d['v'] > 1`) works" in (
        api_frames.filter_masks()
    )


def test_the_sums_fact_says_what_pythons_sum_does_in_the_sandboxs_python():
    """Round 30's churn notes: Python 3.12's `sum()` compensates, and nothing said which Python
    the sandbox runs."""
    import sys

    from lester.agents.llm.api_frames import float_sums
    from lester.sandbox.image import PYTHON

    text = float_sums()
    assert (
        f"In the sandbox's Python {PYTHON}, the built-in `sum()` of floats adds in sequence, "
        "as the loop does." in text
    )
    if f"{sys.version_info.major}.{sys.version_info.minor}" == PYTHON:  # observable here
        assert sum([1e16, 1.0, 1.0, -1e16]) == 0.0


def test_several_dummies_and_a_bound_loop_value_are_stated_as_they_behave():
    """Round 40's notes: how several columns' dummies are laid out (house prices), and whether
    `project` passes a column to a lambda's defaulted parameter (iotdb's slot loop)."""
    text = " ".join(api_frames.project_probe().split())
    three = pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "c": ["u", "v"]})
    ours = list(lt.from_pandas(three, "t").get_dummies(["c", "a"]).data.columns)
    assert ours == list(pd.get_dummies(three, columns=["c", "a"]).columns)
    assert f"`get_dummies(['c', 'a'])` gives {ours}" in text
    assert "A parameter with a default is not given a column" in text
    assert "gives t_0, t_1 rows [[1, 0], [0, 1]]." in text


def test_a_whole_column_datetime_result_is_stated_as_the_spot_check_takes_it():
    """Round 40's churn model used `vectorized=True` everywhere, unsure whether the spot check
    takes a datetime column against per-value Timestamps."""
    text = " ".join(api_frames.date_comparison().split())
    frame = lt.from_pandas(pd.DataFrame({"d": pd.to_datetime(["2024-01-01"] * 5)}), "d")
    calls: list[str] = []

    def later(values):
        calls.append(type(values).__name__)
        return values + pd.Timedelta(days=1)

    frame.project("e", "d", later)
    assert calls == ["Series", "Timestamp", "Timestamp", "Timestamp"]  # kept whole
    assert "A whole-column datetime result passes the row-wise spot check" in text
    assert f"is called with {calls}" in text
    # round 52 a1: parsing text with utc=True, forced whole-column only to be safe
    texts = lt.from_pandas(pd.DataFrame({"t": ["2015-06-10 17:26:21 UTC"] * 5}), "t")
    parsed = texts.project("d", "t", lambda t: pd.to_datetime(t, utc=True)).data["d"]
    assert str(parsed.dtype) == "datetime64[us, UTC]"
    assert "keeps the whole-column result, dtype datetime64[us, UTC]" in text


def test_a_mixed_passthrough_is_stated_with_what_a_tree_model_makes_of_it():
    """Round 40's house-prices model could not tell whether boosting fitted on the object array
    of a bool/int/float passthrough predicts as on the original's DataFrame."""
    from sklearn.compose import ColumnTransformer

    text = api_frames.passthrough_text()
    mixed = pd.DataFrame({"f": [True, False], "n": [3, 1], "x": [0.1, 2.5]})
    matrix = ColumnTransformer([("p", "passthrough", ["f", "n", "x"])]).fit_transform(mixed)
    assert f"One of bool, int and float columns is an array of dtype {matrix.dtype} too" in text
    assert "predicts the same as on the DataFrame of those columns" in text


def test_the_running_values_idiom_replays_the_loop_bit_for_bit():
    """Round 40's fraud-velocity model wrote per-card helpers as a workaround for want of a
    tested idiom for running values per key; the one stated must equal the loop's floats."""
    observed = api_frames.running_values()
    assert "the same as the loop's" in observed and "NOT" not in observed
    facts = " ".join(" ".join(api_frames.frame_facts()).split())
    assert "Running values per key" in facts and "subtracting the row's value" in facts


def test_the_time_difference_fact_is_in_the_reference_and_holds_on_other_values():
    assert "differ in 0 of 2000" in api_facts.time_differences()
    assert "`(b - a).dt.total_seconds()`" in api_facts.api_facts()
    stamps = pd.Series(pd.to_datetime(["2024-03-01 10:00:00.123457", "2024-03-09 23:59:59.5"]))
    gaps = (stamps - stamps.iloc[0]).dt.total_seconds().tolist()
    first = stamps.iloc[0].to_pydatetime()
    python = [(t.to_pydatetime() - first).total_seconds() for t in stamps]
    assert gaps == python


def test_a_count_made_float_by_a_left_join_gives_the_same_x():
    """Round 51 b: the model converted such counts back to int only to be safe."""
    left = lt.from_pandas(pd.DataFrame({"k": [1, 2], "a": [10, 20]}), "l")
    right = lt.from_pandas(pd.DataFrame({"k": [1], "n": [5]}), "r")
    joined = left.join(right, on="k", how="left").fill_na(value=0).data
    as_ints = pd.DataFrame({"n": [5, 0]})
    assert str(joined["n"].dtype) == "float64"
    passthrough = ColumnTransformer([("n", "passthrough", ["n"])])
    x = passthrough.fit_transform(joined).astype("float64")
    np.testing.assert_array_equal(x, passthrough.fit_transform(as_ints).astype("float64"))
    assert "the float column gives the same X" in api_frames.left_join_dtypes()


def test_the_tolerance_and_several_columns_statistics_are_stated():
    """Round 52 c2: the model could not tell whether `df[cols].mean()` is each column's mean
    to the last bits, nor what tolerance the comparison allows."""
    from lester.agents.llm.api_facts import scalers_by_column
    from lester.agents.oracle.matching import Tolerance

    fact = scalers_by_column()
    tol = Tolerance()
    assert f"<= {tol.atol:g} + {tol.rtol:g} * |original|" in fact
    measured = fact.split("by at most: ")[1].rstrip(".").split(", ")
    assert [m.split()[0] for m in measured] == ["mean", "std", "median"]
    assert all(float(m.split()[1]) <= tol.atol for m in measured)


def test_a_one_hot_of_another_table_s_values_keeps_a_value_no_row_has():
    """Round 52 c2: categories taken from a devices table include one no joined row has; an
    encoder fitted on the prepared rows would drop that column."""
    from lester.agents.llm.api_facts import one_hot_options
    from sklearn.preprocessing import OneHotEncoder

    rows, table = np.array([["a"], ["b"], ["a"]]), ["a", "b", "c"]
    assert OneHotEncoder().fit_transform(rows).shape[1] == 2
    assert OneHotEncoder(categories=[table]).fit_transform(rows).shape[1] == 3
    fact = " ".join(one_hot_options().split())
    assert "build the slots from that table's column, which gives a column of zeros" in fact
