"""Races over real HTTP: threads, each with its own boto3 client.

The plugin's server answers on one event loop, so against it the threads race
over HTTP but their transactions do not overlap; the last test runs its threads
against two server processes on one PostgreSQL database, where they do.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, boto3_client, new_instance, set_quota

from processes import ServerProcess, admin, postgres_url, start_all

ACCOUNT = "000000000000"


def race(clients: list[Any], work: Callable[[int, Any], Any]) -> list[Any]:
    """Run ``work(index, client)`` in one thread per client, all released at once."""
    start = threading.Barrier(len(clients))

    def run(index: int) -> Any:
        start.wait()
        return work(index, clients[index])

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(run, range(len(clients))))


def listed(connect: Any) -> list[str]:
    found: list[str] = []
    for page in connect.get_paginator("list_phone_numbers_v2").paginate():
        found += [s["PhoneNumber"] for s in page["ListPhoneNumbersSummaryList"]]
    return found


def test_sixteen_threads_racing_for_ten_numbers_claim_each_number_once(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 20)
    desk = new_instance(connect, "race")
    numbers = available(connect, desk, 10)
    clients = [connect_numbers.client() for _ in range(16)]

    def claim_all(index: int, client: Any) -> list[tuple[str, str]]:
        outcomes: list[tuple[str, str]] = []
        for number in numbers[index % 10 :] + numbers[: index % 10]:
            try:
                claimed = client.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
                outcomes.append((number, "won:" + claimed["PhoneNumberId"]))
            except ClientError as error:
                outcomes.append((number, error.response["Error"]["Message"]))
        return outcomes

    outcomes = [o for per_thread in race(clients, claim_all) for o in per_thread]
    wins = [number for number, outcome in outcomes if outcome.startswith("won:")]
    assert sorted(wins) == sorted(numbers)
    refusals = Counter(outcome for _, outcome in outcomes if not outcome.startswith("won:"))
    assert refusals == Counter({f"Phone number not available: {n}": 15 for n in numbers})
    assert sorted(listed(connect)) == sorted(numbers)
    for number, outcome in outcomes:
        if outcome.startswith("won:"):
            summary = connect.describe_phone_number(PhoneNumberId=outcome[4:])
            assert summary["ClaimedPhoneNumberSummary"]["PhoneNumber"] == number


def test_one_client_token_sent_from_eight_threads_claims_one_number(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "same-token")
    number = available(connect, desk, 1)[0]
    token = str(uuid.uuid4())
    clients = [connect_numbers.client() for _ in range(8)]

    def claim(_: int, client: Any) -> str:
        claimed = client.claim_phone_number(
            PhoneNumber=number, InstanceId=desk["Id"], ClientToken=token
        )
        number_id: str = claimed["PhoneNumberId"]
        return number_id

    ids = race(clients, claim)
    assert len(set(ids)) == 1
    assert listed(connect) == [number]
    history = connect_numbers.admin("GET", f"numbers/{number}/history")["events"]
    assert [e["event"] for e in history].count("CLAIM") == 1


def test_concurrent_claims_onto_one_instance_never_exceed_its_limit(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 3)
    desk = new_instance(connect, "limit")
    numbers = available(connect, desk, 8)
    clients = [connect_numbers.client() for _ in range(8)]

    def claim(index: int, client: Any) -> str:
        number_id: str = client.claim_phone_number(
            PhoneNumber=numbers[index], InstanceId=desk["Id"]
        )["PhoneNumberId"]
        return number_id

    ids = race(clients, claim)
    statuses = Counter(
        connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"][
            "PhoneNumberStatus"
        ]["Status"]
        for number_id in ids
    )
    assert statuses == Counter({"CLAIMED": 3, "FAILED": 5})
    assert len(listed(connect)) == 3


def test_concurrent_claims_and_releases_never_claim_past_the_churn_limit(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 3)  # the churn limit is 6 releases
    warmup = new_instance(connect, "warm-up")
    before = available(connect, warmup, 5)
    for number in before:
        claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=warmup["Id"])
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])  # one left: R = 5
    desks = [new_instance(connect, f"churn-{i}") for i in range(8)]
    pool = available(connect, warmup, 24)
    own = [pool[i : i + 3] for i in range(0, 24, 3)]  # every thread its own three numbers
    clients = [connect_numbers.client() for _ in range(8)]

    def churn(index: int, client: Any) -> list[str]:
        outcomes: list[str] = []
        for number in own[index]:
            try:
                claimed = client.claim_phone_number(
                    PhoneNumber=number, InstanceId=desks[index]["Id"]
                )
            except ClientError as error:
                outcomes.append(error.response["Error"]["Message"])
                break
            outcomes.append("claimed")
            client.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
        return outcomes

    outcomes = [o for per_thread in race(clients, churn) for o in per_thread]
    assert "claimed" in outcomes
    refusals = [o for o in outcomes if o != "claimed"]
    assert refusals
    assert all("claim limit exceeded" in o for o in refusals)

    events = sorted(
        (
            event
            for number in before + [n for numbers in own for n in numbers]
            for event in connect_numbers.admin("GET", f"numbers/{number}/history")["events"]
            if event["event"] in ("CLAIM", "RELEASE")
        ),
        key=lambda event: event["time"],
    )
    releases = 0
    for event in events:
        if event["event"] == "RELEASE":
            releases += 1
        else:
            assert releases < 6, "a claim was accepted with the churn limit reached"
    assert releases >= 6


@pytest.fixture(scope="module")
def postgresql_pair(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The endpoints of two servers (two worker processes each) on one PostgreSQL database."""
    url = postgres_url(request)
    with start_all([ServerProcess(url, workers=2), ServerProcess(url, workers=2)]) as both:
        yield [server.endpoint for server in both]
        both[0].admin("POST", "reset", {})


