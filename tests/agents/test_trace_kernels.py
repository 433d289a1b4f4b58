"""Trace-lifter rules for idioms of competition notebooks and small production scripts: rows
kept by `loc` with a mask after a deduplication or a filter, lambdas with their own
comprehensions, lambdas that read a statistic of the frame's own column, wide tables of counts
per category (pivot tables, unstacked group sizes) with their keyed joins and row shares, and the
script's own transformer classes. Each lifted preparation is run against pandas running the
script itself."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from lester.agents.lifter.prepare import Lifter
from lester.agents.lifter.syntax import Unsupported
from lester.agents.lifter.trace_code import Functions, estimator_code

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


def test_a_lambda_reading_counts_of_the_rows_a_mask_selects_recomputes_them(folder, monkeypatch):
    """The counts of a filtered frame's column are those of the column where the mask holds."""
    script = RARE_BY_LOOKUP.replace(
        'counts = pets["breed"]', 'counts = pets[pets["visits"] > 3]["breed"]'
    ).replace("counts[b] >= 10", "counts.get(b, 0) >= 5")
    code = _same(folder, script, monkeypatch, ["pid", "breed"])
    assert "counts=breed[(visits > 3)].value_counts()" in code and "rowwise=False" in code


PIVOT = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
pets["grp"] = pets["pid"] % 7
wide = pd.pivot_table(pets, index="grp", columns="coat", values="pid", aggfunc="count", fill_value=0)
wide = wide.reindex(columns=["short", "long", "curly"], fill_value=0).add_prefix("n_").reset_index()
pets = pets.merge(wide, on="grp", how="left")
LogisticRegression().fit(pets[["n_short", "n_long", "n_curly"]].values, pets["adopted"])
"""


def test_a_pivot_of_counts_per_category_reindexed_and_merged_back(folder, monkeypatch):
    code = _same(folder, PIVOT, monkeypatch, ["pid", "n_short", "n_long", "n_curly"])
    assert ".aggregate(['grp']" in code and "lambda: 0" in code  # curly: a column never seen


UNSTACKED = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv")
pets["grp"] = pets["pid"] % 7
by = pets.groupby(["grp", "breed"]).size().unstack(fill_value=0)
by = by.div(by.sum(axis=1), axis=0)
summary = pets.groupby("grp").agg(mean_w=("weight", "mean"))
summary["n_coats"] = pets.groupby("grp")["coat"].nunique()
table = by.join(summary).reset_index()
pets = pets.merge(table, on="grp", how="left")
LogisticRegression().fit(pets[["lab", "pug", "mean_w", "n_coats"]].values, pets["adopted"])
"""


def test_unstacked_counts_as_shares_joined_with_keyed_statistics(folder, monkeypatch):
    columns = ["pid", "lab", "pug", "akita", "mean_w", "n_coats"]
    code = _same(folder, UNSTACKED, monkeypatch, columns)
    assert "on=['grp'], how='left'" in code and "pd.concat(c, axis=1).sum(axis=1)" in code


def test_a_pivot_of_sums_with_no_fill_value_is_refused(folder, monkeypatch):
    """pandas leaves a key without rows of a category missing, the key's sum of no rows is 0."""
    script = PIVOT.replace('aggfunc="count", fill_value=0', 'aggfunc="sum"')
    with pytest.raises(Unsupported, match="a pivot by 'sum' with fill value None"):
        plan_for(folder, script, monkeypatch)


TRANSFORMER = """
from sklearn.base import BaseEstimator, TransformerMixin


class Cyclic(BaseEstimator, TransformerMixin):
    def __init__(self, period=24):
        self.period = period

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X % self.period


def doubled(x):
    return x * 2


period = doubled(Cyclic().period)


def main():
    print(period)


if __name__ == "__main__":
    main()
"""


