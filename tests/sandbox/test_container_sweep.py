"""Sweeping stale containers tolerates another session sweeping the same ones at the same time."""

from __future__ import annotations

import docker
import pytest
from lester.sandbox.docker_backend import remove_containers


class Container:
    def __init__(self, name: str, error: Exception | None = None) -> None:
        self.name, self.error = name, error

    def remove(self, force: bool) -> None:
        if self.error is not None:
            raise self.error


def _api_error(status: int) -> docker.errors.APIError:
    response = type("Response", (), {"status_code": status, "reason": "x", "url": "u"})()
    return docker.errors.APIError("boom", response=response)


def test_a_container_another_session_is_removing_is_skipped():
    containers = [
        Container("gone", docker.errors.NotFound("no such container")),
        Container("racing", _api_error(409)),
        Container("mine"),
    ]
    assert remove_containers(containers) == ["mine"]


def test_other_daemon_errors_are_not_hidden():
    with pytest.raises(docker.errors.APIError):
        remove_containers([Container("broken", _api_error(500))])
