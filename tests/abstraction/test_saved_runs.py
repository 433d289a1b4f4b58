"""Attacks on saved runs and on `lester forget` (issue #15, findings 5-7), each shown to do no harm,
and the command's contract: ids reported one by one, exit codes, dry runs, JSON, the audit log."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import joblib
import numpy as np
import pytest
from typer.testing import CliRunner

import lester as lt
from lester.cli import app

from .saved_runs import (
    PEOPLE,
    adult_in_training,
    as_format_2,
    files_holding,
    name_of,
    saved_people_run,
)

runner = CliRunner()


def forget(*args: str) -> object:
    return runner.invoke(app, ["forget", *args])


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, lt.Run]:
    return saved_people_run(tmp_path)


def sibling_runs(run_dir: Path) -> list[Path]:
    return sorted(p for p in run_dir.parent.iterdir() if p != run_dir)


# ---- finding 5: --where is parsed, never evaluated ------------------------------------------


def test_only_the_encoder_and_the_model_are_pickled(saved):
    """The prompts tell the model that a lambda in a Frame operation is fine: the pipeline's
    functions are never saved, only the fitted encoder and model."""
    run_dir, _ = saved
    assert "lambda" in PEOPLE.read_text()  # the people pipeline projects with one
    pickled = sorted(p.name for p in run_dir.rglob("*") if p.suffix in {".joblib", ".pkl"})
    assert pickled == ["encoder.joblib", "model.joblib"]


@pytest.mark.parametrize(
    "predicate",
    [
        "@frame.df.to_csv('{marker}')",
        "__import__('os').system('touch {marker}')",
        "name.str.startswith('person') | open('{marker}', 'w')",
        "(lambda: open('{marker}', 'w'))()",
    ],
)
def test_where_that_calls_code_is_refused_and_runs_nothing(saved, tmp_path, predicate):
    run_dir, _ = saved
    marker = tmp_path / "pwned"
    result = forget(str(run_dir), "--source", "people", "--where", predicate.format(marker=marker))
    assert result.exit_code == 2, result.output
    assert "predicate" in result.output or "not a condition" in result.output
    assert not marker.exists()
    assert sibling_runs(run_dir) == []


@pytest.mark.parametrize("predicate", ["age", "age + 1", "pid * 0", "'person-0001-zq'", "1"])
def test_non_boolean_where_deletes_nothing(saved, predicate):
    run_dir, _ = saved
    result = forget(str(run_dir), "--source", "people", "--where", predicate)
    assert result.exit_code == 2, result.output
    assert sibling_runs(run_dir) == []


def test_where_deletes_exactly_the_matching_rows(saved, tmp_path):
    run_dir, run = saved
    pid = adult_in_training(run)
    out = tmp_path / "runs" / "after"
    result = forget(
        str(run_dir),
        "--source",
        "people",
        "--where",
        f"name == '{name_of(pid)}'",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    after = lt.load_run(out)
    assert after.forget_report["n_ids"] == 1
    assert pid not in after.prepared_frame.provenance["people"].to_numpy()
    assert len(after.prepared) == len(run.prepared) - int(
        (run.train_provenance["people"] == pid).sum()
    )


# ---- finding 6: saved runs are signed and checked ---------------------------------------------


class Payload:
    """A pickle that runs a command when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_tampered_model_pickle_is_never_unpickled(saved, tmp_path):
    run_dir, run = saved
    marker = tmp_path / "pwned"
    joblib.dump(Payload(marker), run_dir / "model.joblib")
    result = forget(str(run_dir), "--source", "people", "--ids", str(adult_in_training(run)))
    assert result.exit_code == 2, result.output
    assert "model.joblib" in result.output and "SIGNATURE" in result.output
    assert not marker.exists()
    loaded = lt.load_run(run_dir)  # the library call withholds it too
    with pytest.raises(lt.LesterError, match="not unpickled"):
        loaded.model.predict(loaded.X_train)
    assert not marker.exists()


def test_a_run_signed_with_someone_elses_key_is_not_unpickled(saved, tmp_path, monkeypatch):
    run_dir, run = saved
    marker = tmp_path / "pwned"
    joblib.dump(Payload(marker), run_dir / "model.joblib")
    monkeypatch.setenv("LESTER_CONFIG_DIR", str(tmp_path / "attacker"))
    from lester.abstraction.signing import Manifest, mac_bytes, signing_key

    key = signing_key()  # the attacker signs the tampered run with a key of their own
    files = {
        p.relative_to(run_dir).as_posix(): mac_bytes(
            key, p.relative_to(run_dir).as_posix(), p.read_bytes()
        )
        for p in run_dir.rglob("*")
        if p.is_file() and p.name != "SIGNATURE"
    }
    (run_dir / "SIGNATURE").write_text(Manifest.of(key, files).to_json())
    monkeypatch.undo()
    result = forget(str(run_dir), "--source", "people", "--ids", str(adult_in_training(run)))
    assert result.exit_code == 2, result.output
    assert "not made with your key" in result.output
    assert not marker.exists()


