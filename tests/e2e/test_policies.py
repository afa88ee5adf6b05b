"""Key policies: which actions on which resources a key may take, checked on every call."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from helpers import new_instance

ACCOUNT = "111111111111"
ANY_NUMBER = "arn:aws:connect:*:*:phone-number/*"
Keys = Callable[..., tuple[Any, dict[str, Any]]]


def statement(effect: str, action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource}


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return statement("Allow", action, resource)


def deny(action: Any, resource: Any = "*") -> dict[str, Any]:
    return statement("Deny", action, resource)


@pytest.fixture
def key(connect_numbers: Any) -> Keys:
    """``key(*statements, region=...)`` -> (boto3 client, key) of a new key in ACCOUNT."""
    connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT})

    def issue(*statements: dict[str, Any], region: str = "us-east-1") -> tuple[Any, dict[str, Any]]:
        body: dict[str, Any] = {"principal": f"p{uuid.uuid4().hex[:8]}"}
        if statements:
            body["policy"] = {"Version": "2012-10-17", "Statement": list(statements)}
        issued: dict[str, Any] = connect_numbers.admin("POST", f"accounts/{ACCOUNT}/keys", body)
        client = connect_numbers.client(
            region=region,
            access_key=issued["access_key_id"],
            secret_key=issued["secret_access_key"],
        )
        return client, issued

    return issue


@pytest.fixture
def owner(key: Keys) -> Any:
    """A key of ACCOUNT without a policy, to set the scene and look at it."""
    return key()[0]


def available(connect: Any, instance: dict[str, Any], count: int = 1) -> list[str]:
    found = connect.search_available_phone_numbers(
        TargetArn=instance["Arn"],
        PhoneNumberCountryCode="US",
        PhoneNumberType="DID",
        MaxResults=count,
    )["AvailableNumbersList"]
    return [n["PhoneNumber"] for n in found]


def claim(connect: Any, instance: dict[str, Any]) -> dict[str, Any]:
    claimed: dict[str, Any] = connect.claim_phone_number(
        PhoneNumber=available(connect, instance)[0], InstanceId=instance["Id"]
    )
    return claimed


def denied(call: Callable[..., Any], **params: Any) -> str:
    """The message of the AccessDeniedException that ``call(**params)`` must raise."""
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "AccessDeniedException"
    message: str = response["Error"]["Message"]
    return message


def status_of(connect: Any, number_id: str) -> str:
    summary = connect.describe_phone_number(PhoneNumberId=number_id)["ClaimedPhoneNumberSummary"]
    status: str = summary["PhoneNumberStatus"]["Status"]
    return status


def numbers_of(connect: Any) -> list[str]:
    listed = connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    return [n["PhoneNumber"] for n in listed]


def test_a_denied_release_is_403_access_denied_and_the_number_stays_claimed(
    raw: Any, key: Keys, owner: Any
) -> None:
    desk = new_instance(owner, "desk")
    claimed = claim(owner, desk)
    _, restricted = key(allow("connect:*"), deny("connect:ReleasePhoneNumber", ANY_NUMBER))
    signing = {
        "access_key": restricted["access_key_id"],
        "secret_key": restricted["secret_access_key"],
    }
    for given in (claimed["PhoneNumberId"], quote(claimed["PhoneNumberArn"], safe="")):
        response = raw("DELETE", f"/phone-number/{given}", **signing)
        assert response.status_code == 403
        assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
        body = response.json()
        assert set(body) == {"Message"}
        assert "connect:ReleasePhoneNumber" in body["Message"]
        assert claimed["PhoneNumberArn"] in body["Message"]
    assert status_of(owner, claimed["PhoneNumberId"]) == "CLAIMED"


def test_a_key_denied_one_action_may_still_take_the_others(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "desk")
    claimed = claim(owner, desk)
    restricted, _ = key(allow("connect:*"), deny("connect:ReleasePhoneNumber", ANY_NUMBER))
    restricted.update_phone_number_metadata(
        PhoneNumberId=claimed["PhoneNumberId"], PhoneNumberDescription="still mine"
    )
    restricted.tag_resource(resourceArn=claimed["PhoneNumberArn"], tags={"team": "voice"})
    summary = restricted.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert summary["ClaimedPhoneNumberSummary"]["PhoneNumberDescription"] == "still mine"
    denied(restricted.release_phone_number, PhoneNumberId=claimed["PhoneNumberId"])


def test_an_action_wildcard_allows_every_matching_operation_and_no_other(
    key: Keys, owner: Any
) -> None:
    desk = new_instance(owner, "desk")
    claimed = claim(owner, desk)
    reader, _ = key(allow("connect:Describe*"))
    reader.describe_instance(InstanceId=desk["Id"])
    reader.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    denied(reader.list_instances)
    denied(reader.release_phone_number, PhoneNumberId=claimed["PhoneNumberId"])
    assert "connect:ListInstances" in denied(reader.list_instances)
    assert status_of(owner, claimed["PhoneNumberId"]) == "CLAIMED"


def test_an_action_is_matched_without_regard_to_case(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "desk")
    reader, _ = key(allow("CONNECT:describeinstance"))
    assert reader.describe_instance(InstanceId=desk["Id"])["Instance"]["Id"] == desk["Id"]


def test_a_resource_wildcard_allows_matching_resources_only(
    key: Keys, owner: Any, connect_numbers: Any
) -> None:
    east = new_instance(owner, "east")
    claimed = claim(owner, east)
    west_owner, _ = key(region="us-west-2")
    west = new_instance(west_owner, "west")
    pattern = "arn:aws:connect:us-east-1:*:instance/*"
    east_key, issued = key(allow("connect:*", pattern))
    east_key.describe_instance(InstanceId=east["Id"])
    east_key.describe_instance(InstanceId=east["Arn"])
    message = denied(east_key.describe_phone_number, PhoneNumberId=claimed["PhoneNumberId"])
    assert claimed["PhoneNumberArn"] in message
    west_key = connect_numbers.client(
        region="us-west-2",
        access_key=issued["access_key_id"],
        secret_key=issued["secret_access_key"],
    )
    assert west["Arn"] in denied(west_key.describe_instance, InstanceId=west["Id"])


@pytest.mark.parametrize("deny_first", [True, False])
def test_an_explicit_deny_wins_over_an_allow(key: Keys, owner: Any, deny_first: bool) -> None:
    desk = new_instance(owner, "desk")
    statements = [allow("connect:DescribeInstance"), deny("connect:Describe*")]
    restricted, _ = key(*(reversed(statements) if deny_first else statements))
    denied(restricted.describe_instance, InstanceId=desk["Id"])


def test_without_a_matching_allow_an_action_is_denied(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "desk")
    lister, _ = key(allow("connect:ListInstances"))
    assert [i["Id"] for i in lister.list_instances()["InstanceSummaryList"]] == [desk["Id"]]
    message = denied(lister.describe_instance, InstanceId=desk["Id"])
    assert f"arn:aws:iam::{ACCOUNT}:user/" in message
    assert f"connect:DescribeInstance on resource: {desk['Arn']}" in message
    denied(lister.delete_instance, InstanceId=desk["Id"])
    assert len(lister.list_instances()["InstanceSummaryList"]) == 1


def test_a_deny_on_one_instance_guards_claims_into_it_only(key: Keys, owner: Any) -> None:
    guarded = new_instance(owner, "guarded")
    open_desk = new_instance(owner, "open")
    restricted, _ = key(allow("connect:*"), deny("connect:ClaimPhoneNumber", guarded["Arn"]))
    number = available(owner, guarded)[0]
    denied(restricted.claim_phone_number, PhoneNumber=number, InstanceId=guarded["Id"])
    denied(restricted.claim_phone_number, PhoneNumber=number, TargetArn=guarded["Arn"])
    assert numbers_of(owner) == []
    restricted.claim_phone_number(PhoneNumber=number, InstanceId=open_desk["Id"])
    assert numbers_of(owner) == [number]


def test_a_deny_on_phone_numbers_guards_their_tags_and_not_the_instances(
    key: Keys, owner: Any
) -> None:
    desk = new_instance(owner, "desk")
    claimed = claim(owner, desk)
    restricted, _ = key(allow("connect:*"), deny("connect:TagResource", ANY_NUMBER))
    restricted.tag_resource(resourceArn=desk["Arn"], tags={"k": "v"})
    denied(restricted.tag_resource, resourceArn=claimed["PhoneNumberArn"], tags={"k": "v"})
    assert owner.list_tags_for_resource(resourceArn=claimed["PhoneNumberArn"])["tags"] == {}


def test_a_key_without_a_policy_may_do_everything_in_its_account(key: Keys) -> None:
    free, _ = key()
    desk = new_instance(free, "desk")
    other = new_instance(free, "other")
    assert len(free.list_instances()["InstanceSummaryList"]) == 2
    number = available(free, desk)[0]
    claimed = free.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    number_id = claimed["PhoneNumberId"]
    free.describe_phone_number(PhoneNumberId=number_id)
    free.update_phone_number_metadata(PhoneNumberId=number_id, PhoneNumberDescription="d")
    free.update_phone_number(PhoneNumberId=number_id, InstanceId=other["Id"])
    free.tag_resource(resourceArn=claimed["PhoneNumberArn"], tags={"a": "1", "b": "2"})
    free.untag_resource(resourceArn=claimed["PhoneNumberArn"], tagKeys=["a"])
    assert free.list_tags_for_resource(resourceArn=claimed["PhoneNumberArn"])["tags"] == {"b": "2"}
    assert numbers_of(free) == [number]
    assert len(free.list_phone_numbers(InstanceId=other["Id"])["PhoneNumberSummaryList"]) == 1
    free.release_phone_number(PhoneNumberId=number_id)
    free.describe_instance(InstanceId=desk["Id"])
    free.delete_instance(InstanceId=desk["Id"])
    assert [i["Id"] for i in free.list_instances()["InstanceSummaryList"]] == [other["Id"]]


def test_a_denied_claim_changes_nothing(
    raw: Any, key: Keys, owner: Any, connect_numbers: Any
) -> None:
    desk = new_instance(owner, "desk")
    number = available(owner, desk)[0]
    _, restricted = key(allow("connect:*"), deny("connect:ClaimPhoneNumber"))
    token = str(uuid.uuid4())
    body = json.dumps({"PhoneNumber": number, "InstanceId": desk["Id"], "ClientToken": token})
    response = raw(
        "POST",
        "/phone-number/claim",
        body,
        access_key=restricted["access_key_id"],
        secret_key=restricted["secret_access_key"],
    )
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert numbers_of(owner) == []
    assert connect_numbers.admin("GET", f"numbers/{quote(number)}/history") == {"events": []}
    # not held, not cooling, and the token records no outcome: the same claim now succeeds, once
    claimed = owner.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=token)
    again = owner.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"], ClientToken=token)
    assert again["PhoneNumberId"] == claimed["PhoneNumberId"]
    assert numbers_of(owner) == [number]
    events = connect_numbers.admin("GET", f"numbers/{quote(number)}/history")["events"]
    assert [e["event"] for e in events].count("CLAIM") == 1


def test_a_group_is_checked_by_its_arn_in_both_regions(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "grouped-desk")
    owner.replicate_instance(InstanceId=desk["Id"], ReplicaRegion="us-west-2", ReplicaAlias="gw")
    kept = owner.create_traffic_distribution_group(Name="kept", InstanceId=desk["Id"])
    other = owner.create_traffic_distribution_group(Name="other", InstanceId=desk["Id"])
    statements = (
        allow("connect:*"),
        deny(
            ["connect:DeleteTrafficDistributionGroup", "connect:UpdateTrafficDistribution"],
            kept["Arn"],
        ),
    )
    east, _ = key(*statements)
    west, _ = key(*statements, region="us-west-2")
    shares = {
        "Distributions": [
            {"Region": "us-east-1", "Percentage": 0},
            {"Region": "us-west-2", "Percentage": 100},
        ]
    }
    for call in (
        lambda: east.delete_traffic_distribution_group(TrafficDistributionGroupId=kept["Id"]),
        lambda: east.update_traffic_distribution(Id=kept["Id"], TelephonyConfig=shares),
        lambda: west.update_traffic_distribution(Id=kept["Arn"], TelephonyConfig=shares),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
        assert kept["Arn"] in raised.value.response["Error"]["Message"]
    assert owner.get_traffic_distribution(Id=kept["Id"])["TelephonyConfig"]["Distributions"][0] == {
        "Region": "us-east-1",
        "Percentage": 100,
    }
    west.update_traffic_distribution(Id=other["Arn"], TelephonyConfig=shares)
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=other["Id"])
    assert east.describe_traffic_distribution_group(TrafficDistributionGroupId=kept["Id"])


def test_a_flow_policy_is_checked_against_the_flow_arn(owner: Any, key: Keys) -> None:
    desk = new_instance(owner, "flow-policy")
    number = owner.claim_phone_number(PhoneNumber=available(owner, desk)[0], InstanceId=desk["Id"])
    flows = [
        owner.create_contact_flow(
            InstanceId=desk["Id"], Name=name, Type="CONTACT_FLOW", Content="{}"
        )
        for name in ("open", "closed")
    ]
    closed_arn = flows[1]["ContactFlowArn"]
    client, _ = key(allow("connect:*"), deny("connect:*", closed_arn))
    for flow in flows:
        call = client.associate_phone_number_contact_flow
        params = {
            "PhoneNumberId": number["PhoneNumberId"],
            "InstanceId": desk["Id"],
            "ContactFlowId": flow["ContactFlowId"],
        }
        if flow["ContactFlowArn"] == closed_arn:
            with pytest.raises(ClientError) as raised:
                call(**params)
            assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
            assert closed_arn in raised.value.response["Error"]["Message"]
        else:
            call(**params)
    listed = owner.list_flow_associations(InstanceId=desk["Id"])["FlowAssociationSummaryList"]
    assert [a["FlowId"] for a in listed] == [flows[0]["ContactFlowArn"]]


def test_creating_flows_and_importing_numbers_need_their_actions(owner: Any, key: Keys) -> None:
    desk = new_instance(owner, "import-policy")
    client, _ = key(allow("connect:Describe*"))
    with pytest.raises(ClientError) as raised:
        client.create_contact_flow(
            InstanceId=desk["Id"], Name="x", Type="CONTACT_FLOW", Content="{}"
        )
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    source = f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:phone-number/phone-0123"
    with pytest.raises(ClientError) as raised:
        client.import_phone_number(InstanceId=desk["Id"], SourcePhoneNumberArn=source)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert owner.list_contact_flows(InstanceId=desk["Id"])["ContactFlowSummaryList"] == []


def test_a_flow_deletion_or_edit_is_checked_against_the_flows_arn(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "policy-flows")
    made = {
        name: owner.create_contact_flow(
            InstanceId=desk["Id"], Name=name, Type="CONTACT_FLOW", Content="{}"
        )
        for name in ("kept", "free")
    }
    kept_arn = made["kept"]["ContactFlowArn"]
    client, _ = key(allow("connect:*"), deny(["connect:DeleteContactFlow"], kept_arn))
    with pytest.raises(ClientError) as raised:
        client.delete_contact_flow(
            InstanceId=desk["Id"], ContactFlowId=made["kept"]["ContactFlowId"]
        )
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert kept_arn in raised.value.response["Error"]["Message"]
    client.update_contact_flow_name(
        InstanceId=desk["Id"], ContactFlowId=made["kept"]["ContactFlowId"], Name="renamed"
    )
    client.delete_contact_flow(InstanceId=desk["Id"], ContactFlowId=made["free"]["ContactFlowId"])
    listed = owner.list_contact_flows(InstanceId=desk["Id"])["ContactFlowSummaryList"]
    assert [f["Name"] for f in listed] == ["renamed"]


def test_instance_attributes_are_checked_against_the_instances_arn(key: Keys, owner: Any) -> None:
    desk = new_instance(owner, "policy-attributes")
    client, _ = key(allow("connect:*"), deny("connect:UpdateInstanceAttribute", desk["Arn"]))
    with pytest.raises(ClientError) as raised:
        client.update_instance_attribute(
            InstanceId=desk["Id"], AttributeType="CONTACT_LENS", Value="false"
        )
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    answer = client.describe_instance_attribute(InstanceId=desk["Id"], AttributeType="CONTACT_LENS")
    assert answer["Attribute"]["Value"] == "true"
