"""The host reads only data files inside the data directory, whatever the sandbox reports.

The file list comes from the recorder inside the sandbox, which the script can rewrite: each test
here hands the analysis a path chosen by an attacker and checks that the file behind it is never
opened on the host, and that files that are not tables become notes, not tracebacks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lester.agents.oracle import static
from lester.agents.oracle.analysis import _sources as sources
from lester.agents.oracle.analysis import analyze
from lester.sandbox import open_sandbox

SECRET = "PRIVATE-KEY-MATERIAL-do-not-read"
FIT = "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit([[0], [1]], [0, 1])\n"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A data directory with one real table, next to a secret outside it."""
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "id_rsa").write_text(f"a,b\n{SECRET},1\n")
    data = tmp_path / "project"
    data.mkdir()
    (data / "rows.csv").write_text("a,b\n1,2\n3,4\n")
    return data, secret_dir / "id_rsa"


def _read(data: Path, paths: list[str]) -> tuple[list, list[str]]:
    trace = {"files_read": [{"path": p, "mode": "r"} for p in paths]}
    notes: list[str] = []
    reports = sources(static.parse(""), trace, data, data / "script.py", notes)
    return reports, notes


def _leaks(reports: list, notes: list[str]) -> bool:
    return SECRET in json.dumps([r.__dict__ for r in reports]) + "".join(notes)


def test_a_path_leaving_the_data_directory_is_never_read(layout):
    data, secret = layout
    reports, notes = _read(
        data, ["../secret/id_rsa", "../../" * 8 + str(secret).lstrip("/"), str(secret)]
    )
    assert reports == [] and not _leaks(reports, notes)


def test_a_symlink_out_of_the_data_directory_is_never_read(layout):
    data, secret = layout
    os.symlink(secret, data / "innocent.csv")
    (data / "sub").mkdir()
    os.symlink(secret.parent, data / "sub" / "up")
    reports, notes = _read(data, ["innocent.csv", "sub/up/id_rsa", "rows.csv"])
    assert [r.path for r in reports] == ["rows.csv"]
    assert not _leaks(reports, notes)


def test_files_that_are_not_tables_are_notes_not_errors(layout):
    data, _ = layout
    (data / "config.json").write_text(json.dumps({"model": {"C": 1.0, "seed": 0}}, indent=2))
    (data / "helpers.py").write_text("def f():\n    return 1\n")
    (data / "blob.bin").write_bytes(bytes(range(256)) * 64)
    reports, notes = _read(data, ["config.json", "helpers.py", "blob.bin", "rows.csv"])
    assert [r.path for r in reports] == ["rows.csv"]
    assert {n.split(" ")[0] for n in notes} >= {"config.json", "helpers.py"}


@pytest.mark.docker
def test_a_script_forging_the_recorders_file_list_gets_nothing_read(layout):
    """The attack as a script performs it: it adds a path of its choice to the recorder's list."""
    data, secret = layout
    script = data / "forge.py"
    forged = os.path.relpath(secret, data)
    script.write_text(
        "import pandas as pd\nimport lester.sandbox.recorder as recorder\n"
        f"recorder._active._files[({forged!r}, 'r')] = None\n"
        "rows = pd.read_csv('rows.csv')\n" + FIT
    )
    with open_sandbox("docker") as sandbox:
        report = analyze(script, data, sandbox)
    assert report.ok, report.problem
    assert [s.path for s in report.sources] == ["rows.csv"]
    assert SECRET not in json.dumps(report.to_dict())


def test_a_file_the_script_wrote_before_reading_it_is_not_a_source(layout):
    data, _ = layout
    (data / "joined.csv").write_text("a,b\n5,6\n")
    trace = {
        "files_read": [
            {"path": "rows.csv", "mode": "r", "own": False},
            {"path": "joined.csv", "mode": "r", "own": True},
        ]
    }
    reports = sources(static.parse(""), trace, data, data / "script.py", [])
    assert [r.path for r in reports] == ["rows.csv"]
