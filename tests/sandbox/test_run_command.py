"""`lester run PIPELINE.py` executes the module in the sandbox, never on the host (issue 15,
finding 5), and checks its --out before anything runs (finding 8)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

LESTER = [sys.executable, "-m", "lester"]
BACKENDS = [
    pytest.param("docker", marks=pytest.mark.docker),
    pytest.param("local", marks=pytest.mark.slow),
]
PAYLOAD = """

import os as _os
from pathlib import Path as _Path

for _target in ({marker!r}, str(_Path(__file__).with_name("PWNED"))):
    try:
        _Path(_target).write_text("payload ran with " + _os.environ.get({secret!r}, "no secret"))
    except OSError:
        pass
"""


def lester(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*LESTER, *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "creditcard"
    shutil.copytree(EXAMPLE / "data", folder / "data")
    shutil.copy(EXAMPLE / "pipeline.py", folder / "pipeline.py")
    return folder


@pytest.mark.parametrize("backend", BACKENDS)
def test_run_executes_the_module_in_the_sandbox(project: Path, tmp_path: Path, backend: str):
    marker = tmp_path / "host" / "PWNED"
    marker.parent.mkdir()
    secret = f"LESTER_TEST_SECRET_{uuid.uuid4().hex}"
    pipeline = project / "pipeline.py"
    pipeline.write_text(pipeline.read_text() + PAYLOAD.format(marker=str(marker), secret=secret))
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    out = tmp_path / "run"
    done = lester("run", str(pipeline), "--out", str(out), "--sandbox", backend, env={secret: "x"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"sandbox          │ {backend}" in done.stdout.replace("┃", "│")
    assert not marker.exists(), "the module ran on the host"
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    meta = json.loads((out / "meta.json").read_text())
    assert meta["pipeline_path"] == str(pipeline.resolve())
    assert meta["data_dir"] == str(project.resolve())
    assert (out / "model.joblib").is_file() and (out / "X_train.npy").is_file()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failing_pipeline_exits_1_with_its_error(project: Path, tmp_path: Path, backend: str):
    pipeline = project / "pipeline.py"
    model = "    return LogisticRegression(C=1.0, max_iter=1000)"
    pipeline.write_text(pipeline.read_text().replace(model, "    return 1 / 0"))
    done = lester("run", str(pipeline), "--out", str(tmp_path / "run"), "--sandbox", backend)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "the pipeline failed: stage 'model': ZeroDivisionError" in done.stderr
    assert not (tmp_path / "run").exists()


def test_out_is_checked_before_the_run(project: Path, tmp_path: Path) -> None:
    pipeline = str(project / "pipeline.py")
    existing = tmp_path / "existing"
    existing.mkdir()
    for out, message in [
        (existing, "already exists"),
        (tmp_path / "missing" / "run", "does not exist"),
    ]:
        done = lester("run", pipeline, "--out", str(out), "--sandbox", "docker", "--timeout", "1")
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "sandbox:" not in done.stderr, "the sandbox was opened before --out was checked"
    assert lester("run", str(tmp_path / "nope.py")).returncode == 2
