"""State lives in the database: a restarted server has the same instances and the same clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

from connect_numbers.testing.server import RunningServer

DAY = 86_400


def client(server: RunningServer) -> Any:
    return boto3.client(
        "connect",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_instances_clock_and_config_survive_a_restart(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'kept.db'}"
    with RunningServer(database) as first:
        created = client(first).create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InstanceAlias="survivor",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
            Tags={"kept": "yes"},
        )
        first.call_admin("POST", "clock", {"advance_seconds": 181 * DAY})
        first.call_admin("PUT", "config", {"cooldown_days": 30})
    with RunningServer(database) as second:
        instance = client(second).describe_instance(InstanceId=created["Id"])["Instance"]
        assert instance["InstanceAlias"] == "survivor"
        assert instance["Tags"] == {"kept": "yes"}
        assert second.call_admin("GET", "clock")["offset_seconds"] == 181 * DAY
        assert second.call_admin("GET", "config")["cooldown_days"] == 30


def test_a_frozen_clock_is_still_frozen_at_the_same_instant_after_a_restart(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path / 'frozen.db'}"
    with RunningServer(database) as first:
        first.call_admin("POST", "clock", {"freeze": True})
        frozen = first.call_admin("POST", "clock", {"set": 2_000_000_000})
    with RunningServer(database) as second:
        assert second.call_admin("GET", "clock") == frozen
