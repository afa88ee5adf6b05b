"""Every constraint kind of the model is enforced server-side with an AWS-style message."""

from __future__ import annotations

from typing import Any

import pytest

from connect_numbers.protocol.model import operation
from connect_numbers.protocol.parser import validation_error_code
from connect_numbers.protocol.validation import describe, violations

ARN = "arn:aws:connect:us-east-1:000000000000:instance/i"
GOOD_INSTANCE: dict[str, Any] = {
    "IdentityManagementType": "CONNECT_MANAGED",
    "InstanceAlias": "alias-1",
    "InboundCallsEnabled": True,
    "OutboundCallsEnabled": True,
}


def found(name: str, params: dict[str, Any]) -> list[str]:
    return violations(operation(name).input_shape, params)


def test_a_valid_request_has_no_violation() -> None:
    assert found("CreateInstance", GOOD_INSTANCE) == []


def test_a_missing_required_member_must_not_be_null() -> None:
    params = {k: v for k, v in GOOD_INSTANCE.items() if k != "InboundCallsEnabled"}
    assert found("CreateInstance", params) == [
        "Value null at 'InboundCallsEnabled' failed to satisfy constraint: Member must not be null"
    ]


def test_an_explicit_null_counts_as_missing() -> None:
    assert found("CreateInstance", {**GOOD_INSTANCE, "IdentityManagementType": None}) == [
        "Value null at 'IdentityManagementType' failed to satisfy constraint: "
        "Member must not be null"
    ]


