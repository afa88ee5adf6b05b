"""UpdateContactFlowContent, UpdateContactFlowName, UpdateContactFlowMetadata, DeleteContactFlow."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, code_of, error_of, new_instance, tags_of

CONTENT = json.dumps({"Version": "2019-10-30", "StartAction": "a", "Actions": []})
NEWER = json.dumps({"Version": "2019-10-30", "StartAction": "b", "Actions": []})
MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def desk(connect: Any) -> dict[str, Any]:
    return new_instance(connect, "edits")


def create(connect: Any, desk: dict[str, Any], name: str = "main", **more: Any) -> Any:
    return connect.create_contact_flow(
        InstanceId=desk["Id"], Name=name, Type="CONTACT_FLOW", Content=CONTENT, **more
    )


def described(connect: Any, desk: dict[str, Any], flow: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = connect.describe_contact_flow(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"]
    )["ContactFlow"]
    return found


def test_new_content_is_described_with_its_hash_and_time(
    connect_numbers: Any, connect: Any, desk: Any
) -> None:
    connect_numbers.freeze()
    flow = create(connect, desk)
    connect_numbers.advance(60)
    connect.update_contact_flow_content(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"], Content=NEWER
    )
    after = described(connect, desk, flow)
    assert after["Content"] == NEWER
    assert after["FlowContentSha256"] == hashlib.sha256(NEWER.encode()).hexdigest()
    assert after["LastModifiedTime"].timestamp() == pytest.approx(connect_numbers.clock()["now"])


def test_content_that_is_not_a_flow_is_refused_and_changes_nothing(
    raw: Any, connect: Any, desk: Any
) -> None:
    flow = create(connect, desk)
    response = raw(
        "POST",
        f"/contact-flows/{desk['Id']}/{flow['ContactFlowId']}/content",
        json.dumps({"Content": "not json"}),
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidContactFlowException"
    assert response.json()["problems"][0]["message"].startswith("Content is not valid JSON")
    assert described(connect, desk, flow)["Content"] == CONTENT


def test_name_and_description_change_and_a_taken_name_is_a_duplicate(
    connect: Any, desk: Any
) -> None:
    flow, other = create(connect, desk), create(connect, desk, "other")
    connect.update_contact_flow_name(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"], Name="renamed", Description="d"
    )
    after = described(connect, desk, flow)
    assert (after["Name"], after["Description"]) == ("renamed", "d")
    connect.update_contact_flow_name(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"], Name="renamed"
    )
    with pytest.raises(ClientError) as raised:
        connect.update_contact_flow_name(
            InstanceId=desk["Id"], ContactFlowId=other["ContactFlowId"], Name="renamed"
        )
    assert code_of(raised) == (409, "DuplicateResourceException")
    assert described(connect, desk, other)["Name"] == "other"


def test_metadata_archives_a_flow_which_then_takes_no_number(connect: Any, desk: Any) -> None:
    flow = create(connect, desk)
    connect.update_contact_flow_metadata(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"], ContactFlowState="ARCHIVED"
    )
    after = described(connect, desk, flow)
    assert (after["State"], after["Name"]) == ("ARCHIVED", "main")
    listed = connect.list_contact_flows(InstanceId=desk["Id"])["ContactFlowSummaryList"]
    assert [f["ContactFlowState"] for f in listed] == ["ARCHIVED"]
    number = connect.claim_phone_number(
        TargetArn=desk["Arn"], PhoneNumber=available(connect, desk)[0]
    )
    with pytest.raises(ClientError) as raised:
        connect.associate_phone_number_contact_flow(
            PhoneNumberId=number["PhoneNumberId"],
            InstanceId=desk["Id"],
            ContactFlowId=flow["ContactFlowId"],
        )
    assert error_of(raised)[:2] == (400, "InvalidParameterException")
    connect.update_contact_flow_metadata(
        InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"], ContactFlowState="ACTIVE"
    )
    connect.associate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberId"],
        InstanceId=desk["Id"],
        ContactFlowId=flow["ContactFlowId"],
    )


def test_an_unknown_flow_or_instance_is_not_found_for_every_edit(connect: Any, desk: Any) -> None:
    flow = create(connect, desk)
    edits = [
        (connect.update_contact_flow_content, {"Content": NEWER}),
        (connect.update_contact_flow_name, {"Name": "x"}),
        (connect.update_contact_flow_metadata, {"Description": "x"}),
        (connect.delete_contact_flow, {}),
    ]
    for instance_id, flow_id in [(MISSING_ID, flow["ContactFlowId"]), (desk["Id"], MISSING_ID)]:
        for edit, more in edits:
            with pytest.raises(ClientError) as raised:
                edit(InstanceId=instance_id, ContactFlowId=flow_id, **more)
            assert code_of(raised) == (404, "ResourceNotFoundException")
    assert described(connect, desk, flow)["Content"] == CONTENT


def test_deleting_a_flow_removes_it_its_tags_and_its_numbers_associations(
    raw: Any, connect: Any, desk: Any
) -> None:
    flow = create(connect, desk, Tags={"team": "voice"})
    number = connect.claim_phone_number(
        TargetArn=desk["Arn"], PhoneNumber=available(connect, desk)[0]
    )
    connect.associate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberId"],
        InstanceId=desk["Id"],
        ContactFlowId=flow["ContactFlowId"],
    )
    response = raw("DELETE", f"/contact-flows/{desk['Id']}/{flow['ContactFlowId']}")
    assert (response.status_code, response.json()) == (200, {})  # an empty output structure
    with pytest.raises(ClientError) as raised:
        described(connect, desk, flow)
    assert code_of(raised) == (404, "ResourceNotFoundException")
    assert tags_of(connect, desk["Arn"]) == {}
    with pytest.raises(ClientError) as raised:
        tags_of(connect, flow["ContactFlowArn"])
    assert code_of(raised) == (404, "ResourceNotFoundException")
    pages = connect.list_flow_associations(InstanceId=desk["Id"])
    assert pages["FlowAssociationSummaryList"] == []
    summary = connect.describe_phone_number(PhoneNumberId=number["PhoneNumberId"])
    assert summary["ClaimedPhoneNumberSummary"]["PhoneNumberStatus"]["Status"] == "CLAIMED"
    with pytest.raises(ClientError) as raised:
        connect.delete_contact_flow(InstanceId=desk["Id"], ContactFlowId=flow["ContactFlowId"])
    assert code_of(raised) == (404, "ResourceNotFoundException")
    create(connect, desk, "main")  # the name is free again
