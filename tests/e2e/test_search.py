"""SearchAvailablePhoneNumbers over the wire: validity, prefixes, paging, what is never offered."""

from __future__ import annotations

import json
import uuid
from typing import Any

import phonenumbers
import pytest
from botocore.exceptions import ClientError
from helpers import new_instance

from connect_numbers.domain.pagination import encode_token

DAY = 86_400
SEARCH = "/phone-number/search-available"
DID_KINDS = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.MOBILE,
}


@pytest.fixture
def target(connect: Any) -> str:
    created = new_instance(connect, f"search-{uuid.uuid4().hex[:8]}")
    arn: str = created["Arn"]
    return arn


def search(connect: Any, target: str, country: str = "US", kind: str = "DID", **more: Any) -> Any:
    return connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode=country, PhoneNumberType=kind, **more
    )


def numbers(answer: Any) -> list[str]:
    return [item["PhoneNumber"] for item in answer["AvailableNumbersList"]]


def pages(connect: Any, target: str, count: int, **query: Any) -> tuple[list[str], bool]:
    """The numbers of up to ``count`` pages following NextToken, and whether it ran out."""
    found: list[str] = []
    token = None
    for _ in range(count):
        answer = search(connect, target, **query, **({"NextToken": token} if token else {}))
        found += numbers(answer)
        token = answer.get("NextToken")
        if token is None:
            return found, True
    return found, False


def every_page(connect: Any, target: str, **query: Any) -> list[str]:
    """Every number the search offers, following NextToken until it is absent."""
    found, ended = pages(connect, target, 50, **query)
    assert ended, "still a NextToken after 50 pages"
    return found


def expect_400(call: Any, words: str) -> None:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert words in error["Error"]["Message"]


@pytest.mark.parametrize(
    ("country", "kind"),
    [("US", "DID"), ("GB", "DID"), ("JP", "DID"), ("DE", "TOLL_FREE"), ("US", "TOLL_FREE")],
)
def test_results_are_valid_numbers_of_the_asked_country_and_type(
    connect: Any, target: str, country: str, kind: str
) -> None:
    answer = search(connect, target, country, kind, MaxResults=10)
    assert len(answer["AvailableNumbersList"]) == 10
    for item in answer["AvailableNumbersList"]:
        assert (item["PhoneNumberCountryCode"], item["PhoneNumberType"]) == (country, kind)
        parsed = phonenumbers.parse(item["PhoneNumber"], None)
        assert phonenumbers.is_valid_number(parsed), item
        assert phonenumbers.region_code_for_number(parsed) == country
        canonical = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert canonical == item["PhoneNumber"]
        if kind == "DID":
            assert phonenumbers.number_type(parsed) in DID_KINDS
        else:
            assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE


def test_uifn_results_are_valid_plus_800_numbers(connect: Any, target: str) -> None:
    found = numbers(search(connect, target, "US", "UIFN", MaxResults=10))
    assert len(found) == 10
    for number in found:
        parsed = phonenumbers.parse(number, None)
        assert number.startswith("+800")
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE


def test_the_prefix_is_honoured(connect: Any, target: str) -> None:
    found, _ = pages(connect, target, 3, PhoneNumberPrefix="+1206", MaxResults=10)
    assert len(found) == 30
    assert all(number.startswith("+1206") for number in found)


def test_a_prefix_without_plus_is_invalid_parameter(connect: Any, target: str, raw: Any) -> None:
    expect_400(lambda: search(connect, target, PhoneNumberPrefix="1206"), "PhoneNumberPrefix")
    body = {
        "TargetArn": target,
        "PhoneNumberCountryCode": "US",
        "PhoneNumberType": "DID",
        "PhoneNumberPrefix": "1206",
    }
    response = raw("POST", SEARCH, json.dumps(body))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert "PhoneNumberPrefix" in response.json()["Message"]


@pytest.mark.parametrize("size", [1, 10])
def test_max_results_from_1_to_10_gives_that_many(connect: Any, target: str, size: int) -> None:
    assert len(numbers(search(connect, target, MaxResults=size))) == size


