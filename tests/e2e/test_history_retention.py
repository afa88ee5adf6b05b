"""Background maintenance at its edges: expired client tokens go, live ones stay; history
beyond history_retention_days goes, but never what the cooldown, the churn window or a
restore still needs. Passes are run on demand with POST /_connect-numbers/maintenance."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import available, code_of, error_of, new_instance, set_quota

DAY = 86_400
HOUR = 3_600


def purge(connect_numbers: Any, limit: int = 1000) -> dict[str, Any]:
    answer: dict[str, Any] = connect_numbers.admin("POST", "maintenance", {"limit": limit})
    assert answer["ran"] is True
    return answer


def kinds(connect_numbers: Any, e164: str) -> list[str]:
    events = connect_numbers.admin("GET", f"numbers/{quote(e164)}/history")["events"]
    return [event["event"] for event in events]


@pytest.fixture
def target(connect: Any) -> dict[str, Any]:
    return new_instance(connect, f"retention-{uuid.uuid4().hex[:8]}")


def cycle(connect: Any, target: dict[str, Any], number: str) -> str:
    """Claim ``number`` and release it at once; its id."""
    claimed = connect.claim_phone_number(TargetArn=target["Arn"], PhoneNumber=number)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    number_id: str = claimed["PhoneNumberId"]
    return number_id


def test_expired_client_tokens_are_deleted_and_live_ones_still_replay(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    target = new_instance(connect, f"retention-{uuid.uuid4().hex[:8]}")  # a token too
    first, second = available(connect, target, 2)
    old = connect.claim_phone_number(
        TargetArn=target["Arn"], PhoneNumber=first, ClientToken=str(uuid.uuid4())
    )
    connect_numbers.advance(12 * HOUR)
    token = str(uuid.uuid4())
    kept = connect.claim_phone_number(
        TargetArn=target["Arn"], PhoneNumber=second, ClientToken=token
    )
    connect_numbers.advance(12 * HOUR)  # the first token is now exactly 24 h old: expired
    assert purge(connect_numbers)["tokens"] == 0  # the purge keeps a record at the edge
    connect_numbers.advance(0.001)
    assert purge(connect_numbers)["tokens"] == 2  # CreateInstance's and the first claim's
    assert purge(connect_numbers)["tokens"] == 0
    replay = connect.claim_phone_number(
        TargetArn=target["Arn"], PhoneNumber=second, ClientToken=token
    )
    assert replay["PhoneNumberId"] == kept["PhoneNumberId"]  # 12 h old: still replayed
    assert old["PhoneNumberId"] != kept["PhoneNumberId"]


def test_a_purge_pass_deletes_at_most_its_limit_of_each_kind(
    connect_numbers: Any, connect: Any, target: dict[str, Any]
) -> None:
    set_quota(connect_numbers, 100)
    connect_numbers.config(churn_percent=10_000)
    for number in available(connect, target, 5):
        connect.claim_phone_number(
            TargetArn=target["Arn"], PhoneNumber=number, ClientToken=str(uuid.uuid4())
        )
    connect_numbers.advance(25 * HOUR)
    assert purge(connect_numbers, limit=2)["tokens"] == 2
    assert purge(connect_numbers, limit=2)["tokens"] == 2
    assert purge(connect_numbers, limit=2)["tokens"] >= 1  # the instance's own token too
    assert purge(connect_numbers)["tokens"] == 0


def test_history_is_kept_forever_by_default(
    connect_numbers: Any, connect: Any, target: dict[str, Any]
) -> None:
    number = available(connect, target)[0]
    cycle(connect, target, number)
    connect_numbers.advance(3650 * DAY)
    assert purge(connect_numbers)["events"] == 0
    assert kinds(connect_numbers, number) == ["CLAIM", "SETTLE", "RELEASE", "COOLDOWN_END"]


def test_history_goes_one_second_after_the_retention_and_not_at_its_edge(
    connect_numbers: Any, connect: Any, target: dict[str, Any]
) -> None:
    connect_numbers.config(cooldown_days=1, churn_window_days=2, history_retention_days=3)
    connect_numbers.freeze()
    number = available(connect, target)[0]
    cycle(connect, target, number)
    connect_numbers.advance(3 * DAY)  # the events are exactly as old as the retention
    assert purge(connect_numbers) | {"tokens": 0} == {
        "tokens": 0,
        "events": 0,
        "releases": 0,
        "ran": True,
    }
    assert kinds(connect_numbers, number) == ["CLAIM", "SETTLE", "RELEASE", "COOLDOWN_END"]
    connect_numbers.advance(1)
    purged = purge(connect_numbers)
    assert (purged["events"], purged["releases"]) == (2, 1)  # CLAIM and RELEASE, its release
    assert kinds(connect_numbers, number) == []
    claimed = connect.claim_phone_number(TargetArn=target["Arn"], PhoneNumber=number)
    assert claimed["PhoneNumberId"]  # the number is simply available


def test_a_release_still_cooling_is_kept_whole_and_can_be_restored(
    connect_numbers: Any, connect: Any, target: dict[str, Any]
) -> None:
    connect_numbers.config(cooldown_days=10, churn_window_days=1, history_retention_days=1)
    connect_numbers.freeze()
    number = available(connect, target)[0]
    number_id = cycle(connect, target, number)
    connect_numbers.config(cooldown_days=1)  # lowered since: the release still cools 10 days
    connect_numbers.advance(5 * DAY)
    purged = purge(connect_numbers)
    assert (purged["events"], purged["releases"]) == (0, 0)
    assert kinds(connect_numbers, number) == ["CLAIM", "SETTLE", "RELEASE"]
    restored = connect_numbers.admin("POST", f"numbers/{quote(number)}/restore", {})
    assert restored["PhoneNumberId"] == number_id
    assert kinds(connect_numbers, number)[-1] == "RESTORE"
    assert connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]


def test_releases_in_the_churn_window_are_kept_and_still_refuse_claims(
    connect_numbers: Any, connect: Any, target: dict[str, Any]
) -> None:
    set_quota(connect_numbers, 1)  # the churn limit: 200 % of 1, two releases
    connect_numbers.config(cooldown_days=1, churn_window_days=30, history_retention_days=1)
    connect_numbers.freeze()
    first, second, third = available(connect, target, 3)
    cycle(connect, target, first)
    cycle(connect, target, second)
    connect_numbers.advance(10 * DAY)
    purged = purge(connect_numbers)
    assert (purged["events"], purged["releases"]) == (0, 0)
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=target["Arn"], PhoneNumber=third)
    assert code_of(refused) == (400, "InvalidParameterException")
    assert "released in the last 30 days" in error_of(refused)[2]
    connect_numbers.advance(20 * DAY + 1)  # out of the window: now they may go
    purged = purge(connect_numbers)
    assert (purged["events"], purged["releases"]) == (4, 2)
    connect.claim_phone_number(TargetArn=target["Arn"], PhoneNumber=third)


def test_the_maintenance_call_checks_its_limit(connect_numbers: Any) -> None:
    for bad in (0, -1, "10", True, 100_001):
        answer = httpx.post(
            f"{connect_numbers.endpoint}/_connect-numbers/maintenance", json={"limit": bad}
        )
        assert answer.status_code == 400, bad
        assert answer.json()["code"] == "InvalidParameter"
