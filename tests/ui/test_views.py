"""The UI's view models: diffs, statuses, timeline, graph, record details, the stage map."""

from __future__ import annotations

from lester.agents.edit_fork import candidate_module
from lester.agents.traces import RunRow

from lester.ui.dataflow_view import MAX_SHOWN, dataflow_graph
from lester.ui.diff import line_diff
from lester.ui.graph_view import run_graph
from lester.ui.pipeline_map import compress, map_pipeline
from lester.ui.record_view import record_detail
from lester.ui.views import failing_record, inherited_count, record_status, timeline
from tests.ui.synthetic import MODULE, ORIGINAL, PREPARE_1, analysis, history


def _state(start: float = 100.0) -> dict:
    return {"script": "/x/messy.py", "history": history(start), "module": MODULE}


def _row(started: float = 100.0, parent: str | None = None) -> RunRow:
    return RunRow(
        "r",
        "/x/messy.py",
        "/x",
        "test",
        started,
        started + 7,
        "not-verified",
        None,
        3,
        2,
        220,
        parent,
        None,
        None,
    )


def test_line_diff_counts_and_context():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 10", "line ten").replace("line 19", "line 19\nline 20")
    diff = line_diff(old, new, context=2)
    assert (diff.added, diff.removed) == (2, 1)
    kinds = [line.kind for line in diff.lines]
    assert kinds[0] == "gap" and kinds.count("gap") == 2
    assert [(d.old, d.new) for d in diff.lines if d.kind == "del"] == [(11, None)]
    assert not line_diff("a\nb", "a\nb").changed
    assert line_diff("", "x").added == 1


def test_record_status_and_failing_record():
    records = history(0.0)
    assert [record_status(r) for r in records] == ["ok", "failed", "ok", "ok", "failed", "info"]
    assert failing_record(records) == 4
    assert failing_record(records[:1]) is None


def test_timeline_durations_and_inherited_records():
    state = _state()
    rows = timeline(state, _row(), inherited=0)
    assert [r.duration for r in rows] == [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert rows[1].tokens == 110 and rows[2].sandbox_time == 0.4
    assert rows[1].summary.startswith("Static check failed: - <script>")
    forked = timeline(state, _row(started=103.5), inherited=3)
    assert [r.inherited for r in forked] == [True] * 3 + [False] * 3
    assert forked[0].duration is None and forked[3].duration == 0.5 and forked[3].offset == 0.5


def test_inherited_count_compares_node_and_time():
    mine, parents = history(0.0), history(0.0)
    assert inherited_count(mine, parents[:4]) == 4
    assert inherited_count(mine, history(1.0)) == 0


def test_graph_marks_each_node_by_its_last_execution():
    graph = run_graph(history(0.0), "not-verified")
    status = {node.name: (node.status, node.runs, node.last) for node in graph.nodes}
    assert status["prepare"] == ("ok", 2, 2)
    assert status["verify"] == ("failed", 1, 4)
    assert status["encode"] == ("idle", 0, None)
    assert status["done"][0] == "failed"
    assert run_graph([], "running").nodes[-2].status == "idle"


def test_record_detail_diffs_against_the_previous_attempt():
    state = _state()
    detail = record_detail(state, 2)
    assert detail.diff is not None and detail.diff.changed
    assert "prepare attempt 1" in detail.diff_base
    assert detail.sandbox["wall_time"] == 0.4
    assert record_detail(state, 1).diff is None  # the first attempt
    verify = record_detail(state, 4)
    assert verify.diagnosis["step"] == "prepare" and verify.candidate == MODULE
    assert record_detail(state, 1, inherited=3).inherited and record_detail(state, 1).resumable


def test_candidate_module_at_each_record():
    state = _state()
    assert candidate_module(state, 0) is None
    assert PREPARE_1.strip().splitlines()[1] in candidate_module(state, 1)
    assert 'filter("age > 0")' in candidate_module(state, 2)
    assert candidate_module(state, 5) == MODULE  # diagnose: the candidate it judged


def test_pipeline_map_tags_stages_on_both_sides():
    mapped = map_pipeline(MODULE, ORIGINAL, analysis())
    blocks = {b.function: b for b in mapped.blocks}
    assert blocks["people"].original == [4]  # the line that read its file
    assert blocks["prepared"].stage == "data_preparation"
    assert blocks["model"].original == [7]
    tagged = {line.number: line.stage for line in mapped.original}
    assert tagged[5] == "features" and tagged[1] is None
    decorator = next(line for line in mapped.pipeline if line.text == "@lt.model")
    assert decorator.stage == "model"
    assert map_pipeline("def broken(:", ORIGINAL, analysis()).blocks == []
    assert compress([9, 3, 4, 5]) == "3-5, 9"


def _flow(n_extra: int = 0) -> dict:
    nodes = [
        {"id": 0, "op": "pd.read_csv", "line": 3, "inputs": [], "out": {"kind": "frame"}},
        {"id": 1, "op": "DataFrame.__getitem__", "line": 4, "inputs": [0], "args": ["age"]},
        {"id": 2, "op": "Series.__gt__", "line": 4, "inputs": [1], "args": [30]},
        {"id": 3, "op": "DataFrame.__getitem__", "line": 4, "inputs": [0, 2], "args": [{"ref": 2}]},
        {"id": 4, "op": "opaque", "line": 6, "inputs": [], "what": "a list"},
    ]
    for i in range(n_extra):
        nodes.append({"id": 5 + i, "op": "Series.abs", "line": 7, "inputs": [4 + i]})
    last = len(nodes)
    nodes.append(
        {
            "id": last,
            "op": "sklearn.fit",
            "line": 9,
            "inputs": [3, last - 1],
            "model": True,
            "estimator": {"class": "x.LogisticRegression"},
        }
    )
    return {"dataflow": {"nodes": nodes, "X": 3, "y": last - 1}}


def test_dataflow_graph_layers_from_reads_to_fit_and_links_lines():
    graph = dataflow_graph(_flow())
    by_id = {n.id: n for n in graph.nodes}
    assert sorted(by_id) == [0, 1, 2, 3, 4, 5]  # the fit and what X and y were computed from
    assert by_id[0].x < by_id[1].x < by_id[2].x < by_id[3].x < by_id[5].x  # inputs to the left
    assert by_id[5].label == "fit LogisticRegression" and by_id[5].kind == "sklearn"
    assert by_id[0].kind == "source" and by_id[4].kind == "opaque"
    assert by_id[1].label == "get age" and by_id[3].line == 4
    assert len(graph.edges) == 6 and graph.hidden == 0
    assert dataflow_graph({}) is None


def test_dataflow_graph_shows_the_operations_nearest_the_fit():
    graph = dataflow_graph(_flow(n_extra=MAX_SHOWN + 10))
    assert len(graph.nodes) == MAX_SHOWN and graph.hidden > 0
    assert max(n.id for n in graph.nodes) == MAX_SHOWN + 15
