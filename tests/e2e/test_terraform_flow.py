"""What terraform-provider-aws does with aws_connect_phone_number, step by step, through boto3."""

from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError
from helpers import new_instance


def poll_status(connect_numbers: Any, connect: Any, number_id: str, polls: int) -> list[str]:
    """Describe ``polls`` times a second apart (on the service clock) until the status settles."""
    seen: list[str] = []
    for _ in range(polls):
        summary = connect.describe_phone_number(PhoneNumberId=number_id)[
            "ClaimedPhoneNumberSummary"
        ]
        seen.append(summary["PhoneNumberStatus"]["Status"])
        if seen[-1] != "IN_PROGRESS":
            break
        connect_numbers.advance(1)
    return seen


def poll_until_gone(connect: Any, number_id: str, polls: int) -> str:
    """Describe until it raises; the error code it raised, or 'still there'."""
    for _ in range(polls):
        try:
            connect.describe_phone_number(PhoneNumberId=number_id)
        except ClientError as error:
            code: str = error.response["Error"]["Code"]
            return code
    return "still there"


def test_create_waits_for_claimed_and_delete_waits_for_not_found(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "terraform")
    connect_numbers.config(settle_seconds=2)
    connect_numbers.advance(2)  # the instance is ACTIVE

    found = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"]
    assert len(found) == 1
    claimed = connect.claim_phone_number(
        TargetArn=desk["Arn"],
        PhoneNumber=found[0]["PhoneNumber"],
        ClientToken=str(uuid.uuid4()),
        Tags={"managed-by": "terraform"},
    )
    number_id = claimed["PhoneNumberId"]
    assert poll_status(connect_numbers, connect, number_id, polls=10) == [
        "IN_PROGRESS",
        "IN_PROGRESS",
        "CLAIMED",
    ]
    summary = connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]
    assert summary["PhoneNumber"] == found[0]["PhoneNumber"]
    assert summary["TargetArn"] == desk["Arn"]
    assert summary["Tags"] == {"managed-by": "terraform"}

    connect.release_phone_number(PhoneNumberId=number_id, ClientToken=str(uuid.uuid4()))
    assert poll_until_gone(connect, number_id, polls=3) == "ResourceNotFoundException"
    assert connect.list_phone_numbers_v2(TargetArn=desk["Arn"])["ListPhoneNumbersSummaryList"] == []


def test_an_import_by_arn_after_a_refresh_finds_the_same_number(connect: Any) -> None:
    desk = new_instance(connect, "refresh")
    number = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"],
        PhoneNumberCountryCode="GB",
        PhoneNumberType="TOLL_FREE",
        MaxResults=1,
    )["AvailableNumbersList"][0]["PhoneNumber"]
    claimed = connect.claim_phone_number(TargetArn=desk["Arn"], PhoneNumber=number)
    by_arn = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberArn"])
    by_id = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert by_arn["ClaimedPhoneNumberSummary"] == by_id["ClaimedPhoneNumberSummary"]
    assert by_id["ClaimedPhoneNumberSummary"]["PhoneNumberCountryCode"] == "GB"
    assert by_id["ClaimedPhoneNumberSummary"]["PhoneNumberType"] == "TOLL_FREE"
