"""`lester eval`: the report building on synthetic results, and the real CLI on two small cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lester.evals.cases import EvalInputError, copy_case, discover
from lester.evals.output import claim_out_dir
from lester.evals.report_html import render_html
from lester.evals.report_md import fenced, render_markdown
from lester.evals.results import diagnosis, failing_stage, per_idiom, results_document
from lester.evals.runner import Task, run_case
from typer.testing import CliRunner

from lester.cli import app

from ..conftest import ROOT

CORPUS = ROOT / "evals" / "corpus"
SMALL = ("credit_default_opensplit", "housing_prices_basic")
LESTER = [sys.executable, "-m", "lester"]
CONTRACT = {
    "name", "domain", "task", "idioms", "verified", "outcome", "levels", "attempts", "calls",
    "tokens", "wall_time", "failing_stage", "diagnosis", "run_id", "trace",
}  # fmt: skip


def record(name: str, verified: bool, idioms: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A case record as the runner writes it, with made-up values."""
    steps = ("sources", "prepare", "encode", "label_model")
    return {
        "name": name,
        "domain": "credit",
        "task": "classification",
        "idioms": idioms,
        "verified": verified,
        "outcome": "verified" if verified else "not-verified",
        "levels": {**dict.fromkeys(steps, "ok"), "verify": "exact" if verified else "mismatch"},
        "attempts": dict.fromkeys(steps, 1),
        "usage": {s: {"calls": 0, "tokens": 0} for s in steps},
        "calls": 0,
        "tokens": 0,
        "wall_time": 2.0,
        "failing_stage": None if verified else "encode",
        "diagnosis": "equal" if verified else "features differ in block 2",
        "run_id": f"run-{name}",
        "trace": f"cases/{name}/.lester",
        **extra,
    }


def synthetic() -> dict[str, Any]:
    cases = [
        record("a", True, {"reading": ["read-open-split"], "features": ["standardize"], "split": "none"}),
        record("b", False, {"reading": ["read-open-split", "read-jsonl"], "split": "none"}),
        record("c|pipe", False, {"reading": ["read-jsonl"]}, diagnosis="<script>alert(1)</script> & ```"),
    ]  # fmt: skip
    return results_document(
        corpus="evals/corpus",
        model="offline",
        sandbox="docker",
        started="t",
        seconds=9.0,
        cases=cases,
    )


# ---- results and reports -------------------------------------------------------------------------


def test_per_idiom_counts_every_tag_once_per_case_and_the_split_style():
    shares = per_idiom(synthetic()["cases"])
    assert shares["read-open-split"] == {"cases": 2, "verified": 1, "share": 0.5}
    assert shares["read-jsonl"] == {"cases": 2, "verified": 0, "share": 0.0}
    assert shares["standardize"] == {"cases": 1, "verified": 1, "share": 1.0}
    assert shares["split:none"]["cases"] == 2


def test_summary_counts_verified_failures_and_stages():
    summary = synthetic()["summary"]
    assert (summary["cases"], summary["verified"]) == (3, 1)
    assert summary["median_wall_time"] == 2.0
    assert summary["failures_by_stage"] == {"encode": 2}
    assert summary["per_stage"]["verify"]["passed"] == 1
    assert summary["per_stage"]["encode"]["attempts"] == 3


def test_failing_stage_is_where_the_run_stopped():
    assert failing_stage({"history": [{"node": "analyse"}]}) == "analyse"
    assert failing_stage({"history": [{"node": "encode"}]}) == "encode"
    diagnosed = {"history": [{"node": "diagnose"}], "verification": {"stage": "features"}}
    assert failing_stage(diagnosed) == "encode"
    assembled = {"history": [{"node": "diagnose"}], "verification": {"stage": "assemble"}}
    assert failing_stage(assembled) == "assemble"


def test_diagnosis_is_the_failing_steps_own_problem_else_the_evidence():
    state = {
        "feedback": {"prepare": "line 3: no rule\nmore"},
        "verification": {"text": "X differs"},
    }
    assert diagnosis(state, "prepare", "step prepare failed: line 3") == (
        "step prepare failed: line 3: no rule\nmore"
    )
    assert diagnosis(state, "encode", "not verified") == "X differs"
    assert diagnosis({}, "analyse", "no fit call") == "no fit call"


def test_markdown_has_a_row_per_case_and_every_failure_with_its_diagnosis():
    text = render_markdown(synthetic())
    assert "| a | credit | classification | verified (exact) | ok (1) |" in text
    assert "| c\\|pipe |" in text  # a pipe in a cell does not split the row
    assert "| read-jsonl | 2 | 0 | 0% |" in text
    assert "### b: not-verified at encode" in text and "features differ in block 2" in text
    assert "````text\n<script>alert(1)</script> & ```\n````" in text


def test_fence_is_longer_than_any_backtick_run():
    assert fenced("a ````` b")[0] == "``````text"


