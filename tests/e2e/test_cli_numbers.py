"""The quotas, numbers and inventory commands, run as a user runs them, against a real server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import SCRIPT, answer, new_instance, run

ACCOUNT = "000000000000"
SEATTLE = [f"+120623456{i:02d}" for i in range(5)]


COMMANDS = [
    ["quotas"],
    ["quotas", "show"],
    ["quotas", "set"],
    ["numbers"],
    ["numbers", "history"],
    ["numbers", "restore"],
    ["inventory"],
    ["inventory", "load"],
]


def refused(endpoint: str, *args: str) -> str:
    done = run(endpoint, *args)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.fixture
def claimed(connect: Any) -> dict[str, str]:
    """A US number claimed and then released by the local test account."""
    target = new_instance(connect, "cli-numbers")["Arn"]
    number = connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]
    result = connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    connect.release_phone_number(PhoneNumberId=result["PhoneNumberId"])
    return {"number": number, "id": result["PhoneNumberId"], "target": target}


def test_quotas_show_prints_the_default(connect_numbers: Any) -> None:
    shown = answer(connect_numbers.endpoint, "quotas", "show", ACCOUNT, "us-east-1")
    assert shown == {"phone_numbers_per_instance": 5}


def test_quotas_set_then_show(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    assert answer(endpoint, "quotas", "set", ACCOUNT, "us-east-1", "99") == {
        "phone_numbers_per_instance": 99
    }
    assert answer(endpoint, "quotas", "show", ACCOUNT, "us-east-1") == {
        "phone_numbers_per_instance": 99
    }
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-west-2") == {
        "phone_numbers_per_instance": 5
    }


def test_quotas_with_a_bad_region_exit_non_zero_with_the_servers_message(
    connect_numbers: Any,
) -> None:
    message = refused(connect_numbers.endpoint, "quotas", "set", ACCOUNT, "mars-1", "9")
    assert "400" in message
    assert "Unknown region: mars-1" in message


def test_quotas_set_refuses_a_value_that_is_not_a_number(connect_numbers: Any) -> None:
    message = refused(connect_numbers.endpoint, "quotas", "set", ACCOUNT, "us-east-1", "many")
    assert "many" in message
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-east-1") == {
        "phone_numbers_per_instance": 5
    }


def test_numbers_history_prints_the_events(connect_numbers: Any, claimed: dict[str, str]) -> None:
    shown = answer(connect_numbers.endpoint, "numbers", "history", claimed["number"])
    assert [event["event"] for event in shown["events"]] == ["CLAIM", "SETTLE", "RELEASE"]
    assert {event["phone_number_id"] for event in shown["events"]} == {claimed["id"]}


def test_numbers_history_of_an_unknown_number_is_empty(connect_numbers: Any) -> None:
    assert answer(connect_numbers.endpoint, "numbers", "history", "+12065550100") == {"events": []}


def test_numbers_restore_gives_the_number_back(
    connect_numbers: Any, connect: Any, claimed: dict[str, str]
) -> None:
    restored = answer(connect_numbers.endpoint, "numbers", "restore", claimed["number"])
    assert restored["PhoneNumberId"] == claimed["id"]
    assert restored["PhoneNumberStatus"] == {"Status": "CLAIMED"}
    summary = connect.describe_phone_number(PhoneNumberId=claimed["id"])
    assert summary["ClaimedPhoneNumberSummary"]["TargetArn"] == claimed["target"]


def test_numbers_restore_of_a_number_not_cooling_exits_non_zero_with_the_servers_message(
    connect_numbers: Any,
) -> None:
    message = refused(connect_numbers.endpoint, "numbers", "restore", "+12065550100")
    assert "400" in message
    assert "Phone number +12065550100 is not in a cooldown" in message


def test_inventory_load_of_a_missing_file_is_a_clear_error(
    connect_numbers: Any, tmp_path: Path
) -> None:
    message = refused(connect_numbers.endpoint, "inventory", "load", str(tmp_path / "nope.csv"))
    assert "nope.csv" in message


def test_quotas_set_sends_a_negative_value_and_shows_the_servers_refusal(
    connect_numbers: Any,
) -> None:
    message = refused(connect_numbers.endpoint, "quotas", "set", ACCOUNT, "us-east-1", "-1")
    assert "400" in message
    assert "phone_numbers_per_instance must be a whole number" in message


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_help_of_each_command_has_examples(command: list[str]) -> None:
    done = subprocess.run(
        [SCRIPT, *command, "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s*Examples?:\s*$", done.stdout, re.MULTILINE)
    assert f"connect-numbers {' '.join(command)}" in done.stdout
