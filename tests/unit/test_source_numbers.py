"""Source numbers for ImportPhoneNumber: classification and ARNs."""

from __future__ import annotations

import pytest

from connect_numbers.domain.errors import InvalidParameter
from connect_numbers.domain.source_numbers import is_source_arn, new_source_number

ACCOUNT = "000000000000"


def test_a_source_number_gets_an_sms_voice_arn_and_its_country_and_type() -> None:
    source = new_source_number(ACCOUNT, "eu-west-2", "+442079460000", 5.0)
    assert source.arn == f"arn:aws:sms-voice:eu-west-2:{ACCOUNT}:phone-number/{source.id}"
    assert (source.country, source.type, source.created_at) == ("GB", "DID", 5.0)
    assert is_source_arn(source.arn)


def test_a_toll_free_number_is_toll_free() -> None:
    assert new_source_number(ACCOUNT, "us-east-1", "+18005550100", 0).type == "TOLL_FREE"


@pytest.mark.parametrize(
    "e164", ["+1", "12025550123", "+1 202 555 0123", "+80012345678", "+19005550100", ""]
)
def test_only_valid_did_and_toll_free_numbers_register(e164: str) -> None:
    with pytest.raises(InvalidParameter):
        new_source_number(ACCOUNT, "us-east-1", e164, 0)


def test_the_account_must_be_twelve_digits() -> None:
    with pytest.raises(InvalidParameter):
        new_source_number("1234", "us-east-1", "+12062345600", 0)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:connect:us-east-1:000000000000:phone-number/x",
        "arn:aws:sms-voice:us-east-1:000000000000:pool/pool-1",
        "arn:aws:sms-voice:us-east-1:0000:phone-number/x",
        "arn:aws:sms-voice:us-east-1:000000000000:phone-number/",
        "arn:aws:sms-voice:us-east-1:000000000000:phone-number/a/b",
    ],
)
def test_other_arns_are_not_source_arns(arn: str) -> None:
    assert not is_source_arn(arn)
