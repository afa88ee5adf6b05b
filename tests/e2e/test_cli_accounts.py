"""The accounts commands, run as a user runs them, against a real server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import SCRIPT, answer, run

ACCOUNT = "111111111111"


def client(endpoint: str, key: dict[str, str]) -> Any:
    return boto3.client(
        "connect",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key["access_key_id"],
        aws_secret_access_key=key["secret_access_key"],
    )


@pytest.mark.parametrize(
    "command",
    [
        ["accounts"],
        ["accounts", "create"],
        ["accounts", "list"],
        ["accounts", "keys", "create"],
        ["accounts", "keys", "list"],
        ["accounts", "keys", "revoke"],
    ],
)
def test_every_accounts_command_has_help_with_examples(command: list[str]) -> None:
    done = subprocess.run(
        [SCRIPT, *command, "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0
    if len(command) > 1 and command[-1] != "keys":
        assert "Example" in done.stdout


def test_a_key_issued_by_the_cli_works_and_stops_working_once_revoked(
    connect_numbers: Any,
) -> None:
    endpoint = connect_numbers.endpoint
    assert answer(endpoint, "accounts", "create", ACCOUNT) == {"account_id": ACCOUNT}
    assert ACCOUNT in answer(endpoint, "accounts", "list")["accounts"]
    key = answer(endpoint, "accounts", "keys", "create", ACCOUNT, "alice")
    assert key["account_id"] == ACCOUNT and key["principal"] == "alice"
    assert client(endpoint, key).list_instances()["InstanceSummaryList"] == []
    listed = answer(endpoint, "accounts", "keys", "list", ACCOUNT)["keys"]
    assert [k["access_key_id"] for k in listed] == [key["access_key_id"]]
    assert "secret_access_key" not in json.dumps(listed)
    answer(endpoint, "accounts", "keys", "revoke", ACCOUNT, key["access_key_id"])
    with pytest.raises(ClientError) as raised:
        client(endpoint, key).list_instances()
    assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_a_policy_file_limits_what_the_key_may_do(connect_numbers: Any, tmp_path: Path) -> None:
    endpoint = connect_numbers.endpoint
    answer(endpoint, "accounts", "create", ACCOUNT)
    policy = tmp_path / "readonly.json"
    policy.write_text(
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "connect:List*", "Resource": "*"}]})
    )
    key = answer(endpoint, "accounts", "keys", "create", ACCOUNT, "ci", "--policy", str(policy))
    connect = client(endpoint, key)
    assert connect.list_instances()["InstanceSummaryList"] == []
    with pytest.raises(ClientError) as raised:
        connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InstanceAlias="denied",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"


def test_bad_input_is_refused_with_the_servers_message(
    connect_numbers: Any, tmp_path: Path
) -> None:
    endpoint = connect_numbers.endpoint
    done = run(endpoint, "accounts", "create", "12")
    assert done.returncode != 0 and "12 digits" in done.stderr
    done = run(endpoint, "accounts", "keys", "create", "222222222222", "bob")
    assert done.returncode != 0 and "does not exist" in done.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    answer(endpoint, "accounts", "create", ACCOUNT)
    done = run(endpoint, "accounts", "keys", "create", ACCOUNT, "bob", "--policy", str(broken))
    assert done.returncode != 0 and "not JSON" in done.stderr
