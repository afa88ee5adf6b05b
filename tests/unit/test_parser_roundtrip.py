"""botocore serializes a request; our router and parser must recover the same parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from connect_numbers.entrypoints.operations import HANDLERS
from connect_numbers.protocol.errors import AwsError
from connect_numbers.protocol.model import operation
from connect_numbers.protocol.parser import RawRequest, parse_params
from connect_numbers.protocol.routing import router
from connect_numbers.protocol.validation import violations

ENDPOINT = "https://connect.us-east-1.amazonaws.com"
IID = "a1b2c3d4-0000-4000-8000-000000000001"
NID = "0f1e2d3c-0000-4000-8000-000000000002"
INSTANCE_ARN = f"arn:aws:connect:us-east-1:123456789012:instance/{IID}"
NUMBER_ARN = f"arn:aws:connect:us-east-1:123456789012:phone-number/{NID}"
TDG_ID = "5e6f7a8b-0000-4000-8000-000000000003"
TDG_ARN = f"arn:aws:connect:us-west-2:123456789012:traffic-distribution-group/{TDG_ID}"
TOKEN = "8d1f3c52-7a71-4f7b-9d8a-3c3f0e7d2b10"
FID = "5e6f7a8b-0000-4000-8000-000000000003"
SOURCE_ARN = "arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-0123456789abcdef"


def wire(name: str, params: dict[str, Any]) -> RawRequest:
    """What botocore puts on the wire for ``params``, read back as our RawRequest."""
    op = operation(name)
    request_dict = create_serializer("rest-json").serialize_to_request(params, op)
    prepare_request_dict(request_dict, ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    found = router().match(prepared.method, url.path)
    assert found is not None, f"{prepared.method} {url.path} routes nowhere"
    assert found.operation == name
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    body = prepared.body or b""
    return RawRequest(
        found.labels, url.query, headers, body if isinstance(body, bytes) else body.encode()
    )


def recovered(name: str, params: dict[str, Any]) -> dict[str, Any]:
    return parse_params(operation(name), wire(name, params))


def epoch(moment: datetime) -> float:
    return moment.timestamp()


CASES: dict[str, dict[str, Any]] = {
    "CreateInstance": {
        "ClientToken": TOKEN,
        "IdentityManagementType": "CONNECT_MANAGED",
        "InstanceAlias": "my-alias",
        "InboundCallsEnabled": True,
        "OutboundCallsEnabled": False,
        "Tags": {"team": "voice", "cost centre": "42"},
    },
    "DescribeInstance": {"InstanceId": IID},
    "ListInstances": {"MaxResults": 7, "NextToken": "abc+/=="},
    "DeleteInstance": {"InstanceId": IID, "ClientToken": TOKEN},
    "TagResource": {"resourceArn": INSTANCE_ARN, "tags": {"a": "1", "Zürich": "é ü"}},
    "UntagResource": {"resourceArn": INSTANCE_ARN, "tagKeys": ["a", "key with space", "c+d"]},
    "ListTagsForResource": {"resourceArn": INSTANCE_ARN},
    "ClaimPhoneNumber": {
        "TargetArn": INSTANCE_ARN,
        "PhoneNumber": "+12065550100",
        "PhoneNumberDescription": "front desk",
        "Tags": {"k": "v"},
        "ClientToken": TOKEN,
    },
    "ReleasePhoneNumber": {"PhoneNumberId": NUMBER_ARN, "ClientToken": TOKEN},
    "DescribePhoneNumber": {"PhoneNumberId": NUMBER_ARN},
    "ListPhoneNumbers": {
        "InstanceId": IID,
        "PhoneNumberTypes": ["DID", "TOLL_FREE"],
        "PhoneNumberCountryCodes": ["US", "CA", "GB"],
        "NextToken": "next",
        "MaxResults": 1000,
    },
    "ListPhoneNumbersV2": {
        "InstanceId": IID,
        "MaxResults": 3,
        "NextToken": "t",
        "PhoneNumberCountryCodes": ["US"],
        "PhoneNumberTypes": ["UIFN"],
        "PhoneNumberPrefix": "+1206",
    },
    "SearchAvailablePhoneNumbers": {
        "TargetArn": INSTANCE_ARN,
        "PhoneNumberCountryCode": "US",
        "PhoneNumberType": "DID",
        "PhoneNumberPrefix": "+1",
        "MaxResults": 10,
    },
    "UpdatePhoneNumber": {"PhoneNumberId": NID, "TargetArn": INSTANCE_ARN, "ClientToken": TOKEN},
    "UpdatePhoneNumberMetadata": {
        "PhoneNumberId": NUMBER_ARN,
        "PhoneNumberDescription": "",
        "ClientToken": TOKEN,
    },
    "ReplicateInstance": {
        "InstanceId": INSTANCE_ARN,
        "ReplicaRegion": "us-west-2",
        "ReplicaAlias": "my-replica",
        "ClientToken": TOKEN,
    },
    "CreateTrafficDistributionGroup": {
        "Name": "sales lines",
        "Description": "for sales",
        "InstanceId": IID,
        "ClientToken": TOKEN,
        "Tags": {"k": "v"},
    },
    "DescribeTrafficDistributionGroup": {"TrafficDistributionGroupId": TDG_ARN},
    "ListTrafficDistributionGroups": {"MaxResults": 10, "NextToken": "n", "InstanceId": IID},
    "DeleteTrafficDistributionGroup": {"TrafficDistributionGroupId": TDG_ID},
    "GetTrafficDistribution": {"Id": TDG_ARN},
    "UpdateTrafficDistribution": {
        "Id": TDG_ID,
        "TelephonyConfig": {
            "Distributions": [
                {"Region": "us-east-1", "Percentage": 40},
                {"Region": "us-west-2", "Percentage": 60},
            ]
        },
        "SignInConfig": {
            "Distributions": [
                {"Region": "us-east-1", "Enabled": True},
                {"Region": "us-west-2", "Enabled": False},
            ]
        },
        "AgentConfig": {
            "Distributions": [
                {"Region": "us-east-1", "Percentage": 100},
                {"Region": "us-west-2", "Percentage": 0},
            ]
        },
    },
    "ImportPhoneNumber": {
        "InstanceId": IID,
        "SourcePhoneNumberArn": SOURCE_ARN,
        "PhoneNumberDescription": "imported",
        "Tags": {"k": "v"},
        "ClientToken": "any token",
    },
    "CreateContactFlow": {
        "InstanceId": INSTANCE_ARN,
        "Name": "main menu",
        "Type": "CONTACT_FLOW",
        "Description": "routes calls",
        "Content": '{"Version": "2019-10-30", "Actions": []}',
        "Status": "SAVED",
        "Tags": {"team": "voice"},
    },
    "DescribeContactFlow": {"InstanceId": IID, "ContactFlowId": f"{FID}:$SAVED"},
    "ListContactFlows": {
        "InstanceId": IID,
        "ContactFlowTypes": ["CONTACT_FLOW", "AGENT_HOLD"],
        "NextToken": "n",
        "MaxResults": 1000,
    },
    "AssociatePhoneNumberContactFlow": {
        "PhoneNumberId": NUMBER_ARN,
        "InstanceId": IID,
        "ContactFlowId": FID,
    },
    "DisassociatePhoneNumberContactFlow": {"PhoneNumberId": NUMBER_ARN, "InstanceId": IID},
    "ListFlowAssociations": {
        "InstanceId": IID,
        "ResourceType": "VOICE_PHONE_NUMBER",
        "NextToken": "n",
        "MaxResults": 5,
    },
    "UpdateContactFlowContent": {"InstanceId": IID, "ContactFlowId": FID, "Content": "{}"},
    "UpdateContactFlowName": {
        "InstanceId": IID,
        "ContactFlowId": FID,
        "Name": "n",
        "Description": "",
    },
    "UpdateContactFlowMetadata": {
        "InstanceId": INSTANCE_ARN,
        "ContactFlowId": f"{FID}:$SAVED",
        "Name": "main menu",
        "Description": "d",
        "ContactFlowState": "ARCHIVED",
    },
    "DeleteContactFlow": {"InstanceId": IID, "ContactFlowId": FID},
    "DescribeInstanceAttribute": {"InstanceId": IID, "AttributeType": "EARLY_MEDIA"},
    "UpdateInstanceAttribute": {
        "InstanceId": INSTANCE_ARN,
        "AttributeType": "MULTI_PARTY_CHAT_CONFERENCE",
        "Value": "true",
        "ClientToken": TOKEN,
    },
    "ListInstanceAttributes": {"InstanceId": IID, "MaxResults": 7, "NextToken": "n"},
    "AssociateAnalyticsDataSet": {
        "InstanceId": IID,
        "DataSetId": "contact records",
        "TargetAccountId": "123456789012",
    },
    "DisassociateAnalyticsDataSet": {"InstanceId": IID, "DataSetId": "d"},
    "BatchAssociateAnalyticsDataSet": {"InstanceId": IID, "DataSetIds": ["a", "b c"]},
    "BatchDisassociateAnalyticsDataSet": {
        "InstanceId": INSTANCE_ARN,
        "DataSetIds": ["a"],
        "TargetAccountId": "123456789012",
    },
    "ListAnalyticsDataAssociations": {
        "InstanceId": IID,
        "DataSetId": "a/b",
        "MaxResults": 1000,
        "NextToken": "n",
    },
}


def test_every_implemented_operation_has_a_round_trip_case() -> None:
    assert set(HANDLERS) <= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_botocore_request_parses_back_to_the_same_parameters(name: str) -> None:
    assert recovered(name, CASES[name]) == CASES[name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_botocore_request_passes_server_side_validation(name: str) -> None:
    op = operation(name)
    assert violations(op.input_shape, recovered(name, CASES[name])) == []


def test_phone_number_arn_with_encoded_colons_and_slashes_stays_one_label() -> None:
    request = wire("ReleasePhoneNumber", {"PhoneNumberId": NUMBER_ARN})
    assert request.labels == {"PhoneNumberId": NUMBER_ARN}


def test_repeated_query_parameters_become_a_list_in_order() -> None:
    params = {"InstanceId": IID, "PhoneNumberTypes": ["TOLL_FREE", "DID", "UIFN"]}
    assert (
        "phoneNumberTypes=TOLL_FREE&phoneNumberTypes=DID"
        in wire("ListPhoneNumbers", params).raw_query
    )
    assert recovered("ListPhoneNumbers", params)["PhoneNumberTypes"] == ["TOLL_FREE", "DID", "UIFN"]


def test_a_tag_key_with_a_space_survives_the_query_string() -> None:
    params = {"resourceArn": INSTANCE_ARN, "tagKeys": ["cost centre"]}
    assert "tagKeys=cost%20centre" in wire("UntagResource", params).raw_query
    assert recovered("UntagResource", params)["tagKeys"] == ["cost centre"]


def test_a_header_timestamp_is_read_as_epoch_seconds() -> None:
    moment = datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)
    params = {
        "InstanceId": IID,
        "TestCaseId": "tc",
        "Name": "n",
        "Content": "c",
        "LastModifiedTime": moment,
    }
    got = recovered("UpdateTestCase", params)
    assert got["LastModifiedTime"] == epoch(moment)


def test_an_unreadable_body_is_a_modeled_validation_error() -> None:
    op = operation("CreateInstance")
    with pytest.raises(AwsError) as raised:
        parse_params(op, RawRequest({}, "", {}, b"{not json"))
    assert raised.value.code == "InvalidRequestException"
    assert raised.value.status == 400


def test_a_body_that_is_not_an_object_is_refused() -> None:
    op = operation("TagResource")
    with pytest.raises(AwsError) as raised:
        parse_params(op, RawRequest({"resourceArn": INSTANCE_ARN}, "", {}, b"[1, 2]"))
    assert raised.value.code == "InvalidParameterException"
    assert "JSON object" in raised.value.message


def test_a_query_integer_that_is_not_a_number_is_left_for_validation() -> None:
    got = parse_params(operation("ListInstances"), RawRequest({}, "maxResults=ten", {}, b""))
    assert got == {"MaxResults": "ten"}
    assert "MaxResults" in violations(operation("ListInstances").input_shape, got)[0]


def test_a_plus_in_the_raw_query_reads_as_a_space() -> None:
    request = RawRequest({"resourceArn": INSTANCE_ARN}, "tagKeys=a+b", {}, b"")
    assert parse_params(operation("UntagResource"), request)["tagKeys"] == ["a b"]


def test_unknown_body_members_are_ignored() -> None:
    body = b'{"tags": {"a": "b"}, "Surprise": 1}'
    request = RawRequest({"resourceArn": INSTANCE_ARN}, "", {}, body)
    assert parse_params(operation("TagResource"), request) == {
        "resourceArn": INSTANCE_ARN,
        "tags": {"a": "b"},
    }


TAG_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
)
ARN_ISH = st.builds(
    lambda region, account, kind, tail: f"arn:aws:connect:{region}:{account}:{kind}/{tail}",
    st.sampled_from(["us-east-1", "eu-west-2", "ap-northeast-3"]),
    st.from_regex(r"\A[0-9]{12}\Z"),
    st.sampled_from(["instance", "phone-number", "traffic-distribution-group"]),
    st.text(alphabet="abcdef0123456789-:/+ %?&=#", min_size=1, max_size=40).filter(
        lambda t: not t.startswith("/") and "//" not in t and not t.endswith("/")
    ),
)


@settings(max_examples=60, deadline=None)
@given(arn=ARN_ISH, tags=st.dictionaries(TAG_TEXT, TAG_TEXT, min_size=1, max_size=8))
def test_random_tag_maps_on_random_arns_round_trip(arn: str, tags: dict[str, str]) -> None:
    assert recovered("TagResource", {"resourceArn": arn, "tags": tags}) == {
        "resourceArn": arn,
        "tags": tags,
    }


@settings(max_examples=60, deadline=None)
@given(arn=ARN_ISH, keys=st.lists(TAG_TEXT, min_size=1, max_size=8))
def test_random_tag_keys_on_random_arns_round_trip(arn: str, keys: list[str]) -> None:
    params = {"resourceArn": arn, "tagKeys": keys}
    assert recovered("UntagResource", params) == params


@settings(max_examples=60, deadline=None)
@given(number_id=ARN_ISH, token=st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t))
def test_random_phone_number_ids_and_tokens_round_trip(number_id: str, token: str) -> None:
    params = {"PhoneNumberId": number_id, "ClientToken": token}
    assert recovered("ReleasePhoneNumber", params) == params


@pytest.mark.parametrize("text", ["1_0", " 5", "٣", "5.0", "9" * 5000])
def test_query_integers_must_be_plain_decimal_digits(text: str) -> None:
    request = RawRequest({}, f"maxResults={text}", {}, b"")
    assert parse_params(operation("ListInstances"), request) == {"MaxResults": text}


def test_a_query_string_map_takes_only_the_keys_no_other_member_names() -> None:
    from botocore.model import ServiceModel

    model = ServiceModel(
        {
            "metadata": {"protocol": "rest-json", "apiVersion": "2017-08-08"},
            "operations": {
                "Find": {
                    "name": "Find",
                    "http": {"method": "GET", "requestUri": "/find"},
                    "input": {"shape": "FindRequest"},
                }
            },
            "shapes": {
                "FindRequest": {
                    "type": "structure",
                    "members": {
                        "Limit": {
                            "shape": "Int",
                            "location": "querystring",
                            "locationName": "limit",
                        },
                        "Filters": {"shape": "Filters", "location": "querystring"},
                    },
                },
                "Int": {"type": "integer"},
                "Filters": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
                "Str": {"type": "string"},
            },
        }
    )
    op = model.operation_model("Find")
    got = parse_params(op, RawRequest({}, "limit=3&colour=red&size=L", {}, b""))
    assert got == {"Limit": 3, "Filters": {"colour": "red", "size": "L"}}
