"""The trace lifter's rule for a row function looking up other rows of its frame
(`df.apply(make(df), axis=1)`): lifted to `apply_rows_by_group` with the key the lookups select
by, and the lifted code gives the rows pandas gives."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lester.agents.lifter.trace_lookup import lookup_key

import lester as lt

from .test_trace_lift import plan_for

pytestmark = pytest.mark.usefixtures("restore_pandas")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(11)
    n = 60
    people = pd.DataFrame(
        {
            "pid": np.arange(n),
            "city": rng.choice(["oslo", "lima", "pune", "kobe"], n),
            "score": rng.integers(0, 30, n).astype(float),
        }
    )
    people.to_csv(tmp_path / "people.csv", index=False)
    return tmp_path


FACTORY = """
import pandas as pd
from sklearn.linear_model import LinearRegression


def above(row, frame):
    peers = frame.loc[{mask}]
    row["above"] = int((row.score > peers["score"].values).all())
    return row


def mark(frame):
    def marked(row):
        row = above(row, frame)
        return row

    return marked


people = pd.read_csv("people.csv")
people = {apply}
X = people[["score", "above"]].values
LinearRegression().fit(X, people["pid"].values)
"""

SAME_CITY = "(frame.city == row.loc['city']) & (frame.pid != row.pid)"


def lifted_rows(folder, monkeypatch, mask: str, apply: str) -> tuple[str, pd.DataFrame, Any]:
    script = FACTORY.format(mask=mask, apply=apply)
    plan = plan_for(folder, script, monkeypatch)
    code = "\n".join(plan.body)
    expected: dict[str, Any] = {}
    exec(script, expected)
    scope = {"pd": pd, "above": expected["above"], "mark": expected["mark"]}
    scope["people"] = lt.from_pandas(pd.read_csv(folder / "people.csv"), "people")
    exec(code, scope)
    return code, expected["people"], scope[plan.result]


@pytest.mark.parametrize(
    ("mask", "apply", "key"),
    [
        (SAME_CITY, "people.apply(mark(people), axis=1)", ["city"]),
        ("frame.pid != row.pid", "people.apply(mark(people), axis=1)", None),
        (SAME_CITY, "people.apply(lambda r: above(r, people), axis=1)", ["city"]),
    ],
)
def test_a_row_function_over_its_frame_is_applied_by_key_group(
    folder, monkeypatch, mask, apply, key
):
    code, expected, lifted = lifted_rows(folder, monkeypatch, mask, apply)
    assert "apply_rows_by_group(" in code and f"key={key!r}" in code
    pd.testing.assert_frame_equal(lifted.data, expected.reset_index(drop=True))
    groups = lifted.provenance["people"]
    if key is None:
        assert all(len(ids) == len(expected) for ids in groups)
    else:
        sizes = expected.groupby("city")["pid"].transform("size").tolist()
        assert [len(ids) for ids in groups] == sizes


def factory_key(code: str) -> list[str] | None:
    tree = ast.parse(textwrap.dedent(code))
    defs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    return lookup_key(defs["make"], defs)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("return lambda row: d[(d['g'] == row['g']) & (d.v > 0)].v.sum()", ["g"]),
        ("return lambda row: d[(d.g == row.g) & (d.h == row.h)].v.sum()", ["g", "h"]),
        ("return lambda row: d[d.g == row.h].v.sum()", None),  # another column of the row
        ("return lambda row: d.v.mean() - row.v", None),  # a statistic of all rows
        ("return lambda row: d[d.v.mean() < row.v].v.sum()", None),
        ("return lambda row: len(d[d.g == row.g]) + len(d)", None),
        ("m = d.v.max()\n    return lambda row: d[d.g == row.g].v.sum() / m", None),
        ("return lambda row: help(row, d)", ["g"]),
        ("return lambda row: help(shift(row), d)", None),  # the row rebound to another row
        (
            "return lambda row: d[(d.g == row.g) & (d.loc['x'] == 1)].v.sum()",
            None,
        ),  # a row by label
        ("return lambda row: d[d.g == row.g].v.sum() + d.iloc[0].v", None),
    ],
)
def test_the_key_is_the_one_every_read_of_the_frame_selects_by(body, key):
    code = f"""
    def help(r, frame):
        return frame[frame.g == r.g].v.sum()

    def shift(r):
        r = r.copy()
        r["g"] = r["h"]
        return r

    def make(d):
        {body}
    """
    assert factory_key(code) == key
