"""A per-group statistic joined back to the rows it was computed from (a self-join)."""

import pandas as pd
from lester.abstraction.frame import DELETION_SAFE_OPS

import lester as lt


def rows() -> lt.Frame:
    df = pd.DataFrame({"group": ["a", "b", "a", "c"], "age": [10.0, 20.0, 30.0, 40.0]})
    return lt.from_pandas(df, "people")


def test_self_join_keeps_each_rows_own_ids_and_is_not_deletion_safe():
    people = rows()
    medians = people.aggregate(["group"], median_age=("age", "median"))
    joined = people.join(medians, on="group", how="left")
    assert joined.provenance["people"].tolist() == [0, 1, 2, 3]
    assert joined.data["median_age"].tolist() == [20.0, 20.0, 20.0, 40.0]
    assert "join:self:left" in joined.ops
    assert not joined.ops <= DELETION_SAFE_OPS


def test_self_join_inner_drops_unmatched_rows_only():
    people = rows()
    older = people.filter_by(["age"], lambda a: a > 25).aggregate(["group"], n=("age", "size"))
    joined = people.join(older, on="group")  # group "b" has no one over 25
    assert joined.provenance["people"].tolist() == [0, 2, 3]
    assert joined.data["group"].tolist() == ["a", "a", "c"]
    assert joined.data["n"].tolist() == [1, 1, 1]
