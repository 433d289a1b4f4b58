"""`lester rewrite` end to end, offline, through the real sandbox and the real checkpointer."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import ROOT

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

LESTER = [sys.executable, "-m", "lester"]
STYLES = Path(__file__).parent / "styles"


def rewrite(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LESTER, "rewrite", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_running_example_rewrites_and_verifies_offline(example_copy: Path):
    original = (example_copy / "messy.py").read_text()
    result = rewrite(str(example_copy / "messy.py"), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout and "exact" in result.stdout
    written = (example_copy / "messy_lester.py").read_text()
    assert "@lt.prepare" in written and "Verified" in written
    assert (example_copy / "messy.py").read_text() == original
    listing = subprocess.run(
        [*LESTER, "trace", "list", "--traces", str(example_copy / ".lester")],
        capture_output=True,
        text=True,
    )
    assert "verified" in listing.stdout
    run_id = (
        sqlite3.connect(example_copy / ".lester" / "lester.sqlite")
        .execute("SELECT run_id FROM runs")
        .fetchone()[0]
    )
    shown = subprocess.run(
        [*LESTER, "trace", "show", "--full", "--traces", str(example_copy / ".lester"), run_id],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0 and "@lt.prepare" in shown.stdout
    assert ".select([" in shown.stdout  # code in square brackets is printed, not read as markup


@pytest.mark.parametrize(
    "case",
    [
        "credit_default_opensplit",  # open() + split, dict-lookup join, NumPy features
        "fraud_transactions_basic",  # the csv module, flags and one-hot built in the loop
        "housing_prices_basic",  # csv.DictReader, a regression model
    ],
)
def test_corpus_pipelines_of_other_styles_verify(tmp_path: Path, case: str):
    folder = tmp_path / case
    shutil.copytree(ROOT / "evals" / "corpus" / case, folder)
    result = rewrite(str(folder / "messy.py"), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert (folder / "messy_lester.py").is_file()


@pytest.mark.parametrize(
    "style",
    [
        "pandas_iterrows_apply",  # pandas filters, apply (row-wise and per column), iterrows
        "nested_loop_join",  # lists of tuples joined with a nested loop
        "minmax_bag_of_words",  # hand-written min-max scaling and bag of words, Ridge
        "per_key_aggregates",  # per-key counters and sums, per-group medians, inline lookups
    ],
)
def test_style_scripts_verify(tmp_path: Path, style: str):
    spec = importlib.util.spec_from_file_location("styles_generate", STYLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    shutil.copy(STYLES / f"{style}.py", tmp_path / f"{style}.py")
    result = rewrite(str(tmp_path / f"{style}.py"), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "VERIFIED" in result.stdout


def test_not_python_is_bad_input(tmp_path: Path):
    script = tmp_path / "broken.py"
    script.write_text("def (:\n")
    result = rewrite(str(script), "--model", "offline")
    assert result.returncode == 2 and "not valid Python" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.py"]


def test_unreadable_file_is_bad_input(tmp_path: Path):
    script = tmp_path / "binary.py"
    script.write_bytes(b"\xff\xfe\x00garbage")
    result = rewrite(str(script), "--model", "offline")
    assert result.returncode == 2 and "is not UTF-8 text" in result.stderr


def test_script_without_fit_is_bad_input(tmp_path: Path):
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    script = tmp_path / "nofit.py"
    script.write_text("rows = open('data.csv').read().splitlines()\nprint(len(rows))\n")
    result = rewrite(str(script), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 2, result.stdout
    assert "never fits a model" in result.stdout
    assert not (tmp_path / "nofit_lester.py").exists()


def test_missing_data_file_is_bad_input(example_copy: Path):
    (example_copy / "data" / "mails.csv").unlink()
    result = rewrite(str(example_copy / "messy.py"), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 2
    assert "FileNotFoundError" in result.stdout and "mails.csv" in result.stdout
    assert not (example_copy / "messy_lester.py").exists()


def test_killed_run_resumes_from_its_checkpoint(example_copy: Path):
    command = [
        *LESTER,
        "rewrite",
        str(example_copy / "messy.py"),
        "--model",
        "offline",
        "--sandbox",
        "docker",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    for line in process.stdout:
        if "encode: attempt" in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    time.sleep(1)
    db = sqlite3.connect(example_copy / ".lester" / "lester.sqlite")
    ((run_id, outcome),) = db.execute("SELECT run_id, outcome FROM runs").fetchall()
    assert outcome is None
    resumed = rewrite(
        str(example_copy / "messy.py"),
        "--model",
        "offline",
        "--sandbox",
        "docker",
        "--resume",
        run_id,
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "analyse:" not in resumed.stdout  # continued, not restarted
    assert db.execute("SELECT outcome FROM runs WHERE run_id = ?", (run_id,)).fetchone() == (
        "verified",
    )


def test_fork_reruns_from_a_step_without_repeating_the_analysis(example_copy: Path):
    first = rewrite(str(example_copy / "messy.py"), "--model", "offline", "--sandbox", "docker")
    assert first.returncode == 0
    db = sqlite3.connect(example_copy / ".lester" / "lester.sqlite")
    (parent,) = db.execute("SELECT run_id FROM runs").fetchone()
    fork = rewrite(
        str(example_copy / "messy.py"),
        "--model",
        "offline",
        "--sandbox",
        "docker",
        "--fork",
        parent,
        "--from",
        "encode",
    )
    assert fork.returncode == 0, fork.stdout + fork.stderr
    assert "analyse:" not in fork.stdout and "encode: attempt 1" in fork.stdout
    rows = db.execute("SELECT parent, outcome FROM runs ORDER BY started").fetchall()
    assert rows == [(None, "verified"), (parent, "verified")]
