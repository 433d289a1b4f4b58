"""`lester analyze` and `lester verify` as a user runs them: exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.e2e]


def lester(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lester", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_verify_accepts_the_hand_written_pipeline_and_rejects_a_broken_one(example_copy: Path):
    ok = lester(
        "verify",
        str(example_copy / "messy.py"),
        str(example_copy / "pipeline.py"),
        "--sandbox",
        "docker",
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "MATCH (exact)" in ok.stdout
    broken = example_copy / "broken.py"
    broken.write_text((example_copy / "pipeline.py").read_text().replace("C=1.0", "C=2.0"))
    bad = lester("verify", str(example_copy / "messy.py"), str(broken), "--sandbox", "docker")
    assert bad.returncode == 1 and "parameter C" in bad.stdout


def test_analyze_reports_a_script_that_raises(tmp_path: Path):
    script = tmp_path / "raises.py"
    script.write_text("import sklearn\nraise ValueError('no data today')\n")
    result = lester("analyze", str(script), "--sandbox", "docker")
    assert result.returncode == 1
    assert "ValueError: no data today" in result.stdout
    assert "Traceback" not in result.stderr


def test_bad_inputs_exit_2(tmp_path: Path, example_copy: Path):
    assert lester("analyze", str(tmp_path / "missing.py")).returncode == 2
    (tmp_path / "notes.txt").write_text("hello")
    assert lester("analyze", str(tmp_path / "notes.txt")).returncode == 2
    missing = lester("verify", str(example_copy / "messy.py"), str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
