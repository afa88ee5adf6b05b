"""Tags on phone-number ARNs: given at claim, tagged, untagged, listed, gone with the number."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from helpers import code_of, new_instance, tags_of


def claim_one(connect: Any, **extra: Any) -> dict[str, Any]:
    desk = new_instance(connect, "tagged")
    number = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]
    claimed: dict[str, Any] = connect.claim_phone_number(
        PhoneNumber=number, InstanceId=desk["Id"], **extra
    )
    return claimed


def described_tags(connect: Any, number_id: str) -> dict[str, str] | None:
    summary = connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]
    found: dict[str, str] | None = summary.get("Tags")
    return found


def test_tags_given_at_claim_are_described_and_listed(connect: Any) -> None:
    claimed = claim_one(connect, Tags={"team": "voice", "cost": "42"})
    assert described_tags(connect, claimed["PhoneNumberId"]) == {"team": "voice", "cost": "42"}
    assert tags_of(connect, claimed["PhoneNumberArn"]) == {"team": "voice", "cost": "42"}


def test_tagging_adds_and_overwrites_and_untagging_removes(connect: Any) -> None:
    claimed = claim_one(connect, Tags={"team": "voice"})
    arn = claimed["PhoneNumberArn"]
    connect.tag_resource(resourceArn=arn, tags={"team": "data", "site": "paris"})
    assert tags_of(connect, arn) == {"team": "data", "site": "paris"}
    assert described_tags(connect, claimed["PhoneNumberId"]) == {"team": "data", "site": "paris"}
    connect.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    assert tags_of(connect, arn) == {"site": "paris"}
    assert described_tags(connect, claimed["PhoneNumberId"]) == {"site": "paris"}


def test_a_number_claimed_without_tags_has_none(raw: Any, connect: Any) -> None:
    claimed = claim_one(connect)
    assert tags_of(connect, claimed["PhoneNumberArn"]) == {}
    described = raw("GET", f"/phone-number/{claimed['PhoneNumberId']}").json()
    assert described["ClaimedPhoneNumberSummary"].get("Tags", {}) == {}


def test_tags_on_the_raw_wire_use_the_percent_encoded_arn(raw: Any, connect: Any) -> None:
    claimed = claim_one(connect)
    path = f"/tags/{quote(claimed['PhoneNumberArn'], safe='')}"
    assert raw("POST", path, '{"tags": {"raw": "yes"}}').status_code == 200
    response = raw("GET", path)
    assert response.status_code == 200
    assert response.json() == {"tags": {"raw": "yes"}}


def test_a_released_number_cannot_be_tagged(connect: Any) -> None:
    claimed = claim_one(connect, Tags={"team": "voice"})
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    arn = claimed["PhoneNumberArn"]
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=arn, tags={"late": "yes"})
    assert code_of(raised) == (404, "ResourceNotFoundException")
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=arn)
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_a_number_of_another_region_cannot_be_tagged_from_here(
    connect_numbers: Any, connect: Any
) -> None:
    claimed = claim_one(connect, Tags={"team": "voice"})
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.tag_resource(resourceArn=claimed["PhoneNumberArn"], tags={"from": "west"})
    assert code_of(raised) == (404, "ResourceNotFoundException")
    assert tags_of(connect, claimed["PhoneNumberArn"]) == {"team": "voice"}


def test_a_reserved_tag_key_at_claim_claims_nothing(connect: Any) -> None:
    with pytest.raises(ClientError) as raised:
        claim_one(connect, Tags={"aws:team": "voice"})
    assert code_of(raised)[0] == 400
    assert connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []


def test_a_restored_number_gets_its_tags_back(connect_numbers: Any, connect: Any) -> None:
    claimed = claim_one(connect, Tags={"team": "voice"})
    number = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumber"]
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    connect_numbers.admin("POST", f"numbers/{number}/restore", {})
    assert described_tags(connect, claimed["PhoneNumberId"]) == {"team": "voice"}
