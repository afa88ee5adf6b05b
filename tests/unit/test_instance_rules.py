"""Instance attributes and analytics data sets as pure rules."""

from __future__ import annotations

import botocore.session
import pytest

from connect_numbers.domain.analytics import check_account, new_association
from connect_numbers.domain.errors import InvalidParameter
from connect_numbers.domain.instance_attributes import (
    DEFAULTS,
    INBOUND_CALLS,
    OUTBOUND_CALLS,
    attribute_values,
    normalized_value,
)
from connect_numbers.domain.instances import Instance, new_instance

MODEL_TYPES = (
    botocore.session.get_session().get_service_model("connect").shape_for("InstanceAttributeType")
).enum


def desk(inbound: bool, outbound: bool) -> Instance:
    return new_instance(
        "000000000000", "us-east-1", "CONNECT_MANAGED", "desk", None, inbound, outbound, 0, 0
    )


def test_every_attribute_type_of_the_model_has_a_value_in_the_model_order() -> None:
    values = attribute_values(desk(True, False), {}, MODEL_TYPES)
    assert list(values) == MODEL_TYPES
    assert set(DEFAULTS) == set(MODEL_TYPES) - {INBOUND_CALLS, OUTBOUND_CALLS}


def test_the_call_flags_come_from_the_instance_and_the_rest_from_what_was_set() -> None:
    stored = {"EARLY_MEDIA": "false"}
    values = attribute_values(desk(False, True), stored, MODEL_TYPES)
    assert (values[INBOUND_CALLS], values[OUTBOUND_CALLS]) == ("false", "true")
    assert values["EARLY_MEDIA"] == "false"
    assert values["CONTACT_LENS"] == "true"


@pytest.mark.parametrize(
    ("given", "stored"), [("true", "true"), ("FALSE", "false"), (" True ", "true")]
)
def test_true_and_false_are_accepted_in_any_case(given: str, stored: str) -> None:
    assert normalized_value("EARLY_MEDIA", given) == stored


@pytest.mark.parametrize("given", ["", "1", "0", "yes", "t", "truex"])
def test_anything_else_is_refused_naming_the_attribute(given: str) -> None:
    with pytest.raises(InvalidParameter, match="EARLY_MEDIA"):
        normalized_value("EARLY_MEDIA", given)


@pytest.mark.parametrize("account", ["123456789012", "000000000000"])
def test_a_twelve_digit_account_is_a_target(account: str) -> None:
    assert check_account(account) == account


@pytest.mark.parametrize("account", ["12345678901", "1234567890123", "12345678901a", ""])
def test_anything_but_twelve_digits_is_not(account: str) -> None:
    with pytest.raises(InvalidParameter, match="TargetAccountId"):
        check_account(account)


def test_each_association_is_a_share_of_its_own_in_the_callers_account() -> None:
    first = new_association("i", "eu-west-2", "111111111111", "d", "222222222222", 5.0)
    second = new_association("i", "eu-west-2", "111111111111", "d", "333333333333", 5.0)
    assert first.resource_share_arn == (
        f"arn:aws:ram:eu-west-2:111111111111:resource-share/{first.resource_share_id}"
    )
    assert first.resource_share_id != second.resource_share_id
