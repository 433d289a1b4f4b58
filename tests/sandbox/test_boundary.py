"""The trust boundary, attacked the same way through both backends (Docker and local).

Each test does what an untrusted script would do to reach the user's files and shows it does no
harm: what the job sees of its data directory (no hidden entries, no Lester state, no links out),
the copy-on-write working directory (it may change anything under it; nothing reaches the user's
files), and the scratch limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lester.sandbox import Job, Sandbox, open_sandbox

from tests.sandbox import jobs

BACKENDS = [
    pytest.param("docker", marks=pytest.mark.docker),
    pytest.param("local", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module", params=BACKENDS)
def exposed(request: pytest.FixtureRequest, exposed_data_dir: Path) -> Iterator[Sandbox]:
    """A sandbox over the data dir full of secrets."""
    if request.param == "docker":
        request.getfixturevalue("docker_daemon")
    with open_sandbox(request.param, data_dir=exposed_data_dir) as sandbox:
        yield sandbox


def test_job_sees_the_data_but_no_secret_and_no_link_out(exposed: Sandbox, script) -> None:
    result = exposed.run(Job("script", script(jobs.LIST_AND_PROBE)))
    assert result.ok, (result.harness_error, result.trace, result.stderr_tail)
    report = json.loads(result.stdout_tail)
    assert "SECRET" not in result.stdout_tail
    assert not [p for p in report["seen"] if "/." in "/" + p], report["seen"]
    assert not {"traces", "runs/r1", "data/passwd", "data/key", "data/up"} & set(report["seen"])
    assert {"data/customers.csv", "data/raw/mails.csv", "data/alias.csv"} <= set(report["seen"])
    assert report["opened"]["data/alias.csv"].startswith("id,age")
    refused = {k: v for k, v in report["opened"].items() if k != "data/alias.csv"}
    assert all(v.startswith("refused") for v in refused.values()), refused


def test_copy_on_write_working_directory(exposed: Sandbox, exposed_data_dir: Path, script) -> None:
    before = jobs.tree(exposed_data_dir)
    for _ in range(2):  # the second job starts from the data again, not from the first's writes
        result = exposed.run(Job("script", script(jobs.COPY_ON_WRITE)))
        assert result.ok, (result.harness_error, result.trace, result.stderr_tail)
        assert json.loads(result.stdout_tail) == {
            "submission": 2,
            "scratch": 1,
            "train": "1 30\n",
            "space": "a,b\n1,2\n",
            "overwritten_age": 31,
            "raw_gone": True,
        }
    assert jobs.tree(exposed_data_dir) == before
    reads = {(r["path"], r["own"]) for r in result.trace["files_read"]}
    assert ("data/customers.csv", False) in reads  # the input, read before it was overwritten
    assert ("working/submission.csv", True) in reads  # read back: the script's own file
    assert ("data/.scratchspace/intermediate.csv", True) in reads
    assert ("data/train.txt", True) in reads and ("data/my file.csv", True) in reads


def test_filling_the_scratch_area_reads_as_the_scratch_limit(exposed: Sandbox, script) -> None:
    result = exposed.run(Job("script", script(jobs.FILL_SCRATCH), scratch_mb=64, timeout=60))
    assert result.killed_by == "scratch", (result.trace, result.stderr_tail[-500:])
    assert "scratch" in result.limit_message and "64 MB" in result.limit_message
    after = exposed.run(Job("script", script("print('fine')")))
    assert after.ok, "the next job starts with an empty scratch area"


def test_a_pipeline_cannot_change_its_data(exposed: Sandbox, exposed_data_dir: Path, script):
    """A declarative pipeline only reads: one that deletes or rewrites its data fails in the
    sandbox instead of verifying (and then doing it in the user's own Python)."""
    before = jobs.tree(exposed_data_dir)
    for attack in (
        "import os\nos.remove('data/customers.csv')\n",
        "open('data/customers.csv', 'w').write('id,age\\n')\n",
        "open('data/new.csv', 'w').write('x')\n",
    ):
        result = exposed.run(Job("pipeline", script(attack, name="candidate.py")))
        assert result.trace["status"] == "error", attack
        message = result.trace["error"]["message"]
        assert "Read-only file system" in message or "Permission denied" in message, message
    assert jobs.tree(exposed_data_dir) == before
