"""The phone-number lifecycle as pure rules: status from times, failed claims, cooldown, tokens."""

from __future__ import annotations

import uuid

import pytest

from connect_numbers.domain.cooldown import Release
from connect_numbers.domain.errors import (
    IdempotencyMismatch,
    InvalidParameter,
    InvalidRequest,
    ResourceInUse,
)
from connect_numbers.domain.idempotency import IdempotencyRecord, fingerprint, replayable
from connect_numbers.domain.phone_numbers import (
    CLAIM,
    IMPORT,
    METADATA,
    UPDATE,
    PhoneNumber,
    check_claim_token,
    new_claim,
    not_available,
    target_limit_failure,
)

T = 1_900_000_000.0
DAY = 86_400
ACCOUNT = "000000000000"
DESK = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-1111-4111-8111-111111111111"
ROOM = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/22222222-2222-4222-8222-222222222222"


def claim(
    *, settle: float = 10, failure: str | None = None, source: str | None = None
) -> PhoneNumber:
    return new_claim(
        e164="+12025550123",
        country="US",
        number_type="DID",
        account_id=ACCOUNT,
        region="us-east-1",
        target_arn=DESK,
        instance_id="desk",
        description=None,
        failure=failure,
        now=T,
        settle_seconds=settle,
        source_arn=source,
    )


def test_a_new_claim_has_a_uuid_and_the_phone_number_arn() -> None:
    number = claim()
    assert str(uuid.UUID(number.id)) == number.id
    assert number.arn == f"arn:aws:connect:us-east-1:{ACCOUNT}:phone-number/{number.id}"
    assert (number.operation, number.started_at, number.settles_at) == (CLAIM, T, T + 10)
    assert claim(source="arn:aws:sms-voice:...").operation == IMPORT


def test_a_claim_is_in_progress_until_the_exact_second_it_settles() -> None:
    number = claim()
    assert number.status(T + 9.999) == "IN_PROGRESS"
    assert number.status(T + 10) == "CLAIMED"
    assert number.status_message(T + 10) is None


def test_a_failed_claim_is_failed_with_its_message_only_once_settled() -> None:
    number = claim(failure="full")
    assert (number.status(T + 9), number.status_message(T + 9)) == ("IN_PROGRESS", None)
    assert (number.status(T + 10), number.status_message(T + 10)) == ("FAILED", "full")
    assert number.is_failed_claim


def test_a_failed_claim_expires_exactly_one_day_after_it_settles() -> None:
    number = claim(failure="full")
    assert not number.expired(T + 10 + DAY - 1)
    assert number.expired(T + 10 + DAY)
    assert not claim().expired(T + 1000 * DAY)


def test_a_failed_claim_is_reserved_for_its_account_for_its_day() -> None:
    number = claim(failure="full")
    assert number.held_for(ACCOUNT, T + 9)  # still in progress: nobody knows it fails
    assert not number.held_for(ACCOUNT, T + 10)
    assert number.held_for("111111111111", T + 10 + DAY - 1)
    assert not number.held_for("111111111111", T + 10 + DAY)


def test_a_claimed_number_is_held_for_everyone() -> None:
    number = claim()
    assert number.held_for(ACCOUNT, T + 1000 * DAY)
    assert number.held_for("111111111111", T)


def test_a_number_in_progress_is_busy() -> None:
    number = claim()
    with pytest.raises(ResourceInUse) as raised:
        number.check_not_busy(T + 9)
    assert (raised.value.resource_type, raised.value.resource_id) == ("PHONE_NUMBER", number.arn)
    number.check_not_busy(T + 10)


def test_a_move_changes_the_target_and_settles_anew() -> None:
    moved = claim().moved(ROOM, "room", None, T + 20, 5)
    assert (moved.target_arn, moved.instance_id, moved.operation) == (ROOM, "room", UPDATE)
    assert (moved.status(T + 24), moved.status(T + 25)) == ("IN_PROGRESS", "CLAIMED")


