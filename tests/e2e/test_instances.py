"""Connect instances through boto3: create, describe, list, delete, with AWS's rules."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import error_of

DAY = 86_400


def create(connect: Any, alias: str, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=alias,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=False,
        **extra,
    )
    return answer


def test_a_created_instance_is_described_with_what_was_asked(connect: Any) -> None:
    created = create(connect, "desk-one", Tags={"team": "voice"})
    assert created["Arn"] == f"arn:aws:connect:us-east-1:000000000000:instance/{created['Id']}"
    instance = connect.describe_instance(InstanceId=created["Id"])["Instance"]
    assert instance["Id"] == created["Id"]
    assert instance["Arn"] == created["Arn"]
    assert instance["InstanceAlias"] == "desk-one"
    assert instance["IdentityManagementType"] == "CONNECT_MANAGED"
    assert (instance["InboundCallsEnabled"], instance["OutboundCallsEnabled"]) == (True, False)
    assert instance["InstanceStatus"] == "ACTIVE"
    assert instance["Tags"] == {"team": "voice"}


def test_an_instance_is_described_by_its_arn_too(connect: Any) -> None:
    created = create(connect, "by-arn")
    assert connect.describe_instance(InstanceId=created["Arn"])["Instance"]["Id"] == created["Id"]


def test_created_time_is_the_service_clock(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.freeze()
    connect_numbers.set_clock(1_900_000_000)
    created = create(connect, "clocked")
    instance = connect.describe_instance(InstanceId=created["Id"])["Instance"]
    assert instance["CreatedTime"].timestamp() == 1_900_000_000


def test_listing_pages_through_every_instance_once(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.freeze()  # every instance created at the same instant: ties broken by id
    made = {create(connect, f"page-{i}")["Id"] for i in range(25)}
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"MaxResults": 10}
    while True:
        page = connect.list_instances(**kwargs)
        pages += 1
        assert len(page["InstanceSummaryList"]) <= 10
        seen += [summary["Id"] for summary in page["InstanceSummaryList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == made


def test_the_boto3_paginator_finds_them_all(connect: Any) -> None:
    made = {create(connect, f"pg-{i}")["Id"] for i in range(12)}
    paginator = connect.get_paginator("list_instances")
    found = [s["Id"] for page in paginator.paginate() for s in page["InstanceSummaryList"]]
    assert sorted(found) == sorted(made)


@pytest.mark.parametrize(
    "position",
    [[], ["x", "y"], [None, 1], [1], [True, "id"]],
)
def test_a_forged_next_token_is_a_clear_error(connect: Any, position: list[Any]) -> None:
    document = json.dumps([1, "instances", position]).encode()
    token = base64.urlsafe_b64encode(document).decode().rstrip("=")
    with pytest.raises(ClientError) as raised:
        connect.list_instances(NextToken=token)
    assert error_of(raised)[:2] == (400, "InvalidRequestException")


def test_a_deleted_instance_is_gone(connect: Any) -> None:
    created = create(connect, "short-lived", Tags={"a": "b"})
    connect.delete_instance(InstanceId=created["Id"])
    with pytest.raises(ClientError) as raised:
        connect.describe_instance(InstanceId=created["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert connect.list_instances()["InstanceSummaryList"] == []


def test_status_is_creation_in_progress_until_settle_seconds_have_passed(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(settle_seconds=30)
    connect_numbers.freeze()
    created = create(connect, "settling")

    def status() -> str:
        found: str = connect.describe_instance(InstanceId=created["Id"])["Instance"][
            "InstanceStatus"
        ]
        return found

    assert status() == "CREATION_IN_PROGRESS"
    connect_numbers.advance(29)
    assert status() == "CREATION_IN_PROGRESS"
    listed = connect.list_instances()["InstanceSummaryList"][0]
    assert listed["InstanceStatus"] == "CREATION_IN_PROGRESS"
    connect_numbers.advance(1)
    assert status() == "ACTIVE"


def test_instances_are_scoped_by_region(connect_numbers: Any, connect: Any) -> None:
    created = create(connect, "east-only")
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.describe_instance(InstanceId=created["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
    assert west.list_instances()["InstanceSummaryList"] == []
    with pytest.raises(ClientError):
        west.delete_instance(InstanceId=created["Id"])
    assert connect.describe_instance(InstanceId=created["Id"])["Instance"]["Id"] == created["Id"]


def test_an_arn_of_another_region_is_not_found(connect: Any) -> None:
    created = create(connect, "arn-region")
    foreign = created["Arn"].replace("us-east-1", "us-west-2")
    with pytest.raises(ClientError) as raised:
        connect.describe_instance(InstanceId=foreign)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_instances_are_scoped_by_account(connect_numbers: Any, connect: Any) -> None:
    created = create(connect, "mine")
    connect_numbers.admin("POST", "accounts", {"account_id": "111111111111"})
    key = connect_numbers.admin("POST", "accounts/111111111111/keys", {"principal": "bob"})
    other = connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )
    assert other.list_instances()["InstanceSummaryList"] == []
    with pytest.raises(ClientError) as raised:
        other.describe_instance(InstanceId=created["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_duplicate_alias_is_refused(connect: Any) -> None:
    create(connect, "taken")
    with pytest.raises(ClientError) as raised:
        create(connect, "taken")
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidRequestException")
    assert "taken" in message
    assert len(connect.list_instances()["InstanceSummaryList"]) == 1


def test_an_existing_directory_instance_needs_a_directory_id(connect: Any) -> None:
    with pytest.raises(ClientError) as raised:
        connect.create_instance(
            IdentityManagementType="EXISTING_DIRECTORY",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidRequestException")
    assert "DirectoryId" in message
    assert connect.list_instances()["InstanceSummaryList"] == []


def test_an_existing_directory_instance_with_its_directory_is_created(connect: Any) -> None:
    created = connect.create_instance(
        IdentityManagementType="EXISTING_DIRECTORY",
        DirectoryId="d-0123456789",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )
    instance = connect.describe_instance(InstanceId=created["Id"])["Instance"]
    assert instance["IdentityManagementType"] == "EXISTING_DIRECTORY"


def test_a_retry_with_the_same_client_token_returns_the_same_instance(connect: Any) -> None:
    first = create(connect, "retry-me", ClientToken="token-1")
    again = create(connect, "retry-me", ClientToken="token-1")
    assert (again["Id"], again["Arn"]) == (first["Id"], first["Arn"])
    assert len(connect.list_instances()["InstanceSummaryList"]) == 1


def test_the_same_client_token_with_other_parameters_is_an_idempotency_error(
    connect: Any,
) -> None:
    create(connect, "first-alias", ClientToken="token-2")
    with pytest.raises(ClientError) as raised:
        create(connect, "second-alias", ClientToken="token-2")
    status, code, message = error_of(raised)
    assert (status, code) == (409, "IdempotencyException")
    assert "token-2" in message
    assert len(connect.list_instances()["InstanceSummaryList"]) == 1


def test_deleting_twice_is_not_found_the_second_time(connect: Any) -> None:
    created = create(connect, "twice")
    connect.delete_instance(InstanceId=created["Id"])
    with pytest.raises(ClientError) as raised:
        connect.delete_instance(InstanceId=created["Id"])
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_delete_retried_with_its_client_token_answers_200(connect: Any) -> None:
    created = create(connect, "retried-delete")
    connect.delete_instance(InstanceId=created["Id"], ClientToken="del-1")
    again = connect.delete_instance(InstanceId=created["Id"], ClientToken="del-1")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as raised:
        connect.delete_instance(InstanceId=created["Id"], ClientToken="del-2")
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_failed_create_leaves_nothing_behind(connect: Any) -> None:
    with pytest.raises(ClientError):
        create(connect, "bad-tags", Tags={"aws:reserved": "x"})
    assert connect.list_instances()["InstanceSummaryList"] == []
    assert create(connect, "bad-tags")["Id"]


def test_the_alias_can_be_reused_after_its_instance_is_deleted(connect: Any) -> None:
    created = create(connect, "reuse")
    connect.delete_instance(InstanceId=created["Id"])
    assert create(connect, "reuse")["Id"] != created["Id"]
