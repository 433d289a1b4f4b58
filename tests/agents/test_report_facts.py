"""Facts the analysis report and the step contracts state for the model (issue 14, from the notes
of the model rounds): constant columns of X, the defaults a parameter differs from, missing
values in samples, the distinct values of the prepared frame's text columns."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
from lester.agents.oracle import analysis as an
from lester.agents.oracle.dataflow import describe
from lester.agents.oracle.original import load_original
from lester.agents.requests import CHECKED_BEFORE_LABEL, contract, derived_count, prepared_frame
from lester.sandbox import trace_values


def _fitted_at(line: int, stages: dict[str, list[int]]) -> an.Analysis:
    model = an.ModelReport("x.Ridge", {}, {}, line, [4, 1], [4], "float64", "float64")
    return an.Analysis("s.py", "d", model=model, stages=stages)


def _analysis(tmp_path: Path, X: np.ndarray) -> an.Analysis:
    np.save(tmp_path / "X.npy", X)
    model = an.ModelReport("x.Ridge", {}, {}, 2, list(X.shape), [len(X)], "float64", "float64")
    return an.Analysis(
        "s.py", str(tmp_path), model=model, outputs_dir=str(tmp_path), X_file="X.npy"
    )


def test_columns_of_x_with_one_value_in_every_row_are_named(tmp_path: Path):
    X = np.array([[1.0, 0.0, np.nan, 5.0], [2.0, 0.0, np.nan, 5.0], [3.0, 0.0, np.nan, 6.0]])
    report = _analysis(tmp_path, X)
    found = an._constant_columns(an._fitted_matrix(report))
    assert [i for i, _ in found] == [1, 2] and found[0][1] == 0.0 and np.isnan(found[1][1])
    report.model.constant_columns = found[:1]
    assert "holding one value in every fitted row (the rewrite keeps them): 1 (0.0)" in (
        report.to_text()
    )
    assert an._constant_columns(np.ones((3, 2))) == []  # all constant: none


def test_the_first_fitted_rows_of_x_are_shown_in_its_first_columns(tmp_path: Path):
    """Where a hand loop builds X, the trace shows no values; the rewrite's X must start so."""
    X = np.arange(5 * 50, dtype=float).reshape(5, 50) / 7
    X[1, 2] = np.nan
    report = _analysis(tmp_path, X)
    report.model.first_rows = an._first_rows(an._fitted_matrix(report))
    text = report.to_text()
    assert "X's first 3 fitted rows (its first 40 of 50 columns):" in text
    assert "    [0, 0.142857, 0.285714," in text and "[7.14286, 7.28571, nan," in text
    assert "35.7143" not in text  # row 3 is not shown
    report.model.first_rows = []
    assert "fitted rows" not in report.to_text()
    assert an._fitted_matrix(_analysis(tmp_path, np.ones((0, 2)))) is None


def test_a_parameter_is_shown_with_the_default_it_differs_from():
    qualified = "sklearn.linear_model._logistic.LogisticRegression"
    params = {"penalty": "l2", "C": 1.0, "max_iter": 500}
    changed = an._non_default(qualified, params)
    assert "C" not in changed and changed["max_iter"] == 500
    defaults = an._class_defaults(qualified)
    assert defaults["max_iter"] == 100
    model = an._model({"estimator": qualified, "params": params})
    assert model.defaults == {"penalty": "deprecated", "max_iter": 100}
    from lester.agents.oracle.report_text import _parameters

    shown = _parameters(model)
    assert "max_iter=500 (default 100)" in shown


def test_samples_show_a_missing_value_as_none_not_as_the_text_nan():
    frame = pd.DataFrame({"t": pd.Series(["a", None], dtype="str"), "f": [np.nan, 1.5]})
    assert trace_values.sample(frame) == [["a", None], [None, "1.5"]]


def test_a_function_call_shows_its_first_argument_once():
    node = {"id": 3, "op": "pd.to_datetime", "inputs": [2], "args": [{"ref": 2}], "line": 4}
    assert describe(node).startswith("#3 line 4: pd.to_datetime(#2)")
    method = {"id": 4, "op": "DataFrame.join", "inputs": [2], "args": [{"ref": 2}], "line": 5}
    assert "DataFrame.join(#2, #2)" in describe(method)


def test_a_left_merge_says_how_many_left_rows_matched_nothing():
    node = {
        "id": 5,
        "op": "pd.merge",
        "inputs": [1, 2],
        "args": [{"ref": 1}, {"ref": 2}],
        "kwargs": {"how": "left"},
        "line": 9,
        "left_rows": 1228,
        "left_unmatched": 0,
    }
    assert describe(node).endswith("(0 of 1228 left rows matched nothing)")
    del node["left_unmatched"]
    assert "matched nothing" not in describe(node)


