"""`forget --in-place` killed (-9) at every step of its commit: no copy of the forgotten person's
rows exists anywhere under the run's parent, and the next command completes or undoes the change
(issue #15, finding 7)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lester.abstraction.commit import STEPS

import lester as lt

from .saved_runs import adult_in_training, files_holding, lester, name_of, saved_people_run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("pristine")
    run_dir, run = saved_people_run(root)
    return run_dir, adult_in_training(run)


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_kill_at_every_step_leaves_no_copy(pristine, tmp_path, step):
    source, pid = pristine
    parent = tmp_path / "runs"
    parent.mkdir()
    run_dir = parent / "run"
    shutil.copytree(source, run_dir)
    name = name_of(pid)
    args = [
        "forget",
        str(run_dir),
        "--source",
        "people",
        "--where",
        f"name == '{name}'",
        "--in-place",
    ]
    killed = lester(*args, env={"LESTER_CRASH_AT": step})
    assert killed.returncode == -9, (killed.stdout, killed.stderr)
    # Right after the kill, the person's rows are nowhere but in the run's own files.
    holders = files_holding(parent, name)
    assert all(run_dir in p.parents and ".lester" not in str(p) for p in holders), holders
    # The next command that opens the run completes (or, before the journal, undoes) the change.
    reopened = lt.load_run(run_dir)
    assert [p for p in parent.iterdir() if p != run_dir] == []
    done = pid not in reopened.prepared_frame.provenance["people"].to_numpy()
    assert done == (step != "written")
    retry = lester(*args)
    assert retry.returncode == (1 if done else 0), (retry.stdout, retry.stderr)
    assert files_holding(parent, name) == []
    final = lt.load_run(run_dir)
    assert final.forget_report["n_ids"] == 1
    lines = (run_dir / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["rows_removed"]["prepared"] >= 1
