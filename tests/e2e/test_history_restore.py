"""A number's history (GET numbers/{e164}/history) and the Support path (POST .../restore)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from botocore.exceptions import ClientError

DAY = 86_400
COOLDOWN = 180 * DAY
ACCOUNT = "000000000000"
PREFIX = "/_connect-numbers/"


def new_instance(connect: Any) -> str:
    created = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=f"history-{uuid.uuid4().hex[:8]}",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )
    arn: str = created["Arn"]
    return arn


@pytest.fixture
def target(connect: Any) -> str:
    return new_instance(connect)


def available(connect: Any, target: str, count: int = 1) -> list[str]:
    answer = connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=count
    )
    return [item["PhoneNumber"] for item in answer["AvailableNumbersList"]]


def history(connect_numbers: Any, e164: str) -> list[dict[str, Any]]:
    answer = connect_numbers.admin("GET", f"numbers/{quote(e164)}/history")
    events: list[dict[str, Any]] = answer["events"]
    return events


def admin_raw(connect_numbers: Any, method: str, path: str) -> httpx.Response:
    return httpx.request(method, f"{connect_numbers.endpoint}{PREFIX}{path}", timeout=10)


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["event"] for event in events]


def test_history_of_a_never_seen_number_is_empty(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers, "GET", "numbers/%2B12065550100/history")
    assert response.status_code == 200
    assert response.json() == {"events": []}


def test_claim_settle_release_and_cooldown_end_are_recorded_in_order(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.config(settle_seconds=30)
    connect_numbers.advance(31)  # the instance settles too
    start = connect_numbers.freeze()["now"]
    number = available(connect, target)[0]
    claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    assert kinds(history(connect_numbers, number)) == ["CLAIM"]
    connect_numbers.advance(31)
    released = connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert kinds(history(connect_numbers, number)) == ["CLAIM", "SETTLE", "RELEASE"]
    connect_numbers.advance(COOLDOWN)
    events = history(connect_numbers, number)
    assert kinds(events) == ["CLAIM", "SETTLE", "RELEASE", "COOLDOWN_END"]
    assert [event["time"] for event in events] == [
        start,
        start + 30,
        start + 31,
        start + 31 + COOLDOWN,
    ]
    claim_id = claimed["ResponseMetadata"]["RequestId"]
    release_id = released["ResponseMetadata"]["RequestId"]
    assert [event["request_id"] for event in events] == [claim_id, claim_id] + [release_id] * 2
    assert [event["principal"] for event in events[::2]] == ["test", "test"]
    for event in events:
        assert (event["account_id"], event["region"]) == (ACCOUNT, "us-east-1")
        assert event["phone_number"] == number
        assert event["phone_number_id"] == claimed["PhoneNumberId"]


def test_with_a_frozen_clock_history_keeps_each_consequence_after_its_cause(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.freeze()
    connect_numbers.config(cooldown_days=0)
    number = available(connect, target)[0]
    claim_and_release(connect, target, number)
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    events = history(connect_numbers, number)
    assert kinds(events) == ["CLAIM", "SETTLE", "RELEASE", "COOLDOWN_END", "CLAIM", "SETTLE"]
    assert len({event["time"] for event in events}) == 1


def test_a_claim_released_with_its_instance_before_settling_never_settles(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.config(settle_seconds=60)
    connect_numbers.advance(61)
    number = available(connect, target)[0]
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    connect.delete_instance(InstanceId=target.rsplit("/", 1)[-1])
    connect_numbers.advance(61)
    assert kinds(history(connect_numbers, number)) == ["CLAIM", "RELEASE"]


def test_a_failed_claim_shows_fail_with_its_message(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    first, second = available(connect, target, 2)
    connect.claim_phone_number(TargetArn=target, PhoneNumber=first)
    failed = connect.claim_phone_number(TargetArn=target, PhoneNumber=second)
    status = connect.describe_phone_number(PhoneNumberId=failed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumberStatus"]
    assert status["Status"] == "FAILED"
    events = history(connect_numbers, second)
    assert kinds(events) == ["CLAIM", "FAIL"]
    assert events[1]["message"] == status["Message"]
    assert "limit of 1" in events[1]["message"]


def test_with_a_quota_of_0_a_claim_is_refused_at_once_and_leaves_no_history(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    # R >= 200 % of Q holds with R = Q = 0: the churn rule refuses before any settle
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 0})
    number = available(connect, target)[0]
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    error = refused.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "quota of 0" in error["Error"]["Message"]
    assert history(connect_numbers, number) == []


def claim_and_release(connect: Any, target: str, number: str, **more: Any) -> dict[str, Any]:
    claimed: dict[str, Any] = connect.claim_phone_number(
        TargetArn=target, PhoneNumber=number, **more
    )
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    return claimed


def test_restore_during_cooldown_gives_the_number_back_as_it_was(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    number = available(connect, target)[0]
    claimed = claim_and_release(
        connect, target, number, PhoneNumberDescription="front desk", Tags={"team": "blue"}
    )
    connect_numbers.advance(DAY)
    restored = connect_numbers.admin("POST", f"numbers/{quote(number)}/restore", {})
    assert restored["PhoneNumberId"] == claimed["PhoneNumberId"]
    assert restored["PhoneNumberArn"] == claimed["PhoneNumberArn"]
    assert restored["PhoneNumber"] == number
    assert restored["TargetArn"] == target
    assert restored["Tags"] == {"team": "blue"}
    assert restored["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberArn"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert summary["PhoneNumberId"] == claimed["PhoneNumberId"]
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert summary["PhoneNumberDescription"] == "front desk"
    assert summary["Tags"] == {"team": "blue"}
    assert summary["TargetArn"] == target
    listed = connect.list_phone_numbers_v2(TargetArn=target)["ListPhoneNumbersSummaryList"]
    assert [item["PhoneNumber"] for item in listed] == [number]
    connect_numbers.advance(COOLDOWN)
    events = history(connect_numbers, number)
    assert kinds(events) == ["CLAIM", "SETTLE", "RELEASE", "RESTORE"]
    assert events[-1]["principal"] == "connect-numbers-admin"


def test_a_restored_release_no_longer_counts_toward_churn(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    first, second, third = available(connect, target, 3)
    claim_and_release(connect, target, first)
    claim_and_release(connect, new_instance(connect), second)
    spare = new_instance(connect)
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=spare, PhoneNumber=third)
    assert "claim limit exceeded" in refused.value.response["Error"]["Message"]
    connect_numbers.admin("POST", f"numbers/{quote(first)}/restore", {})
    claimed = connect.claim_phone_number(TargetArn=spare, PhoneNumber=third)
    status = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert status["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"] == "CLAIMED"


def test_a_restored_number_cools_down_again_when_released(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    number = available(connect, target)[0]
    claimed = claim_and_release(connect, target, number)
    connect_numbers.admin("POST", f"numbers/{quote(number)}/restore", {})
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    assert "not available" in refused.value.response["Error"]["Message"]
    connect_numbers.advance(COOLDOWN)
    assert kinds(history(connect_numbers, number))[-3:] == ["RESTORE", "RELEASE", "COOLDOWN_END"]


def test_restore_of_a_number_never_released_is_400(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers, "POST", "numbers/%2B12065550100/restore")
    assert response.status_code == 400
    assert "+12065550100 is not in a cooldown" in response.json()["message"]


def test_restore_of_a_claimed_number_is_400(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    number = available(connect, target)[0]
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    response = admin_raw(connect_numbers, "POST", f"numbers/{quote(number)}/restore")
    assert response.status_code == 400
    assert "not in a cooldown" in response.json()["message"]


def test_restore_after_the_cooldown_ended_is_400(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.freeze()
    number = available(connect, target)[0]
    claim_and_release(connect, target, number)
    connect_numbers.advance(COOLDOWN)
    response = admin_raw(connect_numbers, "POST", f"numbers/{quote(number)}/restore")
    assert response.status_code == 400
    assert "not in a cooldown" in response.json()["message"]


def test_restore_is_400_once_the_last_target_was_deleted(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    number = available(connect, target)[0]
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    connect.delete_instance(InstanceId=target.rsplit("/", 1)[-1])
    response = admin_raw(connect_numbers, "POST", f"numbers/{quote(number)}/restore")
    assert response.status_code == 400
    assert f"{target} no longer exists" in response.json()["message"]
    assert kinds(history(connect_numbers, number)) == ["CLAIM", "SETTLE", "RELEASE"]
    with pytest.raises(ClientError):
        connect.claim_phone_number(TargetArn=new_instance(connect), PhoneNumber=number)


@pytest.mark.parametrize("spelling", ["%2B", "+"])
def test_the_number_in_the_path_may_be_percent_encoded(
    connect_numbers: Any, connect: Any, target: str, spelling: str
) -> None:
    number = available(connect, target)[0]
    claimed = claim_and_release(connect, target, number)
    path = f"numbers/{spelling}{number[1:]}"
    listed = admin_raw(connect_numbers, "GET", f"{path}/history")
    assert listed.status_code == 200
    assert kinds(listed.json()["events"]) == ["CLAIM", "SETTLE", "RELEASE"]
    restored = admin_raw(connect_numbers, "POST", f"{path}/restore")
    assert restored.status_code == 200
    assert restored.json()["PhoneNumberId"] == claimed["PhoneNumberId"]
