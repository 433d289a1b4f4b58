"""A failure goes back to the step at fault, sources included: a source misread on purpose makes
the prepare check fail, and the repair reaches the sources step (real sandbox, real client)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lester.agents.llm.proposer import LLMConfig, LLMProposer
from lester.agents.oracle.analysis import analyze
from lester.agents.runtime import Runtime
from lester.agents.steps import step_node
from lester.sandbox import open_sandbox

from tests.clinic_case import PREPARE_OK, make_case

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

SOURCES = """@lt.source
def people(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{data_dir}/data/people.csv"PEOPLE)


@lt.source
def visits(data_dir: str) -> lt.Frame:
    return lt.read_csv(f"{data_dir}/data/visits.csv")
"""
MISREAD = SOURCES.replace("PEOPLE", ", header=None, names=['pid', 'age']")  # the header row as data
CORRECT = SOURCES.replace("PEOPLE", "")


def test_a_misread_source_is_repaired_at_the_sources_step(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    llm_server.script([PREPARE_OK, f"```python\nimport lester as lt\n\n\n{CORRECT}```"])
    config = LLMConfig(model="scripted", base_url=llm_server.base_url, api_key="t", timeout=10)
    with open_sandbox("docker", data_dir=tmp_path) as sandbox:
        analysis = analyze(script, tmp_path, sandbox)
        rt = Runtime(sandbox, tmp_path / "run", llm=LLMProposer(config))
        state = {
            "script": str(script),
            "data_dir": str(tmp_path),
            "model": "scripted",
            "analysis": analysis.to_dict(),
            "parts": {"preamble": "import lester as lt", "sources": MISREAD},
            "attempts": {"sources": 1},
        }
        checked = step_node(state, rt, "prepare")  # the lifter has no rule: the model answers
        assert checked["next"] == "sources", checked["history"][-1]["problem"]
        assert checked["status"] == {"sources": "failed"}
        assert "31" in checked["feedback"]["sources"] and "30" in checked["feedback"]["sources"]
        repaired = step_node({**state, "feedback": checked["feedback"]}, rt, "sources")
    assert repaired["status"] == {"sources": "ok"}, repaired["history"][-1]["problem"]
    assert repaired["next"] == "prepare"
    assert "the sources step reads them" in llm_server.requests[1].text
    assert "header=None" not in repaired["parts"]["sources"]
