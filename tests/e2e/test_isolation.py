"""Accounts and regions are walls: another account's resources do not exist for the caller.

Account A is the local ``test`` key (000000000000); account B is 111111111111.
Every implemented operation is tried by B against what A owns, and A's state
is compared before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import new_instance, search

from connect_numbers.entrypoints.operations import HANDLERS

B_ACCOUNT = "111111111111"


@dataclass
class World:
    a: Any  # account A's client, us-east-1
    b: Any  # account B's client, us-east-1
    a_west: Any  # account A's client, us-west-2
    a_desk: dict[str, Any]
    a_number: dict[str, Any]
    a_e164: str
    b_desk: dict[str, Any]
    b_number: dict[str, Any]
    a_group: dict[str, Any]  # a TDG of A's desk, replicated to us-west-2
    a_far: Any  # account A's client, eu-central-1: no replica of A's desk there
    a_flow: dict[str, Any]
    a_source: str  # A's registered source number, not imported
    b_flow: dict[str, Any]


@pytest.fixture
def world(connect_numbers: Any) -> World:
    connect_numbers.admin("POST", "accounts", {"account_id": B_ACCOUNT})
    issued = connect_numbers.admin("POST", f"accounts/{B_ACCOUNT}/keys", {"principal": "bob"})
    a = connect_numbers.client()
    b = connect_numbers.client(
        access_key=issued["access_key_id"], secret_key=issued["secret_access_key"]
    )
    a_desk = new_instance(a, "alpha-desk")
    b_desk = new_instance(b, "beta-desk")
    a.tag_resource(resourceArn=a_desk["Arn"], tags={"owner": "a"})
    a_e164 = search(a, a_desk, MaxResults=1)[0]
    a_number = a.claim_phone_number(
        PhoneNumber=a_e164,
        InstanceId=a_desk["Id"],
        PhoneNumberDescription="A's line",
        Tags={"owner": "a"},
    )
    b_number = b.claim_phone_number(
        PhoneNumber=search(b, b_desk, MaxResults=1)[0], InstanceId=b_desk["Id"]
    )
    a.replicate_instance(InstanceId=a_desk["Id"], ReplicaRegion="us-west-2", ReplicaAlias="aw")
    a_group = a.create_traffic_distribution_group(Name="lines", InstanceId=a_desk["Id"])
    flow = {"Name": "main", "Type": "CONTACT_FLOW", "Content": "{}"}
    a_flow = a.create_contact_flow(InstanceId=a_desk["Id"], **flow)
    a.associate_phone_number_contact_flow(
        PhoneNumberId=a_number["PhoneNumberId"],
        InstanceId=a_desk["Id"],
        ContactFlowId=a_flow["ContactFlowId"],
    )
    b_flow = b.create_contact_flow(InstanceId=b_desk["Id"], **flow)
    a.associate_analytics_data_set(InstanceId=a_desk["Id"], DataSetId="shared")
    source = {"account_id": "000000000000", "region": "us-east-1", "phone_number": "+12062345698"}
    a_source = connect_numbers.admin("POST", "source-numbers", source)["arn"]
    return World(
        a,
        b,
        connect_numbers.client(region="us-west-2"),
        a_desk,
        a_number,
        a_e164,
        b_desk,
        b_number,
        a_group,
        connect_numbers.client(region="eu-central-1"),
        a_flow,
        a_source,
        b_flow,
    )


def snapshot(world: World) -> dict[str, Any]:
    """Everything A can see of its own state."""
    a = world.a
    summary = a.describe_phone_number(PhoneNumberId=world.a_number["PhoneNumberId"])
    return {
        "instances": a.list_instances()["InstanceSummaryList"],
        "numbers": a.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"],
        "number": summary["ClaimedPhoneNumberSummary"],
        "instance tags": a.list_tags_for_resource(resourceArn=world.a_desk["Arn"])["tags"],
        "number tags": a.list_tags_for_resource(resourceArn=world.a_number["PhoneNumberArn"])[
            "tags"
        ],
        "groups": a.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"],
        "distribution": a.get_traffic_distribution(Id=world.a_group["Id"])["TelephonyConfig"],
        "replica": world.a_west.describe_instance(InstanceId=world.a_desk["Id"])["Instance"],
        "flows": a.list_contact_flows(InstanceId=world.a_desk["Id"])["ContactFlowSummaryList"],
        "associations": a.list_flow_associations(InstanceId=world.a_desk["Id"])[
            "FlowAssociationSummaryList"
        ],
        "flow tags": a.list_tags_for_resource(resourceArn=world.a_flow["ContactFlowArn"])["tags"],
        "flow": a.describe_contact_flow(
            InstanceId=world.a_desk["Id"], ContactFlowId=world.a_flow["ContactFlowId"]
        )["ContactFlow"],
        "attributes": [
            page["Attributes"]
            for page in a.get_paginator("list_instance_attributes").paginate(
                InstanceId=world.a_desk["Id"]
            )
        ],
        "data sets": a.list_analytics_data_associations(InstanceId=world.a_desk["Id"])["Results"],
    }


def refused(call: Callable[..., Any], status: int, code: str, **params: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (
        status,
        code,
    ), response["Error"]
    message: str = response["Error"]["Message"]
    return message


def not_found(call: Callable[..., Any], **params: Any) -> None:
    refused(call, 404, "ResourceNotFoundException", **params)


# One case per implemented operation: account B tries it on what account A owns.


def create_instance_case(w: World) -> None:
    created = new_instance(w.b, "gamma-desk")
    assert f":{B_ACCOUNT}:instance/" in created["Arn"]
    not_found(w.a.describe_instance, InstanceId=created["Id"])


def describe_instance_case(w: World) -> None:
    not_found(w.b.describe_instance, InstanceId=w.a_desk["Id"])
    not_found(w.b.describe_instance, InstanceId=w.a_desk["Arn"])


def list_instances_case(w: World) -> None:
    listed = w.b.list_instances()["InstanceSummaryList"]
    assert [i["Id"] for i in listed] == [w.b_desk["Id"]]


def delete_instance_case(w: World) -> None:
    not_found(w.b.delete_instance, InstanceId=w.a_desk["Id"])
    not_found(w.b.delete_instance, InstanceId=w.a_desk["Arn"])


def tag_resource_case(w: World) -> None:
    for arn in (w.a_desk["Arn"], w.a_number["PhoneNumberArn"]):
        not_found(w.b.tag_resource, resourceArn=arn, tags={"owner": "b"})


def untag_resource_case(w: World) -> None:
    for arn in (w.a_desk["Arn"], w.a_number["PhoneNumberArn"]):
        not_found(w.b.untag_resource, resourceArn=arn, tagKeys=["owner"])


def list_tags_case(w: World) -> None:
    for arn in (w.a_desk["Arn"], w.a_number["PhoneNumberArn"]):
        not_found(w.b.list_tags_for_resource, resourceArn=arn)


def search_case(w: World) -> None:
    common = {"PhoneNumberCountryCode": "US", "PhoneNumberType": "DID"}
    search_ = w.b.search_available_phone_numbers
    refused(search_, 400, "InvalidParameterException", TargetArn=w.a_desk["Arn"], **common)
    refused(search_, 400, "InvalidParameterException", InstanceId=w.a_desk["Id"], **common)
    prefix = w.a_e164[:12]  # the prefix pattern allows 11 digits
    offered = search(w.b, w.b_desk, PhoneNumberPrefix=prefix, MaxResults=10)
    assert w.a_e164 not in offered


def claim_case(w: World) -> None:
    number = search(w.b, w.b_desk, MaxResults=1)[0]
    not_found(w.b.claim_phone_number, PhoneNumber=number, InstanceId=w.a_desk["Id"])
    not_found(w.b.claim_phone_number, PhoneNumber=number, TargetArn=w.a_desk["Arn"])
    message = refused(
        w.b.claim_phone_number,
        400,
        "InvalidParameterException",
        PhoneNumber=w.a_e164,
        InstanceId=w.b_desk["Id"],
    )
    assert message == f"Phone number not available: {w.a_e164}"
    listed = w.b.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert [n["PhoneNumberId"] for n in listed] == [w.b_number["PhoneNumberId"]]


def a_number_ids(w: World) -> tuple[str, str]:
    return w.a_number["PhoneNumberId"], w.a_number["PhoneNumberArn"]


def describe_number_case(w: World) -> None:
    for given in a_number_ids(w):
        not_found(w.b.describe_phone_number, PhoneNumberId=given)


def update_number_case(w: World) -> None:
    for given in a_number_ids(w):
        not_found(w.b.update_phone_number, PhoneNumberId=given, InstanceId=w.b_desk["Id"])
    mine = w.b_number["PhoneNumberId"]
    not_found(w.b.update_phone_number, PhoneNumberId=mine, InstanceId=w.a_desk["Id"])
    not_found(w.b.update_phone_number, PhoneNumberId=mine, TargetArn=w.a_desk["Arn"])
    summary = w.b.describe_phone_number(PhoneNumberId=mine)["ClaimedPhoneNumberSummary"]
    assert summary["TargetArn"] == w.b_desk["Arn"]


def update_metadata_case(w: World) -> None:
    for given in a_number_ids(w):
        not_found(
            w.b.update_phone_number_metadata, PhoneNumberId=given, PhoneNumberDescription="B's"
        )


def release_case(w: World) -> None:
    for given in a_number_ids(w):
        not_found(w.b.release_phone_number, PhoneNumberId=given)


def list_numbers_v2_case(w: World) -> None:
    listed = w.b.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert [n["PhoneNumberId"] for n in listed] == [w.b_number["PhoneNumberId"]]
    not_found(w.b.list_phone_numbers_v2, TargetArn=w.a_desk["Arn"])
    not_found(w.b.list_phone_numbers_v2, InstanceId=w.a_desk["Id"])


def list_numbers_v1_case(w: World) -> None:
    not_found(w.b.list_phone_numbers, InstanceId=w.a_desk["Id"])
    listed = w.b.list_phone_numbers(InstanceId=w.b_desk["Id"])["PhoneNumberSummaryList"]
    assert [n["Id"] for n in listed] == [w.b_number["PhoneNumberId"]]


def a_group_ids(w: World) -> tuple[str, str]:
    return w.a_group["Id"], w.a_group["Arn"]


def replicate_case(w: World) -> None:
    not_found(w.b.replicate_instance, InstanceId=w.a_desk["Id"], ReplicaRegion="us-west-2")


def create_group_case(w: World) -> None:
    not_found(w.b.create_traffic_distribution_group, Name="mine", InstanceId=w.a_desk["Id"])
    not_found(w.b.create_traffic_distribution_group, Name="mine", InstanceId=w.a_desk["Arn"])


def describe_group_case(w: World) -> None:
    for given in a_group_ids(w):
        not_found(w.b.describe_traffic_distribution_group, TrafficDistributionGroupId=given)


def list_groups_case(w: World) -> None:
    assert w.b.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"] == []
    listing = w.b.list_traffic_distribution_groups
    refused(listing, 400, "InvalidRequestException", InstanceId=w.a_desk["Id"])


def delete_group_case(w: World) -> None:
    for given in a_group_ids(w):
        refused(
            w.b.delete_traffic_distribution_group,
            400,
            "InvalidRequestException",
            TrafficDistributionGroupId=given,
        )


def get_distribution_case(w: World) -> None:
    for given in a_group_ids(w):
        not_found(w.b.get_traffic_distribution, Id=given)


def update_distribution_case(w: World) -> None:
    shares = [{"Region": "us-east-1", "Percentage": 0}, {"Region": "us-west-2", "Percentage": 100}]
    for given in a_group_ids(w):
        not_found(
            w.b.update_traffic_distribution,
            Id=given,
            TelephonyConfig={"Distributions": shares},
        )


def import_case(w: World) -> None:
    not_found(w.b.import_phone_number, InstanceId=w.b_desk["Id"], SourcePhoneNumberArn=w.a_source)
    not_found(w.b.import_phone_number, InstanceId=w.a_desk["Id"], SourcePhoneNumberArn=w.a_source)


def create_flow_case(w: World) -> None:
    for given in (w.a_desk["Id"], w.a_desk["Arn"]):
        not_found(
            w.b.create_contact_flow, InstanceId=given, Name="b", Type="CONTACT_FLOW", Content="{}"
        )


def describe_flow_case(w: World) -> None:
    flow_id = w.a_flow["ContactFlowId"]
    not_found(w.b.describe_contact_flow, InstanceId=w.a_desk["Id"], ContactFlowId=flow_id)
    not_found(w.b.describe_contact_flow, InstanceId=w.b_desk["Id"], ContactFlowId=flow_id)


def list_flows_case(w: World) -> None:
    not_found(w.b.list_contact_flows, InstanceId=w.a_desk["Id"])
    listed = w.b.list_contact_flows(InstanceId=w.b_desk["Id"])["ContactFlowSummaryList"]
    assert [f["Id"] for f in listed] == [w.b_flow["ContactFlowId"]]


def associate_case(w: World) -> None:
    associate = w.b.associate_phone_number_contact_flow
    for given in a_number_ids(w):
        not_found(
            associate,
            PhoneNumberId=given,
            InstanceId=w.b_desk["Id"],
            ContactFlowId=w.b_flow["ContactFlowId"],
        )
    not_found(
        associate,
        PhoneNumberId=w.b_number["PhoneNumberId"],
        InstanceId=w.a_desk["Id"],
        ContactFlowId=w.a_flow["ContactFlowId"],
    )
    not_found(
        associate,
        PhoneNumberId=w.b_number["PhoneNumberId"],
        InstanceId=w.b_desk["Id"],
        ContactFlowId=w.a_flow["ContactFlowId"],
    )


def disassociate_case(w: World) -> None:
    for given in a_number_ids(w):
        not_found(
            w.b.disassociate_phone_number_contact_flow,
            PhoneNumberId=given,
            InstanceId=w.a_desk["Id"],
        )


def list_associations_case(w: World) -> None:
    not_found(w.b.list_flow_associations, InstanceId=w.a_desk["Id"])
    listed = w.b.list_flow_associations(InstanceId=w.b_desk["Id"])
    assert listed["FlowAssociationSummaryList"] == []


def flow_edit_case(name: str) -> Callable[[World], None]:
    """B edits or deletes A's flow, through A's instance or through its own."""

    def run(w: World) -> None:
        calls: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
            "UpdateContactFlowContent": (w.b.update_contact_flow_content, {"Content": "{}"}),
            "UpdateContactFlowName": (w.b.update_contact_flow_name, {"Name": "b"}),
            "UpdateContactFlowMetadata": (
                w.b.update_contact_flow_metadata,
                {"ContactFlowState": "ARCHIVED"},
            ),
            "DeleteContactFlow": (w.b.delete_contact_flow, {}),
        }
        call, more = calls[name]
        for desk in (w.a_desk, w.b_desk):
            not_found(call, InstanceId=desk["Id"], ContactFlowId=w.a_flow["ContactFlowId"], **more)

    return run


def instance_data_case(name: str) -> Callable[[World], None]:
    """B reads or changes the attributes or data sets of A's instance, by id and by ARN."""

    def run(w: World) -> None:
        calls: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
            "DescribeInstanceAttribute": (
                w.b.describe_instance_attribute,
                {"AttributeType": "EARLY_MEDIA"},
            ),
            "UpdateInstanceAttribute": (
                w.b.update_instance_attribute,
                {"AttributeType": "EARLY_MEDIA", "Value": "false"},
            ),
            "ListInstanceAttributes": (w.b.list_instance_attributes, {}),
            "AssociateAnalyticsDataSet": (w.b.associate_analytics_data_set, {"DataSetId": "b"}),
            "DisassociateAnalyticsDataSet": (
                w.b.disassociate_analytics_data_set,
                {"DataSetId": "shared"},
            ),
            "BatchAssociateAnalyticsDataSet": (
                w.b.batch_associate_analytics_data_set,
                {"DataSetIds": ["b"]},
            ),
            "BatchDisassociateAnalyticsDataSet": (
                w.b.batch_disassociate_analytics_data_set,
                {"DataSetIds": ["shared"]},
            ),
            "ListAnalyticsDataAssociations": (w.b.list_analytics_data_associations, {}),
        }
        call, more = calls[name]
        for given in (w.a_desk["Id"], w.a_desk["Arn"]):
            not_found(call, InstanceId=given, **more)

    return run


