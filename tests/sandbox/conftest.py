"""Fixtures for the sandbox tests.

The Docker gate (`docker` marker, `LESTER_REQUIRE_DOCKER`) is in the top-level conftest.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lester.sandbox import Sandbox, open_sandbox


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir as scripts expect it: `data/customers.csv` relative to the working directory."""
    root = tmp_path_factory.mktemp("sandbox-data")
    (root / "data").mkdir()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(120),
            "age": rng.integers(18, 90, 120),
            "income": rng.normal(50_000, 15_000, 120).round(2),
            "segment": rng.choice(["a", "b", "c"], 120),
        }
    )
    frame["label"] = (frame["income"] > 50_000).astype(int)
    frame.to_csv(root / "data" / "customers.csv", index=False)
    return root


@pytest.fixture(scope="session")
def exposed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir the way a real project folder looks, secrets included, inside a 0700 folder:
    what the sandbox must not show is named `SECRET`, what it must show is the data."""
    home = tmp_path_factory.mktemp("home")
    home.chmod(0o700)
    outside = tmp_path_factory.mktemp("outside") / "id_rsa"
    outside.write_text("SECRET outside key")
    root = home / "project"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "customers.csv").write_text("id,age\n1,30\n2,40\n")
    (root / "data" / "raw" / "mails.csv").write_text("id,mail\n1,a@b.org\n")
    (root / "data" / "alias.csv").symlink_to("customers.csv")
    (root / "data" / "passwd").symlink_to("/etc/passwd")
    (root / "data" / "key").symlink_to(outside)
    (root / "data" / "up").symlink_to("../..")
    for hidden in (".ssh/id_rsa", ".env", "data/.cache/token", ".lester/lester.sqlite"):
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_text("SECRET " + hidden)
    for state in ("traces/lester.sqlite", "runs/r1/meta.json", "runs/r1/model.joblib"):
        (root / state).parent.mkdir(parents=True, exist_ok=True)
        (root / state).write_text("SECRET " + state)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)
    return root


@pytest.fixture(scope="session")
def docker_sandbox(docker_daemon: None, data_dir: Path) -> Iterator[Sandbox]:
    with open_sandbox("docker", session="pytest-docker", data_dir=data_dir) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def local_sandbox(data_dir: Path) -> Iterator[Sandbox]:
    with open_sandbox("local", session="pytest-local", data_dir=data_dir) as sandbox:
        yield sandbox


@pytest.fixture
def script(tmp_path: Path):  # noqa: ANN201 - returns a small factory
    """Write a script (dedented) and return its path."""

    def write(source: str, name: str = "job.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return path

    return write
