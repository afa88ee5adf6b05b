"""Throttling: a token bucket per account, region and operation, 429 ThrottlingException beyond it.

Buckets are rows of the database (a reset empties them); every test acts
through accounts of its own (fresh account ids), never through another
test's buckets.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

Signing = dict[str, str]
NewAccount = Callable[[], Signing]


@pytest.fixture
def account(connect_numbers: Any) -> NewAccount:
    """``account()`` -> signing options (access_key, secret_key) of a key in a fresh account."""

    def create() -> Signing:
        account_id = "".join(secrets.choice("0123456789") for _ in range(12))
        connect_numbers.admin("POST", "accounts", {"account_id": account_id})
        key = connect_numbers.admin("POST", f"accounts/{account_id}/keys", {"principal": "t"})
        return {"access_key": key["access_key_id"], "secret_key": key["secret_access_key"]}

    return create


def throttle(connect_numbers: Any, enabled: bool = True, rate: float = 1, burst: int = 2) -> None:
    connect_numbers.config(throttling={"enabled": enabled, "rate": rate, "burst": burst})


def statuses(
    raw: Any, signing: Signing, count: int, path: str = "/instance", **kw: Any
) -> list[int]:
    return [raw("GET", path, **signing, **kw).status_code for _ in range(count)]


def test_the_call_beyond_the_burst_is_429_throttling(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    throttle(connect_numbers, rate=1, burst=2)
    first, second, third = (raw("GET", "/instance", **signing) for _ in range(3))
    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 429
    assert third.headers["x-amzn-ErrorType"] == "ThrottlingException"
    assert third.headers["x-amzn-RequestId"]
    assert third.json() == {"Message": "Rate exceeded"}


def test_buckets_are_per_operation(raw: Any, connect_numbers: Any, account: NewAccount) -> None:
    signing = account()
    throttle(connect_numbers)
    assert statuses(raw, signing, 3) == [200, 200, 429]
    listed = raw("POST", "/phone-number/list", "{}", **signing)
    assert listed.status_code == 200


def test_buckets_are_per_account(raw: Any, connect_numbers: Any, account: NewAccount) -> None:
    busy, quiet = account(), account()
    throttle(connect_numbers)
    assert statuses(raw, busy, 3) == [200, 200, 429]
    assert statuses(raw, quiet, 2) == [200, 200]


def test_buckets_are_per_region(raw: Any, connect_numbers: Any, account: NewAccount) -> None:
    signing = account()
    throttle(connect_numbers)
    assert statuses(raw, signing, 3) == [200, 200, 429]
    assert statuses(raw, signing, 2, region="us-west-2") == [200, 200]


def test_requests_that_fail_authentication_do_not_drain_the_owners_bucket(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    throttle(connect_numbers)
    forged = {**signing, "secret_key": "not-the-secret"}
    assert statuses(raw, forged, 4) == [403] * 4
    assert statuses(raw, signing, 2) == [200, 200]


def test_boto3_with_standard_retries_gets_through(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    throttle(connect_numbers, rate=0.5, burst=1)  # 2 s for a token: the client's first try is early
    assert statuses(raw, signing, 2) == [200, 429]
    client = connect_numbers.client(
        access_key=signing["access_key"],
        secret_key=signing["secret_key"],
        retries={"max_attempts": 8, "mode": "standard"},
    )
    answer = client.list_instances()
    assert answer["InstanceSummaryList"] == []
    assert answer["ResponseMetadata"]["RetryAttempts"] >= 1


def test_a_throttled_claim_records_no_outcome_and_its_token_claims_later_once(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    client = connect_numbers.client(
        access_key=signing["access_key"], secret_key=signing["secret_key"]
    )
    desk = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias="throttled",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )
    found = client.search_available_phone_numbers(
        InstanceId=desk["Id"], PhoneNumberCountryCode="US", PhoneNumberType="DID"
    )
    number = found["AvailableNumbersList"][0]["PhoneNumber"]
    claim = json.dumps(
        {"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": str(uuid.uuid4())}
    )
    throttle(connect_numbers, rate=1, burst=2)
    invalid = json.dumps({"PhoneNumber": "not a number", "InstanceId": desk["Id"]})
    for _ in range(2):  # refused by validation, after taking their tokens
        assert raw("POST", "/phone-number/claim", invalid, **signing).status_code == 400
    throttled = raw("POST", "/phone-number/claim", claim, **signing)
    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-ErrorType"] == "ThrottlingException"
    deadline = time.monotonic() + 5
    while (later := raw("POST", "/phone-number/claim", claim, **signing)).status_code == 429:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert later.status_code == 200, later.text
    throttle(connect_numbers, enabled=False)
    again = raw("POST", "/phone-number/claim", claim, **signing)
    assert again.json() == later.json()
    listed = raw("POST", "/phone-number/list", "{}", **signing).json()
    assert [n["PhoneNumber"] for n in listed["ListPhoneNumbersSummaryList"]] == [number]


def test_disabling_throttling_takes_effect_at_once(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    throttle(connect_numbers)
    assert statuses(raw, signing, 3) == [200, 200, 429]
    throttle(connect_numbers, enabled=False)
    assert statuses(raw, signing, 10) == [200] * 10


def test_enabling_throttling_takes_effect_at_once(
    raw: Any, connect_numbers: Any, account: NewAccount
) -> None:
    signing = account()
    assert statuses(raw, signing, 10) == [200] * 10
    throttle(connect_numbers, rate=1, burst=3)
    assert statuses(raw, signing, 4) == [200, 200, 200, 429]