INSTANCE_DATA = [
    "DescribeInstanceAttribute",
    "UpdateInstanceAttribute",
    "ListInstanceAttributes",
    "AssociateAnalyticsDataSet",
    "DisassociateAnalyticsDataSet",
    "BatchAssociateAnalyticsDataSet",
    "BatchDisassociateAnalyticsDataSet",
    "ListAnalyticsDataAssociations",
]
FLOW_EDITS = [
    "UpdateContactFlowContent",
    "UpdateContactFlowName",
    "UpdateContactFlowMetadata",
    "DeleteContactFlow",
]


CASES: dict[str, Callable[[World], None]] = {
    "CreateInstance": create_instance_case,
    "DescribeInstance": describe_instance_case,
    "ListInstances": list_instances_case,
    "DeleteInstance": delete_instance_case,
    "TagResource": tag_resource_case,
    "UntagResource": untag_resource_case,
    "ListTagsForResource": list_tags_case,
    "SearchAvailablePhoneNumbers": search_case,
    "ClaimPhoneNumber": claim_case,
    "DescribePhoneNumber": describe_number_case,
    "UpdatePhoneNumber": update_number_case,
    "UpdatePhoneNumberMetadata": update_metadata_case,
    "ReleasePhoneNumber": release_case,
    "ListPhoneNumbersV2": list_numbers_v2_case,
    "ListPhoneNumbers": list_numbers_v1_case,
    "ReplicateInstance": replicate_case,
    "CreateTrafficDistributionGroup": create_group_case,
    "DescribeTrafficDistributionGroup": describe_group_case,
    "ListTrafficDistributionGroups": list_groups_case,
    "DeleteTrafficDistributionGroup": delete_group_case,
    "GetTrafficDistribution": get_distribution_case,
    "UpdateTrafficDistribution": update_distribution_case,
    "ImportPhoneNumber": import_case,
    "CreateContactFlow": create_flow_case,
    "DescribeContactFlow": describe_flow_case,
    "ListContactFlows": list_flows_case,
    "AssociatePhoneNumberContactFlow": associate_case,
    "DisassociatePhoneNumberContactFlow": disassociate_case,
    "ListFlowAssociations": list_associations_case,
    **{name: flow_edit_case(name) for name in FLOW_EDITS},
    **{name: instance_data_case(name) for name in INSTANCE_DATA},
}


