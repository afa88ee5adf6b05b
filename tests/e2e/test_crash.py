"""Every answered write survives a kill -9 of the server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from processes import ServerProcess, Signed, only_in_the_sqlite_pass, postgres_url

RANGE_START = 12065550100
CLIENTS = 8
PER_CLIENT = 120
LOAD_SECONDS = 2.0


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        only_in_the_sqlite_pass(request)
        return f"sqlite:///{tmp_path_factory.mktemp('crash') / 'numbers.db'}"
    return postgres_url(request)


@dataclass
class Load:
    """What the clients were told: 200s only; requests cut off by the kill are unknown."""

    claimed: dict[str, str] = field(default_factory=dict)  # number -> PhoneNumberId
    released: dict[str, str] = field(default_factory=dict)  # number -> PhoneNumberId
    unanswered: set[str] = field(default_factory=set)  # numbers of cut-off requests
    other: list[str] = field(default_factory=list)  # any other answer: a failure
    lock: threading.Lock = field(default_factory=threading.Lock)


def churn(endpoint: str, instance: str, mine: list[str], load: Load, stop: threading.Event) -> None:
    """Claim numbers one after another, releasing every other one just after its claim."""
    connect = Signed(endpoint, timeout=10)
    try:
        for k, number in enumerate(mine):
            if stop.is_set():
                return
            try:
                answer = connect.claim(number, instance)
            except httpx.TransportError:
                with load.lock:
                    load.unanswered.add(number)
                return
            if answer.status_code != 200:
                with load.lock:
                    load.other.append(f"claim {number}: {answer.status_code} {answer.text}")
                return
            number_id = answer.json()["PhoneNumberId"]
            with load.lock:
                load.claimed[number] = number_id
            if k % 2:
                try:
                    released = connect.release(number_id)
                except httpx.TransportError:
                    with load.lock:
                        load.unanswered.add(number)
                    return
                with load.lock:
                    if released.status_code == 200:
                        load.released[number] = number_id
                    else:
                        load.other.append(f"release {number}: {released.status_code}")
    finally:
        connect.close()


@pytest.fixture
def crashed(database: str) -> Iterator[tuple[ServerProcess, Load]]:
    """A server killed with SIGKILL under load, then started again on the same database."""
    first = ServerProcess(database, workers=2).start()
    try:
        first.admin("POST", "reset", {})
        first.admin(
            "POST",
            "inventory",
            {
                "ranges": [
                    {
                        "start": f"+{RANGE_START}",
                        "count": CLIENTS * PER_CLIENT,
                        "country": "US",
                        "type": "DID",
                    }
                ]
            },
        )
        first.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 10_000})
        instance = first.client().create_instance("crash")["Id"]
        load = Load()
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=churn,
                args=(
                    first.endpoint,
                    instance,
                    [f"+{RANGE_START + c * PER_CLIENT + k}" for k in range(PER_CLIENT)],
                    load,
                    stop,
                ),
                daemon=True,
            )
            for c in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        first.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        assert not any(t.is_alive() for t in threads), "a client hung on the killed server"
    finally:
        first.kill()
    with ServerProcess(database, workers=2) as second:
        yield second, load
        second.admin("POST", "reset", {})


def test_after_a_kill_9_under_load_every_answered_claim_and_release_is_there(
    crashed: tuple[ServerProcess, Load],
) -> None:
    server, load = crashed
    assert not load.other, load.other[:5]
    assert len(load.released) >= 10, "too little load before the kill to mean anything"
    connect = server.client()
    now = server.admin("GET", "clock")["now"]
    held = {n["PhoneNumber"]: n["PhoneNumberId"] for n in connect.held()}
    kept = {n: i for n, i in load.claimed.items() if n not in load.released}

    # Every answered claim not released since is held, CLAIMED (nothing stuck in progress).
    for number, number_id in kept.items():
        if number in load.unanswered:
            continue  # its release was cut off: either outcome is allowed
        assert held.get(number) == number_id, f"claim of {number} answered 200 but lost"
    for number, number_id in held.items():
        described = connect.describe(number_id)
        assert described.status_code == 200, described.text
        status = described.json()["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"]
        assert status == "CLAIMED", f"{number} is {status} after the restart"
    # Whatever is held was claimed by a request: answered, or cut off by the kill.
    assert set(held) <= set(kept) | load.unanswered

    # Every answered release stayed a release: gone, cooling, and not claimable.
    for number, number_id in load.released.items():
        assert number not in held
        assert connect.describe(number_id).status_code == 404
        events = server.admin("GET", f"numbers/{number}/history")["events"]
        releases = [e for e in events if e["event"] == "RELEASE"]
        assert len(releases) == 1 and releases[0]["cooldown_until"] > now, events
    sample = next(iter(load.released))
    refused = connect.claim(sample, _instances(connect)[0])
    assert refused.status_code == 400
    assert refused.json()["Message"] == f"Phone number not available: {sample}"

    print(
        f"crash ({server.db.split(':')[0]}): {len(load.claimed)} claims and "
        f"{len(load.released)} releases answered 200, {len(load.unanswered)} cut off; "
        f"{len(held)} held after the restart"
    )


def _instances(connect: Signed) -> list[str]:
    answer = connect.send("GET", "/instance")
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, Any]] = answer.json()["InstanceSummaryList"]
    return [i["Id"] for i in listed]
