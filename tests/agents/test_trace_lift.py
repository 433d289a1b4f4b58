"""The trace lifter: from the DAG a pandas script executes to Frame operations and the original's
scikit-learn objects. The unit tests trace small scripts in this process and read the parts the
lifter proposes; the end-to-end test rewrites a pandas-style case in the Docker sandbox."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lester.agents.lifter.prepare import Lifter
from lester.agents.lifter.reads import source_specs
from lester.agents.lifter.syntax import Unsupported
from lester.agents.lifter.trace_graph import Graph
from lester.agents.lifter.trace_lift import trace_plan
from lester.agents.oracle.analysis import SourceReport, _with_reads
from lester.agents.oracle.dataflow import from_trace
from lester.sandbox import harness

import lester as lt
from tests.pandas_case import make_case

pytestmark = pytest.mark.usefixtures("restore_pandas")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(4)
    n = 80
    people = pd.DataFrame(
        {
            "pid": np.arange(n),
            "age": rng.integers(18, 80, n).astype(float),
            "city": rng.choice(["a", "b", "c"], n),
            "score": rng.normal(50, 10, n).round(1),
            "joined": pd.date_range("2020-01-01", periods=n, freq="7D").strftime("%Y-%m-%d"),
        }
    )
    people.loc[rng.random(n) < 0.2, "age"] = np.nan
    people.to_csv(tmp_path / "people.csv", index=False)
    orders = pd.DataFrame({"pid": rng.integers(0, n, 200), "total": rng.integers(1, 90, 200)})
    orders.to_csv(tmp_path / "orders.csv", index=False)
    return tmp_path


def plan_for(
    folder: Path, code: str, monkeypatch: pytest.MonkeyPatch, split: dict | None = None
) -> Any:
    """Trace the script here, build the analysis facts the lifter reads, and lift."""
    script = folder / "script.py"
    script.write_text(textwrap.dedent(code))
    monkeypatch.chdir(folder)
    trace = json.loads(json.dumps(harness.run_script(script, folder / "out", [])))
    assert trace["status"] == "ok", trace["error"]
    dag, problem = from_trace(trace)
    assert problem is None
    reports = []
    for read in dag["reads"]:
        report = SourceReport(read["file"], "unknown", None, ",", True, [], 0, {}, [])
        _with_reads([report], [read])
        reports.append(report)
    fit = trace["fits"][-1]
    model = SimpleNamespace(X_shape=fit["X_shape"])
    analysis = SimpleNamespace(dataflow=dag, split=split, model=model)
    source = script.read_text()
    files = {s.path: s.name for s in source_specs(reports)}
    return trace_plan(analysis, source, files, Lifter(source, reports, set()).globals)


def test_filters_fills_group_values_joins_and_dummies(folder, monkeypatch):
    plan = plan_for(
        folder,
        """
        import pandas as pd
        from sklearn.linear_model import LinearRegression

        people = pd.read_csv("people.csv")
        orders = pd.read_csv("orders.csv")
        people = people.dropna(subset=["city"])
        people["age"] = people["age"].fillna(people["age"].median())
        people["city_score"] = people.groupby("city")["score"].transform("mean")
        spend = orders.groupby("pid", as_index=False).agg(spent=("total", "sum"))
        people = people.merge(spend, on="pid", how="left")
        people["spent"] = people["spent"].fillna(0)
        people = people[people["age"] >= 21]
        people = pd.get_dummies(people, columns=["city"], dtype=int)
        X = people.drop(columns=["pid", "joined", "score"]).values
        y = people["score"].values
        LinearRegression().fit(X, y)
        """,
        monkeypatch,
    )
    code = "\n".join(plan.body)
    assert "people.filter(lambda d: d[['city']].notna().all(axis=1))" in code
    assert "fill_na('age', statistic='median')" in code
    assert "transform_groups('city_score', ['city'], 'score', 'mean')" in code
    assert "orders.aggregate(['pid'], **{'spent': ('total', 'sum')})" in code
    assert ".join(spend, on='pid', how='left', suffixes=('_x', '_y'))" in code
    assert "get_dummies(['city'], dtype=int)" in code
    assert plan.result == "people"
    assert (
        "'passthrough', ['age', 'city_score', 'spent', 'city_a', 'city_b', 'city_c']"
        in plan.encoder
    )
    assert plan.label == "data['score']"
    assert plan.lines == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]


HAND_HEADER = """
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