@pytest.mark.parametrize("size", [0, 11])
def test_max_results_outside_1_to_10_is_refused_on_the_wire(
    target: str, raw: Any, size: int
) -> None:
    body = {
        "TargetArn": target,
        "PhoneNumberCountryCode": "US",
        "PhoneNumberType": "DID",
        "MaxResults": size,
    }
    response = raw("POST", SEARCH, json.dumps(body))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert "MaxResults" in response.json()["Message"]


def test_max_results_11_is_refused_through_boto3(connect: Any, target: str) -> None:
    expect_400(lambda: search(connect, target, MaxResults=11), "MaxResults")


def test_next_token_pages_never_repeat_over_five_pages(connect: Any, target: str) -> None:
    found: list[str] = []
    token = None
    for _ in range(5):
        answer = search(connect, target, MaxResults=10, **({"NextToken": token} if token else {}))
        found += numbers(answer)
        token = answer["NextToken"]
    assert len(found) == 50
    assert len(set(found)) == 50


def test_the_wire_answer_is_a_list_and_a_string_token(target: str, raw: Any) -> None:
    body = {"TargetArn": target, "PhoneNumberCountryCode": "US", "PhoneNumberType": "DID"}
    response = raw("POST", SEARCH, json.dumps({**body, "MaxResults": 2}))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert set(document) == {"AvailableNumbersList", "NextToken"}
    assert isinstance(document["NextToken"], str)
    assert [set(item) for item in document["AvailableNumbersList"]] == [
        {"PhoneNumber", "PhoneNumberCountryCode", "PhoneNumberType"}
    ] * 2


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        encode_token("numbers-v2", ["+12065550100"]),
        encode_token("search", [1]),
        encode_token("search", [1, 2]),
        encode_token("search", [1, 2, 3, 4]),
        encode_token("search", [1, 2, -3]),
        encode_token("search", [1, 2, True]),
        encode_token("search", ["a", None, 0]),
        encode_token("search", [-1, None, 0]),
        encode_token("search", [10**30, None, 0]),
        encode_token("search-loaded", [1, 2, 3, 4]),
        encode_token("search-loaded", ["+1", None, False]),
        encode_token("search-loaded", ["+1", None, False, -1]),
    ],
)
def test_a_bad_next_token_is_invalid_parameter(connect: Any, target: str, token: str) -> None:
    expect_400(lambda: search(connect, target, NextToken=token), "NextToken")


def test_the_same_search_twice_gives_the_same_answer(connect: Any, target: str) -> None:
    first = search(connect, target, MaxResults=10)
    second = search(connect, target, MaxResults=10)
    assert numbers(first) == numbers(second)
    assert first["NextToken"] == second["NextToken"]


def test_after_a_claim_the_next_search_starts_elsewhere(connect: Any, target: str) -> None:
    before = numbers(search(connect, target, MaxResults=10))
    connect.claim_phone_number(TargetArn=target, PhoneNumber=before[0])
    after = numbers(search(connect, target, MaxResults=10))
    assert after[0] != before[0]
    assert before[0] not in after


def test_a_claimed_number_is_never_offered(connect: Any, target: str) -> None:
    number = numbers(search(connect, target, MaxResults=1))[0]
    neighbours = {"PhoneNumberPrefix": number[:-1], "MaxResults": 10}
    assert number in every_page(connect, target, **neighbours)
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    nearby = every_page(connect, target, **neighbours)
    assert nearby
    assert number not in nearby
    wider, _ = pages(connect, target, 10, PhoneNumberPrefix=number[:8], MaxResults=10)
    wider += pages(connect, target, 5, MaxResults=10)[0]
    assert len(wider) == 150
    assert number not in wider
    assert every_page(connect, target, PhoneNumberPrefix=number) == []


