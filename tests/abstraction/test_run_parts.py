"""Saved runs in parts (format 3): a deletion rewrites only the parts that lost rows, keeps the
others as they were (hard-linked, or in place), and the result equals the deletion in memory;
runs saved in format 2 still load, and are saved in parts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from lester.abstraction import parts
from typer.testing import CliRunner

import lester as lt
from lester.cli import app

from .saved_runs import (
    adult_in_training,
    as_format_2,
    files_holding,
    name_of,
    saved_people_run,
)
from .test_forget import assert_same_artifacts


@pytest.fixture
def small_parts(monkeypatch) -> int:
    monkeypatch.setattr(parts, "PART_ROWS", 5)
    return 5


def _forget(*args: str) -> None:
    result = CliRunner().invoke(app, ["forget", *args, "--model-update", "retrain"])
    assert result.exit_code == 0, result.output


def _parts(run_dir: Path) -> dict[str, list[tuple[str, int]]]:
    """Every parted artifact's files and row counts, from meta.json."""
    meta = json.loads((run_dir / "meta.json").read_text())
    found = {f"sources/{n}": e["parts"] for n, e in meta["source_layout"].items()}
    found["prepared"] = meta["prepared"]["parts"]
    found |= {f"features/{b['dir']}": b["parts"] for b in meta["blocks"]}
    return {d: [(f"{d}/{name}", count) for name, count in p] for d, p in found.items()}


def test_a_deletion_rewrites_only_the_parts_that_lost_rows(tmp_path, small_parts):
    run_dir, run = saved_people_run(tmp_path)
    before = _parts(run_dir)
    assert all(count <= small_parts for p in before.values() for _, count in p)
    assert len(before["prepared"]) > 3
    pid = adult_in_training(run)
    out = tmp_path / "runs" / "after"
    _forget(str(run_dir), "--source", "people", "--ids", str(pid), "--out", str(out))
    after = _parts(out)
    for directory, files in after.items():
        counts = dict(before.get(directory, []))
        for rel, count in files:
            linked = os.stat(out / rel).st_nlink > 1
            kept_rows = counts.get(rel) == count
            if directory.startswith("features"):  # a refitted block is new in all its parts
                assert kept_rows or not linked, rel
            else:  # a frame's part is kept exactly when it kept all its rows
                assert linked == kept_rows, rel
    linked_blocks = {d for d, p in after.items() for r, _ in p if os.stat(out / r).st_nlink > 1}
    assert {"prepared", "sources/orders"} <= linked_blocks and any(
        d.startswith("features") for d in linked_blocks
    )
    assert_same_artifacts(lt.load_run(out), run.forget("people", ids=[pid]))


def test_deletions_touching_several_parts_equal_the_deletion_in_memory(tmp_path, small_parts):
    run_dir, run = saved_people_run(tmp_path)
    ids = np.unique(run.train_provenance["people"].to_numpy())[::3][:6].tolist()
    out = tmp_path / "runs" / "after"
    _forget(str(run_dir), "--source", "people", "--ids", ",".join(map(str, ids)), "--out", str(out))
    expected = run.forget("people", ids=ids)
    assert_same_artifacts(lt.load_run(out), expected)
    touched = {
        d for d, p in _parts(out).items() for rel, _ in p if os.stat(out / rel).st_nlink == 1
    }
    assert "prepared" in touched
    again = tmp_path / "runs" / "again"
    more = ids[:1] + [adult_in_training(expected)]
    _forget(str(out), "--source", "people", "--ids", ",".join(map(str, more)), "--out", str(again))
    assert_same_artifacts(lt.load_run(again), expected.forget("people", ids=more[1:]))


def test_in_place_keeps_untouched_parts_and_no_copy_of_the_forgotten_rows(tmp_path, small_parts):
    run_dir, run = saved_people_run(tmp_path)
    pid = adult_in_training(run)
    untouched = {
        rel: os.stat(run_dir / rel).st_ino
        for files in _parts(run_dir).values()
        for rel, _ in files
        if name_of(pid).encode() not in (run_dir / rel).read_bytes()
    }
    _forget(str(run_dir), "--source", "people", "--ids", str(pid), "--in-place")
    assert files_holding(run_dir.parent, name_of(pid)) == []
    kept = [rel for rel, inode in untouched.items() if (run_dir / rel).exists()]
    assert any(os.stat(run_dir / rel).st_ino == untouched[rel] for rel in kept)
    assert_same_artifacts(lt.load_run(run_dir), run.forget("people", ids=[pid]))


def test_a_run_saved_in_format_2_loads_and_is_saved_in_parts(tmp_path):
    run_dir, run = saved_people_run(tmp_path)
    as_format_2(run_dir)
    loaded = lt.load_run(run_dir)
    assert_same_artifacts(loaded, run)
    pid = adult_in_training(run)
    out = tmp_path / "runs" / "after"
    _forget(str(run_dir), "--source", "people", "--ids", str(pid), "--out", str(out))
    assert json.loads((out / "meta.json").read_text())["format"] == 3
    assert not (out / "X_train.npy").exists() and (out / "features").is_dir()
    assert_same_artifacts(lt.load_run(out), run.forget("people", ids=[pid]))


def test_a_tampered_part_is_refused(tmp_path, small_parts):
    run_dir, run = saved_people_run(tmp_path)
    rel = _parts(run_dir)["features/1"][-1][0]
    data = bytearray((run_dir / rel).read_bytes())
    data[-1] ^= 1
    (run_dir / rel).write_bytes(bytes(data))
    with pytest.raises(lt.LesterError, match="does not match the run's SIGNATURE"):
        lt.load_run(run_dir)
