"""Maintaining frames along their lineage equals building them again from the updated sources."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lester.abstraction.frame import prov_column
from lester.abstraction.incremental import Deletion, NotMaintainable, maintain

import lester as lt

Build = Callable[[lt.Frame, lt.Frame], lt.Frame]


def make_sources(seed: int, n_people: int, n_orders: int) -> dict[str, lt.Frame]:
    """People (some without a group) and orders (some of people that do not exist)."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n_people).astype(object)
    group[rng.random(n_people) < 0.15] = None
    people = pd.DataFrame(
        {
            "pid": np.arange(n_people),
            "grp": group,
            "age": rng.integers(18, 60, n_people),
            "country": rng.choice(["DE", "FR", "NL"], n_people),
        }
    )
    orders = pd.DataFrame(
        {
            "oid": np.arange(n_orders),
            "pid": rng.integers(0, n_people + 3, n_orders),
            "grp": rng.choice(["a", "b", "c"], n_orders),
            "amount": rng.integers(1, 100, n_orders),
        }
    )
    return {"people": lt.from_pandas(people, "people"), "orders": lt.from_pandas(orders, "orders")}


BUILDS: dict[str, Build] = {
    "aggregate after a left join": lambda p, o: o.join(p, on="pid", how="left").aggregate(
        "country", n=("amount", "count"), total=("amount", "sum")
    ),
    "filter and project after an aggregate": lambda p, o: (
        o.join(p, on="pid")
        .aggregate(["country", "grp"], mean_age=("age", "mean"))
        .filter("mean_age > 30")
        .project("double", "mean_age", lambda a: a * 2)
    ),
    "drop_duplicates keep last": lambda p, o: o.join(p, on="pid", how="left").drop_duplicates(
        ["pid"], keep="last"
    ),
    "left join of an aggregate": lambda p, o: p.join(
        o.aggregate("pid", total=("amount", "sum")), on="pid", how="left"
    ),
    "left join, project, select": lambda p, o: (
        o.join(p.filter("age > 30"), on="pid", how="left")
        .project("plus", "amount", lambda a: a + 1)
        .select(["oid", "plus", "age"])
    ),
    "aggregate of a union": lambda p, o: lt.union(
        p.filter("age > 40"), p.filter("age < 25")
    ).aggregate("grp", n=("age", "size"), oldest=("age", "max")),
    "inner join after an aggregate (re-applied)": lambda p, o: p.aggregate(
        "grp", mean_age=("age", "mean")
    ).join(o, on="grp"),
    "drop_duplicates of an aggregate": lambda p, o: (
        o.join(p, on="pid", how="left")
        .aggregate(["pid", "country"], total=("amount", "sum"))
        .drop_duplicates(["country"])
    ),
    "aggregate of an aggregate": lambda p, o: o.aggregate(
        ["pid", "grp"], total=("amount", "sum")
    ).aggregate("grp", n=("total", "count"), total=("total", "sum")),
    "self-join of a group statistic": lambda p, o: p.join(
        p.aggregate("country", mean_age=("age", "mean")), on="country", how="left"
    ),
    "sort and explode after an aggregate (re-applied)": lambda p, o: (
        o.aggregate("pid", amounts=("amount", list)).sort("pid", ascending=False).explode("amounts")
    ),
    "oversampled rows (re-applied)": lambda p, o: o.take_rows(
        lambda d: np.concatenate([np.arange(len(d)), np.resize(np.flatnonzero(d.amount > 50), 5)])
    ),
    "undersampled to another frame's size (re-applied)": lambda p, o: o.take_rows(
        lambda d, q: np.random.RandomState(3).choice(len(d), min(len(q), len(d)), replace=False),
        using=[p.filter("age > 30")],
    ),
    "whole-column project (re-applied)": lambda p, o: o.join(p, on="pid").project(
        "centered", "amount", lambda a: a - a.mean(), rowwise=False
    ),
}


