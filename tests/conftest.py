"""Fixtures shared by every suite: the Docker gate and the running example's files.

Tests marked `docker` need a daemon: they skip without one, except under `LESTER_REQUIRE_DOCKER=1`
(CI), where a missing daemon is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lester.sandbox import docker_available, trace_patches

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "creditcard"
REQUIRE_DOCKER = os.environ.get("LESTER_REQUIRE_DOCKER") == "1"


@pytest.fixture(scope="session", autouse=True)
def _own_signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Saved runs are signed with a key in the user's Lester config dir: the tests get a config
    dir of their own (session-wide, so that module fixtures and CLI subprocesses share the key)."""
    config = tmp_path_factory.getbasetemp() / "lester-config"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LESTER_CONFIG_DIR", str(config))
        yield config


@pytest.fixture
def restore_pandas() -> Iterator[None]:
    """Tests that install the tracer's pandas and scikit-learn patches in process take them off
    again, whatever happens, so that no later test runs on a patched pandas."""
    yield
    trace_patches.uninstall()


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
