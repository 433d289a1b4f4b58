"""The step contract says where a data-derived split count came from and how the sources' text
relates to the original's own parsing (issue 14)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from lester.agents.hand_parsed import hand_parsed, layout_text
from lester.agents.llm.api_frames import encoder_calls, hand_parsed_text, json_lines_text
from lester.agents.oracle import slicing
from lester.agents.oracle.analysis import text_layout
from lester.agents.oracle.original import load_original
from lester.agents.oracle.report_text import split_text
from lester.agents.prepare_check import misread_sources
from lester.agents.requests import (
    before_draw,
    built_together,
    contract,
    derived_count,
    label_counts,
    transformer_fits,
)

SCRIPT = textwrap.dedent(
    """\
    import numpy as np
    X = np.arange(20).reshape(10, 2)
    stamps = np.arange(10)
    n_first = int((stamps < 7).sum())
    model.fit(X[:n_first], y[:n_first])
    """
)


def test_a_data_derived_head_count_is_traced_to_its_lines_and_hard_coding_is_accepted(
    tmp_path: Path,
):
    path = tmp_path / "s.py"
    path.write_text(SCRIPT)
    split = {"function": "head_split", "args": {"n_train": 7}, "expression": "X[:n_first]"}
    text = " ".join(derived_count(split, load_original(path), ast.parse(SCRIPT), "prepare").split())
    assert "computes the count `n_first` from the data" in text
    assert "4 n_first = int((stamps < 7).sum())" in text
    assert "figure (7) in the split is accepted" in text and "lt.column_split" in text
    assert "`lambda c: np.arange(len(c)) >= len(c) - HELD_OUT`" in text  # a marker by position
    literal = {**split, "expression": "X[:7]"}
    assert derived_count(literal, load_original(path), ast.parse(SCRIPT), "prepare") == ""
    later = derived_count(split, load_original(path), ast.parse(SCRIPT), "encode")
    assert "without one, write the figure." in " ".join(later.split())
    # round 49 b: a later step that rewrites the preparation may add the marker itself
    assert "or one that a preparation your answer rewrites adds" in " ".join(later.split())


def test_the_hand_parsing_fact_shows_what_split_and_read_csv_give():
    text = hand_parsed_text()
    assert "[['1', '\"a b\"\\n'], ['2', 'c \\n']]" in text  # split keeps quotes and line ends
    assert "the source's rows are [['1', 'a b'], ['2', 'c ']]" in text
    # round 49 a2: putting the line end back read as a device when a token pattern drops it
    assert "is part of reproducing the original's values" in text


def test_a_split_that_draws_asks_for_the_rows_before_its_draw():
    assert "before the shuffle or draw that `lt.permutation_split` replays" in before_draw(
        {"function": "permutation_split"}
    )
    assert before_draw({"function": "head_split"}) == ""


def test_a_transformer_fitted_on_more_rows_than_the_model_is_named_as_fitted_before_the_split():
    nodes = [
        {"id": 0, "op": "np.array", "out": {"kind": "array", "shape": [100, 3]}},
        {
            "id": 1,
            "op": "sklearn.fit_transform",
            "estimator": {"class": "x.MinMaxScaler"},
            "X": {"ref": 0},
            "line": 7,
        },
        {
            "id": 2,
            "op": "sklearn.fit",
            "estimator": {"class": "x.Ridge"},
            "model": True,
            "X": {"ref": 0},
            "line": 9,
        },
    ]
    analysis = SimpleNamespace(
        dataflow={"nodes": nodes},
        model=SimpleNamespace(X_shape=[80, 3], line=9),
        stages={},
        outputs_dir=None,
        X_file=None,
    )
    text = transformer_fits(analysis, UNSLICED)
    assert "MinMaxScaler (line 7): fitted on 100 rows, more rows than the model" in text
    assert 'fit_on="all"' in text and "Ridge" not in text
    analysis.stages = {"data_preparation": [7]}  # a preparation line's scaler stays there
    assert "fitted before the split (in the preparation, since its line is a preparation line)" in (
        transformer_fits(analysis, UNSLICED)
    )
    analysis.stages = {}
    analysis.model.X_shape = [100, 3]
    assert "fitted on 100 rows, the model's rows" in transformer_fits(analysis, UNSLICED)
    assert (
        transformer_fits(SimpleNamespace(dataflow=None, model=analysis.model, stages={}), UNSLICED)
        == ""
    )
    for node, estimator_id in zip(nodes, [None, 1, 2], strict=True):
        node.update(estimator_id=estimator_id, inputs=[0] if node["id"] else [])
    nodes.append({"id": 3, "op": "sklearn.transform", "estimator_id": 1, "inputs": [0]})
    analysis.dataflow = {"nodes": nodes, "X": 3}
    assert "those whose output reaches X" in transformer_fits(analysis, UNSLICED)
    analysis.dataflow = {"nodes": nodes, "X": 0}
    assert transformer_fits(analysis, UNSLICED) == ""
    # X copied by a hand loop from the scaled array: made outside pandas, so any fit may reach it
    nodes.append({"id": 4, "op": "opaque", "estimator_id": None, "inputs": []})
    analysis.dataflow = {"nodes": nodes, "X": 4}
    text = transformer_fits(analysis, UNSLICED)
    assert "the trace does not show which of them reach X" in text and "MinMaxScaler" in text
    # the script's own dataflow then tells: X's backward slice holds the scaler, not the PCA
    nodes.append({**nodes[1], "id": 5, "estimator": {"class": "x.PCA"}, "line": 8})
    analysis.stages = slicing.stage_lines(ast.parse(SCALED_THEN_REDUCED), 9)
    text = transformer_fits(analysis, ast.parse(SCALED_THEN_REDUCED))
    assert "those in X's lines; the trace cannot follow X" in text
    assert "MinMaxScaler (line 7)" in text and "PCA" not in text
    assert "PCA (line 8)" in transformer_fits(analysis, UNSLICED)


def test_where_the_trace_loses_x_each_transformers_sampled_output_is_looked_up_in_x(tmp_path):
    """iotdb scales a hand-built array, reduces the scaled one with a PCA beside it, and fits
    on `x[train_index]`: the scaler's rows are X's rows, the PCA's are not."""
    rng = np.random.default_rng(0)
    scaled, reduced = rng.random((10, 3)), rng.random((10, 2))
    np.save(tmp_path / "X.npy", scaled[::2])
    nodes = [
        {"id": 0, "op": "opaque", "inputs": [], "out": {"kind": "array", "shape": [10, 3]}},
        {"id": 1, "op": "sklearn.fit_transform", "estimator": {"class": "x.MinMaxScaler"},
         "estimator_id": 1, "X": {"ref": 0}, "line": 7, "inputs": [0], "out": {"shape": [10, 3]},
         "rows": scaled[[0, 2, 5, 7, 9]].tolist()},
        {"id": 2, "op": "sklearn.fit_transform", "estimator": {"class": "x.PCA"},
         "estimator_id": 2, "X": {"ref": 1}, "line": 8, "inputs": [1],
         "rows": reduced[[0, 9]].tolist()},
        {"id": 3, "op": "opaque", "inputs": []},
    ]  # fmt: skip
    analysis = SimpleNamespace(
        dataflow={"nodes": nodes, "X": 3},
        model=SimpleNamespace(X_shape=[5, 3], line=9),
        stages={},
        outputs_dir=str(tmp_path),
        X_file="X.npy",
        X=lambda: np.load(tmp_path / "X.npy"),
    )
    text = " ".join(transformer_fits(analysis, UNSLICED).split())
    assert "each one's output was looked up among X's rows" in text
    scaler, pca = text.split("- ")[1:]
    assert "rows of its output are rows of X" in scaler
    assert "X does not hold its output as it came out" in pca
    nodes[1]["rows"] = [[True, 0.5, 0.5]]  # not numbers: nothing is claimed
    text = transformer_fits(analysis, UNSLICED)
    assert "looked up" not in text and "rows of its output are" not in text


