"""Contact flows and flow association as pure rules."""

from __future__ import annotations

import hashlib

import pytest

from connect_numbers.domain.contact_flows import (
    ARCHIVED,
    ContactFlow,
    check_associable,
    edited,
    new_contact_flow,
    serves_instance,
    split_alias,
    with_content,
)
from connect_numbers.domain.errors import InvalidContactFlow, InvalidParameter
from connect_numbers.domain.phone_numbers import PhoneNumber, new_claim

T = 1_900_000_000.0
ACCOUNT = "000000000000"
DESK = "11111111-1111-4111-8111-111111111111"
ROOM = "22222222-2222-4222-8222-222222222222"


def flow(content: str = "{}", **more: object) -> ContactFlow:
    given: dict[str, object] = {
        "account_id": ACCOUNT,
        "region": "us-east-1",
        "instance_id": DESK,
        "name": "main",
        "flow_type": "CONTACT_FLOW",
        "description": None,
        "content": content,
        "status": None,
        "now": T,
        **more,
    }
    return new_contact_flow(**given)  # type: ignore[arg-type]


def number(*, settle: float = 0, failure: str | None = None, instance: str = DESK) -> PhoneNumber:
    return new_claim(
        e164="+12025550123",
        country="US",
        number_type="DID",
        account_id=ACCOUNT,
        region="us-east-1",
        target_arn=f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{instance}",
        instance_id=instance,
        description=None,
        failure=failure,
        now=T,
        settle_seconds=settle,
    )


def test_a_new_flow_is_published_active_and_hashed() -> None:
    made = flow('{"Actions": []}')
    assert (made.status, made.state, made.modified_at, made.modified_region) == (
        "PUBLISHED",
        "ACTIVE",
        T,
        "us-east-1",
    )
    assert made.content_sha256 == hashlib.sha256(b'{"Actions": []}').hexdigest()
    assert made.arn == f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{DESK}/contact-flow/{made.id}"


@pytest.mark.parametrize("content", ["", "{", "[]", "1", '"x"', "null", "{}{}"])
def test_content_must_be_one_json_object(content: str) -> None:
    with pytest.raises(InvalidContactFlow) as raised:
        flow(content)
    assert len(raised.value.problems) == 1


def test_a_name_may_have_512_characters_not_513() -> None:
    assert flow(name="n" * 512).name == "n" * 512
    with pytest.raises(InvalidParameter):
        flow(name="n" * 513)


def test_the_saved_alias_is_split_off() -> None:
    assert split_alias("abc:$SAVED") == ("abc", True)
    assert split_alias("abc") == ("abc", False)
    assert split_alias("abc:$LATEST") == ("abc:$LATEST", False)


def test_a_number_serves_its_own_instance_only() -> None:
    assert serves_instance(number(), DESK)
    assert not serves_instance(number(), ROOM)


def test_a_claimed_number_of_the_instance_takes_a_published_contact_flow() -> None:
    check_associable(number(), DESK, flow(), T)


@pytest.mark.parametrize(
    ("held", "instance", "made", "now", "reason"),
    [
        (number(settle=10), DESK, flow(), T + 9.999, "in progress"),
        (number(failure="full"), DESK, flow(), T, "claim failed"),
        (number(instance=ROOM), DESK, flow(), T, "not claimed to the instance"),
        (number(), DESK, flow(flow_type="CUSTOMER_QUEUE"), T, "CONTACT_FLOW"),
        (number(), DESK, flow(status="SAVED"), T, "not published"),
    ],
)
def test_association_is_refused_at_each_rule(
    held: PhoneNumber, instance: str, made: ContactFlow, now: float, reason: str
) -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_associable(held, instance, made, now)
    assert reason in raised.value.message


def test_a_number_can_be_associated_the_second_its_claim_settles() -> None:
    check_associable(number(settle=10), DESK, flow(), T + 10)


def test_new_content_is_checked_and_rehashed_and_marks_the_change() -> None:
    changed = with_content(flow(), '{"a": 1}', T + 5, "eu-west-2")
    assert changed.content_sha256 == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert (changed.modified_at, changed.modified_region) == (T + 5, "eu-west-2")
    with pytest.raises(InvalidContactFlow):
        with_content(flow(), "[1]", T, "us-east-1")


def test_an_edit_keeps_what_it_does_not_name() -> None:
    original = flow(description="d")
    archived = edited(original, T + 1, "us-east-1", state=ARCHIVED)
    assert (archived.name, archived.description, archived.state) == ("main", "d", ARCHIVED)
    renamed = edited(original, T + 1, "us-east-1", name="other", description="")
    assert (renamed.name, renamed.description, renamed.state) == ("other", "", "ACTIVE")
    with pytest.raises(InvalidParameter):
        edited(original, T, "us-east-1", name="x" * 513)


def test_an_archived_flow_takes_no_number() -> None:
    with pytest.raises(InvalidParameter, match="ARCHIVED"):
        check_associable(number(), DESK, edited(flow(), T, "us-east-1", state=ARCHIVED), T + 1)
