"""What a job sees of its data directory (`dataview.copy_view`), checked on the copy itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lester.sandbox import SandboxUnavailable, dataview
from lester.sandbox.dataview import copy_view


def test_the_view_leaves_out_secrets_state_and_links_out(exposed_data_dir: Path, tmp_path: Path):
    stats = copy_view(exposed_data_dir, tmp_path / "view", writable=False)
    copied = sorted(
        p.relative_to(tmp_path / "view").as_posix() for p in (tmp_path / "view").rglob("*")
    )
    assert copied == [
        "data",
        "data/alias.csv",
        "data/customers.csv",
        "data/raw",
        "data/raw/mails.csv",
        "runs",
    ]
    assert os.readlink(tmp_path / "view" / "data" / "alias.csv") == "customers.csv"
    assert {".ssh", ".env", ".lester", "data/.cache", "traces", "runs/r1"} <= set(stats.skipped)
    assert {"data/passwd", "data/key", "data/up"} <= set(stats.skipped)
    assert "SECRET" not in "".join(p.read_text() for p in (tmp_path / "view").rglob("*.csv"))


def test_modes_of_a_view_and_of_a_working_copy(exposed_data_dir: Path, tmp_path: Path) -> None:
    copy_view(exposed_data_dir, tmp_path / "view", writable=False)
    copy_view(exposed_data_dir, tmp_path / "work", writable=True)
    csv = Path("data/customers.csv")
    assert (tmp_path / "view" / csv).stat().st_mode & 0o777 == 0o400
    assert (tmp_path / "view" / "data").stat().st_mode & 0o777 == 0o500
    assert (tmp_path / "work" / csv).stat().st_mode & 0o777 == 0o600
    (tmp_path / "work" / csv).write_text("changed")
    assert (exposed_data_dir / csv).read_text().startswith("id,age"), "a hard link, not a copy"


def test_a_huge_data_directory_is_refused(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "data").mkdir()
    for n in range(6):
        (tmp_path / "data" / f"{n}.csv").write_text("x")
    monkeypatch.setattr(dataview, "MAX_FILES", 5)
    with pytest.raises(SandboxUnavailable, match="--data-dir"):
        copy_view(tmp_path / "data", tmp_path / "view", writable=False)
