"""ClaimPhoneNumber through boto3: search, claim, settle, the refusals, the per-target limit."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, error_of, listed, new_instance

DAY = 86_400
ACCOUNT = "000000000000"


def status_of(connect: Any, number_id: str) -> str:
    summary = connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]
    status: str = summary["PhoneNumberStatus"]["Status"]
    return status


def raw_claim(raw: Any, body: dict[str, Any]) -> Any:
    return raw("POST", "/phone-number/claim", json.dumps(body))


def test_a_searched_number_is_claimed_and_described_as_claimed(connect: Any) -> None:
    desk = new_instance(connect, "desk")
    found = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"],
        PhoneNumberCountryCode="US",
        PhoneNumberType="TOLL_FREE",
        MaxResults=1,
    )["AvailableNumbersList"]
    assert len(found) == 1
    number = found[0]["PhoneNumber"]
    claimed = connect.claim_phone_number(
        PhoneNumber=number,
        InstanceId=desk["Id"],
        PhoneNumberDescription="front desk",
        Tags={"team": "voice"},
    )
    uuid.UUID(claimed["PhoneNumberId"])
    assert claimed["PhoneNumberArn"] == (
        f"arn:aws:connect:us-east-1:{ACCOUNT}:phone-number/{claimed['PhoneNumberId']}"
    )
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert summary["PhoneNumber"] == number
    assert summary["PhoneNumberId"] == claimed["PhoneNumberId"]
    assert summary["PhoneNumberArn"] == claimed["PhoneNumberArn"]
    assert summary["PhoneNumberCountryCode"] == "US"
    assert summary["PhoneNumberType"] == "TOLL_FREE"
    assert summary["PhoneNumberDescription"] == "front desk"
    assert summary["TargetArn"] == desk["Arn"]
    assert summary["InstanceId"] == desk["Id"]
    assert summary["Tags"] == {"team": "voice"}


def test_a_claim_is_in_progress_until_the_exact_second_it_settles(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(settle_seconds=30)
    connect_numbers.freeze()
    desk = new_instance(connect, "settling")
    connect_numbers.advance(30)  # the instance is active
    claimed = connect.claim_phone_number(
        PhoneNumber=available(connect, desk)[0], InstanceId=desk["Id"]
    )
    number_id = claimed["PhoneNumberId"]
    assert status_of(connect, number_id) == "IN_PROGRESS"
    connect_numbers.advance(29)
    assert status_of(connect, number_id) == "IN_PROGRESS"
    connect_numbers.advance(1)
    assert status_of(connect, number_id) == "CLAIMED"


def test_a_number_is_claimed_by_target_arn(connect: Any) -> None:
    desk = new_instance(connect, "by-arn")
    claimed = connect.claim_phone_number(
        PhoneNumber=available(connect, desk)[0], TargetArn=desk["Arn"]
    )
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert (summary["TargetArn"], summary["InstanceId"]) == (desk["Arn"], desk["Id"])


def test_a_number_is_described_by_its_arn(connect: Any) -> None:
    desk = new_instance(connect, "describe-arn")
    claimed = connect.claim_phone_number(
        PhoneNumber=available(connect, desk)[0], InstanceId=desk["Id"]
    )
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberArn"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert summary["PhoneNumberId"] == claimed["PhoneNumberId"]


@pytest.mark.parametrize("targets", ["neither", "both"])
def test_a_claim_needs_exactly_one_of_target_arn_and_instance_id(
    connect: Any, targets: str
) -> None:
    desk = new_instance(connect, "one-target")
    number = available(connect, desk)[0]
    given = {"InstanceId": desk["Id"], "TargetArn": desk["Arn"]} if targets == "both" else {}
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=number, **given)
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "TargetArn" in message
    assert "InstanceId" in message
    assert listed(connect) == []


def test_a_claimed_number_is_not_available(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "taken")
    number = available(connect, desk)[0]
    connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    response = raw_claim(raw, {"PhoneNumber": number, "InstanceId": desk["Id"]})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert response.json() == {"Message": f"Phone number not available: {number}"}
    assert listed(connect) == [number]


def test_a_cooling_number_is_not_available(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "cooling")
    number = available(connect, desk)[0]
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    response = raw_claim(raw, {"PhoneNumber": number, "InstanceId": desk["Id"]})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert response.json()["Message"] == f"Phone number not available: {number}"
    assert listed(connect) == []


@pytest.mark.parametrize(
    "number",
    [
        "+15550100000",  # 555 is no valid US area code
        "+19005550123",  # US premium rate
        "+14155550",  # too short to be a US number
        "+999123456789",  # an unallocated country code
        "+80012345678",  # UIFN with a digit too many
    ],
)
def test_a_number_outside_the_inventory_is_not_available(
    raw: Any, connect: Any, number: str
) -> None:
    desk = new_instance(connect, "nowhere")
    response = raw_claim(raw, {"PhoneNumber": number, "InstanceId": desk["Id"]})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert response.json()["Message"] == f"Phone number not available: {number}"
    assert listed(connect) == []


@pytest.mark.parametrize(
    "token",
    [
        "not-a-uuid",
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",  # a UUID, but upper case
        "6f9619ff8b86d011b42d00c04fc964ff",  # a UUID without its dashes
        "6f9619ff-8b86-d011-b42d-00c04fc964ff\n",  # a UUID and a line break
    ],
)
def test_a_client_token_that_is_not_a_lower_case_uuid_is_refused(connect: Any, token: str) -> None:
    desk = new_instance(connect, "tokens")
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(
            PhoneNumber=available(connect, desk)[0], InstanceId=desk["Id"], ClientToken=token
        )
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "ClientToken" in message
    assert listed(connect) == []


def test_a_claim_into_an_instance_still_being_created_is_not_found(
    connect_numbers: Any, connect: Any
) -> None:
    number = available(connect, new_instance(connect, "searcher"))[0]
    connect_numbers.config(settle_seconds=30)
    connect_numbers.freeze()
    desk = new_instance(connect, "not-yet")
    connect_numbers.advance(29)
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    connect_numbers.advance(1)
    claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    assert claimed["PhoneNumberId"]


@pytest.mark.parametrize("by", ["InstanceId", "TargetArn"])
def test_a_claim_into_an_instance_of_another_region_is_not_found(
    connect_numbers: Any, connect: Any, by: str
) -> None:
    desk = new_instance(connect, "east")
    west = connect_numbers.client(region="us-west-2")
    target = {"InstanceId": desk["Id"]} if by == "InstanceId" else {"TargetArn": desk["Arn"]}
    with pytest.raises(ClientError) as raised:
        west.claim_phone_number(PhoneNumber=available(connect, desk)[0], **target)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert west.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []
    assert listed(connect) == []


def test_a_claim_into_an_unknown_instance_is_not_found(connect: Any) -> None:
    number = available(connect, new_instance(connect, "searcher"))[0]
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=number, InstanceId=str(uuid.uuid4()))
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def _full_desk(connect_numbers: Any, connect: Any, quota: int) -> tuple[dict[str, Any], list[str]]:
    connect_numbers.admin(
        "PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": quota}
    )
    desk = new_instance(connect, "full")
    numbers = available(connect, desk, quota + 1)
    for number in numbers[:quota]:
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    return desk, numbers


def test_a_claim_beyond_the_target_limit_settles_as_failed_with_a_message(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    connect_numbers.config(settle_seconds=10)
    third = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    assert status_of(connect, third["PhoneNumberId"]) == "IN_PROGRESS"
    connect_numbers.advance(10)
    summary = connect.describe_phone_number(PhoneNumberId=third["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert summary["PhoneNumberStatus"]["Status"] == "FAILED"
    message = summary["PhoneNumberStatus"]["Message"]
    assert desk["Arn"] in message
    assert "limit of 2" in message
    assert sorted(listed(connect)) == sorted(numbers[:2])


def test_a_failed_claim_is_describable_until_exactly_one_day_after_it_settled(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    connect_numbers.config(settle_seconds=10)
    third = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    connect_numbers.advance(10 + DAY - 1)
    assert status_of(connect, third["PhoneNumberId"]) == "FAILED"
    connect_numbers.advance(1)
    with pytest.raises(ClientError) as raised:
        connect.describe_phone_number(PhoneNumberId=third["PhoneNumberId"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_failed_claim_is_not_listed(connect_numbers: Any, connect: Any) -> None:
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    assert numbers[2] not in listed(connect)
    v1 = connect.list_phone_numbers(InstanceId=desk["Id"])["PhoneNumberSummaryList"]
    assert sorted(n["PhoneNumber"] for n in v1) == sorted(numbers[:2])


def test_the_account_may_claim_its_failed_number_again_during_the_day(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    failed = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    assert status_of(connect, failed["PhoneNumberId"]) == "FAILED"
    connect_numbers.advance(DAY - 1)
    other = new_instance(connect, "roomy")
    again = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=other["Id"])
    assert again["PhoneNumberId"] != failed["PhoneNumberId"]
    assert status_of(connect, again["PhoneNumberId"]) == "CLAIMED"
    with pytest.raises(ClientError) as raised:
        connect.describe_phone_number(PhoneNumberId=failed["PhoneNumberId"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert sorted(listed(connect)) == sorted(numbers)


def test_a_failed_number_is_free_again_once_its_day_is_over(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    connect_numbers.advance(DAY)
    prefix = connect.search_available_phone_numbers(
        InstanceId=desk["Id"],
        PhoneNumberCountryCode="US",
        PhoneNumberType="DID",
        PhoneNumberPrefix=numbers[2],
    )["AvailableNumbersList"]
    assert [n["PhoneNumber"] for n in prefix] == [numbers[2]]
    other = new_instance(connect, "later")
    claimed = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=other["Id"])
    assert status_of(connect, claimed["PhoneNumberId"]) == "CLAIMED"


def test_a_released_failed_claim_leaves_no_cooldown(connect_numbers: Any, connect: Any) -> None:
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    failed = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    connect.release_phone_number(PhoneNumberId=failed["PhoneNumberId"])
    other = new_instance(connect, "after-failure")
    claimed = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=other["Id"])
    assert status_of(connect, claimed["PhoneNumberId"]) == "CLAIMED"


def test_claim_timestamps_and_ids_on_the_raw_wire(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "wire")
    number = available(connect, desk)[0]
    response = raw_claim(
        raw, {"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": str(uuid.uuid4())}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-amzn-RequestId"]
    body = response.json()
    assert set(body) == {"PhoneNumberId", "PhoneNumberArn"}
    described = raw("GET", f"/phone-number/{body['PhoneNumberId']}").json()
    status = described["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]
    assert status == {"Status": "CLAIMED"}


def other_account(connect_numbers: Any, account: str = "111111111111") -> Any:
    """A boto3 client of another account (its own key, no policy)."""
    connect_numbers.admin("POST", "accounts", {"account_id": account})
    key = connect_numbers.admin("POST", f"accounts/{account}/keys", {"principal": "bob"})
    return connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )


def test_a_number_held_by_another_account_is_not_available(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "mine")
    number = available(connect, desk)[0]
    connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    other = other_account(connect_numbers)
    their_desk = new_instance(other, "theirs")
    assert number not in available(other, their_desk, 10)
    with pytest.raises(ClientError) as raised:
        other.claim_phone_number(PhoneNumber=number, InstanceId=their_desk["Id"])
    assert error_of(raised) == (
        400,
        "InvalidParameterException",
        f"Phone number not available: {number}",
    )
    assert other.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []


def test_another_accounts_number_does_not_exist_for_the_caller(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "owner")
    claimed = connect.claim_phone_number(
        PhoneNumber=available(connect, desk)[0], TargetArn=desk["Arn"]
    )
    other = other_account(connect_numbers)
    their_desk = new_instance(other, "stranger")
    calls = [
        lambda ref: other.describe_phone_number(PhoneNumberId=ref),
        lambda ref: other.release_phone_number(PhoneNumberId=ref),
        lambda ref: other.update_phone_number(PhoneNumberId=ref, InstanceId=their_desk["Id"]),
        lambda ref: other.update_phone_number_metadata(
            PhoneNumberId=ref, PhoneNumberDescription="theirs"
        ),
    ]
    for call in calls:
        for ref in (claimed["PhoneNumberId"], claimed["PhoneNumberArn"]):
            with pytest.raises(ClientError) as raised:
                call(ref)
            assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    with pytest.raises(ClientError) as raised:
        other.tag_resource(resourceArn=claimed["PhoneNumberArn"], tags={"a": "b"})
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert summary["ClaimedPhoneNumberSummary"]["TargetArn"] == desk["Arn"]
    assert summary["ClaimedPhoneNumberSummary"].get("PhoneNumberDescription") is None


def test_a_claim_into_another_accounts_instance_is_not_found(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "their-target")
    number = available(connect, desk)[0]
    other = other_account(connect_numbers)
    for target in ({"InstanceId": desk["Id"]}, {"TargetArn": desk["Arn"]}):
        with pytest.raises(ClientError) as raised:
            other.claim_phone_number(PhoneNumber=number, **target)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert listed(connect) == []


def test_a_failed_claim_keeps_the_number_from_other_accounts_for_its_day(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])  # FAILED
    other = other_account(connect_numbers)
    their_desk = new_instance(other, "waiting")
    connect_numbers.advance(DAY - 1)
    with pytest.raises(ClientError) as raised:
        other.claim_phone_number(PhoneNumber=numbers[2], InstanceId=their_desk["Id"])
    assert error_of(raised)[2] == f"Phone number not available: {numbers[2]}"
    connect_numbers.advance(1)
    claimed = other.claim_phone_number(PhoneNumber=numbers[2], InstanceId=their_desk["Id"])
    assert status_of(other, claimed["PhoneNumberId"]) == "CLAIMED"
    assert numbers[2] not in listed(connect)


def test_a_claim_still_in_progress_holds_its_number_even_if_it_will_fail(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk, numbers = _full_desk(connect_numbers, connect, 2)
    roomy = new_instance(connect, "roomy-later")
    connect_numbers.config(settle_seconds=10)
    failing = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=desk["Id"])
    connect_numbers.advance(9)
    whole = connect.search_available_phone_numbers(
        TargetArn=roomy["Arn"],
        PhoneNumberCountryCode="US",
        PhoneNumberType="DID",
        PhoneNumberPrefix=numbers[2],
    )["AvailableNumbersList"]
    assert whole == []
    with pytest.raises(ClientError) as raised:
        connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=roomy["Id"])
    assert error_of(raised)[2] == f"Phone number not available: {numbers[2]}"
    assert status_of(connect, failing["PhoneNumberId"]) == "IN_PROGRESS"
    connect_numbers.advance(1)
    assert status_of(connect, failing["PhoneNumberId"]) == "FAILED"
    again = connect.claim_phone_number(PhoneNumber=numbers[2], InstanceId=roomy["Id"])
    connect_numbers.advance(10)
    assert status_of(connect, again["PhoneNumberId"]) == "CLAIMED"


def test_refusals_come_in_the_documented_order(connect: Any) -> None:
    taken_desk = new_instance(connect, "order")
    taken = available(connect, taken_desk)[0]
    connect.claim_phone_number(PhoneNumber=taken, InstanceId=taken_desk["Id"])
    cases: list[tuple[dict[str, Any], tuple[int, str]]] = [
        ({"ClientToken": "NOT-A-UUID"}, (400, "ClientToken")),
        ({}, (400, "TargetArn")),
        ({"InstanceId": str(uuid.uuid4())}, (404, "")),
        ({"InstanceId": taken_desk["Id"]}, (400, "not available")),
    ]
    for given, (status, words) in cases:
        with pytest.raises(ClientError) as raised:
            connect.claim_phone_number(PhoneNumber=taken, **given)
        found = error_of(raised)
        assert found[0] == status, given
        assert words in found[2], given