def test_a_written_cut_is_not_said_to_be_computed_from_the_data():
    split = {"expression": "X[:-1]", "args": {"n_train": -1}}
    assert derived_count(split, None, None, "prepare") == ""  # type: ignore[arg-type]


def test_the_prepared_frame_lists_its_text_columns_distinct_values(tmp_path: Path):
    frame = pd.DataFrame({"kind": pd.Series(["a", "b", None, "a"], dtype="str"), "n": [1, 2, 3, 4]})
    frame.to_parquet(tmp_path / "prepared.parquet")
    text = prepared_frame({"prepared": str(tmp_path / "prepared.parquet")})
    assert "Distinct values of its text columns (a missing value counted as one): kind 3." in text


def test_the_label_step_is_told_what_was_checked_before_it(tmp_path: Path):
    path = tmp_path / "s.py"
    path.write_text("import numpy as np\nX = np.ones((4, 2))\nm.fit(X, y)\n")
    model = an.ModelReport("x.Ridge", {}, {}, 3, [4, 2], [4], "float64", "float64")
    analysis = an.Analysis(str(path), str(tmp_path), model=model, stages={})
    tree = ast.parse(path.read_text())
    text = contract(analysis, load_original(path), tree, "label_model", {})
    assert CHECKED_BEFORE_LABEL in text
    assert CHECKED_BEFORE_LABEL not in contract(analysis, load_original(path), tree, "encode", {})


def test_the_sources_contract_says_what_names_fields_the_original_only_numbers(tmp_path: Path):
    """Round 30's sms and orchard notes: "named as the original names the fields" beside
    fields the reader labels '0', '1', which the original names only later."""
    path = tmp_path / "s.py"
    path.write_text("import pandas as pd\ndf = pd.read_csv('a.csv', header=None)\n")
    analysis = an.Analysis(str(path), str(tmp_path), stages={})
    text = " ".join(
        contract(analysis, load_original(path), ast.parse(path.read_text()), "sources", {}).split()
    )
    assert (
        "by position or a reader's `header=None`, the reader's labels `'0'`, `'1'`, … or names of your own, either works"
        in text
    )


def test_the_prompts_show_the_stages_followed_into_the_scripts_functions(tmp_path: Path):
    from lester.agents.step_lines import with_stages

    source = (
        "import pandas as pd\n"
        "def load():\n"
        "    df = pd.read_csv('a.csv')\n"
        "    return df[['x']], df['y']\n"
        "X, y = load()\n"
        "m.fit(X, y)\n"
    )
    model = an.ModelReport("x.Ridge", {}, {}, 6, [4, 1], [4], "float64", "float64")
    analysis = an.Analysis("s.py", str(tmp_path), model=model, stages={"data_preparation": [5]})
    shown = with_stages(analysis, ast.parse(source))
    assert {3, 4, 5} <= set(shown.stages["data_preparation"])
    assert analysis.stages == {"data_preparation": [5]}  # the analysis itself is unchanged
    assert "stage data_preparation: lines 2-5" in shown.to_text()


def test_the_stage_list_gives_the_label_its_y_and_the_encode_step_the_split(tmp_path: Path):
    """Round 30's relay notes: "label: none of its own" stood beside a label step whose lines
    held the `pop` of y; the taxi notes: the split statement was listed as the preparation's."""
    from lester.agents.step_lines import with_stages

    source = (
        "import pandas as pd\n"
        "df = pd.read_csv('a.csv')\n"
        "y = df.pop('t')\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(df, y, random_state=1)\n"
        "m.fit(X_tr, y_tr)\n"
    )
    model = an.ModelReport("x.Ridge", {}, {}, 5, [4, 1], [4], "float64", "float64")
    stages = {"data_preparation": [2, 3, 4], "features": [], "label": [], "model": [5]}
    split = {"idiom": "train_test_split", "line": 4, "function": "random_split", "args": {}}
    analysis = an.Analysis("s.py", str(tmp_path), model=model, stages=stages, split=split)
    shown = with_stages(analysis, ast.parse(source)).stages
    assert shown["data_preparation"] == [2, 3] and shown["features"] == []  # see `split:`
    assert shown["label"] == [3]