def test_the_script_s_transformer_is_defined_again_and_an_inlined_main_is_not():
    """`doubled` stays: its call was inlined as a value, which a traced column function may
    still call by name."""
    helpers = Lifter(TRANSFORMER, [], set()).helpers()
    assert [h.split("(")[0] for h in helpers] == ["def doubled", "class Cyclic"]
    imports: dict[str, str] = {}
    described = {"class": "__main__.Cyclic", "params": {"period": 12}}
    assert estimator_code(described, Functions(TRANSFORMER, set()), imports) == "Cyclic(period=12)"
    assert imports == {}
    with pytest.raises(Unsupported, match="an estimator of class '__main__.Other'"):
        estimator_code({"class": "__main__.Other"}, Functions(TRANSFORMER, set()), imports)


def test_an_unstacked_size_of_a_column_counts_its_missing_values_too(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    pets["grp"] = pets["pid"] % 7
    n = pets.groupby(["grp", "coat"])["weight"].size().unstack(fill_value=0).reset_index()
    pets = pets.merge(n, on="grp", how="left")
    LogisticRegression().fit(pets[["short", "long"]].values, pets["adopted"])
    """
    _same(folder, script, monkeypatch, ["pid", "short", "long"])


def test_lags_and_rolling_means_within_groups_are_group_transforms(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    pets["grp"] = pets["pid"] % 7
    pets = pets.sort_values(["grp", "visits"], kind="stable")
    pets["prev_w"] = pets.groupby("grp")["weight"].shift(1)
    pets["d_visits"] = pets.groupby("grp")["visits"].diff()
    pets["roll"] = pets.groupby("grp")["weight"].transform(lambda s: s.shift(1).rolling(3, min_periods=1).mean())
    X = pets[["prev_w", "d_visits", "roll"]].fillna(-1)
    LogisticRegression().fit(X.values, pets["adopted"])
    """
    plan, expected = run_lifted(folder, script, monkeypatch)
    columns = ["prev_w", "d_visits", "roll"]
    got = lifted_frame(folder, plan)[columns]
    pd.testing.assert_frame_equal(got, expected["X"].reset_index(drop=True))
    code = "\n".join(plan.body)
    assert "lambda s: s.shift(1)" in code and "lambda s: s.diff()" in code


CROSSTAB = """
import pandas as pd
from sklearn.linear_model import LogisticRegression

pets = pd.read_csv("pets.csv").dropna(thresh=7)
pets["grp"] = pets["pid"] % 7
ct = pd.crosstab(pets["grp"], pets["breed"])
ct["n_all"] = ct.sum(axis=1)
span = pets.groupby("grp")["weight"].agg(["min", "max"]).reset_index()
pets = pets.merge(ct.reset_index(), on="grp", how="left").merge(span, on="grp", how="left")
X = pets[["lab", "n_all", "min", "max"]].fillna(0)
LogisticRegression().fit(X.values, pets["adopted"])
"""


def test_a_crosstab_with_its_row_total_and_a_list_of_reductions(folder, monkeypatch):
    plan, expected = run_lifted(folder, CROSSTAB, monkeypatch)
    got = lifted_frame(folder, plan)[["lab", "n_all", "min", "max"]]
    pd.testing.assert_frame_equal(got, expected["X"].reset_index(drop=True), check_dtype=False)
    code = "\n".join(plan.body)
    assert "d.notna().sum(axis=1) >= 7" in code and ".sum(axis=1)" in code


def test_a_column_assigned_a_list_built_in_a_loop_is_not_a_constant(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv")
    levels = []
    for _, row in pets.iterrows():
        levels.append("heavy" if row["weight"] > 20 else "light")
    pets["level"] = levels
    LogisticRegression().fit(pd.get_dummies(pets[["level"]], dtype=int).values, pets["adopted"])
    """
    with pytest.raises(Unsupported, match="assigned a list of values the script computed"):
        plan_for(folder, script, monkeypatch)


def _drawn(lines: str, imports: str = "") -> str:
    """A script that reads the pets with a weight, draws rows as `lines` say, and fits on them."""
    return "\n".join(
        [
            "import pandas as pd",
            "from sklearn.linear_model import LogisticRegression",
            imports,
            'pets = pd.read_csv("pets.csv").dropna(subset=["weight"])',
            textwrap.dedent(lines).strip("\n"),
            'LogisticRegression().fit(pets[["weight"]].values, pets["adopted"])',
        ]
    )


def test_a_seeded_sample_draws_the_same_rows_with_take_rows(folder, monkeypatch):
    script = _drawn(
        """
    pets = pets.sample(frac=1, random_state=5).reset_index(drop=True)
    pets = pd.concat([pets, pets[pets["adopted"] == 1].sample(15, replace=True, random_state=2)])
    """
    )
    code = _same(folder, script, monkeypatch, ["pid", "weight", "adopted"])
    assert "take_rows(lambda d: np.random.RandomState(5).choice(len(d), round(1 * len(d))" in code
    assert "choice(len(d), 15, replace=True)" in code


def test_a_sample_sized_by_another_frame_reads_its_length_again(folder, monkeypatch):
    script = _drawn(
        """
    yes, no = pets[pets["adopted"] == 1], pets[pets["adopted"] == 0]
    pets = pd.concat([no.sample(n=len(yes) - 2, random_state=2), yes])
    pets = pets.sample(frac=1, random_state=3).reset_index(drop=True)
    """
    )
    code = _same(folder, script, monkeypatch, ["pid", "weight", "adopted"])
    assert "lambda d, _n0: np.random.RandomState(2).choice(len(d), len(_n0) - 2" in code
    assert "using=[yes]" in code


def test_a_sample_whose_size_the_script_computed_is_refused(folder, monkeypatch):
    script = _drawn(
        """
    yes, no = pets[pets["adopted"] == 1], pets[pets["adopted"] == 0]
    wanted = len(no) // 2
    pets = pd.concat([no, yes.sample(n=wanted, replace=True, random_state=2)])
    """
    )
    with pytest.raises(Unsupported, match="size the script computed"):
        run_lifted(folder, script, monkeypatch)


def test_a_label_encoder_of_a_converted_column_is_its_sorted_codes(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import LabelEncoder

    pets = pd.read_csv("pets.csv")
    le = LabelEncoder()
    for col in ["breed", "coat"]:
        pets[col] = le.fit_transform(pets[col].astype(str).str.upper())
    LogisticRegression().fit(pets[["breed", "coat"]].values, pets["adopted"])
    """
    code = _same(folder, script, monkeypatch, ["pid", "breed", "coat"])  # coat has NaN
    assert "lt.label_codes(coat.astype(str).str.upper()), rowwise=False)" in code


def test_columns_standardised_by_hand_are_whole_column_projects(folder, monkeypatch):
    script = """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    pets = pd.read_csv("pets.csv").dropna(subset=["weight", "visits"])
    num = ["weight", "visits"]
    pets[num] = (pets[num] - pets[num].mean()) / pets[num].std()
    pets[["weight"]] = 2 * pets[["weight"]].clip(-1, 1)
    LogisticRegression().fit(pets[num].values, pets["adopted"])
    """
    code = _same(folder, script, monkeypatch, ["pid", "weight", "visits"])
    assert "lambda weight: ((weight - weight.mean()) / weight.std()), rowwise=False)" in code
    assert "lambda weight: (2 * weight.clip(-1, 1)))" in code


def test_a_seeded_resample_is_the_same_draw_as_a_sample(folder, monkeypatch):
    script = _drawn(
        """
    yes, no = pets[pets["adopted"] == 1], pets[pets["adopted"] == 0]
    more = resample(yes, replace=True, n_samples=len(no), random_state=123)
    fewer = resample(no, replace=False, n_samples=len(yes) // 2, random_state=7)
    pets = pd.concat([fewer, more])
    """,
        "from sklearn.utils import resample",
    )
    code = _same(folder, script, monkeypatch, ["pid", "weight", "adopted"])
    assert "RandomState(123).choice(len(d), len(_n0), replace=True), using=[" in code
    assert "RandomState(7).choice(len(d), len(_n0) // 2, replace=False)" in code
