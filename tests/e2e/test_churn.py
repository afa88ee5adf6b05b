"""The rolling churn quota through boto3: AWS's worked example, and the small cases at the edge."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, new_instance, set_quota

DAY = 86_400
WINDOW = 180 * DAY
ACCOUNT = "000000000000"


def claim_all(connect: Any, desk: dict[str, Any], count: int) -> list[str]:
    """Claim ``count`` numbers onto ``desk``; their PhoneNumberIds, every one CLAIMED."""
    ids = [
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])["PhoneNumberId"]
        for number in available(connect, desk, count)
    ]
    last = connect.describe_phone_number(PhoneNumberId=ids[-1])["ClaimedPhoneNumberSummary"]
    assert last["PhoneNumberStatus"]["Status"] == "CLAIMED"
    return ids


def release_all(connect: Any, ids: list[str]) -> None:
    for number_id in ids:
        connect.release_phone_number(PhoneNumberId=number_id)


def claim_refusal(connect: Any, desk: dict[str, Any]) -> str:
    """The message of the refusal of a claim of a free number; fails if it is not refused."""
    number = available(connect, desk, 1)[0]
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "InvalidParameterException"
    message: str = response["Error"]["Message"]
    return message


def claims_one(connect: Any, desk: dict[str, Any]) -> str:
    number = available(connect, desk, 1)[0]
    number_id: str = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])[
        "PhoneNumberId"
    ]
    return number_id


def iso(epoch: float) -> str:
    """How a refusal states ``epoch``: the first whole second at or after it."""
    return datetime.fromtimestamp(math.ceil(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def held(connect: Any) -> int:
    found = 0
    for page in connect.get_paginator("list_phone_numbers_v2").paginate():
        found += len(page["ListPhoneNumbersSummaryList"])
    return found


def test_the_worked_example_release_99_claim_99_release_99_then_claims_are_refused(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 99)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "ninety-nine")
    first = claim_all(connect, desk, 99)
    assert held(connect) == 99
    connect_numbers.set_clock(start + DAY)
    first_releases = start + DAY
    release_all(connect, first)
    connect_numbers.set_clock(start + 2 * DAY)
    second = claim_all(connect, desk, 99)
    assert held(connect) == 99
    connect_numbers.set_clock(start + 3 * DAY)
    release_all(connect, second)
    assert held(connect) == 0

    resume = first_releases + WINDOW
    message = claim_refusal(connect, desk)
    assert "198 numbers were released" in message
    assert "the limit is 198" in message
    assert iso(resume) in message
    connect_numbers.set_clock(resume - 1)
    assert iso(resume) in claim_refusal(connect, desk)
    connect_numbers.set_clock(resume)
    claims_one(connect, desk)
    assert held(connect) == 1


def test_ten_releases_lock_a_quota_of_five_and_nine_do_not(
    connect_numbers: Any, connect: Any
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "default-quota")
    release_all(connect, claim_all(connect, desk, 5))
    second = claim_all(connect, desk, 5)
    release_all(connect, second[:4])  # nine releases
    tenth = claims_one(connect, desk)
    connect.release_phone_number(PhoneNumberId=tenth)  # ten releases
    message = claim_refusal(connect, desk)
    assert "10 numbers were released" in message
    assert "the limit is 10" in message
    assert iso(start + WINDOW) in message


def test_releases_are_never_refused_by_the_churn_quota(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 2)
    connect_numbers.freeze()
    desk = new_instance(connect, "churned")
    kept = claim_all(connect, new_instance(connect, "kept"), 2)
    release_all(connect, claim_all(connect, desk, 2))
    release_all(connect, claim_all(connect, desk, 2))
    assert "4 numbers were released" in claim_refusal(connect, desk)
    release_all(connect, kept)
    assert held(connect) == 0
    assert "6 numbers were released" in claim_refusal(connect, desk)


def test_claims_resume_when_enough_releases_leave_the_window_not_all_of_them(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 2)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "staggered")
    ids = claim_all(connect, desk, 2)
    connect.release_phone_number(PhoneNumberId=ids[0])  # at start
    connect_numbers.set_clock(start + 10)
    connect.release_phone_number(PhoneNumberId=ids[1])  # at start + 10
    ids = claim_all(connect, desk, 2)
    connect_numbers.set_clock(start + 20)
    connect.release_phone_number(PhoneNumberId=ids[0])
    connect_numbers.set_clock(start + 30)
    connect.release_phone_number(PhoneNumberId=ids[1])  # four releases, the limit is four
    assert iso(start + WINDOW) in claim_refusal(connect, desk)
    connect_numbers.set_clock(start + WINDOW - 1)
    claim_refusal(connect, desk)
    connect_numbers.set_clock(start + WINDOW)  # the oldest release leaves: three remain
    claims_one(connect, desk)


def test_the_window_and_the_percentage_are_configurable(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.config(churn_window_days=30, churn_percent=100)
    set_quota(connect_numbers, 2)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "configured")
    release_all(connect, claim_all(connect, desk, 2))
    message = claim_refusal(connect, desk)
    assert "the limit is 2" in message
    assert iso(start + 30 * DAY) in message
    connect_numbers.set_clock(start + 30 * DAY - 1)
    claim_refusal(connect, desk)
    connect_numbers.set_clock(start + 30 * DAY)
    claims_one(connect, desk)


def test_the_churn_quota_is_per_region(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 1)
    desk = new_instance(connect, "east")
    release_all(connect, claim_all(connect, desk, 1))
    release_all(connect, claim_all(connect, desk, 1))
    claim_refusal(connect, desk)
    west = connect_numbers.client(region="us-west-2")
    west_desk = new_instance(west, "west")
    assert claims_one(west, west_desk)


def test_releases_of_failed_claims_do_not_count(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 1)
    desk = new_instance(connect, "failing")
    claim_all(connect, desk, 1)
    for _ in range(3):
        failed = claims_one(connect, desk)  # the desk is full: settles FAILED
        summary = connect.describe_phone_number(PhoneNumberId=failed)["ClaimedPhoneNumberSummary"]
        assert summary["PhoneNumberStatus"]["Status"] == "FAILED"
        connect.release_phone_number(PhoneNumberId=failed)
    assert claims_one(connect, new_instance(connect, "roomy"))


def test_a_restored_release_no_longer_counts(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 1)
    desk = new_instance(connect, "restored")
    release_all(connect, claim_all(connect, desk, 1))
    number = available(connect, desk, 1)[0]
    last = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    connect.release_phone_number(PhoneNumberId=last["PhoneNumberId"])
    claim_refusal(connect, desk)
    connect_numbers.admin("POST", f"numbers/{number}/restore", {})
    other = new_instance(connect, "after-restore")
    assert claims_one(connect, other)


def test_a_quota_of_zero_refuses_every_claim_without_a_resume_time(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 0)
    desk = new_instance(connect, "zero")
    message = claim_refusal(connect, desk)
    assert "the limit is 0" in message
    assert "quota" in message
    assert held(connect) == 0


def test_the_churn_quota_is_per_account(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 1)
    desk = new_instance(connect, "locked")
    release_all(connect, claim_all(connect, desk, 1))
    release_all(connect, claim_all(connect, desk, 1))
    claim_refusal(connect, desk)
    connect_numbers.admin("POST", "accounts", {"account_id": "111111111111"})
    key = connect_numbers.admin("POST", "accounts/111111111111/keys", {"principal": "bob"})
    other = connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )
    assert claims_one(other, new_instance(other, "free"))


def test_the_churn_refusal_comes_before_the_availability_of_the_number(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 1)
    desk = new_instance(connect, "order")
    release_all(connect, claim_all(connect, desk, 1))
    release_all(connect, claim_all(connect, desk, 1))
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber="+19005550123", InstanceId=desk["Id"])
    assert "claim limit exceeded" in raised.value.response["Error"]["Message"]
