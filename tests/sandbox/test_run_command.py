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
    assert (out / "model.joblib").is_file() and (out / "features" / "0" / "00000.npy").is_file()


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


class _FakeSandbox:
    """Stands in for `open_sandbox`: records the job and answers with a result stopped by the
    limit `killed_by` (or with outputs left out, when `omitted`)."""

    def __init__(self, killed_by: str | None, omitted: list[str]) -> None:
        self.killed_by, self.omitted, self.jobs = killed_by, omitted, []

    def __call__(self, backend: str, data_dir: Path) -> _FakeSandbox:
        return self

    def __enter__(self) -> _FakeSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, job):
        from lester.sandbox import SandboxResult

        self.jobs.append(job)
        ok = self.killed_by is None
        result = SandboxResult(
            "docker", 0 if ok else -9, "", "", 1.0, None, self.killed_by, Path("/nonexistent"),
            {"status": "ok"} if ok else None, outputs_omitted=self.omitted,
        )  # fmt: skip
        result.limits = job.limits()
        return result


@pytest.mark.parametrize(
    ("killed_by", "omitted", "expected"),
    [
        ("memory", [], "more than its 512 MB memory limit and was killed; raise it with --memory-mb (or LESTER_RUN_MEMORY_MB)"),
        ("scratch", [], "filled its 300 MB scratch area (No space left on device): it writes more than the scratch limit allows; raise it with --scratch-mb (or LESTER_RUN_SCRATCH_MB)"),
        ("timeout", [], "ran past its 7 s wall-clock limit and was killed; raise it with --timeout"),
        (None, ["run/X_train.npy"], "exceed the 300 MB that may be copied out of the sandbox (run/X_train.npy left out); raise it with --scratch-mb"),
    ],
)  # fmt: skip
def test_a_run_stopped_by_a_limit_names_the_option_that_raises_it(
    project: Path, tmp_path: Path, monkeypatch, killed_by, omitted, expected
) -> None:
    import lester.sandbox
    from typer.testing import CliRunner

    from lester.cli import app

    fake = _FakeSandbox(killed_by, omitted)
    monkeypatch.setattr(lester.sandbox, "open_sandbox", fake)
    monkeypatch.setenv("LESTER_RUN_SCRATCH_MB", "300")  # the environment sets a default
    args = ["run", str(project / "pipeline.py"), "--out", str(tmp_path / "run")]
    done = CliRunner().invoke(app, [*args, "--memory-mb", "512", "--timeout", "7"])
    assert done.exit_code == 1, done.output
    assert expected in " ".join(done.output.split())
    (job,) = fake.jobs
    assert (job.memory_mb, job.scratch_mb, job.timeout) == (512, 300, 7)
    assert job.outputs_cap_bytes == 300 * 1024 * 1024
    assert not (tmp_path / "run").exists()


def test_run_limits_have_documented_defaults_and_bounds(project: Path, tmp_path: Path) -> None:
    from lester.sandboxed_run import DEFAULT_MEMORY_MB, DEFAULT_SCRATCH_MB

    help_text = lester("run", "--help", env={"COLUMNS": "200"}).stdout
    assert f"default: {DEFAULT_MEMORY_MB}" in help_text and "LESTER_RUN_MEMORY_MB" in help_text
    assert f"default: {DEFAULT_SCRATCH_MB}" in help_text and "LESTER_RUN_SCRATCH_MB" in help_text
    done = lester("run", str(project / "pipeline.py"), "--memory-mb", "10")
    assert done.returncode == 2 and "--memory-mb" in done.stderr


@pytest.mark.docker
def test_a_run_over_its_memory_limit_says_how_to_raise_it(project: Path, tmp_path: Path):
    pipeline = project / "pipeline.py"
    model = "    return LogisticRegression(C=1.0, max_iter=1000)"
    hog = "    _hog = bytearray(1 << 30)\n    return LogisticRegression(C=1.0, max_iter=1000)"
    pipeline.write_text(pipeline.read_text().replace(model, hog))
    out = tmp_path / "run"
    done = lester(
        "run", str(pipeline), "--out", str(out), "--sandbox", "docker", "--memory-mb", "768"
    )
    assert done.returncode == 1, done.stdout + done.stderr
    message = " ".join(done.stderr.split())
    assert "more than its 768 MB memory limit" in message and "raise it with --memory-mb" in message
    assert not out.exists()
