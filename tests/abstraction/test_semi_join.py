"""The rows of a frame whose key appears among another frame's keys (`df[df.k.isin(other.k)]`)."""

import numpy as np
import pandas as pd
from lester.abstraction.frame import DELETION_SAFE_OPS, NO_ROW
from lester.abstraction.incremental import Deletion, maintain

import lester as lt

from .test_incremental import assert_same_frame, without


def visits() -> lt.Frame:
    df = pd.DataFrame(
        {
            "visit": [0, 0, 1, 1, 2, 2, 3, 3],
            "pet": ["rex", "tom", "rex", "kim", "tom", "ada", "kim", "ada"],
            "weight": [9.0, 4.0, 9.5, 3.0, 4.2, 7.0, 3.1, 7.2],
        }
    )
    return lt.from_pandas(df, "visits")


def heavy_visits(rows: lt.Frame) -> lt.Frame:
    """The visits in which any pet weighed over 8: all rows of those visits."""
    return rows.semi_join(rows.filter("weight > 8"), on="visit")


def test_keeps_the_rows_whose_key_the_other_frame_has_in_order_with_their_own_ids():
    rows = visits()
    kept = heavy_visits(rows)
    expected = rows.data[rows.data["visit"].isin([0, 1])]
    assert kept.data.to_dict("list") == expected.reset_index(drop=True).to_dict("list")
    assert kept.provenance["visits"].tolist() == [0, 1, 2, 3]
    assert kept.colprov == rows.colprov
    assert "semi_join" in kept.ops and not kept.ops <= DELETION_SAFE_OPS


def test_several_keys_and_differently_named_keys_match_as_tuples():
    rows = visits()
    wanted = lt.from_pandas(pd.DataFrame({"v": [1, 3], "who": ["kim", "rex"]}), "wanted")
    kept = rows.semi_join(wanted, left_on=["visit", "pet"], right_on=["v", "who"])
    assert kept.data[["visit", "pet"]].values.tolist() == [[1, "kim"]]
    assert kept.provenance["wanted"].tolist() == [NO_ROW]  # kept by, not made of, that row


def test_deleting_a_row_of_the_other_side_drops_rows_it_did_not_make():
    rows = visits()
    kept = heavy_visits(rows)
    change, steps = maintain(kept, Deletion("visits", np.array([0])))  # visit 0's heavy pet
    rebuilt = heavy_visits(without(rows, "visits", np.array([0])))
    assert_same_frame(change.new, rebuilt)
    assert change.new.data["visit"].tolist() == [1, 1]  # tom's row of visit 0 left too
    assert any(step["op"] == "semi_join" for step in steps)


def test_deleting_a_kept_row_of_another_source_is_maintained_like_a_re_run():
    rows = visits()
    wanted = lt.from_pandas(pd.DataFrame({"pet": ["ada", "tom"]}), "wanted")
    kept = rows.semi_join(wanted, on="pet")
    change, _ = maintain(kept, Deletion("wanted", np.array([1])))
    rebuilt = rows.semi_join(without(wanted, "wanted", np.array([1])), on="pet")
    assert_same_frame(change.new, rebuilt)
    assert change.new.data["pet"].tolist() == ["ada", "ada"]
