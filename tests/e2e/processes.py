"""Real ``connect-numbers serve`` processes for the concurrency, crash and outage tests.

``ServerProcess`` starts the command line on a free port of 127.0.0.1 in its own
process group (so that ``--workers N`` children go with it), waits until the
health call answers, and stops it (SIGTERM) or kills it (SIGKILL). ``Signed``
sends SigV4-signed Connect requests over httpx, one client per thread, with
timeouts and no retries. ``postgres_url`` gives the PostgreSQL database of the
PostgreSQL variants: the session's database when the suite runs with
``--connect-numbers-db=postgresql``, else one throwaway cluster shared by these
modules.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from connect_numbers.testing.postgres import (
    PostgresUnavailable,
    TemporaryPostgres,
    find_binaries,
)
from connect_numbers.testing.server import free_port

__all__ = [
    "LOCAL_ACCOUNT",
    "ServerProcess",
    "Signed",
    "admin",
    "new_account",
    "only_in_the_sqlite_pass",
    "postgres_cluster",
    "postgres_url",
    "start_all",
]

LOCAL_ACCOUNT = "000000000000"
COMMAND = Path(sys.executable).parent / "connect-numbers"


class ServerProcess:
    """``with ServerProcess(db, workers=2) as server:`` a server in a child process."""

    def __init__(
        self,
        db: str,
        *,
        workers: int = 1,
        port: int | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.db = db
        self.workers = workers
        self.args = args  # more ``serve`` options; a repeated one overrides the defaults
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop/kill
            prefix="connect-numbers-serve-", suffix=".log", delete=False
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
        self.process = subprocess.Popen(
            [
                str(COMMAND),
                "serve",
                "--port",
                str(self.port),
                "--db",
                self.db,
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                *self.args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,  # its own process group: the workers die with it
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log()
                self._reap()
                raise RuntimeError(f"connect-numbers serve exited early:\n{output}")
            try:
                answer = httpx.get(f"{self.endpoint}/_connect-numbers/health", timeout=1)
                if answer.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        output = self.log()
        self.kill()
        raise RuntimeError(f"connect-numbers serve did not answer in {timeout} s:\n{output}")

    def stop(self) -> None:
        """SIGTERM to the whole process group; SIGKILL if it has not ended in 10 s."""
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap()

    def kill(self) -> None:
        """``kill -9`` the server and its workers, as a crash would."""
        self._signal(signal.SIGKILL)
        self._reap()

    def log(self, tail: int = 4000) -> str:
        """The last ``tail`` characters of what the server wrote (stdout and stderr)."""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")[-tail:]

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return admin(self.endpoint, method, path, body)

    def client(self, access_key: str = "test", secret_key: str = "test") -> Signed:
        return Signed(self.endpoint, access_key, secret_key)

    def _signal(self, which: signal.Signals) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, which)

    def _reap(self) -> None:
        if self.process is not None:
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()
        else:
            self._reap()


@contextmanager
def start_all(servers: list[ServerProcess]) -> Iterator[list[ServerProcess]]:
    """Start ``servers`` at the same moment; stop them all when the block ends."""
    failures: list[BaseException] = []

    def start(server: ServerProcess) -> None:
        try:
            server.start()
        except BaseException as error:  # re-raised below
            failures.append(error)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        if failures:
            raise failures[0]
        yield servers
    finally:
        for server in servers:
            server.stop()


def admin(endpoint: str, method: str, path: str, body: Any = None) -> Any:
    """An admin call; fails the test on anything but 200."""
    answer = httpx.request(
        method,
        f"{endpoint}/_connect-numbers/{path}",
        content=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json()


def new_account(endpoint: str, account_id: str) -> tuple[str, str]:
    """Create ``account_id``; its access key id and secret."""
    admin(endpoint, "POST", "accounts", {"account_id": account_id})
    key = admin(endpoint, "POST", f"accounts/{account_id}/keys", {"principal": "racer"})
    return key["access_key_id"], key["secret_access_key"]


class Signed:
    """Connect calls signed with SigV4 as botocore signs them; one per thread."""

    def __init__(
        self,
        endpoint: str,
        access_key: str = "test",
        secret_key: str = "test",
        *,
        region: str = "us-east-1",
        timeout: float = 10,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self._signer = SigV4Auth(Credentials(access_key, secret_key), "connect", region)
        self._http = httpx.Client(timeout=timeout)

    def send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        request = AWSRequest(
            method=method, url=f"{self.endpoint}{path}", data=data, headers=headers
        )
        self._signer.add_auth(request)
        prepared = request.prepare()
        return self._http.request(
            method, prepared.url, content=data, headers=dict(prepared.headers.items())
        )

    def create_instance(self, alias: str) -> dict[str, Any]:
        answer = self.send(
            "PUT",
            "/instance",
            {
                "IdentityManagementType": "CONNECT_MANAGED",
                "InstanceAlias": alias,
                "InboundCallsEnabled": True,
                "OutboundCallsEnabled": True,
                "ClientToken": str(uuid.uuid4()),
            },
        )
        assert answer.status_code == 200, answer.text
        created: dict[str, Any] = answer.json()
        return created

    def claim(self, number: str, instance_id: str, token: str | None = None) -> httpx.Response:
        body = {
            "PhoneNumber": number,
            "InstanceId": instance_id,
            "ClientToken": token or str(uuid.uuid4()),
        }
        return self.send("POST", "/phone-number/claim", body)

    def release(self, number_id: str, token: str | None = None) -> httpx.Response:
        token = token or str(uuid.uuid4())
        return self.send("DELETE", f"/phone-number/{quote(number_id, safe='')}?clientToken={token}")

    def describe(self, number_id: str) -> httpx.Response:
        return self.send("GET", f"/phone-number/{quote(number_id, safe='')}")

    def held(self) -> list[dict[str, Any]]:
        """Every number the account holds in the region (ListPhoneNumbersV2, all pages)."""
        found: list[dict[str, Any]] = []
        body: dict[str, Any] = {"MaxResults": 1000}
        while True:
            answer = self.send("POST", "/phone-number/list", body)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            found += page["ListPhoneNumbersSummaryList"]
            if not page.get("NextToken"):
                return found
            body["NextToken"] = page["NextToken"]

    def close(self) -> None:
        self._http.close()


def only_in_the_sqlite_pass(request: pytest.FixtureRequest) -> None:
    """Skip a test that does not use the session's database when the suite runs again
    on PostgreSQL: it already ran, identically, in the SQLite pass."""
    if request.config.getoption("--connect-numbers-db") != "sqlite":
        pytest.skip("ran in the SQLite pass: it uses no session database, it would only repeat")


_CLUSTER: list[TemporaryPostgres] = []


def postgres_cluster(request: pytest.FixtureRequest) -> TemporaryPostgres:
    """A throwaway cluster for this test session, started once, removed at the end."""
    if _CLUSTER:
        return _CLUSTER[0]
    try:
        find_binaries()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL variant NOT RUN: {error}")
    cluster = TemporaryPostgres().start()
    request.config.add_cleanup(_forget_cluster)
    _CLUSTER.append(cluster)
    return cluster


def _forget_cluster() -> None:
    while _CLUSTER:
        _CLUSTER.pop().stop()


def own_cluster(request: pytest.FixtureRequest) -> Iterator[TemporaryPostgres]:
    """A cluster of one test's own, which it may stop, restart or end the sessions of; in
    the SQLite pass only (it never uses the session's database: once is enough)."""
    only_in_the_sqlite_pass(request)
    try:
        find_binaries()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL cluster test NOT RUN: {error}")
    with TemporaryPostgres() as postgres:
        yield postgres


def sqlite_pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServerProcess]]:
    """One server with two worker processes on one SQLite file (its endpoint twice)."""
    only_in_the_sqlite_pass(request)
    database = f"sqlite:///{tmp_path_factory.mktemp('pair') / 'numbers.db'}"
    with ServerProcess(database, workers=2) as server:
        yield [server, server]


def postgresql_pair(request: pytest.FixtureRequest) -> Iterator[list[ServerProcess]]:
    """Two separate single-process servers on one PostgreSQL database, wiped at the end."""
    url = postgres_url(request)
    with start_all([ServerProcess(url), ServerProcess(url)]) as both:
        yield both
        both[0].admin("POST", "reset", {})


def postgres_url(request: pytest.FixtureRequest) -> str:
    """The PostgreSQL database of a PostgreSQL variant (see the module docstring)."""
    if request.config.getoption("--connect-numbers-db") == "postgresql":
        url: str = request.getfixturevalue("connect_numbers_database_url")
        return url
    return postgres_cluster(request).url