def test_the_stage_list_says_the_rules_place_running_values(tmp_path: Path):
    """Round 37's fraud_velocity note: the stage list gave a per-card running state to the
    features, the rules to the preparation, and the model read that as a contradiction."""
    from lester.agents.oracle.report_text import STAGES_HEADER, analysis_text

    model = an.ModelReport("x.Ridge", {}, {}, 5, [4, 1], [4], "float64", "float64")
    stages = {"data_preparation": [2], "features": [3], "label": [], "model": [5]}
    analysis = an.Analysis("s.py", str(tmp_path), model=model, stages=stages)
    lines = analysis_text(analysis).splitlines()
    header = lines.index(STAGES_HEADER)
    assert lines[header + 1].startswith("stage data_preparation:")
    assert "a running value per key in the preparation" in STAGES_HEADER


def test_a_fitted_pipeline_shows_its_steps_and_what_x_is():
    steps = "[('scale', StandardScaler()), ('model', Ridge())]"
    fit = {"params": {"steps": steps}, "final": {"X": "fit_0_final.npy"}}
    assert an._pipeline_steps(fit) == steps
    assert an._pipeline_steps({"params": {"steps": steps}}) == ""  # not a Pipeline's final fit
    selected = "[('k', SelectKBest(score_func=<function f_regression at 0x7f3a2c1e0>))]"
    shown = an._pipeline_steps({"params": {"steps": selected}, "final": {"X": "f"}})
    assert shown == "[('k', SelectKBest(score_func=f_regression))]"
    assert an._pipeline_steps({"params": {"steps": "x" * 5000}, "final": {"X": "f"}}).endswith(
        "..."
    )
    model = an.ModelReport("x.Ridge", {}, {}, 2, [4, 1], [4], "float64", "float64", pipeline=steps)
    analysis = an.Analysis("s.py", "d", model=model)
    assert f"fitted as the last step of a Pipeline with steps {steps}" in analysis.to_text()
    from lester.agents.requests import expected

    assert "(after the Pipeline's steps before the last)" in expected(analysis, "encode")


def test_a_loader_class_doing_the_steps_work_is_shown_whole_among_its_definitions():
    from lester.agents.oracle import definitions as defs
    from lester.agents.step_lines import shown_whole, step_lines

    source = (
        "import pandas as pd\n"
        "class Loader:\n"
        "    def load(self):\n"
        "        df = pd.read_csv('a.csv')\n"
        "        return df[['x']], df['y']\n"
        "if __name__ == '__main__':\n"
        "    d = Loader()\n"
        "    X, y = d.load()\n"
        "    m.fit(X, y)\n"
    )
    tree = ast.parse(source)
    # as the analysis slices the script with the method inlined: its body, not `d = Loader()`
    analysis = _fitted_at(9, {"data_preparation": [4, 5, 8]})
    lines = step_lines(source, tree, analysis, "prepare")
    assert lines == [8]  # the class's lines are left to the definitions section ...
    assert [d.names for d in defs.needed(source, lines)] == []  # ... which showed nothing
    shown = defs.needed(source, lines, shown_whole(tree, analysis, "prepare", lines))
    assert any("def load(self):" in d.code for d in shown)  # ... and now shows the class


def test_the_label_step_shows_the_statement_binding_y():
    from lester.agents.step_lines import step_lines

    source = (
        "import pandas as pd\n"
        "table = pd.read_csv('a.csv')\n"
        "y = table.pop('late')\n"
        "X = table.values\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)\n"
        "m.fit(X_tr, y_tr)\n"
    )
    tree = ast.parse(source)
    stages = {"data_preparation": [2, 3, 5], "features": [4], "label": [], "model": [6]}
    analysis = _fitted_at(6, stages)
    assert step_lines(source, tree, analysis, "label_model") == [3, 5, 6]
    assert 3 not in step_lines(source, tree, analysis, "encode")


def test_a_field_name_padded_with_white_space_is_shown_quoted():
    """podcast's original strips its header names; the prompt could not show whether they were
    padded (round 18)."""
    source = an.SourceReport("e.csv", "pandas", 3, ",", True, [" length ", "title"], 4, {}, [])
    report = an.Analysis("s.py", "d", sources=[source])
    assert "by hand): ' length ' (?), title (?)" in report.to_text()


def test_a_stage_without_lines_says_where_the_fits_x_or_y_is_made():
    """Round 26's relay notes: `stage label: none` read as no label, where `matrix.pop` of the
    label from the prepared matrix gives the label stage no line."""
    stages = {"data_preparation": [1, 2, 3], "features": [], "label": [], "model": [4]}
    text = _fitted_at(4, stages).to_text()
    assert "stage data_preparation: lines 1-3" in text and "stage model: line 4" in text
    assert "stage label: none of its own (the fit's y is made in lines another stage holds)" in text
    assert "stage features: none of its own (the fit's X is made in" in text
