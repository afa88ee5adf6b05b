"""The admin read API: every number, the cooldowns, and the churn budget, over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import available, new_instance, set_quota

from connect_numbers.testing.server import RunningServer

PREFIX = "/_connect-numbers/"
DAY = 86_400
ACCOUNT = "000000000000"


def get(connect_numbers: Any, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{connect_numbers.endpoint}{PREFIX}{path}", params=params, timeout=10)


def ok(connect_numbers: Any, path: str, **params: Any) -> Any:
    response = get(connect_numbers, path, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def claim(connect: Any, desk: dict[str, Any], count: int) -> list[dict[str, Any]]:
    return [
        connect.claim_phone_number(PhoneNumber=n, InstanceId=desk["Id"])
        for n in available(connect, desk, count)
    ]


def test_numbers_lists_every_account_and_region_with_status_tags_and_claim_time(
    connect_numbers: Any, connect: Any
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "east-desk")
    number = available(connect, desk, 1)[0]
    claimed = connect.claim_phone_number(
        PhoneNumber=number, InstanceId=desk["Id"], PhoneNumberDescription="front", Tags={"k": "v"}
    )
    west = connect_numbers.client(region="us-west-2")
    west_desk = new_instance(west, "west-desk")
    claim(west, west_desk, 1)

    page = ok(connect_numbers, "numbers")
    assert page["next_token"] is None
    assert {(n["region"], n["status"]) for n in page["numbers"]} == {
        ("us-east-1", "CLAIMED"),
        ("us-west-2", "CLAIMED"),
    }
    found = next(n for n in page["numbers"] if n["phone_number"] == number)
    assert found == {
        "phone_number": number,
        "phone_number_id": claimed["PhoneNumberId"],
        "phone_number_arn": claimed["PhoneNumberArn"],
        "account_id": ACCOUNT,
        "region": "us-east-1",
        "status": "CLAIMED",
        "target_arn": desk["Arn"],
        "instance_id": desk["Id"],
        "type": "DID",
        "country": "US",
        "description": "front",
        "tags": {"k": "v"},
        "claimed_at": start,
    }
    assert [n["phone_number"] for n in page["numbers"]] == sorted(
        n["phone_number"] for n in page["numbers"]
    )


def test_numbers_filter_by_account_region_instance_prefix_and_status(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "filtered")
    other = new_instance(connect, "other")
    connect_numbers.config(settle_seconds=60)
    first = claim(connect, desk, 2)
    claim(connect, other, 1)
    assert {n["status"] for n in ok(connect_numbers, "numbers")["numbers"]} == {"IN_PROGRESS"}
    assert ok(connect_numbers, "numbers", status="CLAIMED")["numbers"] == []
    connect_numbers.advance(60)
    assert len(ok(connect_numbers, "numbers", status="CLAIMED")["numbers"]) == 3
    assert ok(connect_numbers, "numbers", status="IN_PROGRESS")["numbers"] == []
    on_desk = ok(connect_numbers, "numbers", instance_id=desk["Id"])["numbers"]
    assert {n["phone_number_id"] for n in on_desk} == {c["PhoneNumberId"] for c in first}
    assert (
        len(ok(connect_numbers, "numbers", account_id=ACCOUNT, region="us-east-1")["numbers"]) == 3
    )
    assert ok(connect_numbers, "numbers", account_id="111111111111")["numbers"] == []
    assert ok(connect_numbers, "numbers", region="eu-west-2")["numbers"] == []
    e164 = on_desk[0]["phone_number"]
    assert [n["phone_number"] for n in ok(connect_numbers, "numbers", prefix=e164)["numbers"]] == [
        e164
    ]
    assert ok(connect_numbers, "numbers", prefix="+44")["numbers"] == []


def test_a_failed_claim_is_listed_as_failed_for_its_day_of_grace(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 1)
    connect_numbers.freeze()
    desk = new_instance(connect, "full")
    claim(connect, desk, 1)
    failed = claim(connect, desk, 1)[0]  # the desk is full: the claim settles FAILED
    listed = ok(connect_numbers, "numbers", status="FAILED")["numbers"]
    assert [n["phone_number_id"] for n in listed] == [failed["PhoneNumberId"]]
    connect_numbers.advance(DAY)
    assert ok(connect_numbers, "numbers", status="FAILED")["numbers"] == []
    assert len(ok(connect_numbers, "numbers")["numbers"]) == 1


def test_numbers_page_with_next_token_until_the_last_page(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 10)
    desk = new_instance(connect, "paged")
    claim(connect, desk, 5)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"limit": 2, **({"next_token": token} if token else {})}
        page = ok(connect_numbers, "numbers", **params)
        seen += [n["phone_number"] for n in page["numbers"]]
        pages += 1
        token = page["next_token"]
        if token is None:
            break
    assert pages == 3
    assert seen == sorted(seen)
    assert len(set(seen)) == 5


def test_cooldowns_list_released_numbers_soonest_end_first(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(cooldown_days=30)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "cooling")
    claimed = claim(connect, desk, 3)
    for offset, done in zip((20, 0, 10), claimed, strict=True):
        connect_numbers.set_clock(start + offset)
        connect.release_phone_number(PhoneNumberId=done["PhoneNumberId"])
    listed = ok(connect_numbers, "cooldowns")
    assert listed["next_token"] is None
    assert [c["released_at"] for c in listed["cooldowns"]] == [start, start + 10, start + 20]
    first = listed["cooldowns"][0]
    assert first["cooldown_until"] == start + 30 * DAY
    assert first["account_id"] == ACCOUNT
    assert first["region"] == "us-east-1"
    assert set(first) == {
        "phone_number",
        "phone_number_id",
        "account_id",
        "region",
        "released_at",
        "cooldown_until",
    }
    page = ok(connect_numbers, "cooldowns", limit=2)
    rest = ok(connect_numbers, "cooldowns", limit=2, next_token=page["next_token"])
    assert [c["released_at"] for c in rest["cooldowns"]] == [start + 20]
    assert rest["next_token"] is None
    assert ok(connect_numbers, "cooldowns", region="us-west-2")["cooldowns"] == []
    connect_numbers.set_clock(start + 30 * DAY)  # the first cooldown ends at this second
    assert len(ok(connect_numbers, "cooldowns")["cooldowns"]) == 2
    last = listed["cooldowns"][2]["phone_number"]
    connect_numbers.admin("POST", f"numbers/{last}/restore", {})
    assert len(ok(connect_numbers, "cooldowns")["cooldowns"]) == 1


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("numbers", {"colour": "red"}, "Unknown parameter colour"),
        ("numbers", {"status": "COOLING"}, "status must be one of"),
        ("numbers", {"limit": "0"}, "limit must be a whole number from 1 to 1000"),
        ("numbers", {"limit": "1001"}, "limit must be a whole number from 1 to 1000"),
        ("numbers", {"limit": "ten"}, "limit must be a whole number"),
        ("numbers", {"next_token": "not-a-token"}, "NextToken is not valid"),
        ("numbers", {"account_id": "123"}, "account_id must be 12 digits"),
        ("numbers", {"region": "mars-1"}, "Unknown region"),
        ("numbers", {"prefix": "44"}, "prefix must be '+'"),
        ("cooldowns", {"status": "CLAIMED"}, "Unknown parameter status"),
        ("cooldowns", {"limit": "-1"}, "limit must be"),
        ("cooldowns", {"next_token": "e30"}, "NextToken is not valid"),
        ("churn/000000000000/us-east-1", {"limit": "1"}, "Unknown parameter limit"),
        ("churn/12/us-east-1", {}, "account_id must be 12 digits"),
        ("churn/000000000000/nowhere", {}, "Unknown region"),
    ],
)
def test_bad_input_is_a_400_with_a_message(
    connect_numbers: Any, path: str, params: dict[str, str], words: str
) -> None:
    response = get(connect_numbers, path, **params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "InvalidParameter"
    assert words in response.json()["message"]


def test_a_token_of_one_listing_is_refused_by_the_other(connect_numbers: Any, connect: Any) -> None:
    desk = new_instance(connect, "tokens")
    claim(connect, desk, 2)
    token = ok(connect_numbers, "numbers", limit=1)["next_token"]
    response = get(connect_numbers, "cooldowns", next_token=token)
    assert response.status_code == 400
    assert "not valid" in response.json()["message"]


def test_a_repeated_parameter_is_refused(connect_numbers: Any) -> None:
    url = f"{connect_numbers.endpoint}{PREFIX}numbers?limit=1&limit=2"
    response = httpx.get(url, timeout=10)
    assert response.status_code == 400
    assert "more than once" in response.json()["message"]


def test_the_summary_counts_numbers_by_status_and_cooling_per_scope(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "summary")
    claimed = claim(connect, desk, 3)
    connect.release_phone_number(PhoneNumberId=claimed[0]["PhoneNumberId"])
    summary = ok(connect_numbers, "summary")
    assert summary["scopes"] == [
        {
            "account_id": ACCOUNT,
            "region": "us-east-1",
            "claimed": 2,
            "in_progress": 0,
            "failed": 0,
            "cooling": 1,
        }
    ]


def test_claimed_at_stays_through_a_move_and_is_the_restore_after_a_restore(
    connect_numbers: Any, connect: Any
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "claimed-at")
    other = new_instance(connect, "moved-to")
    claimed = claim(connect, desk, 1)[0]
    number_id = claimed["PhoneNumberId"]
    connect_numbers.set_clock(start + 10)
    connect.update_phone_number(PhoneNumberId=number_id, InstanceId=other["Id"])
    connect_numbers.set_clock(start + 20)
    connect.update_phone_number_metadata(PhoneNumberId=number_id, PhoneNumberDescription="x")
    (listed,) = ok(connect_numbers, "numbers")["numbers"]
    assert (listed["claimed_at"], listed["instance_id"]) == (start, other["Id"])
    connect.release_phone_number(PhoneNumberId=number_id)
    connect_numbers.set_clock(start + 30)
    connect_numbers.admin("POST", f"numbers/{listed['phone_number']}/restore", {})
    connect_numbers.set_clock(start + 40)
    connect.update_phone_number_metadata(PhoneNumberId=number_id, PhoneNumberDescription="y")
    (restored,) = ok(connect_numbers, "numbers")["numbers"]
    assert restored["claimed_at"] == start + 30


def test_the_summary_counts_in_progress_failed_and_forgets_expired_failures(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 2)
    connect_numbers.freeze()
    desk = new_instance(connect, "summary-full")
    claim(connect, desk, 2)
    claim(connect, desk, 1)  # the desk is full: settles FAILED
    west = connect_numbers.client(region="us-west-2")
    west_desk = new_instance(west, "summary-west")
    connect_numbers.config(settle_seconds=60)
    claim(west, west_desk, 1)

    def counts() -> list[tuple[str, int, int, int, int]]:
        scopes = ok(connect_numbers, "summary")["scopes"]
        return [
            (s["region"], s["claimed"], s["in_progress"], s["failed"], s["cooling"]) for s in scopes
        ]

    assert counts() == [("us-east-1", 2, 0, 1, 0), ("us-west-2", 0, 1, 0, 0)]
    connect_numbers.advance(60)
    assert counts() == [("us-east-1", 2, 0, 1, 0), ("us-west-2", 1, 0, 0, 0)]
    connect_numbers.advance(DAY)  # the failed claim's day of grace is over
    assert counts() == [("us-east-1", 2, 0, 0, 0), ("us-west-2", 1, 0, 0, 0)]
    listed = ok(connect_numbers, "numbers")["numbers"]
    assert len(listed) == 3


def test_the_reads_ask_for_the_admin_token_like_every_admin_call(tmp_path: Path) -> None:
    token = "reads-token"
    with RunningServer(f"sqlite:///{tmp_path / 'reads.db'}", admin_token=token) as server:
        for path in ("numbers", "cooldowns", "churn/000000000000/us-east-1", "summary"):
            url = f"{server.endpoint}{PREFIX}{path}"
            assert httpx.get(url, timeout=10).status_code == 401
            wrong = {"Authorization": "Bearer nope"}
            assert httpx.get(url, headers=wrong, timeout=10).status_code == 403
            right = {"Authorization": f"Bearer {token}"}
            assert httpx.get(url, headers=right, timeout=10).status_code == 200