np.random.seed(5)
raw = pd.read_csv("grid.csv", header=None)
table = pd.DataFrame(data=raw.loc[1:, 1:])
table.columns = raw.loc[0, 1:]
rest = np.array(table)
for _ in range(10):
    rest = np.delete(rest, np.random.randint(len(rest)), 0)
kept = pd.DataFrame(data=rest, columns=table.columns)
LogisticRegression().fit(kept.drop("flag", axis=1), kept.flag.astype(int))
"""


def test_a_header_rebuilt_from_the_first_row_and_rows_deleted_by_position(folder, monkeypatch):
    rows = [["", "size", "flag"]] + [[str(i), str(i * 3 % 7), str(i % 2)] for i in range(40)]
    (folder / "grid.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    replayed = {"function": "deletion_split", "args": {"n_test": 10, "random_state": 5}}
    plan = plan_for(folder, HAND_HEADER, monkeypatch, replayed)
    code = "\n".join(plan.body)
    assert "grid.filter(lambda d: (np.arange(len(d)) >= 1)).select(['1', '2'])" in code
    assert "rename({'1': 'size', '2': 'flag'})" in code
    assert "'passthrough', ['size']" in plan.encoder
    assert plan.label == "data['flag'].astype(int)"
    with pytest.raises(Unsupported, match="no lt split replays"):
        plan_for(folder, HAND_HEADER, monkeypatch)


def test_the_originals_transformers_go_into_the_encoder(folder, monkeypatch):
    plan = plan_for(
        folder,
        """
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import OneHotEncoder, StandardScaler
        import numpy as np

        df = pd.read_csv("people.csv")
        df["old"] = (df["age"] > 50).astype(int)
        scaled = StandardScaler().fit_transform(df[["score"]])
        cities = OneHotEncoder(sparse_output=False, drop="first").fit_transform(df[["city"]])
        X = np.hstack([scaled, cities, df[["pid"]].to_numpy()])
        LogisticRegression().fit(X, df["old"])
        """,
        monkeypatch,
    )
    assert plan.fit_on == "all"  # fitted before any split
    assert "('score', StandardScaler(), ['score'])" in plan.encoder
    assert "OneHotEncoder(drop='first', sparse_output=False), ['city']" in plan.encoder
    assert "('pid', 'passthrough', ['pid'])" in plan.encoder
    assert plan.label == "data['old']"


def test_numpy_on_arrays_leaves_a_gap_for_the_synthesis(folder, monkeypatch):
    plan = plan_for(
        folder,
        """
        import numpy as np
        import pandas as pd
        from sklearn.linear_model import LinearRegression

        df = pd.read_csv("people.csv").dropna()
        X = np.column_stack([df["pid"].to_numpy(), np.log1p(df[["score"]].to_numpy())])
        LinearRegression().fit(X, df["age"])
        """,
        monkeypatch,
    )
    assert plan.encoder is None
    assert [type(e).__name__ for e in plan.entries] == ["str", "Gap"]
    assert (plan.entries[1].start, plan.entries[1].stop) == (1, 2)


def test_x_built_in_a_row_loop_is_not_the_trace_lifters(folder, monkeypatch):
    with pytest.raises(Unsupported, match="not traced"):
        plan_for(
            folder,
            """
            import pandas as pd
            from sklearn.linear_model import LinearRegression

            df = pd.read_csv("people.csv").dropna()
            X = [[row.pid, row.score] for row in df.itertuples()]
            LinearRegression().fit(X, df["age"].tolist())
            """,
            monkeypatch,
        )


@pytest.mark.docker
@pytest.mark.e2e
def test_a_pandas_script_is_rewritten_and_verified_in_the_sandbox(tmp_path, docker_daemon):
    from lester.agents.rewrite import RewriteOptions, rewrite

    script = make_case(tmp_path / "loans")
    result = rewrite(
        RewriteOptions(script, model="offline", sandbox="docker", traces=tmp_path / "traces"),
        lambda message: None,
    )
    assert result.outcome == "verified", result.message
    module = result.output.read_text()
    assert "lt.read_csv(f\"{data_dir}/data/loans.csv\", index_col=0, na_values=['n/a'])" in module
    for operation in ("fill_na('income', statistic='median')", "transform_groups(", ".join("):
        assert operation in module
    assert "StandardScaler()" in module and "OneHotEncoder(handle_unknown='ignore')" in module


COURSE_TEMPLATE = """
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

