"""GET/PUT quotas/{account}/{region}: an account's phone_numbers_per_instance in one region."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PREFIX = "/_connect-numbers/"
ACCOUNT = "000000000000"


def admin_raw(connect_numbers: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{connect_numbers.endpoint}{PREFIX}{path}", timeout=10, **kwargs)


def test_the_default_quota_is_5(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers, "GET", f"quotas/{ACCOUNT}/us-east-1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"phone_numbers_per_instance": 5}


def test_a_quota_set_is_read_back(connect_numbers: Any) -> None:
    path = f"quotas/{ACCOUNT}/us-east-1"
    assert connect_numbers.admin("PUT", path, {"phone_numbers_per_instance": 99}) == {
        "phone_numbers_per_instance": 99
    }
    assert connect_numbers.admin("GET", path) == {"phone_numbers_per_instance": 99}


def test_a_quota_belongs_to_one_account_and_region(connect_numbers: Any) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 99})
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-west-2") == {
        "phone_numbers_per_instance": 5
    }
    assert connect_numbers.admin("GET", "quotas/111111111111/us-east-1") == {
        "phone_numbers_per_instance": 5
    }


def test_reset_returns_quotas_to_the_default(connect_numbers: Any) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 9})
    connect_numbers.reset()
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-east-1") == {
        "phone_numbers_per_instance": 5
    }


def test_the_quota_is_what_limits_a_target(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.admin("PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 1})
    target = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias="quota-target",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Arn"]
    found = connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=2
    )["AvailableNumbersList"]
    statuses = []
    for item in found:
        claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=item["PhoneNumber"])
        summary = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
        statuses.append(summary["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"])
    assert statuses == ["CLAIMED", "FAILED"]


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("quotas/00000000000/us-east-1", {"phone_numbers_per_instance": 9}, "Not an account id"),
        ("quotas/abcdefghijkl/us-east-1", {"phone_numbers_per_instance": 9}, "Not an account id"),
        ("quotas/000000000000/mars-1", {"phone_numbers_per_instance": 9}, "Unknown region"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": -1}, "whole number"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1.5}, "whole number"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": "9"}, "whole number"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": True}, "whole number"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 2**31}, "whole number"),
        ("quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 10**30}, "whole number"),
        ("quotas/000000000000/us-east-1", {"numbers": 9}, "Unknown quota"),
        ("quotas/000000000000/us-east-1", [9], "JSON object"),
    ],
)
def test_a_bad_quota_change_is_a_400_that_says_why(
    connect_numbers: Any, path: str, body: Any, words: str
) -> None:
    response = admin_raw(connect_numbers, "PUT", path, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"
    assert words in response.json()["message"]
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-east-1") == {
        "phone_numbers_per_instance": 5
    }


@pytest.mark.parametrize(
    ("path", "words"),
    [("quotas/0/us-east-1", "Not an account id"), ("quotas/000000000000/moon", "Unknown region")],
)
def test_reading_a_bad_scope_is_a_400_that_says_why(
    connect_numbers: Any, path: str, words: str
) -> None:
    response = admin_raw(connect_numbers, "GET", path)
    assert response.status_code == 400
    assert words in response.json()["message"]


def test_the_largest_quota_is_kept(connect_numbers: Any) -> None:
    path = f"quotas/{ACCOUNT}/us-east-1"
    connect_numbers.admin("PUT", path, {"phone_numbers_per_instance": 2**31 - 1})
    assert connect_numbers.admin("GET", path) == {"phone_numbers_per_instance": 2**31 - 1}