# The fit inside a function whose X is a parameter, called from nowhere: nothing is judged.
UNSLICED = ast.parse("def train(model, x):\n    model.fit(x, None)\n")
SCALED_THEN_REDUCED = """\
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge
from sklearn.preprocessing import MinMaxScaler
rows = [[float(i), 1.0, 2.0] for i in range(100)]
x = np.array(rows)
x = MinMaxScaler().fit_transform(x)
x_small = PCA(n_components=2).fit_transform(x)
Ridge().fit(x[:80], [0.0] * 80)
"""


def test_a_hand_parsed_file_is_described_as_a_hand_parser_meets_it(tmp_path: Path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xef\xbb\xbfid,size\r\n1,S\r\n\r\n2,M,extra\r\n")
    layout = text_layout(path.read_bytes(), ",")
    assert layout == {
        "crlf_lines": 4,
        "lines": 4,
        "bom": True,
        "blank_lines": 1,
        "other_field_counts": 1,
        "fields": 2,
        "whole_file": True,
        "last_line_ended": True,
        "quote_lines": 0,
        "padded_lines": 0,
    }
    text = layout_text(layout)
    assert "first line's 2 fields, 0 lines holding a double quote" in text
    assert "keeps every line" not in text  # one line has 3 fields: a length guard drops it
    assert "line ends CRLF, the last line ending with one, a UTF-8 byte-order mark, 1 blank" in text
    path.write_bytes(b"id,size\n1,S\r\n")
    assert "mixed (1 of 2 lines end in CRLF)" in layout_text(text_layout(path.read_bytes(), ","))
    path.write_bytes(b"id,size\n1,S")  # a hand parser's last field then has no line end
    text = layout_text(text_layout(path.read_bytes(), ","))
    assert "the last line without one" in text
    assert "`len(fields) == 2` keeps every line but the blank ones" in text  # round 25, bom_csv
    path.write_bytes(b'id,name\n1,"Ann ""Nan"" Lee"\n2,Bo\n')  # a reader unquotes, split keeps
    assert "1 lines holding a double quote" in layout_text(text_layout(path.read_bytes(), ","))
    path.write_bytes(b"id,name\r\n1, Ann\r\n2,Bo\r\n3,Cy \r\n")  # `strip()` would change two
    assert "2 lines with a field that starts or ends with white space" in layout_text(
        text_layout(path.read_bytes(), ",")
    )


TOGETHER = textwrap.dedent(
    """\
    X, y = [], []
    for row in rows:
        X.append([row[0] * 2])
        y.append(row[1])
    model.fit(X, y)
    """
)


def test_an_encoder_without_lines_of_its_own_sees_the_lines_building_x_with_y(tmp_path: Path):
    path = tmp_path / "s.py"
    path.write_text(TOGETHER)
    tree = ast.parse(TOGETHER)
    stages = {"data_preparation": [1, 2, 3, 4], "features": [], "label": [], "model": [5]}
    analysis = SimpleNamespace(model=SimpleNamespace(line=5), stages=stages, dataflow=None)
    text = built_together(analysis, load_original(path), tree)
    assert "builds X together with y" in text and "   3      X.append([row[0] * 2])" in text
    analysis.stages = {**stages, "features": [3]}
    assert built_together(analysis, load_original(path), tree) == ""


def test_a_preparation_that_decides_the_layout_is_told_how_x_is_compared():
    from lester.agents.oracle.equivalence import comparison_text
    from lester.agents.requests import columns_read

    unattributed = SimpleNamespace(
        stages={"data_preparation": [2], "features": [], "label": []}, model=None, dataflow=None
    )
    text = columns_read(unattributed, None, ast.parse("X, y = f()\n"))
    assert comparison_text() in text
    attributed = SimpleNamespace(
        stages={"data_preparation": [1], "features": [2], "label": [3]}, model=None, dataflow=None
    )
    source = "t = load()\nX = t[['a']]\ny = t['b']\n"
    original = SimpleNamespace(source=source, notebook=False, where=str)
    assert comparison_text() not in columns_read(attributed, original, ast.parse(source))


FEATURES = textwrap.dedent(
    """\
    t = load()
    X = [[r["amount"], r["avg_before"]] for r in t]
    y = [r["label"] for r in t]
    model.fit(X, y)
    """
)


def test_a_fixed_preparation_lacking_what_the_feature_lines_read_leaves_it_to_the_encoder(
    tmp_path: Path,
):
    import pandas as pd
    from lester.agents.requests import IN_ONE_CALL, unheld_keys

    prepared = tmp_path / "prepared.parquet"
    pd.DataFrame({"amount": [1.0], "label": [0]}).to_parquet(prepared)
    stages = {"data_preparation": [1], "features": [2], "label": [3], "model": [4]}
    analysis = SimpleNamespace(model=SimpleNamespace(line=4), stages=stages, dataflow=None)
    text = " ".join(unheld_keys(analysis, ast.parse(FEATURES), {"prepared": str(prepared)}).split())
    assert text.startswith("The prepared frame does not hold ['avg_before'], which the feature")
    assert "a value of X these keys give that the prepared frame does not already hold" in text
    assert "is computed here from the prepared columns" in text
    assert " ".join(IN_ONE_CALL.split()) in text
    assert "the transform calls saw [[3, 1, 2, 5]]" in encoder_calls()  # what IN_ONE_CALL says
    pd.DataFrame({"amount": [1.0], "avg_before": [2.0]}).to_parquet(prepared)
    assert unheld_keys(analysis, ast.parse(FEATURES), {"prepared": str(prepared)}) == ""


def test_columns_are_named_by_key_by_the_sources_name_for_a_position_or_by_variable():
    from lester.agents.requests import columns_read

    source = "rows = load()\nX = [[r[0], share] for r in rows]\ny = [r[2] for r in rows]\n"
    stages = {"data_preparation": [1], "features": [2], "label": [3]}
    analysis = SimpleNamespace(stages=stages, model=None, dataflow=None)
    original = SimpleNamespace(source=source, notebook=False, where=str)
    text = " ".join(columns_read(analysis, original, ast.parse(source)).split())
    assert (
        "by position (`r[0]`, a tuple's element, a field of a header-less file), the name the sources above give that field"
        in text
    )
    assert (
        "as a plain variable holding one row's value (a loop or tuple variable, `share = a / n`), "
        "that variable (one holding a whole column or split part, `x_train`, names no column"
    ) in text
    # round 45's scrabble note: feature lines computing a row's partner read as contradicting
    assert "a value among them that needs other rows is still computed here" in text
    # round 45's fraud_partitions note: two names that both fit the rules
    assert "Where two names fit these rules (`hhmm` or `hour` for `int(hhmm[:2])`), either" in text
    assert (
        "where the names depend on the data, as dummies' do, the rule that gives them" not in text
    )
    # round 41's fraud_partitions note: a slot per distinct value has data-dependent names too
    assert (
        "where the names or their number depend on the data, as dummies' or a slot per "
        "distinct value's do, the rule that gives them"
    ) in text
    assert "in a list the original builds itself (`t = [tx_id, float(a), day]`), the name" in text
    assert "a slot of an array the original fills by position" in text  # round 27, iotdb
    # round 29: a slot's value is data where the order comes from the data
    assert "else, where their order comes from the data, by its place (`job_0`)" in text
    assert "an aggregate of another table) are computed here, whichever stage their lines" in text
    assert (
        '(a scaler, a vocabulary, `pd.get_dummies`) is the encoder\'s, with `fit_on="all"` where'
        in text
    )
    assert (
        "one over other rows (a table before a join or filter changes its rows), or one that a "
        "line the analysis gives to data preparation computes, stays" in text
    )


def test_the_split_note_is_stated_once_and_named_briefly_after():
    split = {
        "idiom": "a seeded NumPy permutation cut",
        "line": 7,
        "function": "permutation_split",
        "args": {"n_train": 8, "random_state": 0},
        "note": "replayed by lt.permutation_split(n_train=8, random_state=0): the original draws",
    }
    assert "the original draws" in split_text(split)
    brief = split_text(split, brief=True)
    assert "the original draws" not in brief
    assert "at line 7, replayed by lt.permutation_split(n_train=8, random_state=0)" in brief
    refused = {"idiom": "a loop", "line": 3, "function": None, "note": "no lt split replays it"}
    assert split_text(refused, brief=True) == split_text(refused)  # nothing said elsewhere


def test_the_fitted_labels_are_counted_and_a_long_listing_says_it_is_cut():
    assert label_counts([1, 0, 1]) == "the 3 fitted labels, value: count of rows: {0: 1, 1: 2}"
    text = label_counts(list(range(30)) + [0])
    assert text.startswith("the 31 fitted labels, value: count of rows, the 20 smallest of 30")
    assert "{0: 2, 1: 1," in text and "19: 1}" in text and "20:" not in text


def test_a_source_left_out_is_caught_by_the_row_counts_the_sources_prompt_names():
    analysis = SimpleNamespace(sources=[SimpleNamespace(rows=15), SimpleNamespace(rows=10)])
    assert misread_sources(analysis, {"train": 15, "test": 10}) is None
    assert "read [15] rows, the original read [10, 15]" in misread_sources(analysis, {"train": 15})
    assert misread_sources(analysis, {"parts": 25}) is None  # partitions read as one source
    assert "read [24]" in misread_sources(analysis, {"parts": 24})
    prompt = (Path(__file__).parents[2] / "agents/llm/templates/sources.txt").read_text()
    assert "checked against those of all the files the original read" in " ".join(prompt.split())


def test_a_json_lines_source_read_by_hand_is_told_the_options_that_give_json_loads_values():
    text = json_lines_text()
    assert "['007', '2024-01-05', 3.0078873113505354e+99], the same as `json.loads`" in text
    assert "dtype=False, convert_dates=False, precise_float=True" in text
    jsonl = SimpleNamespace(reader=None, idiom="json-lines", layout={}, path="a.jsonl")
    facts = hand_parsed(SimpleNamespace(sources=[jsonl]))
    assert "json.loads" in facts and "keep_default_na" not in facts


def test_a_pipeline_fitted_by_the_original_is_split_between_the_encoder_and_the_model():
    from lester.agents.llm.prompts import render

    from .test_llm import request

    encode = " ".join(render(request("encode")).user.split())
    assert "its steps before the last are the encoder's and its last step is the model" in encode
    model = " ".join(render(request("label_model")).user.split())
    assert "of a fitted `Pipeline`, its last step" in model


def test_the_preparation_is_told_the_original_transformer_fits_it_may_pass_on(tmp_path: Path):
    from lester.agents.oracle.analysis import Analysis, ModelReport
    from lester.agents.requests import contract

    path = tmp_path / "s.py"
    path.write_text("X, y = load()\nm.fit(X, y)\n")
    nodes = [
        {"id": 0, "op": "opaque", "out": {"kind": "array", "shape": [100, 3]}, "inputs": []},
        {"id": 1, "op": "sklearn.fit_transform", "estimator": {"class": "x.MinMaxScaler"},
         "X": {"ref": 0}, "line": 7, "inputs": [0], "estimator_id": 1},
    ]  # fmt: skip
    model = ModelReport("x.Ridge", {}, {}, 2, [80, 3], [80], "float64", "float64")
    analysis = Analysis(
        str(path), str(tmp_path), model=model, dataflow={"nodes": nodes, "X": 0},
        stages={"data_preparation": [1], "features": [], "label": []},
    )  # fmt: skip
    text = contract(analysis, load_original(path), ast.parse(path.read_text()), "prepare", {})
    assert "MinMaxScaler (line 7): fitted on 100 rows, more rows than the model" in text


def test_a_transformer_fitted_in_a_loop_is_one_entry_naming_its_columns():
    nodes = [
        {"id": 0, "op": "x", "out": {"kind": "series", "name": "cap", "rows": 90}},
        {"id": 1, "op": "x", "out": {"kind": "series", "name": "odor", "rows": 90}},
    ]
    for i, ref in enumerate([0, 1], start=2):
        nodes.append(
            {"id": i, "op": "sklearn.fit_transform", "estimator": {"class": "x.LabelEncoder"},
             "X": {"ref": ref}, "line": 7}
        )  # fmt: skip
    analysis = SimpleNamespace(
        dataflow={"nodes": nodes},
        model=SimpleNamespace(X_shape=[80, 3], line=9),
        stages={},
        outputs_dir=None,
        X_file=None,
    )
    text = transformer_fits(analysis, UNSLICED)
    assert text.count("LabelEncoder (line 7)") == 1
    assert "(2 fits at this line: on 'cap', 'odor')" in text


def test_the_lookup_of_sampled_rows_is_bounded_whatever_the_trace_holds():
    """The rows come from the sandbox: a trace with thousands of them is looked up in twenty."""
    from lester.agents.oracle import dataflow

    X = np.arange(12, dtype=float).reshape(4, 3)
    decoys = [{"id": i, "op": "sklearn.transform", "estimator_id": 7, "inputs": [],
               "rows": [[-1.0, -1.0]] * 50} for i in range(100)]  # fmt: skip
    found = {
        "id": 100,
        "op": "sklearn.transform",
        "estimator_id": 7,
        "inputs": [],
        "rows": [[4.0, 5.0]],
    }
    assert dataflow.output_in_x({"nodes": [found]}, 7, X) is True
    assert dataflow.output_in_x({"nodes": [*decoys, found]}, 7, X) is False  # past the bound
    assert dataflow.output_in_x({"nodes": [found]}, 8, X) is None  # another estimator's
    long_row = {**found, "rows": [[0.0] * 1000]}
    wide = np.zeros((2_000, 2_000))
    assert dataflow.output_in_x({"nodes": [long_row]}, 7, wide) is None  # too costly to look up


def test_the_preparation_is_told_the_split_selects_the_fitted_rows_from_its_rows():
    from lester.agents.requests import expected

    model = SimpleNamespace(X_shape=[2999, 4])
    split = {"idiom": "the last rows held out", "line": 9, "function": "head_split"}
    split["args"] = {"n_train": -1}
    text = expected(SimpleNamespace(model=model, split=split), "prepare")
    assert text.startswith("the split (the last rows held out at line 9, replayed by")
    assert text.endswith("must select the 2999 rows the model is fitted on from the prepared rows")
    text = expected(SimpleNamespace(model=model, split=None), "prepare")
    assert text.startswith("the prepared rows must give the 2999 rows the model is fitted on (none")


def test_a_pattern_source_with_a_file_column_passes_the_checks_the_contract_names():
    """Round 37's fraud_partitions note: would the field check accept the `file` column?"""
    from lester.agents.oracle.api_use import SourceFile
    from lester.agents.oracle.form import check_form

    fields = ["tx_id", "amount"]
    files = [SourceFile(f"data/tx/2024-03-0{d}.tsv", fields, False) for d in (1, 2)]
    module = (
        "import lester as lt\n\n@lt.source\ndef tx(data_dir: str):\n"
        "    return lt.read_csv(f'{data_dir}/data/tx/*.tsv', header=None, names=['tx_id', "
        "'amount'], sep='\\t', file_column='file')\n\n@lt.prepare\ndef p(tx):\n"
        "    return tx.project('day', 'file', lambda f: f[:10])\n"
    )
    assert [p for p in check_form(module, files=files) if "missing stage" not in p] == []
    analysis = SimpleNamespace(sources=[SimpleNamespace(rows=3), SimpleNamespace(rows=4)])
    assert misread_sources(analysis, {"tx": 7}) is None
    text = contract(SimpleNamespace(sources=[]), "", None, "sources", {})
    assert "a `file_column` beside them is fine, only the rows are counted" in text
