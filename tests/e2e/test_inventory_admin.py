"""POST inventory: an operator's own numbers replace the synthetic ones for their bucket."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import new_instance

PREFIX = "/_connect-numbers/"
DAY = 86_400
SEATTLE = [f"+120623456{i:02d}" for i in range(30)]  # all valid US fixed-line-or-mobile


def load(connect_numbers: Any, body: Any) -> httpx.Response:
    return httpx.post(f"{connect_numbers.endpoint}{PREFIX}inventory", json=body, timeout=30)


def rows(numbers: list[str], country: str = "US", kind: str = "DID") -> list[dict[str, str]]:
    return [{"phone_number": n, "country": country, "type": kind} for n in numbers]


@pytest.fixture
def target(connect: Any) -> str:
    created = new_instance(connect, f"inventory-{uuid.uuid4().hex[:8]}")
    arn: str = created["Arn"]
    return arn


def search(connect: Any, target: str, kind: str = "DID", **more: Any) -> Any:
    return connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType=kind, **more
    )


def every_number(connect: Any, target: str, **query: Any) -> list[str]:
    found: list[str] = []
    token = None
    for _ in range(20):
        answer = search(connect, target, MaxResults=10, **query, **_token(token))
        found += [item["PhoneNumber"] for item in answer["AvailableNumbersList"]]
        token = answer.get("NextToken")
        if token is None:
            return found
    raise AssertionError("still a NextToken after 20 pages")


def _token(token: str | None) -> dict[str, str]:
    return {"NextToken": token} if token else {}


def test_rows_ranges_and_csv_load_and_are_counted(connect_numbers: Any) -> None:
    csv = "phone_number,country,type\n+12062345620,US,DID\n\n+442079460000,GB,DID\n"
    answer = load(
        connect_numbers,
        {
            "numbers": rows(SEATTLE[:2]),
            "ranges": [{"start": SEATTLE[10], "count": 10, "country": "US", "type": "DID"}],
            "csv": csv,
        },
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "received": 14,
        "added": 14,
        "already_present": 0,
        "buckets": {"US/DID": 13, "GB/DID": 1},
    }
    again = load(connect_numbers, {"numbers": rows(SEATTLE[:3])})
    assert again.json() == {
        "received": 3,
        "added": 1,
        "already_present": 2,
        "buckets": {"US/DID": 3},
    }


def test_once_loaded_only_loaded_numbers_are_offered_and_claimable_in_that_bucket(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    synthetic = [item["PhoneNumber"] for item in search(connect, target)["AvailableNumbersList"]]
    assert not set(synthetic) & set(SEATTLE)
    assert load(connect_numbers, {"numbers": rows(SEATTLE[:5])}).status_code == 200
    assert sorted(every_number(connect, target)) == SEATTLE[:5]
    assert sorted(every_number(connect, target, PhoneNumberPrefix="+1206234560")) == SEATTLE[:5]
    assert every_number(connect, target, PhoneNumberPrefix="+1425") == []
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=target, PhoneNumber=synthetic[0])
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert f"Phone number not available: {synthetic[0]}" in str(refused.value)
    toll_free = search(connect, target, "TOLL_FREE", MaxResults=3)["AvailableNumbersList"]
    assert len(toll_free) == 3
    claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=toll_free[0]["PhoneNumber"])
    assert claimed["PhoneNumberId"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"numbers": [*rows(SEATTLE[:2]), *rows(["+1206"])]}, "numbers[3]: +1206 is not a valid"),
        ({"numbers": rows(SEATTLE[:1], country="GB")}, "numbers[1]: +12062345600 is not a valid"),
        ({"numbers": rows(SEATTLE[:1], kind="LANDLINE")}, "numbers[1]: type must be one of"),
        ({"numbers": [*rows(SEATTLE[:1]), "x"]}, "numbers[2]: not an object"),
        (
            {"csv": f"{SEATTLE[0]},US,DID\n{SEATTLE[1]},US,DID\n{SEATTLE[2]},US,TOLL_FREE\n"},
            "csv line 3: +12062345602 is not a valid TOLL_FREE number of US",
        ),
        ({"csv": f"{SEATTLE[0]},US\n"}, "csv line 1: expected phone_number,country,type"),
        (
            {"numbers": rows(SEATTLE[:2]), "csv": f"{SEATTLE[1]},US,SHARED\n"},
            "csv line 1: +12062345601 is given as US/SHARED here and as US/DID in numbers[2]",
        ),
        (
            {"ranges": [{"start": SEATTLE[0], "count": 0, "country": "US", "type": "DID"}]},
            "ranges[1]: count must be",
        ),
        (
            {"ranges": [{"start": "12062345600", "count": 2, "country": "US", "type": "DID"}]},
            "ranges[1]: start must be an E.164 number",
        ),
        (
            {"ranges": [{"start": "+12069999998", "count": 3, "country": "US", "type": "DID"}]},
            "ranges[1] (+2): +12070000000 is not a valid",  # exchange 000 does not exist
        ),
        (
            {"ranges": [{"start": SEATTLE[0], "count": 3, "country": "US"}]},
            "ranges[1] (+0): type must be one of",
        ),
        ({"phone_numbers": rows(SEATTLE[:1])}, "unknown keys"),
        ({}, "Give numbers, ranges or csv"),
        ({"numbers": {"phone_number": SEATTLE[0]}}, "JSON arrays"),
    ],
)
def test_a_bad_row_rejects_the_whole_load_and_names_it(
    connect_numbers: Any, connect: Any, target: str, body: Any, words: str
) -> None:
    before = search(connect, target, MaxResults=10)["AvailableNumbersList"]
    response = load(connect_numbers, body)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"
    assert words in response.json()["message"]
    assert search(connect, target, MaxResults=10)["AvailableNumbersList"] == before
    assert not {item["PhoneNumber"] for item in before} & set(SEATTLE)


def test_loaded_numbers_are_claimed_released_and_cool_down(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.freeze()
    load(connect_numbers, {"numbers": rows(SEATTLE[:3])})
    claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=SEATTLE[1])
    summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]
    assert (summary["PhoneNumberCountryCode"], summary["PhoneNumberType"]) == ("US", "DID")
    assert summary["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    assert sorted(every_number(connect, target)) == [SEATTLE[0], SEATTLE[2]]
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert sorted(every_number(connect, target)) == [SEATTLE[0], SEATTLE[2]]
    with pytest.raises(ClientError) as refused:
        connect.claim_phone_number(TargetArn=target, PhoneNumber=SEATTLE[1])
    assert "not available" in refused.value.response["Error"]["Message"]
    connect_numbers.advance(180 * DAY)
    assert sorted(every_number(connect, target)) == SEATTLE[:3]
    connect.claim_phone_number(TargetArn=target, PhoneNumber=SEATTLE[1])


def test_paging_a_loaded_inventory_offers_each_number_exactly_once(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    load(connect_numbers, {"numbers": rows(SEATTLE)})
    found = every_number(connect, target)
    assert len(found) == 30
    assert sorted(found) == SEATTLE


def test_paging_a_loaded_inventory_skips_claimed_numbers(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    connect_numbers.admin(
        "PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 10}
    )
    load(connect_numbers, {"numbers": rows(SEATTLE)})
    taken = SEATTLE[3:30:6]
    for number in taken:
        connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    found = every_number(connect, target)
    assert len(found) == 25
    assert sorted(found) == sorted(set(SEATTLE) - set(taken))


def test_a_number_already_loaded_under_another_bucket_rejects_the_load(
    connect_numbers: Any,
) -> None:
    uifn = "+80012345678"  # a UIFN number conforms for every country
    first = load(connect_numbers, {"numbers": rows([uifn], "US", "UIFN")})
    assert first.json()["added"] == 1
    response = load(connect_numbers, {"numbers": rows([SEATTLE[0]]) + rows([uifn], "GB", "UIFN")})
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"
    assert (
        f"{uifn} is already in the inventory as US/UIFN, not GB/UIFN"
        in (response.json()["message"])
    )
    again = load(connect_numbers, {"numbers": rows([SEATTLE[0]])})
    assert again.json()["added"] == 1  # the rejected load added nothing
    same = load(connect_numbers, {"numbers": rows([uifn], "US", "UIFN")})
    assert same.json()["already_present"] == 1


def test_a_partial_load_keeps_the_good_rows_and_answers_the_refused_ones(
    connect_numbers: Any, connect: Any, target: str
) -> None:
    uifn = "+80012345678"
    assert load(connect_numbers, {"numbers": rows([uifn], "US", "UIFN")}).status_code == 200
    body = {
        "partial": True,
        "numbers": [
            *rows([SEATTLE[0]]),
            *rows([SEATTLE[1]], "GB"),  # not a GB number
            "not an object",
            *rows([uifn], "GB", "UIFN"),  # already loaded as US/UIFN
        ],
        "ranges": [{"start": "+12062345610", "count": 2, "country": "US", "type": "DID"}],
        "csv": f"{SEATTLE[2]},US,DID\n{SEATTLE[3]},US\n{SEATTLE[0]},US,SHARED\n",
    }
    answer = load(connect_numbers, body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "received": 9,
        "added": 4,
        "already_present": 0,
        "buckets": {"US/DID": 4},
        "refused": 5,
        "refusals": [
            {
                "where": "numbers[2]",
                "line": None,
                "reason": f"{SEATTLE[1]} is not a valid DID number of GB",
            },
            {"where": "numbers[3]", "line": None, "reason": "not an object"},
            {
                "where": "numbers[4]",
                "line": None,
                "reason": f"{uifn} is already in the inventory as US/UIFN, not GB/UIFN",
            },
            {"where": "csv line 2", "line": 2, "reason": "expected phone_number,country,type"},
            {
                "where": "csv line 3",
                "line": 3,
                "reason": f"{SEATTLE[0]} is given as US/SHARED here and as US/DID in numbers[1]",
            },
        ],
    }
    offered = every_number(connect, target)
    assert offered == [SEATTLE[0], SEATTLE[2], SEATTLE[10], SEATTLE[11]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"partial": "yes", "csv": "x"}, "partial must be true or false"),
        ({"partial": True, "csv": 5}, "Inventory not loaded: csv must be text"),
        ({"partial": True, "other": 1}, "Inventory not loaded: unknown keys ['other']"),
    ],
)
def test_a_partial_load_still_refuses_a_bad_document_whole(
    connect_numbers: Any, body: dict[str, Any], message: str
) -> None:
    answer = load(connect_numbers, body)
    assert answer.status_code == 400
    assert answer.json() == {"code": "InvalidParameter", "message": message}