dataset = pd.read_csv("shoppers.csv")
X = dataset.iloc[:, :-1].values
y = dataset.iloc[:, -1].values
ct = ColumnTransformer([("encoder", OneHotEncoder(), [0])], remainder="passthrough")
X = np.array(ct.fit_transform(X))
y = LabelEncoder().fit_transform(y)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=1)
sc = StandardScaler()
X_train[:, 3:] = sc.fit_transform(X_train[:, 3:])
X_test[:, 3:] = sc.transform(X_test[:, 3:])
DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
"""


@pytest.mark.docker
@pytest.mark.e2e
def test_an_array_scaled_in_place_after_the_trace_saw_it_is_synthesized(tmp_path, docker_daemon):
    """The course template scales `X_train[:, 3:]` in place; NumPy reports no such change, so
    the trace's encoder (one-hot, then the numbers as they were) gives another X. The lifter
    sees that on the prepared data and synthesizes X instead: the scaler is found."""
    from lester.agents.rewrite import RewriteOptions, rewrite

    rng = np.random.default_rng(3)
    n = 150
    pd.DataFrame(
        {
            "country": rng.choice(["FR", "ES", "DE"], n),
            "age": rng.integers(20, 60, n),
            "salary": rng.integers(30, 90, n) * 1000,
            "bought": rng.choice(["Yes", "No"], n),
        }
    ).to_csv(tmp_path / "shoppers.csv", index=False)
    (tmp_path / "messy.py").write_text(COURSE_TEMPLATE)
    result = rewrite(
        RewriteOptions(
            tmp_path / "messy.py", model="offline", sandbox="docker", traces=tmp_path / "traces"
        ),
        lambda message: None,
    )
    assert result.outcome == "verified", result.message
    module = result.output.read_text()
    assert "StandardScaler()" in module and "OneHotEncoder(" in module


@pytest.mark.docker
@pytest.mark.e2e
def test_lester_analyze_shows_the_dataflow_as_text_and_json(tmp_path, docker_daemon):
    import subprocess
    import sys

    script = make_case(tmp_path / "loans")
    base = [sys.executable, "-m", "lester", "analyze", str(script), "--sandbox", "docker"]
    text = subprocess.run(base, capture_output=True, text=True, timeout=300)
    assert text.returncode == 0, text.stderr
    assert "dataflow (the operations the final fit's X and y were computed from):" in text.stdout
    assert "read with pd.read_csv(index_col=0, na_values=['n/a'])" in text.stdout
    assert "GroupBy.transform" in text.stdout and "final fit: X = #" in text.stdout
    shown = subprocess.run([*base, "--json"], capture_output=True, text=True, timeout=300)
    report = json.loads(shown.stdout)
    ops = [n["op"] for n in report["dataflow"]["nodes"]]
    assert ops[:2] == ["pd.read_csv", "pd.read_csv"] and "sklearn.fit" in ops
    (loans,) = [s for s in report["sources"] if s["path"] == "data/loans.csv"]
    assert loans["reader"] == "read_csv" and loans["options"]["index_col"] == [0]
    assert "n/a" in loans["options"]["na_values"] and "loan_id" not in loans["names"]


@pytest.mark.parametrize(
    ("from_array", "columns", "held"),
    [
        (True, ["x", "y"], True),  # an array's columns are named by position
        (False, None, True),  # the frame as it is
        (False, ["b", "a"], False),  # pandas picks a frame's columns by name: not a rename
    ],
)
def test_a_frame_rebuilt_from_values_holds_the_values_by_position(from_array, columns, held):
    frame = {"kind": "frame", "columns": ["a", "b"], "rows": 3, "index": "range"}
    nodes = [{"id": 0, "op": "pd.read_csv", "inputs": [], "out": frame}]
    if from_array:
        array = {"kind": "array", "shape": [3, 2]}
        nodes.append({"id": 1, "op": "np.array", "inputs": [0], "args": [{"ref": 0}], "out": array})
    data = len(nodes) - 1
    kwargs = {"columns": {"index": columns}} if columns else {}
    made = {**frame, "columns": columns or frame["columns"]}
    call = {"op": "pd.DataFrame", "inputs": [data], "args": [{"ref": data}], "kwargs": kwargs}
    nodes.append({"id": data + 1, **call, "out": made})
    graph = Graph({"nodes": nodes})
    found = graph.values_frame(graph[data + 1])
    assert (found is not None) == held
    if held:
        assert graph.version(data + 1, made["columns"][0]) == (0, "a")
        assert graph.rows(data + 1) == 0


@pytest.mark.parametrize("values", ["unique()", "to_numpy()", "drop_duplicates()", ""])
def test_rows_kept_by_another_frames_keys_are_a_semi_join(folder, monkeypatch, values):
    keys = f"big.pid.{values}" if values else "big.pid"
    plan = plan_for(
        folder,
        f"""
        import pandas as pd
        from sklearn.linear_model import LinearRegression

        people = pd.read_csv("people.csv")
        orders = pd.read_csv("orders.csv")
        big = orders[orders.total > 60]
        people = people[people.pid.isin({keys})]
        X = people[["pid", "score"]].values
        LinearRegression().fit(X, people["score"].values)
        """,
        monkeypatch,
    )
    code = "\n".join(plan.body)
    assert "people = people.semi_join(big, on='pid')" in code
    sources = {
        name: lt.from_pandas(pd.read_csv(folder / f"{name}.csv"), name)
        for name in ("people", "orders")
    }
    scope = {**sources, "np": np, "pd": pd}
    exec(code, scope)
    people, orders = (pd.read_csv(folder / f"{n}.csv") for n in ("people", "orders"))
    kept = people[people.pid.isin(orders[orders.total > 60].pid)]
    expected = kept[["pid", "score"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(scope[plan.result].data, expected)


GROUPS_GLUED = """
import pandas as pd
from sklearn.linear_model import LinearRegression


