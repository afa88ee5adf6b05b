"""``connect-numbers faults``, run as a user runs it, against a real server."""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import answer, available, new_instance, run


def test_faults_add_list_remove_and_clear(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    added = answer(
        endpoint,
        "faults",
        "add",
        "ClaimPhoneNumber",
        "--error",
        "ThrottlingException",
        "--count",
        "2",
    )
    assert added["error"] == {"code": "ThrottlingException", "status": 429}
    assert (added["count"], added["remaining"], added["hits"]) == (2, 2, 0)
    answer(
        endpoint, "faults", "add", "*", "--latency-ms", "1", "--probability", "0.5", "--seed", "3"
    )
    listed = answer(endpoint, "faults", "list")["faults"]
    assert [rule["id"] for rule in listed] == [added["id"], listed[1]["id"]]
    assert listed[1] == {**listed[1], "operation": "*", "probability": 0.5, "seed": 3}
    assert answer(endpoint, "faults", "remove", added["id"]) == {}
    assert len(answer(endpoint, "faults", "list")["faults"]) == 1
    assert answer(endpoint, "faults", "clear") == {"removed": 1}
    assert answer(endpoint, "faults", "list") == {"faults": []}


def test_the_rule_added_on_the_command_line_throttles_boto3(connect_numbers: Any) -> None:
    connect = connect_numbers.client(retries={"total_max_attempts": 1})
    instance = new_instance(connect, "cli-faults")
    (number,) = available(connect, instance)
    answer(
        connect_numbers.endpoint,
        "faults",
        "add",
        "ClaimPhoneNumber",
        "--error",
        "ThrottlingException",
        "--count",
        "1",
    )
    with pytest.raises(ClientError, match="ThrottlingException"):
        connect.claim_phone_number(
            TargetArn=instance["Arn"], PhoneNumber=number, ClientToken=str(uuid.uuid4())
        )
    connect.claim_phone_number(
        TargetArn=instance["Arn"], PhoneNumber=number, ClientToken=str(uuid.uuid4())
    )


def test_a_bad_rule_or_a_missing_one_is_one_line_and_exit_1(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    bad = run(endpoint, "faults", "add", "ClaimPhoneNumber", "--error", "NoSuchError")
    assert bad.returncode == 1
    assert "400 InvalidParameter: Field 'error.code'" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run(endpoint, "faults", "remove", "no-such-rule")
    assert missing.returncode == 1
    assert "404" in missing.stderr
    assert answer(endpoint, "faults", "list") == {"faults": []}


def test_the_commands_of_the_faults_page_run_as_written(connect_numbers: Any) -> None:
    page = (Path(__file__).parents[2] / "docs" / "faults.md").read_text()
    block = page.split("## From the command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert len(commands) == 7
    added = []
    for command in commands:
        assert command[:2] == ["connect-numbers", "faults"]
        args = command[2:]
        if args[0] == "remove":
            args = ["remove", added[0]["id"]]
        done = answer(connect_numbers.endpoint, "faults", *args)
        if args[0] == "add":
            added.append(done)
    assert [rule["operation"] for rule in added] == [
        "ClaimPhoneNumber",
        "*",
        "ClaimPhoneNumber",
        "DescribePhoneNumber",
    ]
    assert answer(connect_numbers.endpoint, "faults", "list") == {"faults": []}
