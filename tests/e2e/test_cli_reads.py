"""``numbers list``, ``cooldowns`` and ``churn`` run as a user runs them, against a real server."""

from __future__ import annotations

from typing import Any

from helpers import answer, available, new_instance, run, set_quota

ACCOUNT = "000000000000"
DAY = 86_400


def claimed(connect: Any, alias: str, count: int) -> list[dict[str, Any]]:
    desk = new_instance(connect, alias)
    return [
        connect.claim_phone_number(PhoneNumber=n, InstanceId=desk["Id"])
        for n in available(connect, desk, count)
    ]


def test_numbers_list_prints_json_when_piped_and_filters(
    connect_numbers: Any, connect: Any
) -> None:
    claimed(connect, "cli-list", 3)
    endpoint = connect_numbers.endpoint
    listed = answer(endpoint, "numbers", "list")
    assert len(listed["numbers"]) == 3
    assert listed["next_token"] is None
    first = answer(endpoint, "numbers", "list", "--limit", "2", "--status", "CLAIMED")
    rest = answer(endpoint, "numbers", "list", "--next-token", first["next_token"])
    assert len(first["numbers"]) + len(rest["numbers"]) == 3
    assert answer(endpoint, "numbers", "list", "--account", "111111111111")["numbers"] == []


def test_numbers_list_as_a_table(connect_numbers: Any, connect: Any) -> None:
    number = claimed(connect, "cli-table", 2)[0]
    done = run(connect_numbers.endpoint, "numbers", "list", "--limit", "1", "-o", "table")
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()
    assert header.split()[:4] == ["PHONE", "NUMBER", "STATUS", "ACCOUNT"]
    assert "CLAIMED" in row
    assert ACCOUNT in row
    assert "UTC" in row
    assert done.stderr.startswith("(more: --next-token ")
    assert number["PhoneNumberId"] not in done.stdout  # ids are in the JSON form only


def test_cooldowns_lists_the_released_number_with_its_end(
    connect_numbers: Any, connect: Any
) -> None:
    start = connect_numbers.freeze()["now"]
    number = claimed(connect, "cli-cool", 1)[0]
    connect.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    listed = answer(connect_numbers.endpoint, "cooldowns", "--region", "us-east-1")
    assert [c["cooldown_until"] for c in listed["cooldowns"]] == [start + 180 * DAY]
    table = run(connect_numbers.endpoint, "cooldowns", "--output", "table")
    assert "COOLING UNTIL" in table.stdout
    assert len(table.stdout.splitlines()) == 2


def test_churn_says_when_claims_resume(connect_numbers: Any, connect: Any) -> None:
    set_quota(connect_numbers, 1)
    start = connect_numbers.freeze()["now"]
    for alias in ("churn-a", "churn-b"):
        number = claimed(connect, alias, 1)[0]
        connect.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    budget = answer(connect_numbers.endpoint, "churn", ACCOUNT, "us-east-1")
    assert budget["claims_allowed"] is False
    assert budget["claims_resume_at"] == start + 180 * DAY
    table = run(connect_numbers.endpoint, "churn", ACCOUNT, "us-east-1", "-o", "table")
    assert "refused until" in table.stdout
    assert "2 of 2" in table.stdout


def test_bad_input_is_one_line_without_a_traceback(connect_numbers: Any) -> None:
    for args in (
        ["numbers", "list", "--prefix", "44"],
        ["numbers", "list", "--next-token", "garbage"],
        ["churn", "12", "us-east-1"],
        ["cooldowns", "--region", "mars-1"],
    ):
        done = run(connect_numbers.endpoint, *args)
        assert done.returncode == 1, args
        assert done.stdout == ""
        assert done.stderr.startswith("Error: 400 InvalidParameter: "), done.stderr
        assert "Traceback" not in done.stderr
    done = run(connect_numbers.endpoint, "numbers", "list", "--limit", "5000")
    assert done.returncode == 2
    assert "5000" in done.stderr
