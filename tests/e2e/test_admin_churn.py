"""GET churn/{account}/{region} agrees with ClaimPhoneNumber at every edge of the worked example.

A probe claim onto a full instance tells what ClaimPhoneNumber does without spending the
budget: the churn rule refuses it at once (400), or it is accepted and settles FAILED
(the instance is full), and a failed claim's release does not count toward churn.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, new_instance, set_quota

from connect_numbers.service import listings

DAY = 86_400
WINDOW = 180 * DAY
ACCOUNT = "000000000000"


def budget(connect_numbers: Any) -> dict[str, Any]:
    found: dict[str, Any] = connect_numbers.admin("GET", f"churn/{ACCOUNT}/us-east-1")
    return found


def claim_accepted(connect: Any, probe: dict[str, Any]) -> bool:
    """Whether ClaimPhoneNumber accepts a claim now (onto the full ``probe``: it fails)."""
    number = available(connect, probe, 1)[0]
    try:
        claimed = connect.claim_phone_number(PhoneNumber=number, InstanceId=probe["Id"])
    except ClientError as error:
        assert error.response["Error"]["Code"] == "InvalidParameterException"
        assert "claim limit exceeded" in error.response["Error"]["Message"]
        return False
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])  # FAILED: not counted
    return True


def agreed(connect_numbers: Any, connect: Any, probe: dict[str, Any]) -> dict[str, Any]:
    """The budget, after checking that ClaimPhoneNumber does what it says, either side."""
    before = budget(connect_numbers)
    assert claim_accepted(connect, probe) is before["claims_allowed"]
    after = budget(connect_numbers)
    assert {**after, "now": None} == {**before, "now": None}  # the probe spent nothing
    return before


def claim_all(connect: Any, desk: dict[str, Any], count: int) -> list[str]:
    return [
        connect.claim_phone_number(PhoneNumber=n, InstanceId=desk["Id"])["PhoneNumberId"]
        for n in available(connect, desk, count)
    ]


def release_all(connect: Any, ids: list[str]) -> None:
    for number_id in ids:
        connect.release_phone_number(PhoneNumberId=number_id)


def test_the_budget_agrees_with_claims_through_the_worked_example(
    connect_numbers: Any, connect: Any
) -> None:
    set_quota(connect_numbers, 99)
    start = connect_numbers.freeze()["now"]
    probe = new_instance(connect, "probe")
    claim_all(connect, probe, 99)  # full: every later claim onto it settles FAILED
    desk = new_instance(connect, "ninety-nine")
    first = claim_all(connect, desk, 99)

    fresh = agreed(connect_numbers, connect, probe)
    assert fresh["quota"] == 99
    assert fresh["limit"] == 198
    assert fresh["churn_percent"] == 200
    assert fresh["window_days"] == 180
    assert fresh["releases_in_window"] == 0
    assert fresh["releases_left_before_lockout"] == 198
    assert fresh["claims_resume_at"] is None
    assert fresh["schedule"] == []

    connect_numbers.set_clock(start + DAY)
    release_all(connect, first)
    half = agreed(connect_numbers, connect, probe)
    assert half["releases_in_window"] == 99
    assert half["releases_left_before_lockout"] == 99
    assert half["schedule"] == [{"at": start + DAY + WINDOW, "releases_leaving_window": 99}]

    connect_numbers.set_clock(start + 2 * DAY)
    second = claim_all(connect, desk, 99)
    connect_numbers.set_clock(start + 3 * DAY)
    release_all(connect, second[:98])
    edge = agreed(connect_numbers, connect, probe)
    assert edge["claims_allowed"] is True
    assert edge["releases_left_before_lockout"] == 1

    release_all(connect, second[98:])  # the 198th release
    resume = start + DAY + WINDOW
    locked = agreed(connect_numbers, connect, probe)
    assert locked["claims_allowed"] is False
    assert locked["releases_in_window"] == 198
    assert locked["releases_left_before_lockout"] == 0
    assert locked["claims_resume_at"] == resume
    assert locked["claims_never_resume"] is False
    assert locked["schedule"] == [
        {"at": resume, "releases_leaving_window": 99},
        {"at": start + 3 * DAY + WINDOW, "releases_leaving_window": 99},
    ]

    connect_numbers.set_clock(resume - 1)
    assert agreed(connect_numbers, connect, probe)["claims_resume_at"] == resume
    connect_numbers.set_clock(resume - 0.001)
    assert agreed(connect_numbers, connect, probe)["claims_allowed"] is False
    connect_numbers.set_clock(resume)
    open_again = agreed(connect_numbers, connect, probe)
    assert open_again["claims_allowed"] is True
    assert open_again["releases_in_window"] == 99
    assert open_again["releases_left_before_lockout"] == 99
    assert open_again["schedule"] == [
        {"at": start + 3 * DAY + WINDOW, "releases_leaving_window": 99}
    ]


def test_a_quota_of_zero_never_lets_claims_resume(connect_numbers: Any, connect: Any) -> None:
    probe = new_instance(connect, "zero")
    set_quota(connect_numbers, 0)
    found = agreed(connect_numbers, connect, probe)
    assert found["limit"] == 0
    assert found["claims_allowed"] is False
    assert found["claims_resume_at"] is None
    assert found["claims_never_resume"] is True


def test_a_fractional_limit_stops_claims_at_the_next_whole_release(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(churn_percent=150)
    set_quota(connect_numbers, 3)  # 150 % of 3 = 4.5: the fifth release stops claims
    connect_numbers.freeze()
    probe = new_instance(connect, "probe-frac")
    claim_all(connect, probe, 3)
    desk = new_instance(connect, "frac")
    release_all(connect, claim_all(connect, desk, 3))
    ids = claim_all(connect, desk, 2)
    connect.release_phone_number(PhoneNumberId=ids[0])
    four = agreed(connect_numbers, connect, probe)
    assert (four["limit"], four["releases_left_before_lockout"]) == (5, 1)
    connect.release_phone_number(PhoneNumberId=ids[1])
    assert agreed(connect_numbers, connect, probe)["claims_allowed"] is False


def test_a_schedule_longer_than_shown_still_counts_every_release(
    connect_numbers: Any, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listings, "SCHEDULE_LIMIT", 1)  # the server runs in this process
    set_quota(connect_numbers, 1)
    start = connect_numbers.freeze()["now"]
    probe = new_instance(connect, "probe-long")
    claim_all(connect, probe, 1)
    desk = new_instance(connect, "long")
    release_all(connect, claim_all(connect, desk, 1))
    connect_numbers.set_clock(start + 5)
    release_all(connect, claim_all(connect, desk, 1))
    found = agreed(connect_numbers, connect, probe)
    assert found["releases_in_window"] == 2
    assert found["claims_resume_at"] == start + WINDOW
    assert found["schedule"] == [{"at": start + WINDOW, "releases_leaving_window": 1}]
