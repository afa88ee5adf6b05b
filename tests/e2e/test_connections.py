"""PostgreSQL drops the servers' idle connections, or stops answering: no request fails
because of a connection that died while idle, and none hangs on a database that hangs."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from connect_numbers.testing.postgres import TemporaryPostgres
from processes import ServerProcess, Signed, only_in_the_sqlite_pass, own_cluster

RANGE_START = 12065550100


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[TemporaryPostgres]:
    """A cluster of this test's own: its sessions are ended, it is restarted or stopped."""
    yield from own_cluster(request)


def prepared(server: ServerProcess) -> tuple[Signed, str]:
    """Inventory, a quota and an instance; a client for the local account."""
    stock = {"start": f"+{RANGE_START}", "count": 400, "country": "US", "type": "DID"}
    server.admin("POST", "inventory", {"ranges": [stock]})
    server.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1000})
    connect = server.client()
    return connect, connect.create_instance(f"conn-{uuid.uuid4().hex[:8]}")["Id"]


def warm_every_worker(connect: Signed, instance: str) -> None:
    """Enough database-backed requests that each worker holds an open connection."""
    for _ in range(30):
        assert connect.send("GET", f"/instance/{instance}").status_code == 200


def terminate_sessions(cluster: TemporaryPostgres) -> int:
    """pg_terminate_backend on every session of the servers' database; how many."""
    with psycopg.connect(cluster.url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (cluster.database,),
        ).fetchall()
    return sum(1 for (done,) in rows if done)


def every_kind_of_request_succeeds(server: ServerProcess, connect: Signed, instance: str) -> float:
    """A claim, a describe, a release and admin calls, all 200 on every worker; the time the
    first one took."""
    started = time.monotonic()
    number = f"+{RANGE_START + int(uuid.uuid4().int % 400)}"
    claimed = connect.claim(number, instance)
    first = time.monotonic() - started
    assert claimed.status_code in (200, 400), claimed.text  # 400: drawn twice, taken already
    for _ in range(10):
        assert connect.send("GET", f"/instance/{instance}").status_code == 200
        server.admin("GET", "clock")
        server.admin("GET", "quotas/000000000000/us-east-1")
    if claimed.status_code == 200:
        assert connect.release(claimed.json()["PhoneNumberId"]).status_code == 200
    return first


def test_sessions_ended_by_postgresql_while_idle_cost_no_request_an_error(
    cluster: TemporaryPostgres,
) -> None:
    with ServerProcess(cluster.url, workers=2) as server:
        connect, instance = prepared(server)
        warm_every_worker(connect, instance)
        assert terminate_sessions(cluster) >= 2  # both workers' connections, at least
        time.sleep(0.2)
        took = every_kind_of_request_succeeds(server, connect, instance)
        assert "database connection lost" in server.log()  # the retry did happen
        assert "Traceback" not in server.log()
        print(f"first request after pg_terminate_backend: {took * 1000:.0f} ms")


def test_a_postgresql_restart_while_the_servers_are_idle_costs_no_request_an_error(
    cluster: TemporaryPostgres,
) -> None:
    with ServerProcess(cluster.url, workers=2) as server:
        connect, instance = prepared(server)
        warm_every_worker(connect, instance)
        cluster.stop_server("fast")
        cluster.start_server()
        took = every_kind_of_request_succeeds(server, connect, instance)
        assert "database connection lost" in server.log()
        assert "Traceback" not in server.log()
        print(f"first request after a PostgreSQL restart: {took * 1000:.0f} ms")


