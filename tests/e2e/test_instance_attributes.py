"""DescribeInstanceAttribute, UpdateInstanceAttribute and ListInstanceAttributes."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from helpers import code_of, error_of, new_instance

ALL_TYPES: list[str] = (
    botocore.session.get_session()
    .get_service_model("connect")
    .shape_for("InstanceAttributeType")
    .enum
)
NEW_INSTANCE = {
    "INBOUND_CALLS": "true",
    "OUTBOUND_CALLS": "false",
    "CONTACTFLOW_LOGS": "false",
    "CONTACT_LENS": "true",
    "AUTO_RESOLVE_BEST_VOICES": "true",
    "USE_CUSTOM_TTS_VOICES": "false",
    "EARLY_MEDIA": "true",
    "MULTI_PARTY_CONFERENCE": "false",
    "AUTO_MUTE_AGENT_ON_HOLD": "false",
    "HIGH_VOLUME_OUTBOUND": "false",
    "ENHANCED_CONTACT_MONITORING": "false",
    "ENHANCED_CHAT_MONITORING": "false",
    "MULTI_PARTY_CHAT_CONFERENCE": "false",
    "MESSAGE_STREAMING": "false",
}


def inbound_only(connect: Any, alias: str) -> dict[str, Any]:
    created: dict[str, Any] = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=alias,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=False,
    )
    return created


def value(connect: Any, instance: dict[str, Any], kind: str) -> str:
    answer = connect.describe_instance_attribute(InstanceId=instance["Id"], AttributeType=kind)
    assert answer["Attribute"]["AttributeType"] == kind
    found: str = answer["Attribute"]["Value"]
    return found


def listed(connect: Any, instance: dict[str, Any]) -> list[tuple[str, str]]:
    pages = connect.get_paginator("list_instance_attributes").paginate(InstanceId=instance["Id"])
    return [(a["AttributeType"], a["Value"]) for page in pages for a in page["Attributes"]]


def test_a_new_instance_has_a_value_for_every_attribute_type_of_the_model(connect: Any) -> None:
    assert set(NEW_INSTANCE) == set(ALL_TYPES)
    desk = inbound_only(connect, "attributes")
    assert {kind: value(connect, desk, kind) for kind in ALL_TYPES} == NEW_INSTANCE


def test_the_list_pages_through_every_attribute_in_the_model_order(connect: Any) -> None:
    desk = inbound_only(connect, "listing")
    assert listed(connect, desk) == [(kind, NEW_INSTANCE[kind]) for kind in ALL_TYPES]
    first = connect.list_instance_attributes(InstanceId=desk["Id"])
    assert len(first["Attributes"]) == 7 and "NextToken" in first
    small = connect.list_instance_attributes(InstanceId=desk["Id"], MaxResults=5)
    assert [a["AttributeType"] for a in small["Attributes"]] == ALL_TYPES[:5]


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_every_attribute_can_be_switched_and_reads_back(connect: Any, kind: str) -> None:
    desk = new_instance(connect, f"switch-{kind.lower().replace('_', '-')}")
    flipped = "false" if NEW_INSTANCE[kind] == "true" or kind.endswith("_CALLS") else "true"
    connect.update_instance_attribute(InstanceId=desk["Id"], AttributeType=kind, Value=flipped)
    assert value(connect, desk, kind) == flipped
    assert dict(listed(connect, desk))[kind] == flipped


def test_the_call_flags_are_the_instance_flags(connect: Any) -> None:
    desk = inbound_only(connect, "flags")
    connect.update_instance_attribute(
        InstanceId=desk["Id"], AttributeType="OUTBOUND_CALLS", Value="true"
    )
    connect.update_instance_attribute(
        InstanceId=desk["Id"], AttributeType="INBOUND_CALLS", Value="FALSE"
    )
    instance = connect.describe_instance(InstanceId=desk["Id"])["Instance"]
    assert (instance["InboundCallsEnabled"], instance["OutboundCallsEnabled"]) == (False, True)


@pytest.mark.parametrize("bad", ["yes", "1", "truee", " "])
def test_a_value_that_is_not_true_or_false_is_refused_and_changes_nothing(
    connect: Any, bad: str
) -> None:
    desk = new_instance(connect, "bad-value")
    with pytest.raises(ClientError) as raised:
        connect.update_instance_attribute(
            InstanceId=desk["Id"], AttributeType="EARLY_MEDIA", Value=bad
        )
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert "EARLY_MEDIA" in message
    assert value(connect, desk, "EARLY_MEDIA") == "true"


def test_an_unknown_attribute_type_is_refused_on_the_raw_wire(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "unknown-type")
    response = raw("GET", f"/instance/{desk['Id']}/attribute/NOT_A_TYPE")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert "AttributeType" in response.json()["Message"]


def test_an_unknown_instance_is_not_found_for_all_three(connect: Any) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    calls = [
        lambda: connect.describe_instance_attribute(
            InstanceId=missing, AttributeType="EARLY_MEDIA"
        ),
        lambda: connect.update_instance_attribute(
            InstanceId=missing, AttributeType="EARLY_MEDIA", Value="true"
        ),
        lambda: connect.list_instance_attributes(InstanceId=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert code_of(raised) == (404, "ResourceNotFoundException")


def test_an_instance_still_being_created_has_no_attributes_yet(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=5)
    desk = new_instance(connect, "creating")
    calls = [
        lambda: connect.describe_instance_attribute(
            InstanceId=desk["Id"], AttributeType="EARLY_MEDIA"
        ),
        lambda: connect.update_instance_attribute(
            InstanceId=desk["Id"], AttributeType="EARLY_MEDIA", Value="false"
        ),
        lambda: connect.list_instance_attributes(InstanceId=desk["Id"]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        status, code, message = error_of(raised)
        assert (status, code) == (400, "InvalidRequestException")
        assert "CREATION_IN_PROGRESS" in message
    connect_numbers.advance(5)
    assert value(connect, desk, "EARLY_MEDIA") == "true"


def test_a_deleted_instance_takes_its_attributes_along(connect: Any) -> None:
    desk = new_instance(connect, "gone")
    connect.update_instance_attribute(
        InstanceId=desk["Id"], AttributeType="CONTACT_LENS", Value="false"
    )
    connect.delete_instance(InstanceId=desk["Id"])
    with pytest.raises(ClientError) as raised:
        value(connect, desk, "CONTACT_LENS")
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_a_client_token_replays_and_refuses_other_parameters(connect: Any) -> None:
    desk = new_instance(connect, "token")
    token = "attribute-token"
    for _ in range(2):
        connect.update_instance_attribute(
            InstanceId=desk["Id"], AttributeType="CONTACT_LENS", Value="false", ClientToken=token
        )
    with pytest.raises(ClientError) as raised:
        connect.update_instance_attribute(
            InstanceId=desk["Id"], AttributeType="CONTACT_LENS", Value="true", ClientToken=token
        )
    assert code_of(raised) == (409, "IdempotencyException")
    assert value(connect, desk, "CONTACT_LENS") == "false"


def test_a_next_token_of_another_listing_is_refused(connect: Any) -> None:
    from connect_numbers.domain.pagination import encode_token

    desk = new_instance(connect, "tokens")
    for token in [encode_token("instance-attributes", ["NOT_A_TYPE"]), encode_token("x", ["a"])]:
        with pytest.raises(ClientError) as raised:
            connect.list_instance_attributes(InstanceId=desk["Id"], NextToken=token)
        assert code_of(raised) == (400, "InvalidParameterException")


def test_a_replica_shows_and_sets_the_instances_attributes(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "replicated")
    connect.replicate_instance(InstanceId=desk["Id"], ReplicaRegion="us-west-2", ReplicaAlias="rw")
    west = connect_numbers.client(region="us-west-2")
    connect.update_instance_attribute(
        InstanceId=desk["Id"], AttributeType="EARLY_MEDIA", Value="false"
    )
    assert value(west, desk, "EARLY_MEDIA") == "false"
    west.update_instance_attribute(
        InstanceId=desk["Id"], AttributeType="OUTBOUND_CALLS", Value="false"
    )
    assert value(connect, desk, "OUTBOUND_CALLS") == "false"
    assert (
        connect.describe_instance(InstanceId=desk["Id"])["Instance"]["OutboundCallsEnabled"]
        is False
    )