def test_every_implemented_operation_has_an_isolation_case() -> None:
    assert set(CASES) == set(HANDLERS)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_another_account_cannot_see_or_touch_what_it_does_not_own(
    world: World, operation: str
) -> None:
    before = snapshot(world)
    CASES[operation](world)
    assert snapshot(world) == before


def test_the_same_account_in_another_region_sees_none_of_it(world: World) -> None:
    before = snapshot(world)
    west, desk, number = world.a_far, world.a_desk, world.a_number
    assert west.list_instances()["InstanceSummaryList"] == []
    assert west.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []
    for given in (desk["Id"], desk["Arn"]):
        not_found(west.describe_instance, InstanceId=given)
        not_found(west.delete_instance, InstanceId=given)
        not_found(west.list_phone_numbers, InstanceId=given)
    not_found(west.describe_phone_number, PhoneNumberId=number["PhoneNumberId"])
    not_found(west.describe_phone_number, PhoneNumberId=number["PhoneNumberArn"])
    not_found(west.release_phone_number, PhoneNumberId=number["PhoneNumberId"])
    refused(
        west.release_phone_number,
        400,
        "InvalidParameterException",
        PhoneNumberId=number["PhoneNumberArn"],
    )
    not_found(west.tag_resource, resourceArn=desk["Arn"], tags={"owner": "west"})
    not_found(west.list_tags_for_resource, resourceArn=number["PhoneNumberArn"])
    west_desk = new_instance(west, "west-desk")
    fresh = search(west, west_desk, MaxResults=1)[0]
    not_found(west.claim_phone_number, PhoneNumber=fresh, InstanceId=desk["Id"])
    not_found(west.claim_phone_number, PhoneNumber=fresh, TargetArn=desk["Arn"])
    not_found(
        west.update_phone_number, PhoneNumberId=number["PhoneNumberId"], InstanceId=west_desk["Id"]
    )
    refused(
        west.search_available_phone_numbers,
        400,
        "InvalidParameterException",
        TargetArn=desk["Arn"],
        PhoneNumberCountryCode="US",
        PhoneNumberType="DID",
    )
    assert snapshot(world) == before
    listed = world.a.list_instances()["InstanceSummaryList"]
    assert [i["Id"] for i in listed] == [desk["Id"]]