def test_a_cooling_number_is_offered_again_the_second_its_cooldown_ends(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.freeze()
    number = numbers(search(connect, target, MaxResults=1))[0]
    claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    answer = search(connect, target, PhoneNumberPrefix=number)
    assert answer["AvailableNumbersList"] == []
    assert "NextToken" not in answer
    assert number not in every_page(connect, target, PhoneNumberPrefix=number[:-1])
    connect_numbers.advance(180 * DAY - 1)
    assert numbers(search(connect, target, PhoneNumberPrefix=number)) == []
    connect_numbers.advance(1)
    assert numbers(search(connect, target, PhoneNumberPrefix=number)) == [number]


def test_an_unknown_target_is_invalid_parameter(connect: Any, raw: Any) -> None:
    unknown = f"arn:aws:connect:us-east-1:000000000000:instance/{uuid.uuid4()}"
    expect_400(lambda: search(connect, unknown), unknown)
    body = {"TargetArn": unknown, "PhoneNumberCountryCode": "US", "PhoneNumberType": "DID"}
    response = raw("POST", SEARCH, json.dumps(body))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"


def test_a_target_of_another_region_is_invalid_parameter(connect_numbers: Any, target: str) -> None:
    west = connect_numbers.client(region="us-west-2")
    expect_400(lambda: search(west, target), target)


@pytest.mark.parametrize(
    ("country", "kind"),
    [("US", "SHARED"), ("US", "THIRD_PARTY_DID"), ("US", "SHORT_CODE"), ("CA", "TOLL_FREE")],
)
def test_a_bucket_never_generated_is_an_empty_list(
    connect: Any, target: str, country: str, kind: str
) -> None:
    answer = search(connect, target, country, kind)
    assert answer["AvailableNumbersList"] == []
    assert "NextToken" not in answer


def other_account(connect_numbers: Any) -> Any:
    connect_numbers.admin("POST", "accounts", {"account_id": "111111111111"})
    key = connect_numbers.admin("POST", "accounts/111111111111/keys", {"principal": "bob"})
    return connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )


def test_a_number_held_by_another_account_is_never_offered(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    other = other_account(connect_numbers)
    other_target = new_instance(other, "other-account")["Arn"]
    number = numbers(search(connect, target, MaxResults=1))[0]
    assert numbers(search(other, other_target, PhoneNumberPrefix=number)) == [number]
    connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    assert numbers(search(other, other_target, PhoneNumberPrefix=number)) == []


def test_a_failed_claim_is_offered_again_to_its_account_only(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    other = other_account(connect_numbers)
    other_target = new_instance(other, "other-account")["Arn"]
    connect_numbers.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1})
    first, second = numbers(search(connect, target, MaxResults=2))
    connect.claim_phone_number(TargetArn=target, PhoneNumber=first)
    failed = connect.claim_phone_number(TargetArn=target, PhoneNumber=second)
    status = connect.describe_phone_number(PhoneNumberId=failed["PhoneNumberId"])
    assert status["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"] == "FAILED"
    assert numbers(search(connect, target, PhoneNumberPrefix=second)) == [second]
    assert numbers(search(other, other_target, PhoneNumberPrefix=second)) == []
    connect_numbers.advance(DAY)
    assert numbers(search(other, other_target, PhoneNumberPrefix=second)) == [second]


def test_a_prefix_of_another_calling_code_is_an_empty_list(connect: Any, target: str) -> None:
    answer = search(connect, target, "US", "DID", PhoneNumberPrefix="+44")
    assert answer["AvailableNumbersList"] == []
    assert "NextToken" not in answer


def test_an_unbounded_paginator_ends_after_the_configured_number_of_results(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.config(search_results_limit=25)
    paginator = connect.get_paginator("search_available_phone_numbers")
    walked = paginator.paginate(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType="DID"
    )
    pages_seen = list(walked)
    found = [n["PhoneNumber"] for page in pages_seen for n in page["AvailableNumbersList"]]
    assert len(found) == len(set(found)) == 25
    assert [len(page["AvailableNumbersList"]) for page in pages_seen] == [10, 10, 5]
    assert "NextToken" not in pages_seen[-1]


def test_the_default_bound_is_a_thousand_numbers(connect: Any, target: str) -> None:
    found, ended = pages(connect, target, 101, MaxResults=10)
    assert ended
    assert len(found) == len(set(found)) == 1000


def test_a_loaded_inventory_walk_is_bounded_too(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    start = 12062345600
    connect_numbers.admin(
        "POST",
        "inventory",
        {"ranges": [{"start": f"+{start}", "count": 40, "country": "US", "type": "DID"}]},
    )
    connect_numbers.config(search_results_limit=15)
    found, ended = pages(connect, target, 10, MaxResults=10)
    assert ended and len(found) == len(set(found)) == 15
    connect_numbers.config(search_results_limit=1000)
    assert len(every_page(connect, target, MaxResults=10)) == 40