def _race_moves(clients: list[Any], round_: int) -> list[dict[str, Any]]:
    """Eight numbers on eight instances moved at once onto one more; their summaries."""
    connect = clients[0]
    target = new_instance(connect, f"wanted-{round_}")
    sources = [new_instance(connect, f"source-{round_}-{i}") for i in range(8)]
    numbers = available(connect, target, 8)
    ids = [
        connect.claim_phone_number(PhoneNumber=number, InstanceId=source["Id"])["PhoneNumberId"]
        for number, source in zip(numbers, sources, strict=True)
    ]

    def move(index: int, client: Any) -> None:
        client.update_phone_number(PhoneNumberId=ids[index], InstanceId=target["Id"])

    race(clients, move)
    summaries: list[dict[str, Any]] = [
        connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]
        for number_id in ids
    ]
    return [{**s, "moved": s["TargetArn"] == target["Arn"]} for s in summaries]


@pytest.mark.parametrize("backend", ["plugin", "postgresql-processes"])
def test_concurrent_moves_onto_one_instance_never_exceed_its_limit(
    request: pytest.FixtureRequest, backend: str
) -> None:
    if backend == "plugin":
        connect_numbers: Any = request.getfixturevalue("connect_numbers")
        pair = [connect_numbers.endpoint] * 2
    else:
        pair = request.getfixturevalue("postgresql_pair")
        admin(pair[0], "POST", "reset", {})
    admin(pair[0], "PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    clients = [boto3_client(pair[i % 2]) for i in range(8)]
    for round_ in range(4):  # a race is won by chance: give it several
        summaries = _race_moves(clients, round_)
        moved = [s for s in summaries if s["moved"]]
        assert len(moved) == 1, f"round {round_}: {len(moved)} numbers moved onto a limit of 1"
        assert moved[0]["PhoneNumberStatus"] == {"Status": "CLAIMED"}
        stayed = {s["PhoneNumberStatus"]["Status"] for s in summaries if not s["moved"]}
        assert stayed == {"FAILED"}


def test_an_alias_raced_for_by_instances_and_replicas_on_two_servers_goes_to_one(
    postgresql_pair: list[str],
) -> None:
    alias = f"contested-{uuid.uuid4().hex[:8]}"
    clients = [boto3_client(postgresql_pair[i % 2]) for i in range(8)]
    sources = [new_instance(clients[0], f"{alias}-source-{i}") for i in range(4)]

    def claim_alias(index: int, client: Any) -> str:
        try:
            if index % 2:
                source = sources[index // 2]
                client.replicate_instance(
                    InstanceId=source["Id"], ReplicaRegion="us-west-2", ReplicaAlias=alias
                )
            else:
                new_instance(client, alias)
            return "ok"
        except ClientError as error:
            return str(error.response["Error"]["Code"])

    outcomes = race(clients, claim_alias)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", "ResourceConflictException", "InvalidRequestException"}