def test_trust_unsigned_loads_an_unsigned_run_with_a_warning(saved, tmp_path):
    run_dir, run = saved
    (run_dir / "SIGNATURE").unlink()
    ids = str(adult_in_training(run))
    refused = forget(str(run_dir), "--source", "people", "--ids", ids, "--dry-run")
    assert refused.exit_code == 2 and "not signed" in refused.output
    accepted = forget(
        str(run_dir), "--source", "people", "--ids", ids, "--dry-run", "--trust-unsigned"
    )
    assert accepted.exit_code == 0, accepted.output
    assert "warning" in accepted.output and "not signed" in accepted.output


def test_source_names_in_metadata_cannot_leave_the_run(saved, tmp_path):
    run_dir, run = saved
    victim = tmp_path / "victim.parquet"
    victim.write_bytes(b"do not touch")
    meta = json.loads((run_dir / "meta.json").read_text())
    for key in ("sources", "source_ops", "source_layout", "source_rows"):
        meta[key]["../../../victim"] = meta[key].pop("people")
    (run_dir / "meta.json").write_text(json.dumps(meta))
    for extra in ([], ["--trust-unsigned"]):
        result = forget(str(run_dir), "--source", "../../../victim", "--ids", "1", *extra)
        assert result.exit_code == 2, result.output
    assert "no plain file name" in result.output
    assert victim.read_bytes() == b"do not touch"


def test_a_link_inside_the_run_is_refused(saved):
    run_dir, run = saved
    target = run_dir / "sources" / "people" / "00000.parquet"
    target.unlink()
    target.symlink_to("/etc/passwd")
    result = forget(str(run_dir), "--source", "people", "--ids", "1", "--trust-unsigned")
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("meta.json", b"{not json", "not valid JSON"),
        ("y_all.npy", b"\x93NUMPY\x01\x00garbage", "not a valid .npy"),
        ("prepared/00000.parquet", b"PAR1 not parquet PAR1", "not a valid Parquet"),
        ("features/0/00000.npy", None, "not a valid .npy"),
        ("audit.jsonl", b"{broken\n", "audit log is malformed"),
        ("maintenance/index/people.ids.npy", None, "not a valid .npy"),
    ],
)
def test_malformed_files_are_bad_input(saved, name, content, expected):
    run_dir, run = saved
    path = run_dir / name
    path.write_bytes(content if content is not None else path.read_bytes()[:100])
    ids = str(adult_in_training(run))
    signed = forget(str(run_dir), "--source", "people", "--ids", ids)
    assert signed.exit_code == 2, signed.output
    assert "SIGNATURE" in signed.output
    trusted = forget(str(run_dir), "--source", "people", "--ids", ids, "--trust-unsigned")
    assert trusted.exit_code == 2, trusted.output
    assert expected in trusted.output
    assert "Traceback" not in trusted.output
    assert sibling_runs(run_dir) == []


def test_an_index_that_lies_about_the_rows_is_refused(saved):
    run_dir, run = saved
    path = run_dir / "maintenance" / "index" / "people.ids.npy"
    np.save(path, np.zeros_like(np.load(path)))
    result = forget(str(run_dir), "--source", "people", "--ids", "1", "--trust-unsigned")
    assert result.exit_code == 2, result.output
    assert "no index" in result.output


def test_the_signing_key_is_private(saved, tmp_path):
    from lester.abstraction.signing import config_dir

    key = config_dir() / "run-signing.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    run_dir, run = saved
    key.chmod(0o644)
    try:
        result = forget(str(run_dir), "--source", "people", "--ids", "1")
        assert result.exit_code == 2 and "chmod 600" in result.output
    finally:
        key.chmod(0o600)


# ---- finding 7: forget that loses the deletion --------------------------------------------------