def spread(values):
    return values.max() - values.min()


orders = pd.read_csv("orders.csv")
orders["band"] = orders.total // 30
g = orders.groupby({keys})
out = g.total.count().reset_index()
out["most"] = g.total.max(){form}
out["least"] = orders.groupby({keys}).total.min(){form}
out["avg"] = g.total.mean(){form}
out["spread"] = g.total.agg(spread){form}
out["gap"] = out.most - out.least
X = out[["total", "most", "least", "avg", "spread", "gap"]].values
LinearRegression().fit(X, out["avg"].values)
"""


@pytest.mark.parametrize("form", ['.reset_index()["total"]', ".values"])
@pytest.mark.parametrize("keys", ['"pid"', '["pid", "band"]'])
def test_reductions_by_the_same_keys_glued_by_position_stand_beside(
    folder, monkeypatch, keys, form
):
    script = GROUPS_GLUED.format(keys=keys, form=form)
    plan = plan_for(folder, script, monkeypatch)
    code = "\n".join(plan.body)
    assert code.count(".concat_columns(") == 4
    expected: dict[str, Any] = {}
    exec(script, expected)
    orders = lt.from_pandas(pd.read_csv(folder / "orders.csv"), "orders")
    scope = {"orders": orders, "np": np, "pd": pd, "spread": expected["spread"]}
    exec(code, scope)
    wanted = expected["out"][["total", "most", "least", "avg", "spread", "gap"]]
    pd.testing.assert_frame_equal(scope[plan.result].data, wanted, check_dtype=False)


def test_a_reduction_of_other_groups_is_not_glued_by_position(folder, monkeypatch):
    script = GROUPS_GLUED.format(keys='"pid"', form='.reset_index()["total"]').replace(
        'orders.groupby("pid").total.min()', 'orders[orders.total > 0].groupby("pid").total.min()'
    )
    with pytest.raises(Unsupported, match="other rows"):
        plan_for(folder, script, monkeypatch)


IN_BLOCK = """
import pandas as pd
from sklearn.linear_model import LinearRegression

