"""The LLM path of the agent end to end: the real ChatOpenAI client against a local scripted server,
every candidate in the real sandbox, the loop driven by static and sandbox feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from lester.agents.llm.proposer import LLMConfig, LLMProposer
from lester.agents.rewrite import RewriteOptions, rewrite
from lester.agents.state import Budgets
from lester.agents.trace_view import load_state

from tests.clinic_case import PREPARE_OK, make_case
from tests.llm_server import Answer, Fail

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def run(script: Path, server, **budgets) -> object:
    config = LLMConfig(
        model="scripted", base_url=server.base_url, api_key="test", timeout=10, max_retries=1
    )
    options = RewriteOptions(
        script,
        model="scripted",
        sandbox="docker",
        llm=LLMProposer(config),
        budgets=Budgets(**budgets),
        job_timeout=20,
    )
    return rewrite(options, lambda message: None)


def test_loop_converges_after_a_syntax_error_and_a_wrong_join(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    llm_server.script(
        [
            Answer(
                "```python\n@lt.prepare\ndef prepared(people, visits)\n    return visits\n```",
                prompt_tokens=100,
                completion_tokens=10,
            ),
            Answer(
                PREPARE_OK.replace('on="pid")', 'on="pid", how="left")'),
                prompt_tokens=200,
                completion_tokens=20,
            ),
            Answer(PREPARE_OK, prompt_tokens=300, completion_tokens=30),
        ]
    )
    result = run(script, llm_server)
    assert result.outcome == "verified", result.message
    state = load_state(tmp_path / ".lester", result.run_id)
    attempts = [h for h in state["history"] if h.get("node") == "prepare"]
    assert [a["proposal"]["proposer"] for a in attempts] == ["llm:scripted"] * 3
    assert "syntax" in attempts[0]["problem"].lower()
    assert (
        "rows" in attempts[1]["problem"]
        and "left" not in attempts[2]["proposal"]["parts"]["prepare"]
    )
    assert attempts[2]["problem"] is None
    assert state["usage"]["prepare"] == {"calls": 3, "prompt_tokens": 600, "completion_tokens": 60}
    # the repair prompts carried the previous diagnosis
    assert "Static check failed" in llm_server.requests[1].text
    assert "rows" in llm_server.requests[2].text
    assert (tmp_path / "clinic_lester.py").is_file()


def test_server_errors_fail_clearly_and_the_budget_stops_the_run(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    llm_server.script([Fail(500, "boom")] * 4 + ["no code here, sorry"] * 4)
    result = run(script, llm_server, per_step=2, total=6)
    assert result.outcome == "not-verified"
    state = load_state(tmp_path / ".lester", result.run_id)
    errors = [h["proposal"]["error"] for h in state["history"] if h.get("node") == "prepare"]
    assert "HTTP 500" in errors[0]
    assert len(errors) == 2  # the per-step budget
    assert not (tmp_path / "clinic_lester.py").exists()


def test_an_unanswered_request_is_asked_again_as_it_was_not_as_a_repair(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    llm_server.script([Fail(500, "boom"), Fail(500, "boom"), Answer(PREPARE_OK)])
    result = run(script, llm_server)
    assert result.outcome == "verified", result.message
    first, retried, asked_again = llm_server.requests[:3]
    assert asked_again.text == first.text == retried.text
    assert "Repair (attempt" not in asked_again.text and "(no code)" not in asked_again.text
    state = load_state(tmp_path / ".lester", result.run_id)
    prepares = [h for h in state["history"] if h.get("node") == "prepare"]
    assert [h["attempt"] for h in prepares] == [1, 2]
    assert "HTTP 500" in prepares[0]["problem"] and prepares[1]["problem"] is None


def test_candidate_that_opens_the_network_or_deletes_data_is_contained(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    hostile = PREPARE_OK.replace(
        "    joined =",
        "    import os, socket\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    joined =",
    )
    deleting = PREPARE_OK.replace(
        "    joined =", "    import os\n    os.remove('data/people.csv')\n    joined ="
    )
    llm_server.script([Answer(hostile), Answer(deleting), Answer(PREPARE_OK)])
    result = run(script, llm_server)
    state = load_state(tmp_path / ".lester", result.run_id)
    problems = [h["problem"] for h in state["history"] if h.get("node") == "prepare"]
    assert (
        "network" in problems[0].lower()
        or "unreachable" in problems[0].lower()
        or "OSError" in problems[0]
    )
    assert problems[1] is not None
    assert (tmp_path / "data" / "people.csv").is_file()
    assert result.outcome == "verified", result.message


def test_candidate_that_never_terminates_is_killed(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    endless = PREPARE_OK.replace(
        "@lt.prepare", "def spin():\n    while True:\n        pass\n\n\n@lt.prepare"
    ).replace("    joined =", "    spin()\n    joined =")
    llm_server.script([Answer(endless), Answer(PREPARE_OK)])
    result = run(script, llm_server)
    state = load_state(tmp_path / ".lester", result.run_id)
    first = next(h for h in state["history"] if h.get("node") == "prepare")
    assert first["sandbox"]["killed_by"] == "timeout"
    assert result.outcome == "verified"
