"""UpdatePhoneNumber (a move) and UpdatePhoneNumberMetadata through boto3."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import describe, error_of, new_instance

ACCOUNT = "000000000000"


def claim_one(connect: Any, desk: dict[str, Any]) -> dict[str, Any]:
    number = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]
    claimed: dict[str, Any] = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    return {**claimed, "PhoneNumber": number}


def on(connect: Any, desk: dict[str, Any]) -> list[str]:
    summaries = connect.list_phone_numbers_v2(InstanceId=desk["Id"])["ListPhoneNumbersSummaryList"]
    return [s["PhoneNumber"] for s in summaries]


def test_a_move_is_in_progress_then_claimed_on_the_new_instance(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    old, new = new_instance(connect, "old"), new_instance(connect, "new")
    claimed = claim_one(connect, old)
    connect_numbers.config(settle_seconds=10)
    moved = connect.update_phone_number(
        PhoneNumberId=claimed["PhoneNumberId"], InstanceId=new["Id"]
    )
    assert (moved["PhoneNumberId"], moved["PhoneNumberArn"]) == (
        claimed["PhoneNumberId"],
        claimed["PhoneNumberArn"],
    )
    assert describe(connect, moved["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    connect_numbers.advance(9)
    assert describe(connect, moved["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    connect_numbers.advance(1)
    summary = describe(connect, moved["PhoneNumberId"])
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert (summary["TargetArn"], summary["InstanceId"]) == (new["Arn"], new["Id"])
    assert on(connect, new) == [claimed["PhoneNumber"]]
    assert on(connect, old) == []


def test_a_number_is_moved_by_its_arn_onto_a_target_arn(connect: Any) -> None:
    old, new = new_instance(connect, "old-arn"), new_instance(connect, "new-arn")
    claimed = claim_one(connect, old)
    connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberArn"], TargetArn=new["Arn"])
    assert describe(connect, claimed["PhoneNumberId"])["TargetArn"] == new["Arn"]


def test_a_move_onto_a_full_instance_fails_and_leaves_the_number_where_it_was(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    old, full = new_instance(connect, "old-full"), new_instance(connect, "full")
    claimed = claim_one(connect, old)
    claim_one(connect, full)
    connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=full["Id"])
    summary = describe(connect, claimed["PhoneNumberId"])
    assert summary["PhoneNumberStatus"]["Status"] == "FAILED"
    assert "limit of 1" in summary["PhoneNumberStatus"]["Message"]
    assert full["Arn"] in summary["PhoneNumberStatus"]["Message"]
    assert (summary["TargetArn"], summary["InstanceId"]) == (old["Arn"], old["Id"])
    assert on(connect, old) == [claimed["PhoneNumber"]]
    assert len(on(connect, full)) == 1


def test_a_failed_move_can_be_followed_by_a_move_that_works(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    old, full = new_instance(connect, "first"), new_instance(connect, "crowded")
    claimed = claim_one(connect, old)
    claim_one(connect, full)
    connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=full["Id"])
    roomy = new_instance(connect, "roomy")
    connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=roomy["Id"])
    summary = describe(connect, claimed["PhoneNumberId"])
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert summary["TargetArn"] == roomy["Arn"]


def test_a_move_from_another_region_by_arn_is_an_invalid_parameter(
    connect_numbers: Any, connect: Any
) -> None:
    old = new_instance(connect, "east")
    claimed = claim_one(connect, old)
    west = connect_numbers.client(region="us-west-2")
    west_desk = new_instance(west, "west")
    with pytest.raises(ClientError) as raised:
        west.update_phone_number(
            PhoneNumberId=claimed["PhoneNumberArn"], InstanceId=west_desk["Id"]
        )
    assert error_of(raised)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as raised:
        west.update_phone_number_metadata(
            PhoneNumberId=claimed["PhoneNumberArn"], PhoneNumberDescription="west"
        )
    assert error_of(raised)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as raised:
        west.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=west_desk["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    summary = describe(connect, claimed["PhoneNumberId"])
    assert (summary["TargetArn"], summary.get("PhoneNumberDescription")) == (old["Arn"], None)


@pytest.mark.parametrize("operation", ["update", "metadata", "release"])
def test_nothing_touches_a_number_while_its_move_is_in_progress(
    connect_numbers: Any, raw: Any, connect: Any, operation: str
) -> None:
    connect_numbers.freeze()
    old, new = new_instance(connect, "busy-old"), new_instance(connect, "busy-new")
    claimed = claim_one(connect, old)
    connect_numbers.config(settle_seconds=10)
    number_id = claimed["PhoneNumberId"]
    connect.update_phone_number(PhoneNumberId=number_id, InstanceId=new["Id"])
    connect_numbers.advance(9)
    calls = {
        "update": lambda: connect.update_phone_number(
            PhoneNumberId=number_id, InstanceId=old["Id"]
        ),
        "metadata": lambda: connect.update_phone_number_metadata(
            PhoneNumberId=number_id, PhoneNumberDescription="busy"
        ),
        "release": lambda: connect.release_phone_number(PhoneNumberId=number_id),
    }
    with pytest.raises(ClientError) as raised:
        calls[operation]()
    assert error_of(raised)[:2] == (409, "ResourceInUseException")
    response = raised.value.response  # botocore lifts modeled members to the top
    assert (response["ResourceType"], response["ResourceId"]) == (
        "PHONE_NUMBER",
        claimed["PhoneNumberArn"],
    )
    summary = describe(connect, number_id)
    assert summary["TargetArn"] == new["Arn"]
    assert summary.get("PhoneNumberDescription") is None
    connect_numbers.advance(1)
    calls[operation]()


def test_a_move_while_in_progress_answers_the_number_arn_on_the_raw_wire(
    connect_numbers: Any, raw: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    old, new = new_instance(connect, "wire-old"), new_instance(connect, "wire-new")
    claimed = claim_one(connect, old)
    connect_numbers.config(settle_seconds=10)
    connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=new["Id"])
    response = raw(
        "PUT",
        f"/phone-number/{claimed['PhoneNumberId']}",
        f'{{"InstanceId": "{old["Id"]}", "ClientToken": "{uuid.uuid4()}"}}',
    )
    assert response.status_code == 409
    assert response.headers["x-amzn-ErrorType"] == "ResourceInUseException"
    body = response.json()
    assert (body["ResourceType"], body["ResourceId"]) == ("PHONE_NUMBER", claimed["PhoneNumberArn"])


def test_a_move_onto_an_unknown_instance_is_not_found(connect: Any) -> None:
    old = new_instance(connect, "known")
    claimed = claim_one(connect, old)
    with pytest.raises(ClientError) as raised:
        connect.update_phone_number(
            PhoneNumberId=claimed["PhoneNumberId"], InstanceId=str(uuid.uuid4())
        )
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert describe(connect, claimed["PhoneNumberId"])["TargetArn"] == old["Arn"]


def test_a_move_needs_exactly_one_target(connect: Any) -> None:
    old = new_instance(connect, "one-of")
    claimed = claim_one(connect, old)
    with pytest.raises(ClientError) as raised:
        connect.update_phone_number(
            PhoneNumberId=claimed["PhoneNumberId"], InstanceId=old["Id"], TargetArn=old["Arn"]
        )
    assert error_of(raised)[:2] == (400, "InvalidParameterException")


def test_new_metadata_is_in_progress_then_described(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "metadata")
    claimed = claim_one(connect, desk)
    connect_numbers.config(settle_seconds=3)
    connect_numbers.advance(3)
    connect.update_phone_number_metadata(
        PhoneNumberId=claimed["PhoneNumberArn"], PhoneNumberDescription="reception"
    )
    summary = describe(connect, claimed["PhoneNumberId"])
    assert summary["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    connect_numbers.advance(3)
    summary = describe(connect, claimed["PhoneNumberId"])
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert summary["PhoneNumberDescription"] == "reception"
    assert summary["TargetArn"] == desk["Arn"]


def test_a_failed_claim_cannot_be_moved_or_described_anew(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    desk = new_instance(connect, "failed-claim")
    claim_one(connect, desk)
    failed = claim_one(connect, desk)
    assert describe(connect, failed["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "FAILED"
    other = new_instance(connect, "elsewhere")
    with pytest.raises(ClientError) as raised:
        connect.update_phone_number(PhoneNumberId=failed["PhoneNumberId"], InstanceId=other["Id"])
    assert error_of(raised)[0] == 400
    with pytest.raises(ClientError) as raised:
        connect.update_phone_number_metadata(
            PhoneNumberId=failed["PhoneNumberId"], PhoneNumberDescription="x"
        )
    assert error_of(raised)[0] == 400
    assert describe(connect, failed["PhoneNumberId"])["TargetArn"] == desk["Arn"]