@pytest.mark.parametrize(
    ("name", "params", "rule"),
    [
        ("CreateInstance", {**GOOD_INSTANCE, "InboundCallsEnabled": "true"}, "be a boolean"),
        ("CreateInstance", {**GOOD_INSTANCE, "InstanceAlias": 7}, "be a string"),
        ("CreateInstance", {**GOOD_INSTANCE, "Tags": ["a"]}, "be a map"),
        ("ListInstances", {"MaxResults": "ten"}, "be an integer"),
        ("ListInstances", {"MaxResults": 5.5}, "be an integer"),
        ("ListInstances", {"MaxResults": True}, "be an integer"),
        ("UntagResource", {"resourceArn": ARN, "tagKeys": "a"}, "be a list"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_member_and_the_type(
    name: str, params: dict[str, Any], rule: str
) -> None:
    (message,) = found(name, params)
    assert "failed to satisfy constraint: Member must " + rule in message
    wrong = next(k for k in params if k in message)
    assert f"at '{wrong}'" in message


def test_string_length_bounds_are_both_enforced() -> None:
    assert found("CreateInstance", {**GOOD_INSTANCE, "InstanceAlias": "a" * 46}) == [
        f"Value '{'a' * 46}' at 'InstanceAlias' failed to satisfy constraint: "
        "Member must have length less than or equal to 45"
    ]
    directory = {**GOOD_INSTANCE, "IdentityManagementType": "EXISTING_DIRECTORY"}
    short, pattern = found("CreateInstance", {**directory, "DirectoryId": "d-12345678"})
    assert short == (
        "Value 'd-12345678' at 'DirectoryId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 12"
    )
    assert pattern.endswith("Member must satisfy regular expression pattern: ^d-[0-9a-f]{10}$")


def test_a_long_value_is_shortened_in_the_message() -> None:
    (message,) = found("CreateInstance", {**GOOD_INSTANCE, "InstanceAlias": "b" * 300})
    assert f"'{'b' * 97}...'" in message
    assert "b" * 98 not in message


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (0, "have value greater than or equal to 1"),
        (11, "have value less than or equal to 10"),
    ],
)
def test_numeric_ranges_are_enforced(value: int, rule: str) -> None:
    assert found("ListInstances", {"MaxResults": value}) == [
        f"Value '{value}' at 'MaxResults' failed to satisfy constraint: Member must {rule}"
    ]


@pytest.mark.parametrize("value", [1, 10])
def test_numeric_range_edges_are_accepted(value: int) -> None:
    assert found("ListInstances", {"MaxResults": value}) == []


def test_an_alias_against_its_pattern() -> None:
    (message,) = found("CreateInstance", {**GOOD_INSTANCE, "InstanceAlias": "d-reserved"})
    assert "at 'InstanceAlias'" in message
    assert "satisfy regular expression pattern: ^(?!d-)" in message


@pytest.mark.parametrize("key", ["Zürich", "東京", "cost centre", "a_b.c:d/e=f+g-h@i", "١٢٣"])
def test_tag_keys_accept_unicode_letters_spaces_and_numbers(key: str) -> None:
    assert found("TagResource", {"resourceArn": ARN, "tags": {key: "v"}}) == []


@pytest.mark.parametrize("key", ["aws:reserved", "bad#key", "semi;colon", "tab\tkey"])
def test_tag_keys_outside_the_pattern_are_refused(key: str) -> None:
    (message,) = found("TagResource", {"resourceArn": ARN, "tags": {key: "v"}})
    assert message.startswith(f"Value '{key}' at 'tags.key' failed to satisfy constraint")
    assert r"pattern: ^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$" in message


def test_tag_keys_of_untag_are_checked_one_by_one() -> None:
    (message,) = found("UntagResource", {"resourceArn": ARN, "tagKeys": ["ok", "aws:x"]})
    assert "at 'tagKeys.2'" in message


@pytest.mark.parametrize("number", ["+12065550100", "+442071838750", "+8613800138000"])
def test_e164_numbers_pass_the_doubly_escaped_phone_number_pattern(number: str) -> None:
    params = {"TargetArn": ARN, "PhoneNumber": number}
    assert found("ClaimPhoneNumber", params) == []


@pytest.mark.parametrize(
    "number",
    ["12065550100", "+02065550100", "+1", "+1206555010012345", "+1206x", "\\+12065550100x"],
)
def test_non_e164_numbers_fail_with_the_pattern_as_meant(number: str) -> None:
    (message,) = found("ClaimPhoneNumber", {"TargetArn": ARN, "PhoneNumber": number})
    assert message.endswith(r"Member must satisfy regular expression pattern: \+[1-9]\d{1,14}$")
    assert "at 'PhoneNumber'" in message


def test_an_enum_lists_its_values() -> None:
    (message,) = found("CreateInstance", {**GOOD_INSTANCE, "IdentityManagementType": "LDAP"})
    assert message == (
        "Value 'LDAP' at 'IdentityManagementType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SAML, CONNECT_MANAGED, EXISTING_DIRECTORY]"
    )


def test_map_size_bounds_are_enforced() -> None:
    many = {f"k{i}": "v" for i in range(51)}
    (message,) = found("TagResource", {"resourceArn": ARN, "tags": many})
    assert "at 'tags'" in message
    assert "have length less than or equal to 50" in message
    (message,) = found("TagResource", {"resourceArn": ARN, "tags": {}})
    assert "have length greater than or equal to 1" in message


def test_list_size_bounds_are_enforced() -> None:
    keys = [f"k{i}" for i in range(51)]
    (message,) = found("UntagResource", {"resourceArn": ARN, "tagKeys": keys})
    assert "at 'tagKeys'" in message
    assert "have length less than or equal to 50" in message
    too_many_types = ["DID"] * 7
    (message,) = found("ListPhoneNumbers", {"InstanceId": "i", "PhoneNumberTypes": too_many_types})
    assert "at 'PhoneNumberTypes'" in message


def test_a_tag_value_that_is_too_long_names_its_key() -> None:
    (message,) = found("TagResource", {"resourceArn": ARN, "tags": {"team": "x" * 257}})
    assert "at 'tags.team'" in message
    assert "have length less than or equal to 256" in message


def test_a_null_tag_value_is_refused() -> None:
    (message,) = found("TagResource", {"resourceArn": ARN, "tags": {"team": None}})
    assert "at 'tags.team'" in message
    assert "not be null" in message


def test_a_body_that_is_not_an_object_is_reported_as_the_body() -> None:
    assert violations(operation("TagResource").input_shape, [1, 2]) == [  # type: ignore[arg-type]
        "Value '[1, 2]' at 'body' failed to satisfy constraint: "
        "Member must be a structure (a JSON object)"
    ]


def test_every_violation_is_reported_together() -> None:
    params = {"IdentityManagementType": "LDAP", "InstanceAlias": "", "InboundCallsEnabled": 1}
    messages = found("CreateInstance", params)
    assert len(messages) == 5  # the empty alias breaks both its minimum and its pattern
    text = describe(messages)
    assert text.startswith("5 validation errors detected: ")
    for member in ("IdentityManagementType", "InstanceAlias", "InboundCallsEnabled"):
        assert f"at '{member}'" in text
    assert "OutboundCallsEnabled" in text


def test_a_single_violation_is_one_error_and_many_are_capped() -> None:
    assert describe(["x"]).startswith("1 validation error detected: x")
    text = describe([f"v{i}" for i in range(13)])
    assert text.startswith("13 validation errors detected: v0; v1")
    assert text.endswith("v9; and 3 more")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("CreateInstance", "InvalidRequestException"),
        ("ListInstances", "InvalidRequestException"),
        ("DeleteInstance", "InvalidRequestException"),
        ("TagResource", "InvalidParameterException"),
        ("UntagResource", "InvalidParameterException"),
        ("ClaimPhoneNumber", "InvalidParameterException"),
        ("SearchAvailablePhoneNumbers", "InvalidParameterException"),
    ],
)
def test_the_validation_error_is_the_one_the_operation_models(name: str, code: str) -> None:
    assert validation_error_code(operation(name)) == code
