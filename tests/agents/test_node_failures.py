"""No node ever crashes a run: each node, given inputs made to break it, ends the run as its own
failure with the error recorded, and the graph still reaches its end."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import MemorySaver
from lester.agents.graph import build_graph
from lester.agents.runtime import Runtime

from tests.ui.synthetic import analysis


class BrokenSandbox:
    """A sandbox whose every job raises, as a daemon that dies mid-run would."""

    backend, warning = "broken", None

    def run(self, job):
        raise RuntimeError("the sandbox went away")


def _run_from(node: str, values: dict, tmp_path: Path) -> dict:
    graph = build_graph(Runtime(BrokenSandbox(), tmp_path)).compile(checkpointer=MemorySaver())
    config = {"configurable": {"thread_id": node}, "recursion_limit": 20}
    base = {"script": str(tmp_path / "messy.py"), "data_dir": str(tmp_path), "model": "offline"}
    (tmp_path / "messy.py").write_text("import sklearn\n")
    if node == "analyse":
        return graph.invoke(base, config)
    graph.update_state(config, {**base, **values, "next": node}, as_node="analyse")
    return graph.invoke(None, config)


BREAKERS = {
    "analyse": {},
    "sources": {"analysis": {"model": "not a report", "sources": 7}},
    "prepare": {
        "analysis": analysis(),
        "parts": {"sources": "@lt.source\ndef s(data_dir): return 1"},
    },
    "encode": {"analysis": {**analysis(), "X_file": None, "outputs_dir": "/nonexistent"}},
    "label_model": {
        "analysis": {**analysis(), "y_file": "missing.npy", "outputs_dir": "/nonexistent"}
    },
    "assemble": {"parts": {"prepare": 42}},
    "verify": {"analysis": analysis(), "module": "import lester as lt\n"},
    "diagnose": {"verification": {"stage": ["not", "a", "stage"]}},
}


@pytest.mark.parametrize("node", list(BREAKERS))
def test_a_node_that_raises_ends_the_run_as_its_failure(node, tmp_path):
    final = _run_from(node, BREAKERS[node], tmp_path)
    assert final["outcome"] in ("error", "not-verified", "bad-input")
    assert final["message"]
    failed = [h for h in final["history"] if h.get("traceback")]
    if final["outcome"] == "error":
        assert failed and failed[-1]["problem"].startswith(f"{failed[-1]['node']} failed:")
