"""ReleasePhoneNumber through boto3: gone at once, the cooldown to the second, every error."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, new_instance, search

DAY = 86_400
ACCOUNT = "000000000000"


def claim_one(connect: Any, desk: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    number = search(connect, desk, MaxResults=1)[0]
    claimed: dict[str, Any] = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    return number, claimed


def assert_gone(connect: Any, desk: dict[str, Any], claimed: dict[str, Any]) -> None:
    for key in ("PhoneNumberId", "PhoneNumberArn"):
        with pytest.raises(ClientError) as raised:
            connect.describe_phone_number(PhoneNumberId=claimed[key])
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []
    assert connect.list_phone_numbers(InstanceId=desk["Id"])["PhoneNumberSummaryList"] == []


def assert_still_claimed(connect: Any, claimed: dict[str, Any]) -> None:
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert summary["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"] == "CLAIMED"


@pytest.mark.parametrize("by", ["PhoneNumberId", "PhoneNumberArn"])
def test_a_released_number_is_gone_at_once(connect: Any, by: str) -> None:
    desk = new_instance(connect, "release")
    _, claimed = claim_one(connect, desk)
    answer = connect.release_phone_number(PhoneNumberId=claimed[by])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert_gone(connect, desk, claimed)


@pytest.mark.parametrize("by", ["PhoneNumberId", "PhoneNumberArn"])
def test_a_release_answers_200_with_an_empty_body(raw: Any, connect: Any, by: str) -> None:
    desk = new_instance(connect, "raw-release")
    _, claimed = claim_one(connect, desk)
    path = f"/phone-number/{quote(claimed[by], safe='')}?clientToken={uuid.uuid4()}"
    response = raw("DELETE", path)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-amzn-RequestId"]
    assert_gone(connect, desk, claimed)


def test_a_release_from_another_region_by_arn_is_an_invalid_parameter(
    connect_numbers: Any, raw: Any, connect: Any
) -> None:
    desk = new_instance(connect, "home")
    _, claimed = claim_one(connect, desk)
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.release_phone_number(PhoneNumberId=claimed["PhoneNumberArn"])
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "us-east-1" in message
    response = raw(
        "DELETE", f"/phone-number/{quote(claimed['PhoneNumberArn'], safe='')}", region="us-west-2"
    )
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert_still_claimed(connect, claimed)


def test_a_number_of_another_region_named_by_its_uuid_is_not_found(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "uuid-home")
    _, claimed = claim_one(connect, desk)
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert_still_claimed(connect, claimed)


def test_an_unknown_number_is_not_found(raw: Any, connect: Any) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=unknown)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    response = raw("DELETE", f"/phone-number/{unknown}")
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert set(response.json()) == {"Message"}


def test_the_legacy_arn_of_list_phone_numbers_does_not_release(connect: Any) -> None:
    desk = new_instance(connect, "legacy")
    _, claimed = claim_one(connect, desk)
    legacy = connect.list_phone_numbers(InstanceId=desk["Id"])["PhoneNumberSummaryList"][0]["Arn"]
    assert legacy == f"{desk['Arn']}/phone-number/{claimed['PhoneNumberId']}"
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=legacy)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert_still_claimed(connect, claimed)


def test_a_number_whose_claim_is_in_progress_is_in_use(
    connect_numbers: Any, raw: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "busy")
    connect_numbers.config(settle_seconds=5)
    _, claimed = claim_one(connect, desk)
    connect_numbers.advance(4)
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert error_of(raised)[:2] == (409, "ResourceInUseException")
    response = raw("DELETE", f"/phone-number/{claimed['PhoneNumberId']}")
    assert response.status_code == 409
    assert response.headers["x-amzn-ErrorType"] == "ResourceInUseException"
    body = response.json()
    assert body["ResourceType"] == "PHONE_NUMBER"
    assert body["ResourceId"] == claimed["PhoneNumberArn"]
    assert body["Message"]
    connect_numbers.advance(1)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert_gone(connect, desk, claimed)


def test_a_client_token_reused_for_another_number_is_an_idempotency_error(
    connect: Any,
) -> None:
    desk = new_instance(connect, "tokens")
    _, first = claim_one(connect, desk)
    _, second = claim_one(connect, desk)
    token = str(uuid.uuid4())
    connect.release_phone_number(PhoneNumberId=first["PhoneNumberId"], ClientToken=token)
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=second["PhoneNumberId"], ClientToken=token)
    status, code, message = error_of(raised)
    assert (status, code) == (409, "IdempotencyException")
    assert token in message
    assert_still_claimed(connect, second)


def test_releasing_twice_without_a_token_is_not_found_the_second_time(connect: Any) -> None:
    desk = new_instance(connect, "twice")
    _, claimed = claim_one(connect, desk)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


@pytest.mark.parametrize("days", [None, 180, 30])
def test_a_released_number_cools_down_until_the_exact_second_the_period_ends(
    connect_numbers: Any, connect: Any, days: int | None
) -> None:
    if days is not None:
        connect_numbers.config(cooldown_days=days)
    period = (days or 180) * DAY  # None: the default, 180 days
    released_at = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "cooldown")
    number, claimed = claim_one(connect, desk)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    for moment in (released_at, released_at + period - 1):
        connect_numbers.set_clock(moment)
        assert search(connect, desk, PhoneNumberPrefix=number) == []
        with pytest.raises(ClientError) as raised:
            connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
        assert error_of(raised) == (
            400,
            "InvalidParameterException",
            f"Phone number not available: {number}",
        )
    connect_numbers.set_clock(released_at + period)
    assert search(connect, desk, PhoneNumberPrefix=number) == [number]
    again = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    assert again["PhoneNumberId"] != claimed["PhoneNumberId"]
    summary = connect.describe_phone_number(PhoneNumberId=again["PhoneNumberId"])
    assert summary["ClaimedPhoneNumberSummary"]["PhoneNumber"] == number


def test_a_cooling_number_never_shows_up_in_a_full_scan_of_its_prefix(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "scan")
    number, claimed = claim_one(connect, desk)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    prefix = number[:-2]  # the hundred numbers around it
    seen: list[str] = []
    kwargs: dict[str, Any] = {"PhoneNumberPrefix": prefix, "MaxResults": 10}
    while True:
        page = connect.search_available_phone_numbers(
            TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", **kwargs
        )
        seen += [n["PhoneNumber"] for n in page["AvailableNumbersList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert len(seen) == len(set(seen)) == 99
    assert number not in seen
    assert all(n.startswith(prefix) for n in seen)


def history(connect_numbers: Any, number: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = connect_numbers.admin("GET", f"numbers/{number}/history")[
        "events"
    ]
    return events


def test_history_records_claim_settle_release_and_cooldown_end_with_who_and_which_request(
    connect_numbers: Any, connect: Any
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "history")
    connect_numbers.config(settle_seconds=5)
    connect_numbers.advance(5)
    number = search(connect, desk, MaxResults=1)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    claim_request = claimed["ResponseMetadata"]["RequestId"]
    assert [e["event"] for e in history(connect_numbers, number)] == ["CLAIM"]
    connect_numbers.advance(5)
    released = connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberArn"])
    release_request = released["ResponseMetadata"]["RequestId"]
    connect_numbers.advance(180 * DAY - 1)
    assert [e["event"] for e in history(connect_numbers, number)] == ["CLAIM", "SETTLE", "RELEASE"]
    connect_numbers.advance(1)

    events = history(connect_numbers, number)
    assert [(e["event"], e["time"], e["request_id"]) for e in events] == [
        ("CLAIM", start + 5, claim_request),
        ("SETTLE", start + 10, claim_request),
        ("RELEASE", start + 10, release_request),
        ("COOLDOWN_END", start + 10 + 180 * DAY, release_request),
    ]
    for event in events:
        assert event["account_id"] == ACCOUNT
        assert event["region"] == "us-east-1"
        assert event["phone_number"] == number
        assert event["phone_number_id"] == claimed["PhoneNumberId"]
    # the local key's principal made the requests; the passage of time did the rest
    assert [e["principal"] for e in events] == [
        "test",
        "connect-numbers",
        "test",
        "connect-numbers",
    ]


def key_for(connect_numbers: Any, account: str, policy: Any = None) -> Any:
    """A boto3 client on a new key of ``account`` (created if need be)."""
    if account != ACCOUNT:
        connect_numbers.admin("POST", "accounts", {"account_id": account})
    body: dict[str, Any] = {"principal": "carol"}
    if policy is not None:
        body["policy"] = policy
    key = connect_numbers.admin("POST", f"accounts/{account}/keys", body)
    return connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )


def test_another_accounts_number_is_not_found_and_stays_claimed(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "not-theirs")
    _, claimed = claim_one(connect, desk)
    other = key_for(connect_numbers, "111111111111")
    for ref in (claimed["PhoneNumberId"], claimed["PhoneNumberArn"]):
        with pytest.raises(ClientError) as raised:
            other.release_phone_number(PhoneNumberId=ref)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert_still_claimed(connect, claimed)


def test_a_cooling_number_is_not_claimable_by_another_account_either(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(cooldown_days=30)
    released_at = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "cooling-for-all")
    number, claimed = claim_one(connect, desk)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    other = key_for(connect_numbers, "111111111111")
    their_desk = new_instance(other, "hopeful")
    connect_numbers.set_clock(released_at + 30 * DAY - 1)
    assert search(other, their_desk, PhoneNumberPrefix=number) == []
    with pytest.raises(ClientError) as raised:
        other.claim_phone_number(PhoneNumber=number, InstanceId=their_desk["Id"])
    assert error_of(raised)[2] == f"Phone number not available: {number}"
    connect_numbers.set_clock(released_at + 30 * DAY)
    taken = other.claim_phone_number(PhoneNumber=number, InstanceId=their_desk["Id"])
    assert (
        other.describe_phone_number(PhoneNumberId=taken["PhoneNumberId"])[
            "ClaimedPhoneNumberSummary"
        ]["PhoneNumber"]
        == number
    )


def test_a_release_the_key_policy_denies_is_access_denied(
    connect_numbers: Any, raw: Any, connect: Any
) -> None:
    desk = new_instance(connect, "guarded")
    _, claimed = claim_one(connect, desk)
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": ["connect:*"], "Resource": ["*"]},
            {
                "Effect": "Deny",
                "Action": ["connect:ReleasePhoneNumber"],
                "Resource": ["arn:aws:connect:*:*:phone-number/*"],
            },
        ]
    }
    denied = key_for(connect_numbers, ACCOUNT, policy)
    for ref in (claimed["PhoneNumberId"], claimed["PhoneNumberArn"]):
        with pytest.raises(ClientError) as raised:
            denied.release_phone_number(PhoneNumberId=ref)
        status, code, message = error_of(raised)
        assert (status, code) == (403, "AccessDeniedException")
        assert "connect:ReleasePhoneNumber" in message
    assert denied.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert_still_claimed(connect, claimed)


def test_releases_beyond_the_rate_are_throttled_and_change_nothing(
    connect_numbers: Any, raw: Any, connect: Any
) -> None:
    desk = new_instance(connect, "throttled")
    _, first = claim_one(connect, desk)
    _, second = claim_one(connect, desk)
    connect_numbers.config(throttling={"enabled": True, "rate": 0.01, "burst": 1})
    connect.release_phone_number(PhoneNumberId=first["PhoneNumberId"])
    key = str(uuid.uuid4())
    with pytest.raises(ClientError) as raised:
        connect.release_phone_number(PhoneNumberId=second["PhoneNumberId"], ClientToken=key)
    assert error_of(raised)[:2] == (429, "ThrottlingException")
    response = raw("DELETE", f"/phone-number/{second['PhoneNumberId']}")
    assert response.status_code == 429
    assert response.headers["x-amzn-ErrorType"] == "ThrottlingException"
    assert connect.describe_phone_number(PhoneNumberId=second["PhoneNumberId"])  # not throttled
    connect_numbers.config(throttling={"enabled": False})
    assert_still_claimed(connect, second)
    connect.release_phone_number(PhoneNumberId=second["PhoneNumberId"], ClientToken=key)
    assert_gone(connect, desk, second)


def test_an_arn_naming_another_account_or_kind_is_not_found(connect: Any) -> None:
    desk = new_instance(connect, "forged")
    _, claimed = claim_one(connect, desk)
    arn = claimed["PhoneNumberArn"]
    forged = [
        arn.replace(ACCOUNT, "111111111111"),
        arn.replace(":phone-number/", ":instance/"),
        arn.replace("arn:aws:connect", "arn:aws:sms-voice"),
        arn + "/extra",
    ]
    for ref in forged:
        with pytest.raises(ClientError) as raised:
            connect.release_phone_number(PhoneNumberId=ref)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException"), ref
    assert_still_claimed(connect, claimed)


def test_a_number_is_not_described_from_another_region_even_by_its_arn(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "described-home")
    _, claimed = claim_one(connect, desk)
    west = connect_numbers.client(region="us-west-2")
    for ref in (claimed["PhoneNumberId"], claimed["PhoneNumberArn"]):
        with pytest.raises(ClientError) as raised:
            west.describe_phone_number(PhoneNumberId=ref)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_deleting_an_instance_releases_its_numbers_into_the_cooldown_and_the_churn_count(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    doomed = new_instance(connect, "doomed")
    first, claimed = claim_one(connect, doomed)
    kept = new_instance(connect, "kept")
    connect.delete_instance(InstanceId=doomed["Id"])
    with pytest.raises(ClientError) as raised:
        connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert search(connect, kept, PhoneNumberPrefix=first) == []
    events = [e["event"] for e in history(connect_numbers, first)]
    assert events[-1] == "RELEASE"
    _, second = claim_one(connect, kept)
    connect.release_phone_number(PhoneNumberId=second["PhoneNumberId"])  # two releases: limit 2
    with pytest.raises(ClientError) as raised:
        claim_one(connect, kept)
    assert "2 numbers were released" in error_of(raised)[2]
