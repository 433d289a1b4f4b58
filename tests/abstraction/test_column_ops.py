"""The column operations pandas code needs: same values as pandas, provenance, forget maintenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lester.abstraction.errors import OperationError
from lester.abstraction.incremental import Deletion, maintain

import lester as lt

from .test_incremental import assert_same_frame, make_sources, without


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "grp": ["a", "b", "a", None, "b", "a"],
            "age": [30.0, np.nan, 41.0, 22.0, np.nan, 35.0],
            "city": ["x", "y", "x", "z", "y", "y"],
        }
    )


def test_fill_na_with_a_value_or_a_statistic_fills_as_pandas(people):
    frame = lt.from_pandas(people, "p")
    filled = frame.fill_na("age", statistic="median").data
    pd.testing.assert_series_equal(filled["age"], people["age"].fillna(people["age"].median()))
    mean = frame.fill_na("age", statistic="mean").data["age"]  # as the docstring says, bit for bit
    assert mean.tolist() == people["age"].fillna(people["age"].mean()).tolist()
    modes = frame.fill_na(["grp"], statistic="mode").data
    pd.testing.assert_frame_equal(
        modes[["grp"]], people[["grp"]].fillna(people[["grp"]].mode().iloc[0])
    )
    constant = frame.fill_na(value={"age": 0, "grp": "none"}).data
    pd.testing.assert_frame_equal(constant, people.fillna({"age": 0, "grp": "none"}))
    assert frame.fill_na("age", value=1).colprov == frame.colprov
    with pytest.raises(OperationError, match="either a value or a statistic"):
        frame.fill_na("age")


def test_transform_groups_is_groupby_transform_with_its_provenance(people):
    frame = lt.from_pandas(people, "p").transform_groups("mean_age", "grp", "age", "mean")
    expected = people.groupby("grp")["age"].transform("mean")
    pd.testing.assert_series_equal(frame.data["mean_age"], expected, check_names=False)
    assert frame.colprov["mean_age"] == {("p", "grp"), ("p", "age")}
    assert frame.provenance["p"].tolist() == list(range(6))


def test_get_dummies_lays_out_columns_as_pandas(people):
    frame = lt.from_pandas(people, "p").get_dummies(["city", "grp"], drop_first=True, dtype=int)
    expected = pd.get_dummies(people, columns=["city", "grp"], drop_first=True, dtype=int)
    pd.testing.assert_frame_equal(frame.data, expected)
    assert frame.colprov["city_y"] == {("p", "city")}


def test_rank_apply_rows_and_concat_columns(people):
    frame = lt.from_pandas(people, "p")
    ranked = frame.rank("r", "age", method="min").data["r"]
    pd.testing.assert_series_equal(ranked, people["age"].rank(method="min"), check_names=False)
    labelled = frame.apply_rows("label", lambda row: f"{row['city']}-{row['grp']}")
    assert (
        labelled.data["label"].tolist()
        == people.apply(lambda row: f"{row['city']}-{row['grp']}", axis=1).tolist()
    )
    assert labelled.colprov["label"] == {("p", "grp"), ("p", "age"), ("p", "city")}
    left, right = frame.select(["grp"]), frame.filter(lambda d: d["age"].notna() | True)
    side = left.concat_columns(right.select(["age", "city"]))
    assert side.columns == ["grp", "age", "city"] and len(side) == 6
    with pytest.raises(OperationError, match="same rows"):
        left.concat_columns(frame.filter("age > 25").select(["age"]))


def test_concat_columns_lays_out_parts_as_pandas_concat_does(people):
    """The layout the docstring states (round 51 a2: the dummies of one part first)."""
    frame = lt.from_pandas(people, "p")
    parts = frame.select(["city"]).get_dummies("city").concat_columns(frame.select(["age"]))
    expected = pd.concat([pd.get_dummies(people[["city"]]), people[["age"]]], axis=1)
    pd.testing.assert_frame_equal(parts.data, expected)
    assert frame.select(["city", "age"]).get_dummies("city").columns[0] == "age"


BUILDS = {
    "median fill after a join": lambda p, o: o.join(p, on="pid", how="left").fill_na(
        "age", statistic="median"
    ),
    "group mean per row, then a filter": lambda p, o: o.transform_groups(
        "mean_amount", "pid", "amount", "mean"
    ).filter("amount > 20"),
    "dummies of a column": lambda p, o: p.get_dummies(["country"], dtype=int).project(
        "older", "age", lambda a: a > 30
    ),
    "rank then select": lambda p, o: o.rank("r", "amount").select(["oid", "r"]),
    "row function and side by side, then a rank": lambda p, o: (
        p.apply_rows("tag", lambda row: f"{row['country']}{row['age']}", ["country", "age"])
        .concat_columns(p.select(["grp"]).rename({"grp": "grp2"}))
        .rank("age_rank", "age")
    ),
}


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(BUILDS)),
    seed=st.integers(0, 10_000),
    n_people=st.integers(4, 14),
    deletions=st.lists(
        st.tuples(st.sampled_from(["people", "orders"]), st.sets(st.integers(0, 40), max_size=4)),
        min_size=1,
        max_size=3,
    ),
)
def test_maintained_frames_equal_rebuilt_ones(name, seed, n_people, deletions):
    build = BUILDS[name]
    sources = make_sources(seed, n_people, 3 * n_people)
    frame = build(sources["people"], sources["orders"])
    for source, ids in deletions:
        ids = np.array(sorted(ids), dtype=np.int64)
        updated = without(sources[source], source, ids)
        change, _ = maintain(frame, Deletion(source, ids), {id(sources[source]): updated})
        sources[source] = updated
        assert_same_frame(change.new, build(sources["people"], sources["orders"]))
        frame = change.new


def test_row_functions_and_side_by_side_frames_are_deletion_safe():
    """No lineage is kept: deleting the derived rows gives what a re-run gives."""
    sources = make_sources(5, 12, 30)

    def build(p: lt.Frame) -> lt.Frame:
        tagged = p.apply_rows(
            "tag", lambda row: f"{row['country']}{row['age']}", ["country", "age"]
        )
        return tagged.concat_columns(p.select(["grp"]).rename({"grp": "grp2"})).fill_na(value="?")

    frame = build(sources["people"])
    assert frame.lineage is None and frame.ops <= lt.abstraction.frame.DELETION_SAFE_OPS
    ids = np.array([1, 4, 7])
    kept = ~np.isin(frame.provenance["people"].to_numpy(), ids)
    deleted = lt.Frame(frame.df[kept].reset_index(drop=True), frame.colprov, frame.ops)
    assert_same_frame(deleted, build(without(sources["people"], "people", ids)))


def test_a_fill_passes_on_only_the_rows_whose_values_changed():
    df = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": [1.0, np.nan, 5.0, 7.0]})
    source = lt.from_pandas(df, "s")
    filled = source.fill_na("v", statistic="mean").project("twice", "v", lambda v: v * 2)
    change, steps = maintain(filled, Deletion("s", np.array([3])))
    assert change.new.data["v"].tolist() == [1.0, 3.0, 5.0]
    assert change.removed.tolist() == [False, True, False, True]
    assert change.added_at.tolist() == [1]
    assert steps[0]["rows_changed"] == 1


def test_dummies_whose_category_disappears_are_reapplied():
    df = pd.DataFrame({"c": ["x", "y", "x"], "n": [1, 2, 3]})
    dummies = lt.from_pandas(df, "s").get_dummies(["c"])
    change, steps = maintain(dummies, Deletion("s", np.array([1])))
    assert change.new.columns == ["n", "c_x"]
    assert "columns or their dtypes changed" in steps[0]["method"]


def test_a_mode_fill_of_some_columns_takes_the_values_a_mode_over_more_columns_gives():
    """Round 36's house prices note: the original fills with `mode().iloc[0]` of all its text
    columns, the rewrite with `fill_na(some, statistic="mode")`: each column's mode is its own."""
    df = pd.DataFrame(
        {
            "a": ["x", None, "y", "y", "x", None],
            "b": ["p", "q", "q", "p", "r", "r"],
            "c": ["k", "k", None, "m", "m", "m"],
        }
    )
    filled = lt.from_pandas(df, "t").fill_na(["a", "c"], statistic="mode").data
    expected = df.fillna(df.mode().iloc[0])
    assert filled[["a", "c"]].equals(expected[["a", "c"]])
    assert filled["a"].tolist() == ["x", "x", "y", "y", "x", "x"]  # the smaller of two modes