def test_html_escapes_diagnoses_and_is_self_contained():
    page = render_html(synthetic())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ```" in page
    assert page.count("<svg") == 5
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and " src=" not in page and "<link" not in page


# ---- cases and the results folder ----------------------------------------------------------------


def test_discover_selects_by_pattern_and_rejects_no_match():
    assert [c.name for c in discover(CORPUS, "titanic_*,housing_prices_basic")] == [
        "housing_prices_basic",
        "titanic_classic",
        "titanic_loops",
        "titanic_partitions_jsonl",
    ]
    with pytest.raises(EvalInputError):
        discover(CORPUS, "no_such_case")
    with pytest.raises(EvalInputError, match="'titanic_clasic'"):  # one mistyped name of two
        discover(CORPUS, "titanic_clasic,housing_prices_basic")


def test_copy_leaves_previous_rewrites_behind(tmp_path: Path):
    corpus = tmp_path / "corpus"
    case_dir = corpus / "one"
    (case_dir / ".lester").mkdir(parents=True)
    (case_dir / "messy.py").write_text("print(1)\n")
    (case_dir / "messy_lester.py").write_text("# old\n")
    (case_dir / "meta.json").write_text('{"domain": "x", "idioms": {"split": "none"}}')
    script = copy_case(discover(corpus)[0], tmp_path / "copy")
    assert sorted(p.name for p in script.parent.iterdir()) == ["messy.py", "meta.json"]


def test_results_folder_is_never_reused(tmp_path: Path):
    assert claim_out_dir(tmp_path / "new").is_dir()
    with pytest.raises(EvalInputError):
        claim_out_dir(tmp_path / "new")


def test_a_crash_in_the_agent_becomes_an_error_record(tmp_path: Path, monkeypatch):
    def crash(options, progress):
        error = NameError("name 'x' is not defined")
        error.add_note("During task with name 'verify' and id '42'")
        raise error

    monkeypatch.setattr("lester.agents.rewrite.rewrite", crash)
    case = discover(CORPUS, "housing_prices_basic")[0]
    task = Task(case, copy_case(case, tmp_path / "copy"), "offline", "local", "copy/.lester")
    record = run_case(task)
    assert (record["outcome"], record["failing_stage"], record["verified"]) == (
        "error",
        "verify",
        False,
    )
    assert record["diagnosis"].startswith("the agent raised NameError: name 'x' is not defined")
    assert "in crash" in record["diagnosis"]  # the innermost frame
    assert "NameError" in (tmp_path / "copy" / "rewrite.log").read_text()


@pytest.mark.parametrize(
    "args",
    [["--corpus", "/no/such/corpus"], ["--cases", "no_such_case"], ["--sandbox", "vm"]],
)
def test_bad_input_exits_2(args: list[str]):
    result = CliRunner().invoke(app, ["eval", "--corpus", str(CORPUS), *args])
    assert result.exit_code == 2, result.output


# ---- end to end --------------------------------------------------------------------------------


def corpus_status() -> str:
    """The corpus's git status, ignored files included (a stray `.lester/` would be ignored)."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--", "evals/corpus"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run_eval(out: Path) -> dict[str, Any]:
    args = ["eval", "--model", "offline", "--cases", ",".join(SMALL), "--jobs", "2"]
    result = subprocess.run(
        [*LESTER, *args, "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "eval: 2/2 verified (100%)" in result.stdout, result.stdout
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str, str]:
    before = corpus_status()
    out = tmp_path_factory.mktemp("eval") / "results"
    doc = run_eval(out)
    return out, doc, before, corpus_status()


@pytest.mark.docker
@pytest.mark.e2e
def test_eval_cli_on_two_cases(first_run: tuple[Path, dict[str, Any], str, str]):
    out, doc, before, after = first_run
    assert after == before
    assert {"corpus", "model", "started", "seconds", "summary", "cases"} <= doc.keys()
    assert [c["name"] for c in doc["cases"]] == list(SMALL)
    for case in doc["cases"]:
        assert case.keys() >= CONTRACT
        assert case["verified"] is True and case["outcome"] == "verified"
        assert case["levels"]["verify"] in ("exact", "rows-permuted", "columns-permuted")
        assert case["calls"] == 0 and case["failing_stage"] is None
        assert (out / case["trace"] / "lester.sqlite").is_file()
    assert doc["summary"]["verified"] == 2
    assert (out / "report.md").is_file() and (out / "report.html").is_file()


@pytest.mark.docker
@pytest.mark.e2e
@pytest.mark.slow
def test_repeated_offline_runs_agree(
    first_run: tuple[Path, dict[str, Any], str, str], tmp_path: Path
):
    def verdicts(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        keys = ("name", "verified", "outcome", "levels", "attempts", "failing_stage")
        return [tuple(json.dumps(c[k], sort_keys=True) for k in keys) for c in doc["cases"]]

    assert verdicts(run_eval(tmp_path / "again")) == verdicts(first_run[1])
