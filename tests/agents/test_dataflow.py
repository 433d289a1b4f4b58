"""The traced DAG on the host: validated as untrusted data, decoded to constants only, rendered
for `lester analyze` and for the model's prompts."""

from __future__ import annotations

import math

import pytest
from lester.agents.llm.prompts import render
from lester.agents.oracle.dataflow import (
    MAX_NODES,
    TypeName,
    Undecodable,
    dataflow_text,
    decode,
    from_trace,
    value_code,
)
from lester.agents.proposals import StepRequest


def node(i: int, op: str, inputs: list[int], **fields) -> dict:
    return {"id": i, "op": op, "line": 10 + i, "inputs": inputs, "args": [], "kwargs": {}, **fields}


def trace_of(nodes: list[dict], **extra) -> dict:
    return {
        "dataflow": {"nodes": nodes, "truncated": {}},
        "fits": [{"X_node": 2, "y_node": 1}],
        **extra,
    }


GOOD = [
    node(0, "pd.read_csv", [], out={"kind": "frame", "columns": ["a", "y"], "rows": 5}),
    node(
        1, "DataFrame.__getitem__", [0], args=["y"], out={"kind": "series", "name": "y", "rows": 5}
    ),
    node(
        2,
        "DataFrame.__getitem__",
        [0],
        args=[["a"]],
        out={"kind": "frame", "columns": ["a"], "rows": 5},
    ),
    node(3, "DataFrame.to_csv", [0], args=["out.csv"]),
]


def test_a_well_formed_dag_is_kept_with_the_final_fit_and_valid_reads():
    reads = [
        {"file": "data.csv", "reader": "read_csv", "call": {}, "options": {"sep": ","}, "node": 0},
        {"file": 7, "reader": "read_csv", "call": {}, "options": {}},
        {"file": "x.csv", "reader": "os.system('x')", "call": {}, "options": {}},
    ]
    dag, problem = from_trace(trace_of(GOOD, reads=reads))
    assert problem is None and dag["X"] == 2 and dag["y"] == 1
    assert [r["file"] for r in dag["reads"]] == ["data.csv"]


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ({**GOOD[1], "inputs": [1]}, "inputs that are not earlier nodes"),
        ({**GOOD[1], "inputs": [True]}, "inputs that are not earlier nodes"),
        ({**GOOD[1], "op": "__import__('os')"}, "not a plain name"),
        ({**GOOD[1], "line": "12"}, "a line that is not a number"),
        ({**GOOD[1], "code": "print(1)"}, "unknown fields"),
        ({**GOOD[1], "left_unmatched": "0; drop"}, "a row count that is not a number"),
        ({**GOOD[1], "left_rows": -1}, "a row count that is not a number"),
        ({**GOOD[1], "id": 7}, "not a node in its place"),
        ({**GOOD[1], "args": [{"ref": 5}]}, "references that are not earlier nodes"),
        ({**GOOD[1], "kwargs": {"x": [{"ref": "0"}]}}, "references that are not earlier nodes"),
    ],
)
def test_a_malformed_node_drops_the_dag_and_says_why(broken, reason):
    nodes = [GOOD[0], broken, *GOOD[2:]]
    dag, problem = from_trace(trace_of(nodes))
    assert dag is None and reason in problem


def test_size_and_depth_are_bounded():
    many = [node(i, "opaque", []) for i in range(MAX_NODES + 1)]
    assert from_trace(trace_of(many))[0] is None
    deep: object = 1
    for _ in range(100):
        deep = [deep]
    assert "nested too deeply" in from_trace(trace_of([node(0, "opaque", [], args=[deep])]))[1]


def test_values_decode_to_constants_only():
    assert decode({"tuple": [1, {"float": "nan"}]})[0] == 1
    assert math.isnan(decode({"tuple": [1, {"float": "nan"}]})[1])
    assert decode({"dict": [[1, "a"], ["b", [2, 3]]]}) == {1: "a", "b": [2, 3]}
    assert decode({"type": "builtins.str"}) == TypeName("str")
    assert value_code(decode({"type": "numpy.float32"})) == "np.float32"
    assert value_code(decode({"timedelta": "1 days 00:00:00"})) == "pd.Timedelta('1 days 00:00:00')"
    for unsafe in (
        {"type": "os.system"},
        {"function": {"name": "f"}},
        {"ref": 3},
        {"timedelta": "__import__('os')"},
        {"repr": "<object>", "type": "x.Y"},
    ):
        with pytest.raises(Undecodable):
            decode(unsafe)


def test_the_text_shows_the_operations_behind_the_fit_and_opaque_values():
    nodes = [*GOOD, node(4, "opaque", [], what="a ndarray no traced operation made")]
    dag, _ = from_trace(trace_of(nodes))
    text = dataflow_text(dag)
    assert "#2 line 12: DataFrame.__getitem__(#0, ['a']) -> frame 5 x 1" in text
    assert "to_csv" not in text  # not behind the fit
    assert "final fit: X = #2, y = #1" in text
    assert "plain Python" not in text
    assert dataflow_text(None) == "(no dataflow was traced)"


def test_a_fit_on_values_made_in_plain_python_says_so_and_names_an_untraced_y():
    made = node(0, "opaque", [], what="a ndarray no traced operation made", out={"kind": "array"})
    dag = {"nodes": [made], "X": 0, "y": None}
    text = dataflow_text(dag)
    assert "final fit: X = #0, y = not traced (made outside pandas" in text
    assert "#None" not in text
    assert "the script made it in plain Python" in text


