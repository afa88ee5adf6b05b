"""PostgreSQL goes away under load and comes back: the server answers errors meanwhile,
never hangs, writes nothing by halves, and serves again without a restart."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from connect_numbers.testing.postgres import TemporaryPostgres
from processes import ServerProcess, Signed, own_cluster

RANGE_START = 12065550100
CLIENTS = 4
TIMEOUT = 10  # seconds a client waits for an answer: a hang fails the test


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[TemporaryPostgres]:
    """A cluster of this test's own: it is stopped and started again."""
    yield from own_cluster(request)


@dataclass(frozen=True)
class Outcome:
    number: str
    token: str
    sent: float
    took: float
    status: int | None  # None: no answer (the connection failed)
    error: str
    body: str
    request_id: str


def claimer(
    endpoint: str,
    instance: str,
    mine: list[str],
    outcomes: list[Outcome],
    stop: threading.Event,
) -> None:
    connect = Signed(endpoint, timeout=TIMEOUT)
    try:
        for number in mine:
            if stop.is_set():
                return
            token = str(uuid.uuid4())
            sent = time.monotonic()
            try:
                answer = connect.claim(number, instance, token)
            except httpx.TimeoutException as error:
                took = time.monotonic() - sent
                outcomes.append(Outcome(number, token, sent, took, None, "hang", repr(error), ""))
                return
            except httpx.TransportError as error:
                took = time.monotonic() - sent
                outcomes.append(
                    Outcome(number, token, sent, took, None, "connect", repr(error), "")
                )
                time.sleep(0.05)
                continue
            outcomes.append(
                Outcome(
                    number,
                    token,
                    sent,
                    time.monotonic() - sent,
                    answer.status_code,
                    answer.headers.get("x-amzn-ErrorType", ""),
                    answer.text,
                    answer.headers.get("x-amzn-RequestId", ""),
                )
            )
            time.sleep(0.01 if answer.status_code == 200 else 0.05)
    finally:
        connect.close()


@dataclass(frozen=True)
class Outage:
    outcomes: list[Outcome]
    down: float  # when PostgreSQL was told to stop
    up: float  # when it was running again
    recovered: float  # the server's first 200 after that


def run_through_an_outage(
    server: ServerProcess, cluster: TemporaryPostgres, instance: str
) -> Outage:
    """Claims from a few clients while PostgreSQL stops for a second and starts again."""
    outcomes: list[Outcome] = []
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=claimer,
            args=(
                server.endpoint,
                instance,
                [f"+{RANGE_START + c * 200 + k}" for k in range(200)],
                outcomes,
                stop,
            ),
            daemon=True,
        )
        for c in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    down = time.monotonic()
    cluster.stop_server("fast")
    time.sleep(1.0)
    cluster.start_server()
    up = time.monotonic()
    recovered = _first_success_after(server.client(), instance, up)
    time.sleep(0.5)  # the clients run on the recovered database a little
    stop.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return Outage(outcomes, down, up, recovered)


def test_while_postgresql_is_down_requests_fail_fast_and_the_same_server_recovers(
    cluster: TemporaryPostgres,
) -> None:
    with ServerProcess(cluster.url) as server:
        stock = {"start": f"+{RANGE_START}", "count": 800, "country": "US", "type": "DID"}
        server.admin("POST", "inventory", {"ranges": [stock]})
        server.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1000})
        connect = server.client()
        instance = connect.create_instance("outage")["Id"]
        outage = run_through_an_outage(server, cluster, instance)
        outcomes = outage.outcomes

        hangs = [o for o in outcomes if o.error == "hang"]
        assert not hangs, hangs[:3]
        assert any(outage.down <= o.sent < outage.up for o in outcomes), "none sent in the outage"
        failed = [o for o in outcomes if o.status != 200]
        assert failed, "no request failed while PostgreSQL was down"
        slowest = max(o.took for o in failed)
        assert slowest < 5, "a request waited on the missing database"
        for outcome in failed:
            assert outcome.status in (500, None), outcome
            if outcome.status == 500:
                assert outcome.error.startswith("InternalServiceException"), outcome
                assert outcome.request_id and outcome.request_id in outcome.body, outcome
                assert "Traceback" not in outcome.body and "psycopg" not in outcome.body
        late = [o for o in outcomes if o.sent > outage.recovered]
        assert late and all(o.status == 200 for o in late), [o for o in late if o.status != 200]
        assert server.process is not None and server.process.poll() is None  # never restarted

        replayed = check_nothing_by_halves(server, instance, outcomes)
        recovery = outage.recovered - outage.up
        print(
            f"outage: {len(outcomes)} claims, {len(failed)} failed while PostgreSQL was down "
            f"({sum(o.status == 500 for o in failed)} x 500, "
            f"{sum(o.status is None for o in failed)} unanswered, {replayed} of them had "
            f"committed, the slowest took {slowest:.2f} s); first 200 {recovery:.2f} s "
            "after PostgreSQL was up again"
        )
        assert recovery < 5


def check_nothing_by_halves(server: ServerProcess, instance: str, outcomes: list[Outcome]) -> int:
    """A claim that failed happened whole or not at all, and its retry with the same client
    token completes it exactly once. Returns how many failed claims had in fact committed."""
    connect = server.client()
    held = {n["PhoneNumber"]: n["PhoneNumberId"] for n in connect.held()}
    for outcome in outcomes:
        if outcome.status == 200:
            assert held[outcome.number] in outcome.body
    failed = [o for o in outcomes if o.status != 200]
    for outcome in failed:
        retried = connect.claim(outcome.number, instance, outcome.token)
        assert retried.status_code == 200, retried.text
        number_id = retried.json()["PhoneNumberId"]
        assert held.get(outcome.number, number_id) == number_id
    held_after = {n["PhoneNumber"]: n["PhoneNumberId"] for n in connect.held()}
    assert set(held_after) == {o.number for o in outcomes}
    for outcome in failed:
        events = server.admin("GET", f"numbers/{outcome.number}/history")["events"]
        claims = [e for e in events if e["event"] == "CLAIM"]
        assert [e["phone_number_id"] for e in claims] == [held_after[outcome.number]]
    return sum(o.number in held for o in failed)


def _first_success_after(connect: Signed, instance: str, since: float) -> float:
    """When the server first answers a database-backed call with 200 again (at most 10 s)."""
    while time.monotonic() < since + 10:
        answer = connect.send("GET", f"/instance/{instance}")
        if answer.status_code == 200:
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError("the server did not recover within 10 s of PostgreSQL's return")
