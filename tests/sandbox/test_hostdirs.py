"""Removing a private directory never changes the directory that holds it (a scratch under /tmp
that could not be removed once left /tmp mode 0700, which broke apt's helper user)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lester.sandbox import hostdirs


def test_a_directory_that_cannot_go_leaves_its_parent_mode_alone(tmp_path: Path, monkeypatch):
    parent = tmp_path / "shared"
    job = parent / "job"
    (job / "inner").mkdir(parents=True)
    (job / "inner" / "f").write_text("x")
    parent.chmod(0o1777)
    rmdir = os.rmdir

    def stuck(path, *args, **kwargs):  # the job's own directory is busy; what is inside goes
        if os.fspath(path) == os.fspath(job):
            raise OSError(16, "Device or resource busy")
        return rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", stuck)
    hostdirs.remove(job)
    assert stat.S_IMODE(parent.stat().st_mode) == 0o1777
    assert not (job / "inner").exists()
