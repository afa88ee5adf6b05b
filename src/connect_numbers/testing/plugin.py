"""A pytest plugin: a real connect-numbers server for your tests.

Installed with the package (entry point ``pytest11``), it offers:

``connect_numbers_database_url``
    The database of the session: a temporary SQLite file by default; with
    ``--connect-numbers-db=postgresql`` a throwaway PostgreSQL cluster started
    from the system's binaries; with ``--connect-numbers-db=<url>`` that
    database (it is wiped). The environment variable CONNECT_NUMBERS_TEST_DB
    does the same as the option. Under pytest-xdist (``pytest -n N``) every
    worker gets a database of its own: its own SQLite file, its own throwaway
    cluster, or, for a given URL, a database ``<name>_<worker>`` created on that
    server for the session and dropped at its end (a SQLite URL gets
    ``<file>_<worker>``).
``connect_numbers_server``
    A server on a free port of 127.0.0.1, started once per test session on
    that database, and wiped (``POST /_connect-numbers/reset``) before every
    test that uses it.
``connect_numbers``
    A helper bound to that server: ``endpoint``, ``client(region=...,
    access_key=..., secret_key=...)`` returning a boto3 Connect client, and
    ``advance(seconds)``, ``set_clock(epoch)``, ``freeze()``, ``clock()``,
    ``config(**changes)``, ``reset()``, ``fault(operation, ...)`` (a context
    manager: the fault rule holds inside the block) and ``faults()``.

Example::

    def test_release_cools_the_number(connect_numbers):
        connect = connect_numbers.client()
        ...
        connect_numbers.advance(181 * 86400)

    def test_my_code_retries_throttles(connect_numbers):
        with connect_numbers.fault("ClaimPhoneNumber", error="ThrottlingException", count=2):
            ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ..entrypoints.admin_client import AdminClientError
from .postgres import TemporaryPostgres, worker_database
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

    @contextmanager
    def fault(self, operation: str = "*", **rule: Any) -> Iterator[dict[str, Any]]:
        """A fault rule for the block (docs/faults.md): ``error="ThrottlingException"``
        (or ``{"code": ..., "message": ...}``), ``latency_ms``, ``outcome="FAILED"``,
        ``count``, ``probability``, ``seed``, ``account_id``, ``region``,
        ``phone_number``. Yields the stored rule; it is removed when the block ends."""
        document = {"operation": operation, **{k: v for k, v in rule.items() if v is not None}}
        created: dict[str, Any] = self.admin("POST", "faults", document)
        try:
            yield created
        finally:
            try:
                self.admin("DELETE", f"faults/{created['id']}")
            except AdminClientError as error:  # already gone (a reset, faults clear)
                if not str(error).startswith("404"):
                    raise

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules in force, with their ``hits`` and ``remaining``."""
        found: list[dict[str, Any]] = self.admin("GET", "faults")["faults"]
        return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--connect-numbers-db",
        default=os.environ.get("CONNECT_NUMBERS_TEST_DB", "sqlite"),
        help="Database of the connect-numbers test server: sqlite (default), postgresql "
        "(a throwaway cluster), or a database URL.",
    )


@pytest.fixture(scope="session")
def connect_numbers_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of the session's database (see the module docstring)."""
    choice: str = request.config.getoption("--connect-numbers-db")
    worker = _xdist_worker(request.config)
    if choice == "sqlite":
        folder: Path = tmp_path_factory.mktemp("connect-numbers")
        yield f"sqlite:///{folder / 'numbers.db'}"
    elif choice == "postgresql":
        with TemporaryPostgres() as postgres:  # one cluster per worker
            yield postgres.url
    elif worker is None:
        yield choice
    else:
        with worker_database(choice, worker) as url:
            yield url


def _xdist_worker(config: pytest.Config) -> str | None:
    """The pytest-xdist worker running this session (``gw0``...), None without xdist."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    worker = workerinput.get("workerid")
    return str(worker) if worker is not None else None


@pytest.fixture(scope="session")
def connect_numbers_server(connect_numbers_database_url: str) -> Iterator[RunningServer]:
    """A connect-numbers server for the whole test session."""
    with RunningServer(connect_numbers_database_url) as server:
        yield server


@pytest.fixture
def connect_numbers(connect_numbers_server: RunningServer) -> ConnectNumbers:
    """The session's server, wiped clean for this test."""
    helper = ConnectNumbers(connect_numbers_server)
    helper.reset()
    return helper