def without(frame: lt.Frame, source: str, ids: np.ndarray) -> lt.Frame:
    """A source without some rows: what reading the source without them gives."""
    kept = ~np.isin(frame.df[prov_column(source)].to_numpy(), ids)
    return lt.Frame(frame.df[kept].reset_index(drop=True), frame.colprov, frame.ops)


def comparable(frame: lt.Frame) -> pd.DataFrame:
    """The frame with sets of ids (arrays after aggregation) as tuples, which compare by value.
    A frame of no rows compares by its columns: a row function rebuilt on no rows gives an
    `object` column where the maintained one keeps the `str` its values had."""
    df = frame.df.copy()
    if not len(df):
        return df.astype(object)
    for column in df.columns:
        if column.startswith("__prov__") and df[column].dtype == object:
            df[column] = df[column].map(lambda ids: tuple(int(i) for i in ids))
    return df


def assert_same_frame(maintained: lt.Frame, rebuilt: lt.Frame) -> None:
    pd.testing.assert_frame_equal(comparable(maintained), comparable(rebuilt))
    assert maintained.ops == rebuilt.ops
    assert maintained.colprov == rebuilt.colprov


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(BUILDS)),
    seed=st.integers(0, 10_000),
    n_people=st.integers(4, 16),
    deletions=st.lists(
        st.tuples(st.sampled_from(["people", "orders"]), st.sets(st.integers(0, 40), max_size=4)),
        min_size=1,
        max_size=3,
    ),
)
def test_maintained_frames_equal_rebuilt_ones(name, seed, n_people, deletions):
    """Also after several deletions in a row: updated frames keep a lineage that can be maintained."""
    build = BUILDS[name]
    sources = make_sources(seed, n_people, 3 * n_people)
    frame = build(sources["people"], sources["orders"])
    for source, ids in deletions:
        ids = np.array(sorted(ids), dtype=np.int64)
        updated = without(sources[source], source, ids)
        change, _ = maintain(frame, Deletion(source, ids), {id(sources[source]): updated})
        sources[source] = updated
        assert_same_frame(change.new, build(sources["people"], sources["orders"]))
        if change.known:
            assert len(change.new) == (~change.removed).sum() + len(change.added_at)
        frame = change.new


def counting_sum(calls: list[int]) -> Callable[[pd.Series], int]:
    def total(values: pd.Series) -> int:
        calls.append(1)
        return int(values.sum())

    return total


def test_aggregate_recomputes_only_the_affected_groups():
    calls: list[int] = []
    sources = make_sources(3, 30, 200)
    orders = sources["orders"]
    per_person = orders.aggregate("pid", total=("amount", counting_sum(calls)))
    assert len(calls) == len(per_person)
    calls.clear()
    deleted = orders.df.index[orders.df["pid"].isin([4, 7])][:3].to_numpy()
    change, steps = maintain(per_person, Deletion("orders", deleted))
    affected = orders.df.loc[deleted, "pid"].nunique()
    assert len(calls) <= affected  # a group left empty is dropped without a call
    assert steps == [
        {
            "op": "aggregate",
            "method": f"affected groups recomputed ({affected} of {len(per_person)} groups)",
            "groups": len(per_person),
            "groups_affected": affected,
            "groups_recomputed": len(calls),
            "groups_after": len(change.new),
        }
    ]
    rebuilt = without(orders, "orders", deleted).aggregate("pid", total=("amount", "sum"))
    assert_same_frame(change.new, rebuilt)


def test_left_join_rows_that_lose_their_match_become_unmatched():
    people = lt.from_pandas(pd.DataFrame({"pid": [1, 2], "name": ["ann", "bob"]}), "people")
    orders = pd.DataFrame({"oid": [10, 11, 12, 13], "pid": [1, 2, 1, 9]})
    joined = lt.from_pandas(orders, "orders").join(people, on="pid", how="left")
    change, steps = maintain(joined, Deletion("people", np.array([0])))
    assert change.new.data.to_dict("list") == {
        "oid": [10, 11, 12, 13],
        "pid": [1, 2, 1, 9],
        "name": [np.nan, "bob", np.nan, np.nan],
    }
    assert change.new.provenance["people"].tolist() == [-1, 1, -1, -1]
    assert change.added_at.tolist() == [0, 2]
    assert steps[0]["method"] == "left rows joined again (2 of 4 left rows)"


