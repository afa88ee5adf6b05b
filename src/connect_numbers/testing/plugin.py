"""A pytest plugin: a real connect-numbers server for your tests.

Installed with the package (entry point ``pytest11``), it offers:

``connect_numbers_server``
    A server on a free port of 127.0.0.1, started once per test session on a
    temporary SQLite database, and wiped (``POST /_connect-numbers/reset``)
    before every test that uses it.
``connect_numbers``
    A helper bound to that server: ``endpoint``, ``client(region=...,
    access_key=..., secret_key=...)`` returning a boto3 Connect client, and
    ``advance(seconds)``, ``set_clock(epoch)``, ``freeze()``, ``clock()``,
    ``config(**changes)`` and ``reset()``.

Example::

    def test_release_cools_the_number(connect_numbers):
        connect = connect_numbers.client()
        ...
        connect_numbers.advance(181 * 86400)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .server import RunningServer

__all__ = ["ConnectNumbers"]


class ConnectNumbers:
    """What a test uses: the endpoint, boto3 clients, and the admin helpers."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.endpoint = server.endpoint

    def client(
        self,
        region: str = "us-east-1",
        access_key: str = "test",
        secret_key: str = "test",
        **config: Any,
    ) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "connect",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(**{"retries": {"max_attempts": 1}, **config}),
        )

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return self.server.call_admin(method, path, body)

    def clock(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.admin("GET", "clock")
        return answer

    def advance(self, seconds: float) -> dict[str, Any]:
        answer: dict[str, Any] = self.admin("POST", "clock", {"advance_seconds": seconds})
        return answer

    def set_clock(self, epoch: float) -> dict[str, Any]:
        answer: dict[str, Any] = self.admin("POST", "clock", {"set": epoch})
        return answer

    def freeze(self, frozen: bool = True) -> dict[str, Any]:
        answer: dict[str, Any] = self.admin("POST", "clock", {"freeze": frozen})
        return answer

    def config(self, **changes: Any) -> dict[str, Any]:
        if changes:
            answer: dict[str, Any] = self.admin("PUT", "config", changes)
            return answer
        current: dict[str, Any] = self.admin("GET", "config")
        return current

    def reset(self) -> None:
        self.admin("POST", "reset", {})


@pytest.fixture(scope="session")
def connect_numbers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A connect-numbers server for the whole test session."""
    folder: Path = tmp_path_factory.mktemp("connect-numbers")
    with RunningServer(f"sqlite:///{folder / 'numbers.db'}") as server:
        yield server


@pytest.fixture
def connect_numbers(connect_numbers_server: RunningServer) -> ConnectNumbers:
    """The session's server, wiped clean for this test."""
    helper = ConnectNumbers(connect_numbers_server)
    helper.reset()
    return helper
