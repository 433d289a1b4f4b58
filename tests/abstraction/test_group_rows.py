"""Rows rewritten by a row function that looks up the other rows of their key group
(`df.apply(make(df), axis=1)`)."""

import numpy as np
import pandas as pd
import pytest
from lester.abstraction.frame import DELETION_SAFE_OPS
from lester.abstraction.incremental import Deletion, maintain

import lester as lt

from .test_incremental import assert_same_frame, without


def races() -> lt.Frame:
    df = pd.DataFrame(
        {
            "race": [7, 3, 7, 3, 5, 7],
            "boat": ["kite", "gull", "wren", "kite", "gull", "ibis"],
            "time": [61.0, 70.5, 59.0, 70.5, 66.0, 64.0],
        }
    )
    return lt.from_pandas(df, "races")


def placed(frame: pd.DataFrame):
    """Each row's place among the boats of its race (1 = fastest), as the idiom writes it."""

    def place(row: pd.Series) -> pd.Series:
        rivals = frame[(frame.race == row.race) & (frame.boat != row.boat)]
        row = row.copy()
        row["place"] = 1 + int((rivals.time < row.time).sum())
        return row

    return place


def test_rows_equal_the_whole_frame_apply_in_order():
    rows = races()
    out = rows.apply_rows_by_group(placed, key="race")
    expected = rows.data.apply(placed(rows.data), axis=1)
    pd.testing.assert_frame_equal(out.data, expected)
    assert out.data["place"].tolist() == [2, 1, 1, 1, 1, 3]


def test_each_row_derives_from_every_row_of_its_group():
    out = races().apply_rows_by_group(placed, key="race")
    groups = [ids.tolist() for ids in out.provenance["races"]]
    assert groups == [[0, 2, 5], [1, 3], [0, 2, 5], [1, 3], [4], [0, 2, 5]]
    assert out.colprov["place"] == frozenset(("races", c) for c in ("race", "boat", "time"))
    assert "apply_rows:group" in out.ops and not out.ops <= DELETION_SAFE_OPS


def test_without_a_key_the_group_is_the_whole_frame():
    out = races().apply_rows_by_group(placed)
    assert all(ids.tolist() == list(range(6)) for ids in out.provenance["races"])
    assert out.data["place"].tolist() == [2, 1, 1, 1, 1, 3]
    # the prompts' recipe for `df.apply(make(df), axis=1)` (round 34's relay): the same frame
    whole = races().data
    pd.testing.assert_frame_equal(out.data, whole.apply(placed(whole), axis=1))


def test_one_value_per_row_becomes_the_target_column():
    def margin(frame):
        return lambda row: row.time - frame[frame.race == row.race].time.min()

    out = races().apply_rows_by_group(margin, key="race", target="behind")
    assert out.data["behind"].tolist() == [2.0, 0.0, 0.0, 0.0, 0.0, 5.0]
    assert out.columns == ["race", "boat", "time", "behind"]


def test_what_the_docstring_says_make_sees_and_the_target_does():
    seen = []

    def make(group):
        seen.append((group.index.tolist(), group.columns.tolist()))

        def fastest(row):
            row["time"] = -1.0  # a copy: the frame keeps its times
            return group.time.min()

        return fastest

    frame = races()
    out = frame.apply_rows_by_group(make, key="race", target="time")
    assert ([0, 2, 5], ["race", "boat", "time"]) in seen and ([4], ["race", "boat", "time"]) in seen
    assert out.columns == ["race", "boat", "time"]  # replaced where it stands
    assert out.data["time"].tolist() == [59.0, 70.5, 59.0, 70.5, 66.0, 59.0]
    assert frame.data["time"].tolist() == [61.0, 70.5, 59.0, 70.5, 66.0, 64.0]


@pytest.mark.parametrize("deleted", [0, 3, 4])
def test_forget_equals_a_re_run_without_the_row(deleted):
    rows = races()
    out = rows.apply_rows_by_group(placed, key="race")
    change, steps = maintain(out, Deletion("races", np.array([deleted])))
    rebuilt = without(rows, "races", np.array([deleted])).apply_rows_by_group(placed, key="race")
    assert_same_frame(change.new, rebuilt)
    assert len(change.new) == 5
    assert any(step["op"] == "apply_rows:group" for step in steps)


def test_deleting_a_rival_changes_the_rows_it_did_not_make():
    rows = races()
    out = rows.apply_rows_by_group(placed, key="race")
    change, _ = maintain(out, Deletion("races", np.array([2])))  # the fastest boat of race 7
    assert change.new.data["place"].tolist() == [1, 1, 1, 1, 2]


def test_the_docstrings_forms_hold_a_value_per_row_and_a_rows_partners():
    gap = races().apply_rows_by_group(
        lambda g: lambda row: g["time"].max() - row["time"], key="race", target="gap"
    )
    assert gap.data["gap"].tolist() == [3.0, 0.0, 5.0, 0.0, 0.0, 0.0]
    partners = races().apply_rows_by_group(
        lambda g: lambda row: ",".join(g.drop(row.name)["boat"]), key="race", target="others"
    )
    assert partners.data["others"].tolist()[:2] == ["wren,ibis", "kite"]


def test_the_reference_says_a_function_of_the_original_may_be_make():
    """Round 56's relay model could not tell whether the original's own `make` (a function of
    the group returning the row function) may be passed: it may, and the reference says so."""
    from lester.agents.llm.api_reference import api_reference

    text = " ".join(api_reference().split())
    assert "a function of the original's that takes the group and returns its row function" in text
    assert races().apply_rows_by_group(placed, key="race").data["place"].tolist()[:2] == [2, 1]