def test_ids_not_found_are_reported_one_by_one(saved, tmp_path):
    run_dir, run = saved
    none = forget(str(run_dir), "--source", "people", "--ids", "999999")
    assert none.exit_code == 1, none.output
    assert "none of the ids" in none.output and sibling_runs(run_dir) == []
    out = tmp_path / "runs" / "after"
    pid = adult_in_training(run)
    some = forget(
        str(run_dir), "--source", "people", "--ids", f"{pid},999999,888888", "--out", str(out)
    )
    assert some.exit_code == 0, some.output
    assert "id 888888: not found in people" in some.output
    assert "id 999999: not found in people" in some.output
    assert lt.load_run(out).forget_report["n_not_found"] == 2


@pytest.mark.parametrize("ids", [",,", " , ", "1,x", "1.5", ""])
def test_ids_that_are_no_ids_are_bad_input(saved, ids):
    run_dir, _ = saved
    result = forget(str(run_dir), "--source", "people", "--ids", ids)
    assert result.exit_code == 2, result.output
    assert sibling_runs(run_dir) == []


def test_the_original_run_is_said_to_still_hold_the_data(saved, tmp_path):
    run_dir, run = saved
    pid = adult_in_training(run)
    out = tmp_path / "runs" / "after"
    result = forget(str(run_dir), "--source", "people", "--ids", str(pid), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"the original run {run_dir} still holds the forgotten rows" in result.output
    assert files_holding(run_dir, name_of(pid))
    assert not files_holding(out, name_of(pid))


def test_the_audit_log_chains_every_deletion(saved, tmp_path):
    run_dir, run = saved
    first, second = tmp_path / "runs" / "one", tmp_path / "runs" / "two"
    pid = adult_in_training(run)
    assert (
        forget(str(run_dir), "--source", "people", "--ids", str(pid), "--out", str(first)).exit_code
        == 0
    )
    where = f"name == '{name_of(pid + 1)}' or name == '{name_of(pid + 2)}'"
    result = forget(
        str(first),
        "--source",
        "people",
        "--where",
        where,
        "--out",
        str(second),
        "--model-update",
        "influence",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (second / "audit.jsonl").read_text().splitlines()]
    assert len(lines) == 2
    assert lines[0]["content_after"] == lines[1]["content_before"]
    manifest = json.loads((second / "SIGNATURE").read_text())
    assert lines[1]["content_after"] == manifest["content"]
    assert lines[0]["content_before"] == json.loads((run_dir / "SIGNATURE").read_text())["content"]
    for line in lines:
        assert {"time", "source", "rows_removed", "model", "ids_hashed"} <= set(line)
        assert line["rows_removed"]["prepared"] >= 0
    assert lines[1]["model"].startswith(("influence update", "retrained"))
    log = (second / "audit.jsonl").read_text()
    assert name_of(pid + 1) not in log and f"[{pid}]" not in log
    assert "`name` == #" in lines[1]["predicate"]


def test_dry_run_and_json_write_nothing(saved, tmp_path):
    run_dir, run = saved
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    pid = adult_in_training(run)
    result = forget(str(run_dir), "--source", "people", "--ids", str(pid), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["dry_run"] and doc["target"] is None
    assert doc["report"]["artifacts"]["prepared"]["method"] == "deleted-by-provenance"
    assert doc["report"]["artifacts"]["prepared"]["rows_removed"] >= 1
    assert before == {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    assert sibling_runs(run_dir) == []
    failed = forget(str(run_dir), "--source", "people", "--ids", "999999", "--json")
    assert failed.exit_code == 1 and json.loads(failed.output)["exit_code"] == 1


def test_ids_file_takes_many_subjects(saved, tmp_path):
    run_dir, run = saved
    ids = sorted(set(run.train_provenance["people"].to_numpy().tolist()))[:5]
    listing = tmp_path / "ids.txt"
    listing.write_text(
        "# subjects of request 17\n" + "\n".join(map(str, ids[:3])) + f"\n{ids[3]}, {ids[4]}\n"
    )
    out = tmp_path / "runs" / "after"
    result = forget(
        str(run_dir), "--source", "people", "--ids-file", str(listing), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert lt.load_run(out).forget_report["n_ids"] == 5
    both = forget(str(run_dir), "--source", "people", "--ids", "1", "--ids-file", str(listing))
    assert both.exit_code == 2


def test_out_is_checked_before_any_work(saved, tmp_path):
    run_dir, _ = saved
    missing = forget(
        str(run_dir), "--source", "people", "--ids", "1", "--out", str(tmp_path / "no" / "dir")
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output
    existing = forget(str(run_dir), "--source", "people", "--ids", "1", "--out", str(run_dir))
    assert existing.exit_code == 2 and "already exists" in existing.output


def test_in_place_leaves_no_copy_of_the_forgotten_rows(saved):
    run_dir, run = saved
    pid = adult_in_training(run)
    assert files_holding(run_dir.parent, name_of(pid))
    result = forget(str(run_dir), "--source", "people", "--ids", str(pid), "--in-place")
    assert result.exit_code == 0, result.output
    assert files_holding(run_dir.parent, name_of(pid)) == []
    assert sibling_runs(run_dir) == []
    assert lt.load_run(run_dir).forget_report["n_ids"] == 1
    shutil.rmtree(run_dir)


def _as_format_1(run_dir: Path) -> None:
    """Rewrite a saved run as an older Lester wrote it: format 1, unsigned, no maintenance data."""
    as_format_2(run_dir)
    meta = json.loads((run_dir / "meta.json").read_text())
    for key in (
        "source_layout",
        "blocks",
        "maintenance",
        "notes",
        "rows",
        "columns",
        "source_rows",
    ):
        meta.pop(key, None)
    meta["format"] = 1
    meta["prepared"] = {k: meta["prepared"][k] for k in ("colprov", "ops")}
    (run_dir / "meta.json").write_text(json.dumps(meta))
    for name in ("SIGNATURE", "audit.jsonl"):
        (run_dir / name).unlink()
    shutil.rmtree(run_dir / "maintenance")
    for name in ("X_train.npy", "X_test.npy"):
        np.save(run_dir / name, np.ascontiguousarray(np.load(run_dir / name)))


def test_an_older_run_is_maintained_with_a_note(saved):
    run_dir, run = saved
    _as_format_1(run_dir)
    pid = adult_in_training(run)
    with pytest.raises(lt.LesterError, match="not signed"):
        lt.load_run(run_dir).forget("people", ids=[pid])
    loaded = lt.load_run(run_dir, trust_unsigned=True)
    assert any("older Lester (format 1)" in note for note in loaded.notes)
    assert loaded.curvature is not None and "country" in loaded.statistics
    updated = loaded.forget("people", ids=[pid], model_update="influence")
    expected = run.forget("people", ids=[pid], model_update="influence")
    assert updated.prepared.equals(expected.prepared)
    assert np.array_equal(updated.X_train, expected.X_train)
    result = forget(
        str(run_dir), "--source", "people", "--ids", str(pid), "--dry-run", "--trust-unsigned"
    )
    assert result.exit_code == 0 and "note: saved by an older Lester (format 1)" in result.output


def test_a_run_made_in_the_sandbox_is_adopted_only_when_its_pickles_are_plain(tmp_path):
    """The sandbox saves runs unsigned (it holds no key); the host signs one after reading it as
    untrusted input. A pickle that names anything but scikit-learn, NumPy or Lester classes is
    refused, signature or not, and nothing of it runs."""
    from lester.abstraction.loading import adopt_run
    from lester.abstraction.storage import save_run

    from .saved_runs import PEOPLE, write_people

    run = lt.load_pipeline(PEOPLE).run(data_dir=write_people(tmp_path / "data"))
    made = save_run(run, tmp_path / "runs" / "made", signed=False)
    assert not (made / "SIGNATURE").exists()
    refused = forget(str(made), "--source", "people", "--ids", "1", "--dry-run")
    assert refused.exit_code == 2 and "not signed" in refused.output
    adopt_run(made)
    pid = adult_in_training(run)
    adopted = forget(str(made), "--source", "people", "--ids", str(pid), "--dry-run")
    assert adopted.exit_code == 0, adopted.output

    marker = tmp_path / "pwned"
    evil = save_run(run, tmp_path / "runs" / "evil", signed=False)
    (evil / "encoder.joblib").write_bytes(__import__("pickle").dumps(Payload(marker)))
    with pytest.raises(lt.LesterError, match="posix.system"):
        adopt_run(evil)
    assert not marker.exists() and not (evil / "SIGNATURE").exists()
    trusted = forget(str(evil), "--source", "people", "--ids", str(pid), "--trust-unsigned")
    assert trusted.exit_code == 2 and "may not use" in trusted.output
    assert not marker.exists()


def test_backups_an_older_lester_left_behind_are_removed(saved):
    """Older Lester kept a hidden `.run.old-*` copy when killed between its two renames; the
    forgotten rows survived in it. The next command that opens the run removes it."""
    run_dir, run = saved
    pid = adult_in_training(run)
    backup = run_dir.parent / f".{run_dir.name}.old-1a2b3c4d"
    shutil.copytree(run_dir, backup)
    assert (
        forget(str(run_dir), "--source", "people", "--ids", str(pid), "--in-place").exit_code == 0
    )
    assert not backup.exists()
    assert files_holding(run_dir.parent, name_of(pid)) == []
