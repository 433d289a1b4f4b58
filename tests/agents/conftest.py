"""Fixtures for the agent tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llm_server import LLMServer


@pytest.fixture
def llm_server() -> Iterator[LLMServer]:
    """A scripted OpenAI-compatible server on loopback, stopped when the test ends."""
    with LLMServer() as server:
        yield server
