"""Issue 14, defects 7, 8 and 9 on the model path: the use of the API is checked before any run,
the prepare check holds the prepared rows against the split right after `prepare` (count and
content), and `--no-lifter` leaves every step to the model in `lester rewrite` and `lester eval`.
The real ChatOpenAI client against the scripted endpoint, every candidate in the real sandbox."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lester.agents.rewrite import RewriteOptions, rewrite
from lester.agents.trace_view import load_state

from tests.agents.model_path import flat, records, rewrite_with, section, user_text
from tests.clinic_case import PREPARE_OK, make_case
from tests.model_cases import CLINIC_LABEL, CLINIC_SOURCES, LABEL, fenced, make

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

LESTER = [sys.executable, "-m", "lester"]
CLINIC_ENCODE = fenced(
    """
    from sklearn.compose import ColumnTransformer


    @lt.encode
    def features() -> ColumnTransformer:
        return ColumnTransformer([("num", "passthrough", ["minutes", "age"])])
    """
)
CLINIC_ANSWERS = [CLINIC_SOURCES, PREPARE_OK, CLINIC_ENCODE, CLINIC_LABEL]


def test_a_lifter_candidate_that_misuses_the_api_fails_before_any_sandbox_run(tmp_path: Path):
    script = make(tmp_path, "sales")
    result = rewrite(RewriteOptions(script, model="offline", sandbox="docker"), lambda _: None)

    assert result.outcome == "not-verified"
    prepare = records(load_state(tmp_path / ".lester", result.run_id), "prepare")
    assert len(prepare) == 1 and "sandbox" not in prepare[0]  # nothing ran
    assert "Frame.filter_by with no columns" in prepare[0]["problem"]
    assert "reads the frame(s) ['sales']" in prepare[0]["problem"]


def test_a_model_candidate_that_misuses_the_api_is_repaired_before_any_sandbox_run(
    tmp_path: Path, llm_server
):
    script = make_case(tmp_path)
    misuse = fenced(
        """
        @lt.prepare
        def prepared(people: lt.Frame, visits: lt.Frame) -> lt.Frame:
            joined = visits.join(people, on="pid")
            aged = joined.project("decade", "agee", lambda a, b: a // 10)
            return aged.select(lambda c: c)
        """
    )
    llm_server.script([misuse, PREPARE_OK])
    result, state = rewrite_with(script, llm_server)

    assert result.outcome == "verified", result.message
    first, second = records(state, "prepare")
    assert "sandbox" not in first and "sandbox" in second
    for finding in (
        "Frame.project reads column(s) ['agee'], which the frame does not have",
        "passes 1 column(s) ['agee'] to a lambda of 2 parameter(s) ['a', 'b']",
        "Frame.select's 'columns' takes Sequence[str], got a lambda",
    ):
        assert finding in first["problem"]
        assert finding in user_text(llm_server, 1)


ADULTS_PREPARE = """
    @lt.prepare
    def adults(people: lt.Frame) -> lt.Frame:
        return BODY
"""
ADULTS_ANSWERS = [
    fenced(
        """
        import lester as lt


        @lt.source
        def people(data_dir: str) -> lt.Frame:
            return lt.read_csv(f"{data_dir}/data/people.csv")
        """
    ),
    fenced(ADULTS_PREPARE.replace("BODY", "people")),  # the age filter left out
    fenced(ADULTS_PREPARE.replace("BODY", 'people.filter("age >= 18").sort("income")')),
    fenced(ADULTS_PREPARE.replace("BODY", 'people.filter("age >= 18")')),
    fenced(
        """
        from sklearn.compose import ColumnTransformer


        @lt.split
        def split():
            return lt.random_split(test_size=0.25, random_state=0)


        @lt.encode
        def features() -> ColumnTransformer:
            return ColumnTransformer([("num", "passthrough", ["age", "income"])])
        """
    ),
    fenced(LABEL.replace("CONDITION", 'data["income"] > 50')),
]


def test_the_prepare_check_holds_the_rows_against_the_split_before_encode_is_written(
    tmp_path: Path, llm_server
):
    script = make(tmp_path, "adults")
    llm_server.script(ADULTS_ANSWERS)
    result, state = rewrite_with(script, llm_server, no_lifter=True)

    assert result.outcome == "verified", result.message
    split = state["analysis"]["split"]
    missing_filter, sorted_rows, right = (r["problem"] for r in records(state, "prepare"))
    assert f"the original's split selects from {split['rows']}" in missing_filter
    assert "holds the values of the fitted X's column" in sorted_rows
    assert "the prepared rows are others, or in another order" in sorted_rows
    assert right is None
    asked = [user_text(llm_server, i).splitlines()[0] for i in range(6)]
    assert asked[1:4] == ["Step: rewrite the data preparation of `adults.py`."] * 3
    assert asked[4].startswith("Step: extract the feature encoding")  # only after the check passed
    contract = section(flat(user_text(llm_server, 1)), "What this step must agree on", "The other")
    assert (
        f"the preparation must give {split['rows']} rows, in the order the original had" in contract
    )


def _env(server) -> dict[str, str]:
    return {
        **os.environ,
        "LESTER_BASE_URL": server.base_url,
        "LESTER_API_KEY": "test",
        "LESTER_LLM_TIMEOUT": "10",
        "LESTER_LLM_MAX_RETRIES": "0",
    }


def test_rewrite_without_the_lifter_has_the_model_write_every_step(tmp_path: Path, llm_server):
    script = make_case(tmp_path)
    llm_server.script(CLINIC_ANSWERS)
    args = ["rewrite", str(script), "--no-lifter", "--model", "scripted", "--sandbox", "docker"]
    done = subprocess.run(
        [*LESTER, *args], capture_output=True, text=True, timeout=600, env=_env(llm_server)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    run_id = done.stdout.split("run ", 1)[1].split(":", 1)[0].strip()
    state = load_state(tmp_path / ".lester", run_id)
    assert state["authors"] == dict.fromkeys(
        ("sources", "prepare", "encode", "label_model"), "llm:scripted"
    )
    assert len(llm_server.requests) == 4
    assert all("offline lifter" not in user_text(llm_server, i) for i in range(4))
    offline = subprocess.run(
        [*LESTER, "rewrite", str(script), "--no-lifter", "--model", "offline"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        offline.returncode == 2 and "--no-lifter needs a model" in offline.stdout + offline.stderr
    )


def test_after_a_repair_of_its_own_check_a_step_goes_on_to_the_steps_never_written(
    tmp_path: Path, llm_server
):
    """Round 33's churn: the encoder failed its static check, its repair passed, and the run went
    to the assembly, whose "missing stage" reached the label step as a repair of no code."""
    script = make_case(tmp_path)
    undefined = CLINIC_ENCODE.replace('["minutes", "age"]', "COLUMNS")
    llm_server.script([CLINIC_SOURCES, PREPARE_OK, undefined, CLINIC_ENCODE, CLINIC_LABEL])
    result, state = rewrite_with(script, llm_server, no_lifter=True)

    assert result.outcome == "verified", result.message
    assert "undefined name 'COLUMNS'" in flat(user_text(llm_server, 3))  # the encoder's repair
    label = flat(user_text(llm_server, 4))
    assert "Repair (attempt" not in label and "missing stage" not in label
    assert [r["attempt"] for r in records(state, "label_model")] == [1]
    assert not [r for r in state["history"] if r.get("node") == "assemble" and r.get("problem")]


def test_eval_without_the_lifter_records_calls_tokens_and_attempts_per_step(
    tmp_path: Path, llm_server
):
    case = tmp_path / "corpus" / "clinic_model"
    script = make_case(case)
    shutil.move(script, case / "messy.py")
    meta = {"name": "clinic_model", "domain": "health", "task": "classification", "idioms": {}}
    (case / "meta.json").write_text(json.dumps(meta))
    llm_server.script(CLINIC_ANSWERS)
    out = tmp_path / "results"
    args = ["eval", "--corpus", str(tmp_path / "corpus"), "--no-lifter", "--model", "scripted"]
    done = subprocess.run(
        [*LESTER, *args, "--jobs", "1", "--out", str(out), "--sandbox", "docker"],
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(llm_server),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["lifter"] is False and doc["model"] == "scripted"
    (record,) = doc["cases"]
    assert record["verified"] is True, record["diagnosis"]
    assert record["calls"] == 4 and record["tokens"] == 4 * 120
    assert record["attempts"] == dict.fromkeys(("sources", "prepare", "encode", "label_model"), 1)
    assert record["usage"]["prepare"] == {
        "calls": 1,
        "tokens": 120,
        "prompt_tokens": 100,
        "completion_tokens": 20,
    }
    assert set(record["authors"].values()) == {"llm:scripted"}
