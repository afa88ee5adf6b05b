"""Client tokens on phone-number operations: replays, mismatches, expiry, and what is not kept."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import describe, error_of, listed, new_instance

HOUR = 3_600
DAY = 86_400
ACCOUNT = "000000000000"


def available(connect: Any, desk: dict[str, Any], count: int = 1) -> list[str]:
    page = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=count
    )
    return [n["PhoneNumber"] for n in page["AvailableNumbersList"]]


def token() -> str:
    return str(uuid.uuid4())


def test_a_claim_retried_with_its_token_replays_the_same_number(connect: Any) -> None:
    desk = new_instance(connect, "retry")
    number = available(connect, desk)[0]
    key = token()
    first = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=key)
    again = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=key)
    assert (again["PhoneNumberId"], again["PhoneNumberArn"]) == (
        first["PhoneNumberId"],
        first["PhoneNumberArn"],
    )
    assert listed(connect) == [number]


def test_a_replayed_claim_does_not_move_the_search_on(connect: Any) -> None:
    desk = new_instance(connect, "search-stays")
    number = available(connect, desk)[0]
    key = token()
    connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=key)
    offered = available(connect, desk, 5)
    connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=key)
    assert available(connect, desk, 5) == offered


def test_a_claim_token_reused_for_another_number_is_an_idempotency_error(connect: Any) -> None:
    desk = new_instance(connect, "mismatch")
    first, second = available(connect, desk, 2)
    key = token()
    connect.claim_phone_number(PhoneNumber=first, InstanceId=desk["Id"], ClientToken=key)
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=second, InstanceId=desk["Id"], ClientToken=key)
    status, code, message = error_of(raised)
    assert (status, code) == (409, "IdempotencyException")
    assert key in message
    assert listed(connect) == [first]


def test_a_claim_token_reused_with_other_tags_is_an_idempotency_error(connect: Any) -> None:
    desk = new_instance(connect, "tags-differ")
    number = available(connect, desk)[0]
    key = token()
    given = {"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": key}
    connect.claim_phone_number(**given, Tags={"a": "1"})
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(**given, Tags={"a": "2"})
    assert error_of(raised)[:2] == (409, "IdempotencyException")


def test_a_release_retried_after_the_number_is_gone_answers_200(connect: Any) -> None:
    desk = new_instance(connect, "late-retry")
    number = available(connect, desk)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    key = token()
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    again = connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=token())
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def other_account(connect_numbers: Any, account: str = "111111111111") -> Any:
    connect_numbers.admin("POST", "accounts", {"account_id": account})
    key = connect_numbers.admin("POST", f"accounts/{account}/keys", {"principal": "bob"})
    return connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )


def test_a_release_retried_after_the_cooldown_and_a_new_claim_by_someone_else_touches_nothing(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(cooldown_days=1, idempotency_hours=48)
    connect_numbers.freeze()
    desk = new_instance(connect, "much-later")
    number = available(connect, desk)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    key = token()
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    connect_numbers.advance(DAY)
    other = other_account(connect_numbers)
    their_desk = new_instance(other, "new-owner")
    theirs = other.claim_phone_number(PhoneNumber=number, InstanceId=their_desk["Id"])
    for _ in range(2):
        answer = connect.release_phone_number(
            PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key
        )
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert describe(other, theirs["PhoneNumberId"])["TargetArn"] == their_desk["Arn"]
    mine_again = connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert mine_again == []


def test_the_same_token_in_another_account_is_independent(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "account-a")
    first, second = available(connect, desk, 2)
    key = token()
    mine = connect.claim_phone_number(PhoneNumber=first, InstanceId=desk["Id"], ClientToken=key)
    other = other_account(connect_numbers)
    their_desk = new_instance(other, "account-b")
    theirs = other.claim_phone_number(
        PhoneNumber=second, InstanceId=their_desk["Id"], ClientToken=key
    )
    assert theirs["PhoneNumberId"] != mine["PhoneNumberId"]
    assert describe(other, theirs["PhoneNumberId"])["PhoneNumber"] == second


def test_a_replayed_release_does_not_count_twice_toward_churn(
    connect_numbers: Any, connect: Any
) -> None:
    path = f"quotas/{ACCOUNT}/us-east-1"
    connect_numbers.admin("PUT", path, {"phone_numbers_per_instance": 1})  # the limit is 2
    desk = new_instance(connect, "churn-once")
    claimed = connect.claim_phone_number(
        PhoneNumber=available(connect, desk)[0], TargetArn=desk["Arn"]
    )
    key = token()
    for _ in range(3):
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    number = available(connect, desk)[0]
    second = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    connect.release_phone_number(PhoneNumberId=second["PhoneNumberId"])  # two releases: locked
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=available(connect, desk)[0], InstanceId=desk["Id"])
    assert "2 numbers were released" in error_of(raised)[2]


def test_the_same_token_on_another_operation_is_independent(connect: Any) -> None:
    desk = new_instance(connect, "operations")
    number = available(connect, desk)[0]
    key = token()
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=key)
    number_id = claimed["PhoneNumberId"]
    connect.update_phone_number_metadata(
        PhoneNumberId=number_id, PhoneNumberDescription="renamed", ClientToken=key
    )
    assert describe(connect, number_id)["PhoneNumberDescription"] == "renamed"
    connect.release_phone_number(PhoneNumberId=number_id, ClientToken=key)
    assert listed(connect) == []


def test_a_claim_token_expires_after_idempotency_hours(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.config(cooldown_days=0.5, idempotency_hours=24)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "expiry")
    number = available(connect, desk)[0]
    key = token()
    given = {"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": key}
    first = connect.claim_phone_number(**given)
    connect.release_phone_number(PhoneNumberId=first["PhoneNumberId"])
    connect_numbers.set_clock(start + 24 * HOUR - 1)
    assert connect.claim_phone_number(**given)["PhoneNumberId"] == first["PhoneNumberId"]
    assert listed(connect) == []  # replayed: nothing claimed
    connect_numbers.set_clock(start + 24 * HOUR)
    anew = connect.claim_phone_number(**given)
    assert anew["PhoneNumberId"] != first["PhoneNumberId"]
    assert listed(connect) == [number]


def test_an_expired_token_runs_anew_and_meets_the_rules_again(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(idempotency_hours=1)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "held")
    number = available(connect, desk)[0]
    given = {"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": token()}
    connect.claim_phone_number(**given)
    connect_numbers.set_clock(start + HOUR)
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(**given)
    assert error_of(raised) == (
        400,
        "InvalidParameterException",
        f"Phone number not available: {number}",
    )


def test_a_refused_claim_leaves_no_record_of_its_token(connect: Any) -> None:
    desk = new_instance(connect, "not-recorded")
    free, taken = available(connect, desk, 2)
    connect.claim_phone_number(PhoneNumber=taken, InstanceId=desk["Id"])
    key = token()
    refusals = [
        {"PhoneNumber": free, "InstanceId": desk["Id"], "TargetArn": desk["Arn"]},
        {"PhoneNumber": free},
        {"PhoneNumber": free, "InstanceId": str(uuid.uuid4())},
        {"PhoneNumber": taken, "InstanceId": desk["Id"]},
        {"PhoneNumber": free, "InstanceId": desk["Id"], "PhoneNumberDescription": "d" * 501},
        {"PhoneNumber": free, "InstanceId": desk["Id"], "Tags": {"aws:owner": "x"}},
    ]
    for refused in refusals:
        with pytest.raises(ClientError) as raised:
            connect.claim_phone_number(**refused, ClientToken=key)
        assert error_of(raised)[0] in (400, 404)
    claimed = connect.claim_phone_number(PhoneNumber=free, InstanceId=desk["Id"], ClientToken=key)
    assert describe(connect, claimed["PhoneNumberId"])["PhoneNumber"] == free


def test_a_release_refused_while_in_progress_leaves_no_record_of_its_token(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "busy")
    connect_numbers.config(settle_seconds=5)
    number = available(connect, desk)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    key = token()
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    assert error_of(raised)[:2] == (409, "ResourceInUseException")
    connect_numbers.advance(5)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"], ClientToken=key)
    assert listed(connect) == []


def test_a_move_retried_with_its_token_moves_once(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.freeze()
    desk, other = new_instance(connect, "from"), new_instance(connect, "to")
    number = available(connect, desk)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    connect_numbers.config(settle_seconds=5)
    key = token()
    given = {
        "PhoneNumberId": claimed["PhoneNumberId"],
        "InstanceId": other["Id"],
        "ClientToken": key,
    }
    moved = connect.update_phone_number(**given)
    connect_numbers.advance(2)
    again = connect.update_phone_number(**given)  # a second move would be refused: in progress
    assert again["PhoneNumberId"] == moved["PhoneNumberId"] == claimed["PhoneNumberId"]
    history = connect_numbers.admin("GET", f"numbers/{number}/history")["events"]
    assert [e["event"] for e in history].count("UPDATE") == 1
