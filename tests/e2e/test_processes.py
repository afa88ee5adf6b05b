"""Several server processes on one database stay correct under concurrent load.

Each scenario runs on SQLite (one server with ``--workers 2``: two processes on
one file) and on PostgreSQL (two separate servers on one database, the clients
split between them).
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest

from processes import (
    LOCAL_ACCOUNT,
    ServerProcess,
    Signed,
    new_account,
    only_in_the_sqlite_pass,
    postgres_url,
    postgresql_pair,
    sqlite_pair,
    start_all,
)

RANGE_START = 12065550100  # +1 206 555 0100 ... valid US fixed-line numbers
OTHER_ACCOUNTS = ("111111111111", "222222222222", "333333333333")


def numbers(count: int) -> list[str]:
    return [f"+{RANGE_START + i}" for i in range(count)]


@pytest.fixture(scope="module")
def sqlite_servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServerProcess]]:
    yield from sqlite_pair(request, tmp_path_factory)


@pytest.fixture(scope="module")
def postgresql_servers(request: pytest.FixtureRequest) -> Iterator[list[ServerProcess]]:
    yield from postgresql_pair(request)


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest) -> list[ServerProcess]:
    """The servers of one backend, wiped, with 100 numbers of +1 206 555 01xx in stock."""
    found: list[ServerProcess] = request.getfixturevalue(f"{request.param}_servers")
    found[0].admin("POST", "reset", {})
    found[0].admin(
        "POST",
        "inventory",
        {"ranges": [{"start": f"+{RANGE_START}", "count": 100, "country": "US", "type": "DID"}]},
    )
    return found


def set_quota(server: ServerProcess, quota: int, account: str = LOCAL_ACCOUNT) -> None:
    server.admin("PUT", f"quotas/{account}/us-east-1", {"phone_numbers_per_instance": quota})


def error_type(answer: httpx.Response) -> str:
    return answer.headers.get("x-amzn-ErrorType", "").split(":")[0]


def run_together(count: int, work: Callable[[int, threading.Barrier], None]) -> None:
    """``work(i, barrier)`` in ``count`` threads; re-raises the first failure of any."""
    barrier = threading.Barrier(count, timeout=30)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i, barrier)
        except BaseException as error:  # collected and re-raised below
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a client thread hung"
    if failures:
        raise failures[0]


@dataclass(frozen=True)
class Attempt:
    account: str
    number: str
    status: int
    error: str
    body: dict[str, Any]


def test_sixty_four_clients_racing_for_a_hundred_numbers_claim_each_exactly_once(
    servers: list[ServerProcess],
) -> None:
    accounts = {LOCAL_ACCOUNT: ("test", "test")}
    for account in OTHER_ACCOUNTS:
        accounts[account] = new_account(servers[0].endpoint, account)
    instances = {}
    for account, (key, secret) in accounts.items():
        set_quota(servers[0], 1000, account)
        instances[account] = Signed(servers[0].endpoint, key, secret).create_instance(
            f"race-{account}"
        )["Id"]
    stock = numbers(100)
    blocks = [stock[b * 5 : b * 5 + 5] for b in range(20)]  # each raced by 3 or 4 clients
    attempts: list[Attempt] = []

    def client(i: int, barrier: threading.Barrier) -> None:
        account = list(accounts)[i % len(accounts)]
        connect = Signed(servers[i % 2].endpoint, *accounts[account])
        mine = list(blocks[i % 20])
        random.Random(i).shuffle(mine)
        assert connect.send("GET", f"/instance/{instances[account]}").status_code == 200
        barrier.wait()
        for number in mine:
            answer = connect.claim(number, instances[account])
            attempts.append(
                Attempt(account, number, answer.status_code, error_type(answer), answer.json())
            )
        connect.close()

    started = time.monotonic()
    run_together(64, client)
    elapsed = time.monotonic() - started

    statuses = Counter(a.status for a in attempts)
    print(f"race: {len(attempts)} claims in {elapsed:.1f} s: {dict(statuses)}")
    assert len(attempts) == 320
    assert set(statuses) <= {200, 400}, statuses
    won = [a for a in attempts if a.status == 200]
    assert sorted(a.number for a in won) == stock  # each number claimed exactly once
    assert len({a.body["PhoneNumberId"] for a in won}) == 100
    for lost in (a for a in attempts if a.status == 400):
        assert lost.error == "InvalidParameterException", lost
        assert lost.body["Message"] == f"Phone number not available: {lost.number}", lost
    winners = {a.number: a for a in won}
    listed: list[tuple[str, str]] = []
    for account, (key, secret) in accounts.items():
        for summary in Signed(servers[1].endpoint, key, secret).held():
            listed.append((summary["PhoneNumber"], account))
            assert winners[summary["PhoneNumber"]].account == account
            assert winners[summary["PhoneNumber"]].body["PhoneNumberId"] == summary["PhoneNumberId"]
    assert len(listed) == 100
    assert len({number for number, _ in listed}) == 100  # no number held twice


def test_concurrent_claims_onto_one_instance_never_settle_more_than_its_quota(
    servers: list[ServerProcess],
) -> None:
    set_quota(servers[0], 5)
    instance = servers[0].client().create_instance("five-seats")["Id"]
    answers: list[httpx.Response] = []

    def client(i: int, barrier: threading.Barrier) -> None:
        connect = servers[i % 2].client()
        barrier.wait()
        answers.append(connect.claim(numbers(12)[i], instance))
        connect.close()

    run_together(12, client)
    assert [a.status_code for a in answers] == [200] * 12  # a full target fails later, as AWS
    connect = servers[0].client()
    statuses = Counter(
        connect.describe(a.json()["PhoneNumberId"]).json()["ClaimedPhoneNumberSummary"][
            "PhoneNumberStatus"
        ]["Status"]
        for a in answers
    )
    print(f"quota race: 12 claims onto a target of quota 5: {dict(statuses)}")
    assert statuses == {"CLAIMED": 5, "FAILED": 7}
    assert len(connect.held()) == 5


_REFUSAL = re.compile(
    r"^Phone number claim limit exceeded: (\d+) numbers were released in the last 180 days, "
    r"and the limit is 10 "
)


def test_claims_stop_the_moment_the_tenth_release_lands_and_never_resume_in_the_window(
    servers: list[ServerProcess],
) -> None:
    set_quota(servers[0], 5)  # the limit is 200 % of 5: ten releases
    setup = servers[0].client()
    desks = [setup.create_instance("churn-a")["Id"], setup.create_instance("churn-b")["Id"]]
    stock = numbers(39)
    for number in stock[:9]:  # nine releases: one short of the limit
        claimed = setup.claim(number, desks[0])
        assert claimed.status_code == 200, claimed.text
        assert setup.release(claimed.json()["PhoneNumberId"]).status_code == 200

    # Ten clients, each claiming and releasing fresh numbers until a claim is refused.
    log: list[tuple[int, str, float, float, httpx.Response]] = []

    def client(i: int, barrier: threading.Barrier) -> None:
        connect = servers[i % 2].client()
        barrier.wait()
        for number in stock[9 + 3 * i : 12 + 3 * i]:
            sent = time.monotonic()
            claimed = connect.claim(number, desks[i % 2])
            log.append((i, "claim", sent, time.monotonic(), claimed))
            if claimed.status_code != 200:
                break
            sent = time.monotonic()
            released = connect.release(claimed.json()["PhoneNumberId"])
            log.append((i, "release", sent, time.monotonic(), released))
        connect.close()

    run_together(10, client)

    claims = [entry for entry in log if entry[1] == "claim"]
    releases = [entry for entry in log if entry[1] == "release"]
    granted = [entry for entry in claims if entry[4].status_code == 200]
    refused = [entry for entry in claims if entry[4].status_code != 200]
    print(
        f"churn race: {len(claims)} claims, {len(granted)} granted, {len(refused)} refused, "
        f"{len(releases)} releases"
    )
    assert all(entry[4].status_code == 200 for entry in releases), "a release was refused"
    assert 1 <= len(granted) <= 10  # the first claim saw nine releases: it had to pass
    assert len(refused) == 10  # every client ended on a refusal
    first_release_done = min(entry[3] for entry in releases)
    for _, _, sent, _, _ in granted:
        assert sent < first_release_done, "a claim passed after the tenth release had landed"
    total = 9 + len(releases)
    for _, _, _, _, answer in refused:
        assert answer.status_code == 400 and error_type(answer) == "InvalidParameterException"
        found = _REFUSAL.match(answer.json()["Message"])
        assert found is not None, answer.text
        assert 10 <= int(found[1]) <= total
    final = setup.claim(stock[-1], desks[0])
    assert final.status_code == 400
    assert f"{total} numbers were released" in final.json()["Message"]
    assert setup.held() == []


def test_one_client_token_sent_sixteen_times_at_once_claims_once_and_releases_once(
    servers: list[ServerProcess],
) -> None:
    instance = servers[0].client().create_instance("tokens")["Id"]
    number = numbers(1)[0]
    token = str(uuid.uuid4())
    claims: list[httpx.Response] = []

    def claimer(i: int, barrier: threading.Barrier) -> None:
        connect = servers[i % 2].client()
        barrier.wait()
        claims.append(connect.claim(number, instance, token))
        connect.close()

    run_together(16, claimer)
    assert [a.status_code for a in claims] == [200] * 16, [a.text for a in claims]
    assert len({a.json()["PhoneNumberId"] for a in claims}) == 1
    number_id = claims[0].json()["PhoneNumberId"]
    assert [n["PhoneNumberId"] for n in servers[0].client().held()] == [number_id]

    release_token = str(uuid.uuid4())
    releases: list[httpx.Response] = []

    def releaser(i: int, barrier: threading.Barrier) -> None:
        connect = servers[i % 2].client()
        barrier.wait()
        releases.append(connect.release(number_id, release_token))
        connect.close()

    run_together(16, releaser)
    assert [a.status_code for a in releases] == [200] * 16, [a.text for a in releases]
    history = servers[0].admin("GET", f"numbers/{number}/history")["events"]
    assert Counter(e["event"] for e in history if e["event"] in ("CLAIM", "RELEASE")) == {
        "CLAIM": 1,
        "RELEASE": 1,
    }


def test_servers_started_at_the_same_moment_on_a_new_postgresql_database_all_come_up(
    request: pytest.FixtureRequest,
) -> None:
    only_in_the_sqlite_pass(request)  # it makes its own database: once is enough
    url = postgres_url(request)
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    fresh = url.rsplit("/", 1)[0] + f"/{name}"
    try:
        with start_all([ServerProcess(fresh) for _ in range(3)]) as servers:
            for server in servers:
                assert server.admin("GET", "config")["cooldown_days"] == 180
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sixteen_different_releases_of_one_number_at_once_release_it_once(
    servers: list[ServerProcess],
) -> None:
    connect = servers[0].client()
    instance = connect.create_instance("released-once")["Id"]
    number = numbers(1)[0]
    claimed = connect.claim(number, instance)
    assert claimed.status_code == 200, claimed.text
    number_id = claimed.json()["PhoneNumberId"]
    releases: list[httpx.Response] = []

    def releaser(i: int, barrier: threading.Barrier) -> None:
        mine = servers[i % 2].client()
        barrier.wait()
        releases.append(mine.release(number_id))  # a fresh client token each
        mine.close()

    run_together(16, releaser)
    outcomes = Counter((a.status_code, error_type(a)) for a in releases)
    assert outcomes == {(200, ""): 1, (404, "ResourceNotFoundException"): 15}, outcomes
    history = servers[0].admin("GET", f"numbers/{number}/history")["events"]
    assert [e["event"] for e in history if e["event"] == "RELEASE"] == ["RELEASE"]
