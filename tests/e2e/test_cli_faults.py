"""``connect-numbers faults``, run as a user runs it, against a real server."""

from __future__ import annotations

import uuid
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