def test_the_step_prompts_carry_the_dataflow():
    dag, _ = from_trace(trace_of(GOOD))
    request = StepRequest("prepare", "messy.py", "x = 1", "", "analysis", "rows", {})
    request.dataflow = dataflow_text(dag)
    prompt = render(request)
    assert "The operations the original executed" in prompt.user
    assert "#1 line 11: DataFrame.__getitem__(#0, 'y')" in prompt.user
    empty = render(StepRequest("encode", "messy.py", "x = 1", "", "", "", {}))
    assert "(no dataflow was traced)" in empty.user


def test_an_operation_repeated_on_one_line_is_one_entry_and_what_follows_stays_shown():
    loop = [node(0, "pd.read_csv", [], out={"kind": "frame", "columns": ["a"], "rows": 500})]
    loop += [{**node(i, "Series.__getitem__", [0], args=[i]), "line": 30} for i in range(1, 401)]
    loop += [{**node(401, "np.array", list(range(1, 401))), "line": 31}]
    loop += [node(402, "DataFrame.__getitem__", [0], args=["y"])]
    dag, problem = from_trace({**trace_of(loop), "fits": [{"X_node": 401, "y_node": 402}]})
    assert problem is None
    text = dataflow_text(dag, limit=10)
    assert "#1 line 30: Series.__getitem__(#0, 1)  [x400 at this line: #1..#400]" in text
    assert "#401 line 31: np.array(#1)" in text and "#402 line 412" in text
    assert "more operations" not in text and "#2 line 30" not in text


def test_columns_named_anew_are_listed_whole():
    read = node(0, "pd.read_csv", [], out={"kind": "frame", "columns": ["0", "1"], "rows": 3})
    names = {"kind": "frame", "columns": ["age", "income"], "rows": 3}
    renamed = node(1, "DataFrame.__setattr__", [0], args=["columns"], out=names)
    dropped = node(2, "DataFrame.drop", [1], out={**names, "columns": ["age"]})
    array = node(3, "np.array", [2], out={"kind": "array", "shape": [3, 1]})
    made = node(4, "pd.DataFrame", [3], out={**names, "columns": ["age"]})
    dag = {"nodes": [read, renamed, dropped, array, made], "X": 4, "y": None}
    lines = dataflow_text(dag).splitlines()
    assert lines[1].endswith(
        "-> frame 3 x 2, columns renamed by position: '0' -> 'age', '1' -> 'income'"
    )
    assert "columns now" not in lines[0] + lines[2] + lines[3]
    assert lines[4].endswith(", columns now ['age']")


def test_columns_picked_by_other_than_their_names_are_listed():
    """Round 29's house-prices notes: `select_dtypes` showed only `frame 1460 x 39`, and the
    model rebuilt the text and numeric column lists from the schema by hand."""
    columns = ["id", "zone", "area", "street"]
    read = node(0, "pd.read_csv", [], out={"kind": "frame", "columns": columns, "rows": 3})
    text = {"kind": "frame", "columns": ["zone", "street"], "rows": 3}
    kinds = node(1, "DataFrame.select_dtypes", [0], kwargs={"include": ["object"]}, out=text)
    numbers = {**text, "columns": ["id", "area", "street"]}
    by_name = node(2, "DataFrame.drop", [0], kwargs={"columns": ["zone"]}, out=numbers)
    listed = node(3, "DataFrame.__getitem__", [0], args=[["zone", "street"]], out=text)
    fit = node(4, "pd.concat", [1, 2, 3])
    lines = dataflow_text({"nodes": [read, kinds, by_name, listed, fit], "X": 4, "y": None})
    lines = lines.split("\n")
    assert lines[1].endswith("-> frame 3 x 2, columns kept: ['zone', 'street']")
    assert lines[2].endswith("-> frame 3 x 3") and lines[3].endswith("-> frame 3 x 2")
    fewer = node(1, "DataFrame.select_dtypes", [0], kwargs={"exclude": ["object"]}, out=numbers)
    shown = dataflow_text({"nodes": [read, fewer], "X": 1, "y": None}).split("\n")[1]
    assert shown.endswith("-> frame 3 x 3, dropped: ['zone']")


def test_a_folded_run_whose_outputs_differ_lists_them():
    """Round 27's iotdb notes: a cross-validation loop's first fold showed [8683, 34] where the
    final fit, its last fold, took 8684 rows, and the prompt read as contradicting itself."""

    def array(rows: int) -> dict:
        return {"kind": "array", "shape": [rows, 34], "dtype": "float64"}

    loop = [node(0, "pd.read_csv", [], out={"kind": "frame", "columns": ["a"], "rows": 500})]
    loop += [
        {**node(i, "opaque", [], out=array(8683 + (i == 5))), "line": 129} for i in range(1, 6)
    ]
    loop += [node(6, "DataFrame.__getitem__", [0], args=["y"])]
    loop += [node(7, "np.vstack", [1, 2, 3, 4, 5], out=array(8684))]
    dag, problem = from_trace({**trace_of(loop), "fits": [{"X_node": 7, "y_node": 6}]})
    assert problem is None
    text = dataflow_text(dag, limit=10)
    assert (
        "[x5 at this line: #1..#5; their outputs vary: array [8683, 34] float64, "
        "array [8684, 34] float64]"
    ) in text
