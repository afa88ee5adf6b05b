"""Storage stays bounded while the service clock moves: real server processes with the
background maintenance on, claims and releases that all carry client tokens, the clock
moved past the tokens' 24 hours and the history's retention after each round. On
PostgreSQL two nodes share the database (their passes take turns)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest

from processes import ServerProcess, Signed, only_in_the_sqlite_pass, postgres_url

RANGE_START = 12065550100
NUMBERS = 30
ROUNDS = 5
TABLES = ("idempotency", "events", "releases")
OPTIONS = ("--maintenance-interval", "0.2")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        only_in_the_sqlite_pass(request)
        return f"sqlite:///{tmp_path / 'numbers.db'}"
    return postgres_url(request)


def counter(db: str) -> Callable[[], dict[str, int]]:
    """Rows per table, read from the database directly."""

    def count() -> dict[str, int]:
        if db.startswith("sqlite"):
            with sqlite3.connect(db.removeprefix("sqlite:///")) as lite:
                return {
                    t: int(lite.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES
                }
        with psycopg.connect(db) as postgres:
            found = {t: postgres.execute(f"SELECT count(*) FROM {t}").fetchone() for t in TABLES}
            return {t: int(row[0]) if row else 0 for t, row in found.items()}

    return count


@pytest.fixture
def nodes(database: str) -> Iterator[list[ServerProcess]]:
    count = 1 if database.startswith("sqlite") else 2
    with ExitStack() as stack:
        servers = [stack.enter_context(ServerProcess(database, args=OPTIONS)) for _ in range(count)]
        servers[0].admin("POST", "reset", {})  # the session's database may hold rows
        yield servers


def one_round(clients: list[Signed], instance: str) -> int:
    """Claim and release every number once, each call with a client token, spread over the
    nodes; how many tokens that recorded."""
    for k in range(NUMBERS):
        connect = clients[k % len(clients)]
        claimed = connect.claim(f"+{RANGE_START + k}", instance, str(uuid.uuid4()))
        assert claimed.status_code == 200, claimed.text
        released = connect.release(claimed.json()["PhoneNumberId"], str(uuid.uuid4()))
        assert released.status_code == 200, released.text
    return 2 * NUMBERS


def test_tokens_events_and_releases_stay_bounded_while_the_clock_moves(
    database: str, nodes: list[ServerProcess]
) -> None:
    first = nodes[0]
    first.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1000})
    first.admin(
        "PUT",
        "config",
        {"cooldown_days": 1, "churn_window_days": 1, "history_retention_days": 1},
    )
    clients = [node.client() for node in nodes]
    instance = clients[0].create_instance(f"bounded-{uuid.uuid4().hex[:8]}")["Id"]
    count = counter(database)
    written = 0
    for _ in range(ROUNDS):
        written += one_round(clients, instance)
        assert count()["idempotency"] >= 2 * NUMBERS  # this round's tokens are all there
        first.admin("POST", "clock", {"advance_seconds": 2 * 86_400 + 1})
        rows = wait_until_purged(count)
        assert rows == {"idempotency": 0, "events": 0, "releases": 0}, rows
    print(f"{written} client tokens and {2 * written} events written; tables after: {count()}")
    for node in nodes:
        assert "Traceback" not in node.log()


def wait_until_purged(count: Callable[[], dict[str, int]]) -> dict[str, int]:
    """The row counts once the background passes have deleted everything (at most 10 s)."""
    deadline = time.monotonic() + 10
    rows = count()
    while any(rows.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
        rows = count()
    return rows
