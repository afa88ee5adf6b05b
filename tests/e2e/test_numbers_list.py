"""ListPhoneNumbersV2 and ListPhoneNumbers (v1): filters, pages, tokens, the legacy ARN."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from helpers import available, error_of, listed, new_instance

ACCOUNT = "000000000000"


def claim(connect: Any, desk: dict[str, Any], number: str) -> str:
    number_id: str = connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])[
        "PhoneNumberId"
    ]
    return number_id


@pytest.fixture
def spread(connect_numbers: Any, connect: Any) -> dict[str, Any]:
    """Two instances: A holds a US DID, a US toll-free and a GB DID; B holds a US DID."""
    a, b = new_instance(connect, "a"), new_instance(connect, "b")
    numbers = {
        "us_did": available(connect, a)[0],
        "us_free": available(connect, a, kind="TOLL_FREE")[0],
        "gb_did": available(connect, a, country="GB")[0],
    }
    for number in numbers.values():
        claim(connect, a, number)
    numbers["b_did"] = available(connect, b)[0]
    claim(connect, b, numbers["b_did"])
    return {"a": a, "b": b, **numbers}


def test_without_filters_every_number_of_the_region_is_listed_in_e164_order(
    connect: Any, spread: dict[str, Any]
) -> None:
    expected = sorted([spread["us_did"], spread["us_free"], spread["gb_did"], spread["b_did"]])
    assert listed(connect) == expected


def test_a_listing_filters_by_target_arn_and_by_instance_id(
    connect: Any, spread: dict[str, Any]
) -> None:
    on_a = sorted([spread["us_did"], spread["us_free"], spread["gb_did"]])
    assert listed(connect, TargetArn=spread["a"]["Arn"]) == on_a
    assert listed(connect, InstanceId=spread["a"]["Id"]) == on_a
    assert listed(connect, InstanceId=spread["b"]["Id"]) == [spread["b_did"]]


def test_a_listing_filters_by_country_type_and_prefix(connect: Any, spread: dict[str, Any]) -> None:
    assert listed(connect, PhoneNumberCountryCodes=["GB"]) == [spread["gb_did"]]
    assert listed(connect, PhoneNumberTypes=["TOLL_FREE"]) == [spread["us_free"]]
    us_dids = sorted([spread["us_did"], spread["b_did"]])
    assert listed(connect, PhoneNumberCountryCodes=["US"], PhoneNumberTypes=["DID"]) == us_dids
    assert listed(
        connect, PhoneNumberCountryCodes=["US", "GB"], PhoneNumberTypes=["DID"]
    ) == sorted([*us_dids, spread["gb_did"]])
    assert listed(connect, PhoneNumberPrefix="+44") == [spread["gb_did"]]
    assert listed(connect, PhoneNumberPrefix=spread["us_free"]) == [spread["us_free"]]
    assert listed(connect, InstanceId=spread["b"]["Id"], PhoneNumberTypes=["TOLL_FREE"]) == []


def test_a_listing_shows_what_describe_shows(connect: Any, spread: dict[str, Any]) -> None:
    for summary in connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]:
        described = connect.describe_phone_number(PhoneNumberId=summary["PhoneNumberId"])
        full = described["ClaimedPhoneNumberSummary"]
        assert summary == {k: v for k, v in full.items() if k not in ("Tags", "PhoneNumberStatus")}


def test_another_region_lists_none_of_them(
    connect_numbers: Any, connect: Any, spread: dict[str, Any]
) -> None:
    west = connect_numbers.client(region="us-west-2")
    assert west.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []


def test_listing_by_an_unknown_instance_is_not_found(connect: Any) -> None:
    with pytest.raises(ClientError) as raised:
        connect.list_phone_numbers_v2(InstanceId="9e4e0f26-4f44-4bd4-a8b8-d1a1f09b7d3f")
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def _claim_many(connect_numbers: Any, connect: Any, count: int) -> tuple[dict[str, Any], set[str]]:
    path = f"quotas/{ACCOUNT}/us-east-1"
    connect_numbers.admin("PUT", path, {"phone_numbers_per_instance": count})
    desk = new_instance(connect, "many")
    numbers = available(connect, desk, count)
    for number in numbers:
        claim(connect, desk, number)
    return desk, set(numbers)


def test_pages_of_ten_cover_25_numbers_once_each(connect_numbers: Any, connect: Any) -> None:
    _, numbers = _claim_many(connect_numbers, connect, 25)
    seen: list[str] = []
    sizes: list[int] = []
    kwargs: dict[str, Any] = {"MaxResults": 10}
    while True:
        page = connect.list_phone_numbers_v2(**kwargs)
        sizes.append(len(page["ListPhoneNumbersSummaryList"]))
        seen += [s["PhoneNumber"] for s in page["ListPhoneNumbersSummaryList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert sizes == [10, 10, 5]
    assert seen == sorted(numbers)


def test_a_page_that_ends_exactly_at_the_last_number_carries_no_token(
    connect_numbers: Any, connect: Any
) -> None:
    _claim_many(connect_numbers, connect, 10)
    page = connect.list_phone_numbers_v2(MaxResults=10)
    assert len(page["ListPhoneNumbersSummaryList"]) == 10
    assert "NextToken" not in page


def test_v1_pages_cover_every_number_of_the_instance_once(
    connect_numbers: Any, connect: Any
) -> None:
    desk, numbers = _claim_many(connect_numbers, connect, 12)
    paginator = connect.get_paginator("list_phone_numbers")
    pages = list(paginator.paginate(InstanceId=desk["Id"], PaginationConfig={"PageSize": 5}))
    seen = [s["PhoneNumber"] for page in pages for s in page["PhoneNumberSummaryList"]]
    assert len(pages) == 3
    assert seen == sorted(numbers)


def _forged(document: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        _forged([1, "instances", ["x"]]),
        _forged([1, "numbers-v1", ["+15550100"]]),
        _forged([2, "numbers-v2", ["+15550100"]]),
        _forged({"after": "+1"}),
        _forged([1, "numbers-v2", []]),
        _forged([1, "numbers-v2", [None]]),
        _forged([1, "numbers-v2", [15550100]]),
        _forged([1, "numbers-v2", ["+1", "+2"]]),
        _forged([1, "numbers-v2", ["zzz"]]),
    ],
    ids=[
        "garbage",
        "other-listing",
        "v1",
        "version",
        "object",
        "empty",
        "null",
        "int",
        "two",
        "text",
    ],
)
def test_a_next_token_that_is_not_ours_is_refused(
    connect_numbers: Any, connect: Any, token: str
) -> None:
    _claim_many(connect_numbers, connect, 2)
    with pytest.raises(ClientError) as raised:
        connect.list_phone_numbers_v2(MaxResults=1, NextToken=token)
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "NextToken" in message


def test_a_v2_token_is_not_a_v1_token(connect_numbers: Any, connect: Any) -> None:
    desk, _ = _claim_many(connect_numbers, connect, 2)
    token = connect.list_phone_numbers_v2(MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        connect.list_phone_numbers(InstanceId=desk["Id"], MaxResults=1, NextToken=token)
    assert error_of(raised)[0] == 400


def test_v1_lists_the_legacy_arn(connect: Any, spread: dict[str, Any]) -> None:
    desk = spread["b"]
    summaries = connect.list_phone_numbers(InstanceId=desk["Id"])["PhoneNumberSummaryList"]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary["Arn"] == (
        f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{desk['Id']}/phone-number/{summary['Id']}"
    )
    assert summary["PhoneNumber"] == spread["b_did"]
    assert (summary["PhoneNumberType"], summary["PhoneNumberCountryCode"]) == ("DID", "US")


def test_v1_filters_by_type_and_country(connect: Any, spread: dict[str, Any]) -> None:
    desk = spread["a"]
    found = connect.list_phone_numbers(
        InstanceId=desk["Id"], PhoneNumberTypes=["DID"], PhoneNumberCountryCodes=["GB"]
    )["PhoneNumberSummaryList"]
    assert [s["PhoneNumber"] for s in found] == [spread["gb_did"]]


def test_tagging_the_legacy_arn_is_not_found(
    raw: Any, connect: Any, spread: dict[str, Any]
) -> None:
    legacy = connect.list_phone_numbers(InstanceId=spread["b"]["Id"])["PhoneNumberSummaryList"][0][
        "Arn"
    ]
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=legacy, tags={"team": "voice"})
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    response = raw("POST", f"/tags/{quote(legacy, safe='')}", '{"tags": {"team": "voice"}}')
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=legacy)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


@pytest.mark.parametrize("prefix", ["1", "+", "44", "+1%", "+1_", "+123456789012"])
def test_a_prefix_must_be_a_plus_and_one_to_eleven_digits(
    connect: Any, spread: dict[str, Any], prefix: str
) -> None:
    with pytest.raises(ClientError) as raised:
        connect.list_phone_numbers_v2(PhoneNumberPrefix=prefix)
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "PhoneNumberPrefix" in message
