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
