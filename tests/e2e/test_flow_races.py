"""Races over one contact flow: association against deletion, and edits against each other.

Against the plugin's server the threads' transactions do not overlap (one event
loop); against two server processes (two workers each) on one PostgreSQL database
they do, and the flow row read ``FOR UPDATE`` is what keeps them apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, boto3_client, new_instance
from test_number_races import race

from processes import ServerProcess, admin, postgres_url, start_all

ACCOUNT = "000000000000"


@pytest.fixture(scope="module")
def postgresql_pair(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    url = postgres_url(request)
    with start_all([ServerProcess(url, workers=2), ServerProcess(url, workers=2)]) as both:
        yield [server.endpoint for server in both]
        both[0].admin("POST", "reset", {})


@pytest.fixture(params=["plugin", "postgresql-processes"])
def pair(request: pytest.FixtureRequest) -> list[str]:
    if request.param == "plugin":
        endpoint: str = request.getfixturevalue("connect_numbers").endpoint
        return [endpoint, endpoint]
    endpoints: list[str] = request.getfixturevalue("postgresql_pair")
    admin(endpoints[0], "POST", "reset", {})
    return endpoints


def flow(connect: Any, desk: dict[str, Any], name: str) -> Any:
    return connect.create_contact_flow(
        InstanceId=desk["Id"], Name=name, Type="CONTACT_FLOW", Content="{}"
    )


def _associate_while_deleting(
    clients: list[Any], desk: dict[str, Any], numbers: list[str], round_: int
) -> list[str]:
    """Seven threads associate a number each with a flow that the eighth deletes."""
    doomed = flow(clients[0], desk, f"doomed-{round_}")["ContactFlowId"]
    deleter = round_ * 2 % 8

    def act(index: int, client: Any) -> str:
        try:
            if index == deleter:
                client.delete_contact_flow(InstanceId=desk["Id"], ContactFlowId=doomed)
            else:
                client.associate_phone_number_contact_flow(
                    PhoneNumberId=numbers[index - (index > deleter)],
                    InstanceId=desk["Id"],
                    ContactFlowId=doomed,
                )
            return "ok"
        except ClientError as error:
            return str(error.response["Error"]["Code"])

    outcomes = race(clients, act)
    assert outcomes[deleter] == "ok"
    return outcomes


def test_numbers_associated_while_their_flow_is_deleted_keep_no_association(
    pair: list[str],
) -> None:
    admin(pair[0], "PUT", f"quotas/{ACCOUNT}/us-east-1", {"phone_numbers_per_instance": 50})
    clients = [boto3_client(pair[i % 2]) for i in range(8)]
    connect = clients[0]
    desk = new_instance(connect, "flow-race")
    numbers = [
        connect.claim_phone_number(PhoneNumber=n, InstanceId=desk["Id"])["PhoneNumberId"]
        for n in available(connect, desk, 7)
    ]
    for round_ in range(4):  # a race is won by chance: give it several
        outcomes = _associate_while_deleting(clients, desk, numbers, round_)
        assert set(outcomes) <= {"ok", "ResourceNotFoundException"}, outcomes
        left = connect.list_flow_associations(InstanceId=desk["Id"])["FlowAssociationSummaryList"]
        assert left == [], f"round {round_}: associations with a deleted flow: {left}"


def _edit_at_once(clients: list[Any], key: dict[str, str], round_: int) -> None:
    """Four threads rename the flow and four replace its content, all at once."""

    def edit(index: int, client: Any) -> None:
        if index % 2:
            client.update_contact_flow_name(**key, Name=f"renamed-{round_}-{index}")
        else:
            client.update_contact_flow_content(**key, Content=json.dumps({"by": index}))

    race(clients, edit)


def test_concurrent_renames_and_content_updates_lose_none_of_them(pair: list[str]) -> None:
    clients = [boto3_client(pair[i % 2]) for i in range(8)]
    connect = clients[0]
    desk = new_instance(connect, "edit-race")
    for round_ in range(4):
        edited = flow(connect, desk, f"original-{round_}")["ContactFlowId"]
        key = {"InstanceId": desk["Id"], "ContactFlowId": edited}
        _edit_at_once(clients, key, round_)
        after = connect.describe_contact_flow(**key)["ContactFlow"]
        assert after["Name"].startswith(f"renamed-{round_}-"), after["Name"]
        assert after["Content"] != "{}", "every content update was lost"
