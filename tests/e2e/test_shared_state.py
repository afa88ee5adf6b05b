"""Configuration, throttling and fault rules hold for every worker and node at once.

Each scenario runs on SQLite (one server with ``--workers 2``: two processes on
one file; every request on a new connection, so the kernel spreads them over
both workers) and on PostgreSQL (two separate servers on one database: the
admin call goes to one, the requests alternate between both).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from processes import (
    ServerProcess,
    Signed,
    new_account,
    postgresql_pair,
    sqlite_pair,
)


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
    found: list[ServerProcess] = request.getfixturevalue(f"{request.param}_servers")
    found[0].admin("POST", "reset", {})
    return found


def list_instances(servers: list[ServerProcess], index: int) -> httpx.Response:
    """ListInstances on a new connection, to the servers in turn."""
    client = Signed(servers[index % len(servers)].endpoint)
    try:
        return client.send("GET", "/instance")
    finally:
        client.close()


def statuses(servers: list[ServerProcess], count: int) -> Counter[int]:
    return Counter(list_instances(servers, i).status_code for i in range(count))


def statuses_at_once(servers: list[ServerProcess], each: int) -> Counter[int]:
    """8 threads at once, each sending ``each`` ListInstances on new connections."""
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def hammer(offset: int) -> None:
        for i in range(each):
            status = list_instances(servers, offset + i).status_code
            with lock:
                seen[status] += 1

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_throttling_applies_from_the_next_request_with_one_bucket_for_all(
    servers: list[ServerProcess],
) -> None:
    assert statuses(servers, 20) == {200: 20}
    settings = {"enabled": True, "rate": 0.01, "burst": 3}
    servers[0].admin("PUT", "config", {"throttling": settings})
    # one bucket of 3 for the account, whichever worker or node answers
    assert statuses(servers[::-1], 20) == {200: 3, 429: 17}
    servers[0].admin("PUT", "config", {"throttling": {"enabled": False}})
    assert statuses(servers[::-1], 10) == {200: 10}


def test_a_fault_rule_holds_from_the_next_request_and_counts_exactly_under_load(
    servers: list[ServerProcess],
) -> None:
    rule = {"operation": "ListInstances", "error": "ThrottlingException", "count": 10}
    created = httpx.post(f"{servers[0].endpoint}/_connect-numbers/faults", json=rule, timeout=10)
    assert created.status_code == 201
    assert list_instances(servers[::-1], 0).status_code == 429  # the other worker or node
    assert statuses_at_once(servers, 6) == {429: 9, 200: 39}
    (listed,) = servers[-1].admin("GET", "faults")["faults"]
    assert (listed["hits"], listed["remaining"]) == (10, 0)
    servers[0].admin("DELETE", f"faults/{created.json()['id']}")


def test_removing_a_rule_and_a_reset_apply_from_the_next_request(
    servers: list[ServerProcess],
) -> None:
    def add() -> str:
        rule = {"operation": "*", "error": "ThrottlingException"}
        created = httpx.post(f"{servers[0].endpoint}/_connect-numbers/faults", json=rule)
        assert created.status_code == 201
        return str(created.json()["id"])

    rule_id = add()
    assert statuses(servers[::-1], 4) == {429: 4}
    servers[0].admin("DELETE", f"faults/{rule_id}")
    assert statuses(servers[::-1], 4) == {200: 4}
    add()
    assert statuses(servers[::-1], 4) == {429: 4}
    servers[0].admin("POST", "reset", {})
    assert statuses(servers[::-1], 4) == {200: 4}


def requests_counted(endpoint: str, operation: str) -> float:
    text = httpx.get(f"{endpoint}/_connect-numbers/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if (
                sample.name == "connect_numbers_requests_total"
                and labels.get("operation") == operation
                and labels.get("code") == "OK"
            ):
                return float(sample.value)
    return 0.0


def test_every_scrape_counts_the_requests_of_all_workers(servers: list[ServerProcess]) -> None:
    """A server's metrics sum its workers; each node of a PostgreSQL cluster counts its own."""
    operation = "ListTrafficDistributionGroups"
    first, last = servers[0], servers[-1]
    before = requests_counted(first.endpoint, operation), requests_counted(last.endpoint, operation)
    for _ in range(12):  # each on a new connection: both workers answer some
        client = Signed(first.endpoint)
        assert client.send("GET", "/traffic-distribution-groups").status_code == 200
        client.close()
    for _ in range(6):  # and any worker's scrape counts them all
        assert requests_counted(first.endpoint, operation) == before[0] + 12
    if last is not first:
        assert requests_counted(last.endpoint, operation) == before[1]


def test_a_revoked_key_is_refused_from_the_next_request_everywhere(
    servers: list[ServerProcess],
) -> None:
    key_id, secret = new_account(servers[0].endpoint, "444444444444")

    def answered(count: int) -> Counter[int]:
        found: Counter[int] = Counter()
        for i in range(count):  # new connections: every worker and node caches the key
            client = Signed(servers[(i + 1) % len(servers)].endpoint, key_id, secret)
            found[client.send("GET", "/instance").status_code] += 1
            client.close()
        return found

    assert answered(8) == {200: 8}
    servers[0].admin("DELETE", f"accounts/444444444444/keys/{key_id}")
    assert answered(8) == {403: 8}


def test_concurrent_requests_share_one_bucket_exactly(servers: list[ServerProcess]) -> None:
    settings = {"enabled": True, "rate": 0.001, "burst": 10}
    servers[0].admin("PUT", "config", {"throttling": settings})
    assert statuses_at_once(servers, 5) == {200: 10, 429: 30}


def test_a_clock_change_holds_from_the_next_request_everywhere(
    servers: list[ServerProcess],
) -> None:
    """Every process keeps the clock between changes; a change on one is the clock of
    the next request on every other (an instance's CreatedTime is the service clock)."""
    assert statuses(servers, 8) == {200: 8}  # every worker and node has read the clock
    ten_days = 10 * 86_400
    servers[0].admin("POST", "clock", {"advance_seconds": ten_days})
    for i in range(6):  # new connections: every worker and node answers some
        client = Signed(servers[(i + 1) % len(servers)].endpoint)
        try:
            created = client.create_instance(f"clock-{i}")
            described = client.send("GET", f"/instance/{created['Id']}").json()
        finally:
            client.close()
        created_time = described["Instance"]["CreatedTime"]
        assert abs(created_time - (time.time() + ten_days)) < 60, created_time