def test_a_failed_move_stays_on_the_old_target_and_never_expires() -> None:
    moved = claim().moved(ROOM, "room", "room is full", T + 20, 0)
    assert (moved.target_arn, moved.instance_id) == (DESK, "desk")
    assert moved.status(T + 20) == "FAILED"
    assert not moved.is_failed_claim
    assert not moved.expired(T + 1000 * DAY)
    assert moved.held_for("111111111111", T + 1000 * DAY)


def test_a_move_or_new_metadata_is_refused_while_busy() -> None:
    number = claim()
    with pytest.raises(ResourceInUse):
        number.moved(ROOM, "room", None, T + 9, 0)
    with pytest.raises(ResourceInUse):
        number.described("new", T + 9, 0)


def test_a_failed_claim_cannot_be_moved_or_described_anew() -> None:
    number = claim(failure="full")
    with pytest.raises(InvalidRequest):
        number.moved(ROOM, "room", None, T + 10, 0)
    with pytest.raises(InvalidRequest):
        number.described("new", T + 10, 0)


def test_new_metadata_changes_the_description_and_clears_a_failed_move() -> None:
    failed_move = claim().moved(ROOM, "room", "room is full", T + 20, 0)
    described = failed_move.described("reception", T + 30, 2)
    assert (described.description, described.operation, described.failure) == (
        "reception",
        METADATA,
        None,
    )
    assert (described.status(T + 31), described.status(T + 32)) == ("IN_PROGRESS", "CLAIMED")


@pytest.mark.parametrize("token", [None, "6f9619ff-8b86-d011-b42d-00c04fc964ff"])
def test_a_lower_case_uuid_or_no_token_is_a_valid_claim_token(token: str | None) -> None:
    check_claim_token(token)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        "6f9619ff8b86d011b42d00c04fc964ff",
        "6f9619ff-8b86-d011-b42d-00c04fc964ff\n",
        " 6f9619ff-8b86-d011-b42d-00c04fc964ff",
        "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
    ],
)
def test_anything_else_is_not_a_claim_token(token: str) -> None:
    with pytest.raises(InvalidParameter):
        check_claim_token(token)


def test_a_target_is_full_at_its_limit_not_before() -> None:
    assert target_limit_failure(DESK, 4, 5) is None
    message = target_limit_failure(DESK, 5, 5)
    assert message == f"The target {DESK} has reached its limit of 5 claimed phone numbers"
    assert target_limit_failure(DESK, 0, 0) is not None


def test_not_available_names_the_number() -> None:
    assert not_available("+12025550123").message == "Phone number not available: +12025550123"


def test_a_release_cools_until_the_exact_second_it_ends_unless_restored() -> None:
    release = Release("id", "+12025550123", ACCOUNT, "us-east-1", T, T + 180 * DAY, {})
    assert release.cooling(T)
    assert release.cooling(T + 180 * DAY - 1)
    assert not release.cooling(T + 180 * DAY)
    restored = Release("id", "+12025550123", ACCOUNT, "us-east-1", T, T + 180 * DAY, {}, T + 1)
    assert not restored.cooling(T + 2)


def _record(parameters: dict[str, object]) -> IdempotencyRecord:
    return IdempotencyRecord(
        ACCOUNT, "us-east-1", "ClaimPhoneNumber", "tok", fingerprint(parameters), {"x": 1}, T
    )


def test_a_retry_with_the_same_parameters_replays_the_outcome_until_the_token_expires() -> None:
    record = _record({"a": 1, "b": [1, 2]})
    digest = fingerprint({"b": [1, 2], "a": 1})  # key order does not matter
    assert replayable(record, digest, T + 3599, 3600) == {"x": 1}
    assert replayable(record, digest, T + 3600, 3600) is None
    assert replayable(None, digest, T, 3600) is None


def test_a_retry_with_other_parameters_is_a_mismatch_until_the_token_expires() -> None:
    record = _record({"a": 1})
    with pytest.raises(IdempotencyMismatch) as raised:
        replayable(record, fingerprint({"a": 2}), T + 3599, 3600)
    assert "tok" in raised.value.message
    assert replayable(record, fingerprint({"a": 2}), T + 3600, 3600) is None