def test_left_join_whose_unmatched_rows_appear_is_reapplied():
    """The right columns' dtypes depend on whether any row is unmatched: a re-run decides."""
    people = lt.from_pandas(pd.DataFrame({"pid": [1, 2], "age": [30, 40]}), "people")
    orders = lt.from_pandas(pd.DataFrame({"oid": [10, 11], "pid": [1, 2]}), "orders")
    joined = orders.join(people, on="pid", how="left")
    assert joined.df["age"].dtype == np.int64
    change, steps = maintain(joined, Deletion("people", np.array([0])))
    assert change.new.df["age"].dtype == np.float64
    assert steps[0]["method"].startswith("re-applied with everything above it (unmatched rows")


def test_drop_duplicates_keeps_the_last_of_an_affected_group():
    df = pd.DataFrame({"k": ["a", "b", "a", "a", "b"], "v": [0, 1, 2, 3, 4]})
    latest = lt.from_pandas(df, "s").drop_duplicates(["k"], keep="last")
    change, steps = maintain(latest, Deletion("s", np.array([3])))
    assert change.new.data.to_dict("list") == {"k": ["a", "b"], "v": [2, 4]}
    assert [ids.tolist() for ids in change.new.provenance["s"]] == [[0, 2], [1, 4]]
    assert steps[0]["groups_affected"] == 1


def test_operations_that_cannot_be_maintained_are_reapplied_and_reported():
    rows = lt.from_pandas(pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 2.0, 3.0]}), "s")
    ranked = rows.aggregate("k", total=("v", "sum")).sort("total", ascending=False)
    change, steps = maintain(ranked, Deletion("s", np.array([2])))
    assert change.deletion_only  # the group of k=2 empties: the sort only loses a row
    assert [s["op"] for s in steps] == ["aggregate"]
    change, steps = maintain(ranked, Deletion("s", np.array([0])))
    assert not change.known
    assert steps[-1] == {
        "op": "sort",
        "method": "re-applied with everything above it (its input changed beyond a deletion)",
    }
    assert change.new.data.to_dict("list") == {"k": [2, 1], "total": [3.0, 2.0]}


def test_a_filter_by_a_precomputed_mask_cannot_be_maintained():
    rows = lt.from_pandas(pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 2.0, 3.0]}), "s")
    totals = rows.aggregate("k", total=("v", "sum"))
    masked = totals.filter(np.array([True, False]))
    with pytest.raises(NotMaintainable, match="precomputed mask"):
        maintain(masked, Deletion("s", np.array([0])))
    change, _ = maintain(masked, Deletion("s", np.array([2])))  # only deletions: still exact
    assert change.new.data.to_dict("list") == {"k": [1], "total": [3.0]}


def test_only_frames_that_deletion_cannot_maintain_keep_their_lineage():
    """Deletion-safe frames are leaves: holding on to their inputs would only cost memory."""
    sources = make_sources(1, 10, 30)
    joined = sources["orders"].join(sources["people"].filter("age > 30"), on="pid")
    assert joined.project("plus", "amount", lambda a: a + 1).lineage is None
    totals = joined.aggregate("country", total=("amount", "sum"))
    assert totals.lineage.inputs == (joined,)
    assert totals.project("half", "total", lambda t: t / 2).lineage.inputs == (totals,)


def test_every_operation_records_a_lineage_that_replays_it():
    sources = make_sources(1, 10, 30)
    for build in BUILDS.values():
        frame = build(sources["people"], sources["orders"])
        lineage = frame.lineage
        assert lineage is not None and frame.ops >= {lineage.kind}
        assert_same_frame(lineage.replay(lineage.inputs), frame)
