"""CreateContactFlow, DescribeContactFlow and ListContactFlows on an instance."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, new_instance, tags_of

CONTENT = json.dumps({"Version": "2019-10-30", "StartAction": "a", "Actions": []})
MISSING_ID = "00000000-0000-4000-8000-000000000000"


def create(connect: Any, instance: dict[str, Any], name: str = "main", **more: Any) -> Any:
    given = {"Type": "CONTACT_FLOW", "Content": CONTENT, **more}
    return connect.create_contact_flow(InstanceId=instance["Id"], Name=name, **given)


def flows(connect: Any, instance: dict[str, Any], **query: Any) -> list[str]:
    listed = connect.list_contact_flows(InstanceId=instance["Id"], **query)
    return [f["Name"] for f in listed["ContactFlowSummaryList"]]


def test_a_created_flow_is_described_with_everything_it_was_given(connect: Any) -> None:
    desk = new_instance(connect, "flows")
    created = create(connect, desk, Description="routes calls", Tags={"team": "voice"})
    assert created["ContactFlowArn"] == f"{desk['Arn']}/contact-flow/{created['ContactFlowId']}"
    assert created["FlowContentSha256"] == hashlib.sha256(CONTENT.encode()).hexdigest()
    flow = connect.describe_contact_flow(
        InstanceId=desk["Id"], ContactFlowId=created["ContactFlowId"]
    )["ContactFlow"]
    assert {k: v for k, v in flow.items() if k != "LastModifiedTime"} == {
        "Arn": created["ContactFlowArn"],
        "Id": created["ContactFlowId"],
        "Name": "main",
        "Type": "CONTACT_FLOW",
        "State": "ACTIVE",
        "Status": "PUBLISHED",
        "Description": "routes calls",
        "Content": CONTENT,
        "Tags": {"team": "voice"},
        "FlowContentSha256": created["FlowContentSha256"],
        "LastModifiedRegion": "us-east-1",
    }


def test_describe_sends_the_modification_time_as_epoch_seconds(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "wire")
    created = create(connect, desk)
    response = raw("GET", f"/contact-flows/{desk['Id']}/{created['ContactFlowId']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    modified = response.json()["ContactFlow"]["LastModifiedTime"]
    assert isinstance(modified, int | float) and not isinstance(modified, bool)


def test_the_instance_may_be_named_by_its_arn(connect: Any) -> None:
    desk = new_instance(connect, "by-arn")
    created = connect.create_contact_flow(
        InstanceId=desk["Arn"], Name="main", Type="CONTACT_FLOW", Content=CONTENT
    )
    assert flows(connect, desk) == ["main"]
    assert created["ContactFlowArn"].startswith(desk["Arn"])


def test_content_that_is_not_json_is_an_invalid_contact_flow(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "bad-content")
    for content in ("{not json", "[1, 2]", '"text"'):
        body = json.dumps({"Name": "x", "Type": "CONTACT_FLOW", "Content": content})
        response = raw("PUT", f"/contact-flows/{desk['Id']}", body)
        assert response.status_code == 400
        assert response.headers["x-amzn-errortype"] == "InvalidContactFlowException"
        problems = response.json()["problems"]
        assert len(problems) == 1 and problems[0]["message"]
    assert flows(connect, desk) == []


def test_boto3_reads_the_problems_of_an_invalid_flow(connect: Any) -> None:
    desk = new_instance(connect, "problems")
    with pytest.raises(ClientError) as raised:
        create(connect, desk, Content="nope")
    assert error_of(raised)[:2] == (400, "InvalidContactFlowException")
    assert "JSON" in raised.value.response["problems"][0]["message"]


def test_a_duplicate_name_in_one_instance_is_a_conflict(connect: Any) -> None:
    desk, other = new_instance(connect, "dup"), new_instance(connect, "dup-other")
    first = create(connect, desk, "main")
    with pytest.raises(ClientError) as raised:
        create(connect, desk, "main", Type="CUSTOMER_QUEUE")
    status, code, message = error_of(raised)
    assert (status, code) == (409, "DuplicateResourceException")
    assert "main" in message
    create(connect, other, "main")  # names are unique per instance only
    create(connect, desk, "Main")  # and compared exactly
    assert flows(connect, desk) == ["Main", "main"]
    listed = connect.list_contact_flows(InstanceId=desk["Id"])["ContactFlowSummaryList"]
    assert first["ContactFlowId"] in [f["Id"] for f in listed]


def test_a_name_longer_than_512_characters_is_refused(connect: Any) -> None:
    desk = new_instance(connect, "long-name")
    create(connect, desk, "n" * 512)
    with pytest.raises(ClientError) as raised:
        create(connect, desk, "m" * 513)
    assert error_of(raised)[:2] == (400, "InvalidParameterException")
    assert flows(connect, desk) == ["n" * 512]


def test_flows_of_an_unknown_instance_do_not_exist(connect: Any) -> None:
    for call, params in [
        (connect.create_contact_flow, {"Name": "x", "Type": "CONTACT_FLOW", "Content": "{}"}),
        (connect.list_contact_flows, {}),
        (connect.describe_contact_flow, {"ContactFlowId": MISSING_ID}),
    ]:
        with pytest.raises(ClientError) as raised:
            call(InstanceId=MISSING_ID, **params)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_an_unknown_flow_or_one_of_another_instance_is_not_found(connect: Any) -> None:
    desk, other = new_instance(connect, "mine"), new_instance(connect, "theirs")
    flow = create(connect, other)
    for flow_id in (MISSING_ID, flow["ContactFlowId"]):
        with pytest.raises(ClientError) as raised:
            connect.describe_contact_flow(InstanceId=desk["Id"], ContactFlowId=flow_id)
        assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_saved_flow_is_described_only_through_its_saved_alias(connect: Any) -> None:
    desk = new_instance(connect, "saved")
    flow_id = create(connect, desk, Status="SAVED")["ContactFlowId"]
    with pytest.raises(ClientError) as raised:
        connect.describe_contact_flow(InstanceId=desk["Id"], ContactFlowId=flow_id)
    status, code, message = error_of(raised)
    assert (status, code) == (404, "ContactFlowNotPublishedException")
    assert "$SAVED" in message
    saved = connect.describe_contact_flow(InstanceId=desk["Id"], ContactFlowId=f"{flow_id}:$SAVED")
    assert (saved["ContactFlow"]["Id"], saved["ContactFlow"]["Status"]) == (flow_id, "SAVED")


def test_a_published_flow_is_described_through_the_saved_alias_too(connect: Any) -> None:
    desk = new_instance(connect, "published")
    flow_id = create(connect, desk)["ContactFlowId"]
    found = connect.describe_contact_flow(InstanceId=desk["Id"], ContactFlowId=f"{flow_id}:$SAVED")
    assert found["ContactFlow"]["Status"] == "PUBLISHED"


def test_list_filters_by_type_and_shows_state_and_status(connect: Any) -> None:
    desk = new_instance(connect, "types")
    create(connect, desk, "a-queue", Type="CUSTOMER_QUEUE")
    create(connect, desk, "b-main")
    create(connect, desk, "c-hold", Type="AGENT_HOLD", Status="SAVED")
    assert flows(connect, desk, ContactFlowTypes=["CONTACT_FLOW"]) == ["b-main"]
    assert flows(connect, desk, ContactFlowTypes=["AGENT_HOLD", "CUSTOMER_QUEUE"]) == [
        "a-queue",
        "c-hold",
    ]
    summary = connect.list_contact_flows(InstanceId=desk["Id"], ContactFlowTypes=["AGENT_HOLD"])
    item = summary["ContactFlowSummaryList"][0]
    assert (item["ContactFlowType"], item["ContactFlowState"], item["ContactFlowStatus"]) == (
        "AGENT_HOLD",
        "ACTIVE",
        "SAVED",
    )


def test_list_pages_in_name_order_without_repeats(connect: Any) -> None:
    desk = new_instance(connect, "pages")
    names = [f"flow-{i:02d}" for i in range(7)]
    for name in reversed(names):
        create(connect, desk, name)
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = connect.list_contact_flows(InstanceId=desk["Id"], MaxResults=3, **token)
        seen += [f["Name"] for f in page["ContactFlowSummaryList"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == names
    paginator = connect.get_paginator("list_contact_flows")
    pages = paginator.paginate(InstanceId=desk["Id"], PaginationConfig={"PageSize": 2})
    assert [f["Name"] for p in pages for f in p["ContactFlowSummaryList"]] == names


def test_a_foreign_next_token_is_refused(connect: Any) -> None:
    desk = new_instance(connect, "token")
    with pytest.raises(ClientError) as raised:
        connect.list_contact_flows(InstanceId=desk["Id"], NextToken="garbage")
    assert error_of(raised)[:2] == (400, "InvalidParameterException")


def test_flows_are_tagged_by_their_arn(connect: Any) -> None:
    desk = new_instance(connect, "tags")
    arn = create(connect, desk, Tags={"a": "1"})["ContactFlowArn"]
    connect.tag_resource(resourceArn=arn, tags={"b": "2"})
    connect.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert tags_of(connect, arn) == {"b": "2"}
    unknown = arn.rsplit("/", 1)[0] + f"/{MISSING_ID}"
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=unknown)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_a_flow_arn_is_percent_encoded_on_the_wire_and_routed(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "encoded")
    arn = create(connect, desk, Tags={"k": "v"})["ContactFlowArn"]
    response = raw("GET", f"/tags/{quote(arn, safe='')}")
    assert response.status_code == 200
    assert response.json() == {"tags": {"k": "v"}}


def test_flows_live_in_their_region(connect_numbers: Any, connect: Any) -> None:
    desk = new_instance(connect, "east")
    flow_id = create(connect, desk)["ContactFlowId"]
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.describe_contact_flow(InstanceId=desk["Id"], ContactFlowId=flow_id)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_deleting_the_instance_deletes_its_flows_and_their_tags(connect: Any) -> None:
    desk = new_instance(connect, "gone")
    arn = create(connect, desk, Tags={"k": "v"})["ContactFlowArn"]
    connect.delete_instance(InstanceId=desk["Id"])
    again = new_instance(connect, "gone-again")
    create(connect, again)
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=arn)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")