people = pd.read_csv("people.csv")
for cut in [10]:
    def tens(value):
        return value // 10 * 10

    def over(value):
        return value > cut

    people["band"] = people.score.apply({function})
    X = people[["band", "score"]].values
    LinearRegression().fit(X, people["score"].values)
"""


def test_a_function_defined_in_a_module_block_is_a_helper(folder, monkeypatch):
    script = IN_BLOCK.format(function="tens")
    plan = plan_for(folder, script, monkeypatch)
    code = "\n".join(plan.body)
    assert ".apply(tens)" in code
    helpers = Lifter(script, [], set()).helpers()
    assert [h.splitlines()[0] for h in helpers] == ["def tens(value):"]
    scope: dict[str, Any] = {"np": np, "pd": pd}
    exec("\n\n".join(helpers), scope)
    scope["people"] = lt.from_pandas(pd.read_csv(folder / "people.csv"), "people")
    exec(code, scope)
    expected = pd.read_csv(folder / "people.csv").score // 10 * 10
    lifted = scope[plan.result].data["band"]
    pd.testing.assert_series_equal(lifted, expected, check_names=False)


def test_a_function_reading_what_its_block_binds_stays_in_the_run(folder, monkeypatch):
    with pytest.raises(Unsupported, match="the function over .* no code outside the run"):
        plan_for(folder, IN_BLOCK.format(function="over"), monkeypatch)


ROWS_REWRITTEN = """
import pandas as pd
from sklearn.linear_model import LinearRegression


def bump(row):
    row["total"] = row["total"] + 1
    return row


def against(frame):
    def better(row):
        same = frame[(frame.pid == row["pid"]) & (frame.total != row["total"])]
        row["total"] = int((row["total"] > same["total"].values).all())
        return row

    return better


orders = pd.read_csv("orders.csv")
orders = orders.apply({function}, axis=1)
LinearRegression().fit(orders[["pid", "total"]].values, orders["total"].values)
"""


def test_a_closure_over_its_own_frame_is_applied_by_the_key_it_looks_up(folder, monkeypatch):
    plan = plan_for(folder, ROWS_REWRITTEN.format(function="against(orders)"), monkeypatch)
    assert "orders.apply_rows_by_group(against, key=['pid'])" in "\n".join(plan.body)


def test_a_closure_over_another_frame_is_refused_by_name(folder, monkeypatch):
    function = "against(orders[orders.total > 5])"
    with pytest.raises(Unsupported, match=r"against\(orders\[.*\]\), the function better closed"):
        plan_for(folder, ROWS_REWRITTEN.format(function=function), monkeypatch)


def test_a_row_rewriting_function_is_refused_by_its_idiom(folder, monkeypatch):
    with pytest.raises(Unsupported, match="bump returning whole rows"):
        plan_for(folder, ROWS_REWRITTEN.format(function="bump"), monkeypatch)


CATEGORIES = """
import pandas as pd
from sklearn.linear_model import LinearRegression

people = pd.read_csv("people.csv")
people["city"] = pd.Categorical(people["city"]{categories})
people = pd.get_dummies(people, columns=["city"], dtype=int)
X = people.drop(columns=["pid", "joined", "age"]).values
LinearRegression().fit(X, people["score"].values)
"""


@pytest.mark.parametrize(
    ("categories", "option"),
    [(', categories=["c", "a", "b", "z"]', "vectorized=True"), ("", "rowwise=False")],
)
def test_a_column_made_categorical_is_a_projection_of_whole_columns(
    folder, monkeypatch, categories, option
):
    script = CATEGORIES.format(categories=categories)
    plan = plan_for(folder, script, monkeypatch)
    code = "\n".join(plan.body)
    assert f"pd.Categorical(city{categories.replace(chr(34), chr(39))}), {option})" in code
    expected: dict[str, Any] = {}
    exec(script, expected)
    scope = {"people": lt.from_pandas(pd.read_csv(folder / "people.csv"), "people"), "pd": pd}
    exec(code, scope)
    lifted = scope[plan.result].data
    dummies = [c for c in expected["people"].columns if c.startswith("city_")]
    assert len(dummies) == (4 if categories else 3)
    wanted = expected["people"][["score", *dummies]]
    pd.testing.assert_frame_equal(lifted[list(wanted.columns)], wanted.reset_index(drop=True))