def postgres_processes(cluster: TemporaryPostgres) -> list[int]:
    """The postmaster and every process it started (the sessions' backends among them)."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(entry) == postmaster
    ]
    return [postmaster, *children]


def _parent(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def timed(connect: Signed, method: str, path: str, body: object = None) -> tuple[int, str, float]:
    started = time.monotonic()
    answer = connect.send(method, path, body)
    return (
        answer.status_code,
        answer.headers.get("x-amzn-ErrorType", ""),
        (time.monotonic() - started),
    )


def test_a_database_that_stops_answering_gets_a_retryable_error_not_a_hang(
    cluster: TemporaryPostgres,
) -> None:
    options = ("--db-statement-timeout", "2", "--db-connect-timeout", "2")
    with ServerProcess(cluster.url, args=options) as server:
        connect, instance = prepared(server)
        warm_every_worker(connect, instance)
        stopped = postgres_processes(cluster)
        try:
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            queued = at_once(server, instance, 6)  # one worker: they queue behind each other
            time.sleep(3.5)  # the server tries the database again
            claim = {"PhoneNumber": f"+{RANGE_START}", "InstanceId": instance}
            claim["ClientToken"] = str(uuid.uuid4())
            later = timed(Signed(server.endpoint, timeout=60), "POST", "/phone-number/claim", claim)
        finally:
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
        for status, code, took in [*queued, later]:
            assert status == 500 and code.startswith("InternalServiceException"), (status, code)
            assert took < 2 + 1 + 1.5, took  # one statement (or connect) timeout, + 1 s grace
        print(
            "database stopped: 6 requests at once answered 500 after "
            + ", ".join(f"{took:.2f}" for _, _, took in queued)
            + f" s; a later one (a new connection) after {later[2]:.2f} s"
        )
        deadline = time.monotonic() + 10
        while connect.send("GET", f"/instance/{instance}").status_code != 200:
            assert time.monotonic() < deadline, "no recovery after SIGCONT"
            time.sleep(0.1)
        log = server.log()
        assert "storage failure: database timeout" in log and "Traceback" not in log, log


def at_once(server: ServerProcess, instance: str, count: int) -> list[tuple[int, str, float]]:
    """``count`` describe calls sent at the same moment from clients that wait 60 s."""
    answers: list[tuple[int, str, float]] = []
    start = threading.Barrier(count)

    def send() -> None:
        patient = Signed(server.endpoint, timeout=60)
        start.wait()
        answers.append(timed(patient, "GET", f"/instance/{instance}"))
        patient.close()

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers, key=lambda answer: answer[2])


def test_a_sqlite_writer_waits_the_statement_timeout_for_the_lock_then_answers_500(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    only_in_the_sqlite_pass(request)
    path = tmp_path / "numbers.db"
    options = ("--db-statement-timeout", "1")
    with ServerProcess(f"sqlite:///{path}", args=options) as server:
        connect, instance = prepared(server)
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            claim = {"PhoneNumber": f"+{RANGE_START}", "InstanceId": instance}
            status, code, took = timed(connect, "POST", "/phone-number/claim", claim)
            reads = connect.send("GET", f"/instance/{instance}").status_code
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert (status, reads) == (500, 200) and code.startswith("InternalServiceException")
        assert 1 <= took < 3, took
        assert "storage failure: database busy (code SQLITE_BUSY)" in server.log()
        answer = connect.claim(f"+{RANGE_START}", instance)
        assert answer.status_code == 200, answer.text


def start_worker(url: str) -> subprocess.Popen[str]:
    """What uvicorn runs in each worker process: the app from the environment ``serve``
    leaves for it, here with a 1 s connect timeout (10 s of patience)."""
    environment = {
        **os.environ,
        "CONNECT_NUMBERS_DB": url,
        "CONNECT_NUMBERS_DB_CONNECT_TIMEOUT": "1",
        "CONNECT_NUMBERS_MAINTENANCE_INTERVAL": "0",
    }
    code = (
        "from connect_numbers.entrypoints.server import app_from_environment\n"
        "app_from_environment()\n"
        "print('worker ready', flush=True)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_started_while_postgresql_restarts_waits_for_it(
    cluster: TemporaryPostgres,
) -> None:
    cluster.stop_server("fast")
    worker = start_worker(cluster.url)
    time.sleep(2.5)  # the worker meets the database down, and says so
    cluster.start_server()
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    assert "worker ready" in output
    assert "cannot start yet, trying again" in output
    assert "Traceback" not in output, output


def test_a_worker_that_never_reaches_the_database_ends_with_one_line(
    cluster: TemporaryPostgres,
) -> None:
    cluster.stop_server("fast")
    started = time.monotonic()
    worker = start_worker(cluster.url)
    output, _ = worker.communicate(timeout=60)
    took = time.monotonic() - started
    assert worker.returncode == 3, output
    assert "Traceback" not in output, output
    assert output.count("cannot start:") == 1, output
    assert 10 <= took < 40, took  # its patience, then the end
