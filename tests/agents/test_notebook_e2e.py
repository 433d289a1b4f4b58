"""`lester rewrite analysis.ipynb` end to end: offline, through the real sandbox, with magics,
markdown cells and a cell that writes a file; the trace and the UI name cells and lines."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lester.ui.app import UIConfig, create_app

from ..notebooks import ANALYSIS_CELLS, people_csv, write_notebook

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

LESTER = [sys.executable, "-m", "lester"]


def lester(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LESTER, *args], capture_output=True, text=True, timeout=600)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def analysis(tmp_path: Path) -> Path:
    people_csv(tmp_path / "people.csv")
    return write_notebook(tmp_path / "analysis.ipynb", ANALYSIS_CELLS)


def test_a_notebook_rewrites_verifies_and_names_its_cells(analysis: Path):
    before = digest(analysis)
    result = lester("rewrite", str(analysis), "--model", "offline", "--sandbox", "docker")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "notebook: cell 2, line 1: dropped the magic %matplotlib inline" in result.stdout
    written = analysis.with_name("analysis_lester.py")
    assert "Verified" in written.read_text() and "of analysis.ipynb" in written.read_text()
    assert digest(analysis) == before
    assert not (analysis.parent / "prepared.csv").exists()  # written in the sandbox only
    traces = analysis.parent / ".lester"
    run_id = (
        sqlite3.connect(traces / "lester.sqlite").execute("SELECT run_id FROM runs").fetchone()[0]
    )
    shown = lester("trace", "show", run_id, "--traces", str(traces))
    assert "source people.csv: 120 rows, pandas (cell 3, line 2)" in shown.stdout
    assert "fitted at cell 8, line 4" in shown.stdout
    page = TestClient(create_app(UIConfig(traces=traces))).get(
        f"/runs/{run_id}/pipeline?fragment=1"
    )
    assert 'title="cell 8, line 4"' in page.text and "cell 3, line 2" in page.text


def test_analyze_and_verify_take_a_notebook(analysis: Path):
    analyzed = lester("analyze", str(analysis), "--sandbox", "docker")
    assert analyzed.returncode == 0, analyzed.stdout + analyzed.stderr
    assert "stage model: cell 8, line 4" in analyzed.stdout
    rewritten = lester("rewrite", str(analysis), "--model", "offline", "--sandbox", "docker")
    assert rewritten.returncode == 0, rewritten.stdout + rewritten.stderr
    verified = lester(
        "verify",
        str(analysis),
        str(analysis.with_name("analysis_lester.py")),
        "--sandbox",
        "docker",
    )
    assert verified.returncode == 0 and "MATCH (exact)" in verified.stdout


def test_a_failing_cell_is_named(tmp_path: Path):
    people_csv(tmp_path / "people.csv")
    cells = [("code", "import pandas as pd"), ("markdown", "x"), ("code", "x = 1\n1 / 0")]
    result = lester("analyze", str(write_notebook(tmp_path / "nb.ipynb", cells)))
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stdout and "cell 3, line 2" in result.stdout


def test_a_notebook_that_needs_ipython_is_refused_with_exit_2(tmp_path: Path):
    cells = [("code", "files = !ls\nprint(len(files))")]
    result = lester("rewrite", str(write_notebook(tmp_path / "nb.ipynb", cells)))
    assert result.returncode == 2
    assert "needs IPython: files is assigned at cell 1, line 1" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
