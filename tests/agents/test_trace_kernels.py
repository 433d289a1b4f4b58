"""Trace-lifter rules for idioms of competition notebooks and small production scripts: rows
kept by `loc` with a mask after a deduplication or a filter, lambdas with their own
comprehensions, and lambdas that read a statistic of the frame's own column. Each lifted
preparation is run against pandas running the script itself."""

from __future__ import annotations

import pandas as pd
import pytest
from lester.agents.lifter.syntax import Unsupported

from tests.agents.test_trace_idioms import folder as folder  # the pets table
from tests.agents.test_trace_idioms import lifted_frame, run_lifted
from tests.agents.test_trace_lift import plan_for

pytestmark = pytest.mark.usefixtures("restore_pandas")


def _same(folder, script, monkeypatch, columns: list[str]) -> str:
    plan, expected = run_lifted(folder, script, monkeypatch)
    wanted = expected["pets"].reset_index(drop=True)[columns]
    pd.testing.assert_frame_equal(lifted_frame(folder, plan)[columns], wanted)
    return "\n".join(plan.body)


def test_loc_by_a_mask_after_a_filter_keeps_those_rows_and_columns(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv").dropna(subset=["weight"])
    ok = (pets["weight"] > 15) & pets["visits"].between(1, 6, inclusive="right")
    pets = pets.loc[ok, ["pid", "weight", "visits", "adopted"]].copy()
    LogisticRegression().fit(pets[["weight", "visits"]].values, pets["adopted"])
    """
    code = _same(folder, script, monkeypatch, ["pid", "weight", "visits", "adopted"])
    assert ".select(['pid', 'weight', 'visits', 'adopted'])" in code


def test_a_lambda_with_its_own_generator_is_a_column_function(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    pets["caps"] = pets["listing"].apply(lambda x: sum(1 for w in x.split() if w[0].isupper()))
    LogisticRegression().fit(pets[["caps"]].values, pets["adopted"])
    """
    code = _same(folder, script, monkeypatch, ["pid", "caps"])
    assert "for w in x.split()" in code


RARE_BY_LOOKUP = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
counts = pets["breed"].value_counts()
pets["breed"] = pets["breed"].apply(lambda b: b if counts[b] >= 10 else "other")
X = pd.get_dummies(pets[["breed"]], dtype=int)
LogisticRegression().fit(X.values, pets["adopted"])
"""


def test_a_lambda_reading_the_column_s_own_counts_recomputes_them(folder, monkeypatch):
    code = _same(folder, RARE_BY_LOOKUP, monkeypatch, ["pid", "breed"])
    assert "counts=breed.value_counts()" in code and "rowwise=False" in code


def test_a_lambda_reading_counts_of_other_rows_is_refused(folder, monkeypatch):
    script = RARE_BY_LOOKUP.replace(
        'counts = pets["breed"]', 'counts = pets[pets["visits"] > 3]["breed"]'
    ).replace("counts[b] >= 10", "counts.get(b, 0) >= 5")
    with pytest.raises(Unsupported, match="read from a frame with other rows"):
        plan_for(folder, script, monkeypatch)
