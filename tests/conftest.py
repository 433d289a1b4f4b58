"""Fixtures shared by every suite: the Docker gate and the running example's files.

Tests marked `docker` need a daemon: they skip without one, except under `LESTER_REQUIRE_DOCKER=1`
(CI), where a missing daemon is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lester.sandbox import docker_available

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "creditcard"
REQUIRE_DOCKER = os.environ.get("LESTER_REQUIRE_DOCKER") == "1"


@pytest.fixture(scope="session")
def docker_daemon() -> None:
    if docker_available():
        return
    if REQUIRE_DOCKER:
        pytest.fail("LESTER_REQUIRE_DOCKER=1 but no Docker daemon answers")
    pytest.skip("no Docker daemon answers (set LESTER_REQUIRE_DOCKER=1 to fail instead)")


@pytest.fixture(autouse=True)
def _docker_gate(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("docker"):
        request.getfixturevalue("docker_daemon")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """The running example's script and data in a scratch folder (nothing is written to the repo)."""
    target = tmp_path / "creditcard"
    shutil.copytree(
        EXAMPLE, target, ignore=shutil.ignore_patterns(".lester", "*_lester*.py", "joined.csv")
    )
    return target
