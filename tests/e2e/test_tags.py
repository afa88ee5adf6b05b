"""Tags on instance ARNs through boto3: tag, untag, list, and the limits AWS sets."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import code_of, new_instance, tags_of


@pytest.fixture
def arn(connect: Any) -> str:
    created = new_instance(connect, "tagged")
    value: str = created["Arn"]
    return value


def test_a_new_instance_has_no_tags(connect: Any, arn: str) -> None:
    assert tags_of(connect, arn) == {}


def test_tags_are_added_merged_and_overwritten(connect: Any, arn: str) -> None:
    connect.tag_resource(resourceArn=arn, tags={"team": "voice", "env": "dev"})
    connect.tag_resource(resourceArn=arn, tags={"env": "prod", "Zürich": "東京"})
    assert tags_of(connect, arn) == {"team": "voice", "env": "prod", "Zürich": "東京"}


def test_untag_removes_only_the_named_keys_and_ignores_absent_ones(connect: Any, arn: str) -> None:
    connect.tag_resource(resourceArn=arn, tags={"a": "1", "cost centre": "2", "c": "3"})
    connect.untag_resource(resourceArn=arn, tagKeys=["cost centre", "c", "never-there"])
    assert tags_of(connect, arn) == {"a": "1"}


def test_tags_given_at_creation_are_listed(connect: Any) -> None:
    created = connect.create_instance(
        IdentityManagementType="SAML",
        InstanceAlias="born-tagged",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
        Tags={"k": "v"},
    )
    assert tags_of(connect, created["Arn"]) == {"k": "v"}


def test_fifty_tags_are_allowed_and_the_fifty_first_is_refused(connect: Any, arn: str) -> None:
    connect.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=arn, tags={"one-more": "v"})
    assert code_of(raised) == (400, "InvalidParameterException")
    assert "50" in raised.value.response["Error"]["Message"]
    assert len(tags_of(connect, arn)) == 50
    connect.tag_resource(resourceArn=arn, tags={"k0": "replaced"})
    assert tags_of(connect, arn)["k0"] == "replaced"


def test_more_than_fifty_tags_in_one_request_are_refused(connect: Any, arn: str) -> None:
    # boto3 checks only the map's minimum size: the maximum is the server's to enforce
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(51)})
    assert code_of(raised) == (400, "InvalidParameterException")
    assert tags_of(connect, arn) == {}


def test_the_aws_prefix_is_reserved(connect: Any, arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=arn, tags={"aws:owner": "me"})
    assert code_of(raised) == (400, "InvalidParameterException")
    assert "tags.key" in raised.value.response["Error"]["Message"]
    assert tags_of(connect, arn) == {}


@pytest.mark.parametrize(
    "bad",
    [
        "not-an-arn",
        "arn:aws:connect:us-east-1:000000000000:instance",
        "arn:aws:connect:us-east-1:000000000000:instance/",
        "arn:aws:connect:us-east-1:000000000000:queue/abc",
        "arn:aws:s3:::bucket",
    ],
)
def test_a_malformed_arn_is_not_found(connect: Any, bad: str) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("list_tags_for_resource", {}),
        ("tag_resource", {"tags": {"a": "b"}}),
        ("untag_resource", {"tagKeys": ["a"]}),
    ]
    for method, extra in calls:
        with pytest.raises(ClientError) as raised:
            getattr(connect, method)(resourceArn=bad, **extra)
        assert code_of(raised) == (404, "ResourceNotFoundException")


def test_an_arn_with_a_sub_resource_is_not_found(connect: Any, arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=f"{arn}/phone-number/x")
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_an_arn_of_another_region_is_not_found(connect: Any, arn: str) -> None:
    foreign = arn.replace("us-east-1", "us-west-2")
    with pytest.raises(ClientError) as raised:
        connect.tag_resource(resourceArn=foreign, tags={"a": "b"})
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_a_client_in_another_region_cannot_see_the_tags(connect_numbers: Any, arn: str) -> None:
    west = connect_numbers.client(region="us-west-2")
    with pytest.raises(ClientError) as raised:
        west.list_tags_for_resource(resourceArn=arn)
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_an_arn_of_another_account_is_not_found(connect: Any, arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=arn.replace("000000000000", "111111111111"))
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_the_tags_of_a_deleted_instance_are_gone(connect: Any, arn: str) -> None:
    connect.tag_resource(resourceArn=arn, tags={"a": "b"})
    connect.delete_instance(InstanceId=arn.rsplit("/", 1)[1])
    with pytest.raises(ClientError) as raised:
        connect.list_tags_for_resource(resourceArn=arn)
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_boto3_sends_the_arn_percent_encoded_and_it_works(connect: Any, arn: str) -> None:
    sent: list[str] = []
    connect.meta.events.register(
        "before-send.connect.*", lambda request, **_: sent.append(request.url)
    )
    connect.tag_resource(resourceArn=arn, tags={"a": "b"})
    assert "arn%3Aaws%3Aconnect%3Aus-east-1%3A000000000000%3Ainstance%2F" in sent[0]
    assert tags_of(connect, arn) == {"a": "b"}


def test_an_arn_sent_unencoded_reaches_the_same_resource(raw: Any, connect: Any, arn: str) -> None:
    assert raw("POST", f"/tags/{arn}", '{"tags": {"raw": "yes"}}').status_code == 200
    response = raw("GET", f"/tags/{arn}")
    assert response.status_code == 200
    assert response.json() == {"tags": {"raw": "yes"}}
    assert raw("DELETE", f"/tags/{arn}?tagKeys=raw").status_code == 200
    assert tags_of(connect, arn) == {}
