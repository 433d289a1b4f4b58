"""Edit forks: the parent's state up to the chosen record, the edit, one verification, a new run.

A candidate that fails the static form check is rejected before anything runs in the sandbox, so
these tests need no Docker; the UI's browser tests fork verified and failing candidates for real.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lester.agents.edit_fork import EditFork, fork_with_candidate
from lester.agents.trace_view import load_state
from lester.agents.traces import TraceStore

from tests.ui.synthetic import ORIGINAL, write_run

NOT_A_PIPELINE = '"""Edited by hand."""\n\nimport lester as lt\n'


@pytest.fixture
def parent(tmp_path: Path) -> tuple[Path, str]:
    script = tmp_path / "messy.py"
    script.write_text(ORIGINAL)
    store = TraceStore(tmp_path / ".lester")
    run_id = write_run(store, script)
    store.close()
    return tmp_path / ".lester", run_id


def test_fork_from_an_earlier_record_keeps_the_history_up_to_it(parent):
    traces, run_id = parent
    request = EditFork(traces, run_id, NOT_A_PIPELINE, record=2, sandbox="local")
    result = fork_with_candidate(request, lambda message: None)
    assert result.outcome == "not-verified"
    assert "did not verify" in result.message and result.verification["stage"]
    state = load_state(traces, result.run_id)
    nodes = [record["node"] for record in state["history"]]
    assert nodes == ["analyse", "prepare", "prepare", "assemble", "verify"]
    edit = state["history"][3]
    assert edit["module"] == NOT_A_PIPELINE and edit["problems"]
    assert edit["edited"]["run"] == run_id and edit["edited"]["record"] == 2
    assert 'filter("age > 0")' in edit["edited"]["base"]
    store = TraceStore(traces)
    row = store.get(result.run_id)
    store.close()
    assert (row.parent, row.model, row.outcome) == (run_id, "edited", "not-verified")


def test_fork_of_an_unknown_run_fails_before_it_starts(parent):
    traces, _ = parent
    with pytest.raises(LookupError):
        fork_with_candidate(EditFork(traces, "nope", NOT_A_PIPELINE), lambda message: None)
