"""A full disk under a real server, on SQLite and on PostgreSQL: requests that must write
answer 500 (which SDKs retry) at once, the log says so in one line per minute with the
database's error code instead of a traceback per request, and the server serves again
when space is back.

The disk is a real one: a 16 MiB tmpfs mounted for the test (root only; elsewhere the
test says it did not run). On PostgreSQL it holds the database's tables (a tablespace,
the database's default before the server creates them), not the cluster's WAL: a
PostgreSQL whose WAL cannot be written stops altogether (a PANIC), which is the
database's own outage, tested apart (test_connections)."""

from __future__ import annotations

import os
import pwd
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from connect_numbers.testing.postgres import TemporaryPostgres
from processes import ServerProcess, Signed, only_in_the_sqlite_pass, own_cluster

RANGE_START = 12065550100


@pytest.fixture
def small_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    only_in_the_sqlite_pass(request)
    with small_disk_at(tmp_path / "disk") as disk:
        yield disk


@contextmanager
def small_disk_at(mount_point: Path) -> Iterator[Path]:
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"full-disk test NOT RUN: cannot mount a tmpfs ({mounted.stderr.strip()})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> Path:
    """A file that takes every free byte of ``folder``'s filesystem."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(descriptor, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(descriptor)
    assert os.statvfs(folder).f_bavail == 0
    return filler


def claims_until_refused(connect: Signed, instance: str, numbers: range) -> list[int]:
    """Claim numbers one after another; the statuses, up to and with 10 failures."""
    statuses: list[int] = []
    for k in numbers:
        answer = connect.claim(f"+{RANGE_START + k}", instance, str(uuid.uuid4()))
        statuses.append(answer.status_code)
        if answer.status_code != 200:
            assert answer.headers["x-amzn-ErrorType"].startswith("InternalServiceException")
            assert "retry later" in answer.json()["Message"]
        if statuses.count(500) >= 10:
            break
    return statuses


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[TemporaryPostgres]:
    yield from own_cluster(request)


def test_a_full_disk_answers_500_logs_one_line_and_recovers(small_disk: Path) -> None:
    fills_and_recovers(f"sqlite:///{small_disk / 'numbers.db'}", small_disk, "SQLITE_FULL")


def test_a_full_postgresql_disk_answers_500_logs_one_line_and_recovers(
    cluster: TemporaryPostgres,
) -> None:
    with small_disk_at(cluster.folder / "disk") as disk:  # where postgres can reach it
        try:
            owner = pwd.getpwnam("postgres")  # the cluster's server runs as postgres (root)
            os.chown(disk, owner.pw_uid, owner.pw_gid)
            with psycopg.connect(cluster.url, autocommit=True) as admin:
                admin.execute(f"CREATE TABLESPACE small LOCATION '{disk}'")
                admin.execute(f"ALTER DATABASE {cluster.database} SET default_tablespace = small")
            fills_and_recovers(cluster.url, disk, "53100")
            with psycopg.connect(cluster.url) as admin:
                found = admin.execute(
                    "SELECT count(*) FROM pg_tables"
                    " WHERE tablename = 'phone_numbers' AND tablespace = 'small'"
                ).fetchone()
            assert found == (1,)  # the numbers were on the small disk
        finally:
            cluster.stop_server("immediate")  # before its tablespace's disk goes


def fills_and_recovers(database: str, small_disk: Path, code: str) -> None:
    with ServerProcess(database) as server:
        server.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 5000})
        connect = server.client()
        instance = connect.create_instance(f"disk-{uuid.uuid4().hex[:8]}")["Id"]
        filler = fill(small_disk)
        statuses = claims_until_refused(connect, instance, range(0, 4000))
        assert statuses.count(500) == 10, f"the disk never filled: {len(statuses)} claims"
        failing_from = statuses.index(500)
        assert set(statuses[failing_from:]) == {500}  # no write gets through a full disk
        assert connect.send("GET", f"/instance/{instance}").status_code == 200  # reads do
        log = server.log()
        assert log.count(f"storage failure: disk full (code {code})") == 1, log
        assert "Traceback" not in log, log
        filler.unlink()
        answer = connect.claim(f"+{RANGE_START + 4000}", instance)
        assert answer.status_code == 200, answer.text
        log = server.log()
        assert f"storage failure over: disk full (code {code}); 10 requests failed" in log
        print(f"full disk: {failing_from} claims fit, then 10 x 500 and one log line")
