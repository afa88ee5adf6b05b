"""Fault rules: validation at its edges, matching, and the seeded choice."""

from __future__ import annotations

from typing import Any

import pytest

from connect_numbers.domain.errors import InvalidParameter
from connect_numbers.domain.faults import (
    MAX_LATENCY_MS,
    FaultError,
    FaultRule,
    FaultSpec,
    chosen,
    failure_message,
    in_scope,
    parse_rule,
)

CATALOG = {
    "ClaimPhoneNumber": {"InvalidParameterException": 400, "ThrottlingException": 429},
    "ListInstances": {"InvalidRequestException": 400, "ThrottlingException": 429},
}
REGIONS = frozenset({"us-east-1", "us-west-2"})


def parse(**document: Any) -> FaultSpec:
    return parse_rule(document, CATALOG, REGIONS)


def refused(**document: Any) -> str:
    with pytest.raises(InvalidParameter) as raised:
        parse_rule(document, CATALOG, REGIONS)
    return raised.value.message


@pytest.mark.parametrize(
    ("latency", "ok"), [(0, True), (MAX_LATENCY_MS, True), (MAX_LATENCY_MS + 1, False), (-1, False)]
)
def test_latency_is_bounded_by_a_minute(latency: int, ok: bool) -> None:
    if ok:
        assert parse(operation="*", latency_ms=latency).latency_ms == latency
    else:
        assert "'latency_ms'" in refused(operation="*", latency_ms=latency)


@pytest.mark.parametrize(
    ("probability", "ok"),
    [
        (0, True),
        (1, True),
        (0.5, True),
        (1.0000001, False),
        (-1e-9, False),
        (float("nan"), False),
        (True, False),
    ],
)
def test_probability_is_from_zero_to_one(probability: Any, ok: bool) -> None:
    if ok:
        assert (
            parse(operation="*", latency_ms=1, probability=probability).probability == probability
        )
    else:
        assert "'probability'" in refused(operation="*", latency_ms=1, probability=probability)


def test_count_starts_at_one() -> None:
    assert parse(operation="*", latency_ms=1, count=1).count == 1
    assert "'count'" in refused(operation="*", latency_ms=1, count=0)
    assert "'count'" in refused(operation="*", latency_ms=1, count=True)


def test_the_error_is_one_the_operation_models_or_one_sdks_retry() -> None:
    assert parse(
        operation="ClaimPhoneNumber", error="InvalidParameterException"
    ).error == FaultError("InvalidParameterException", 400)
    assert parse(
        operation="ClaimPhoneNumber", error="ServiceUnavailableException"
    ).error == FaultError("ServiceUnavailableException", 503)
    assert parse(
        operation="ListInstances",
        error={"code": "InternalServiceException", "status": 500, "message": "m"},
    ).error == FaultError("InternalServiceException", 500, "m")
    assert "'error.code'" in refused(operation="ListInstances", error="InvalidParameterException")
    assert "'error.status'" in refused(
        operation="ListInstances", error={"code": "ThrottlingException", "status": 503}
    )


def test_a_wildcard_rule_may_answer_only_what_every_operation_can() -> None:
    assert parse(operation="*", error="ThrottlingException").error == FaultError(
        "ThrottlingException", 429
    )
    assert "'error.code'" in refused(operation="*", error="InvalidRequestException")


def test_an_outcome_is_for_operations_that_settle_and_excludes_an_error() -> None:
    assert parse(operation="ClaimPhoneNumber", outcome="FAILED", latency_ms=5).outcome == "FAILED"
    assert "'outcome'" in refused(operation="ListInstances", outcome="FAILED")
    assert "'outcome'" in refused(operation="*", outcome="FAILED")
    assert "not both" in refused(
        operation="ClaimPhoneNumber", outcome="FAILED", error="ThrottlingException"
    )


def test_unknown_fields_and_bad_scopes_are_named() -> None:
    assert "'colour'" in refused(operation="*", latency_ms=1, colour="red")
    assert "'operation'" in refused(operation="Nope", latency_ms=1)
    assert "'operation'" in refused(operation=7, latency_ms=1)
    assert "'region'" in refused(operation="*", latency_ms=1, region="eu-west-9")
    assert "'account_id'" in refused(operation="*", latency_ms=1, account_id="12345678901")
    assert "'phone_number'" in refused(operation="*", latency_ms=1, phone_number="+0123")
    assert "at least one" in refused(operation="*")
    with pytest.raises(InvalidParameter, match="JSON object"):
        parse_rule([], CATALOG, REGIONS)


def test_a_rule_document_round_trips() -> None:
    document = {
        "operation": "ClaimPhoneNumber",
        "account_id": "000000000000",
        "region": "us-east-1",
        "phone_number": "+12065550100",
        "error": {"code": "ThrottlingException", "status": 429, "message": "slow down"},
        "latency_ms": 10,
        "count": 3,
        "probability": 0.25,
        "seed": 0,
    }
    spec = parse_rule(document, CATALOG, REGIONS)
    assert spec.to_document() == document
    assert parse_rule(spec.to_document(), CATALOG, REGIONS) == spec
    assert FaultRule("r", spec, 1, 2).to_document() == {
        **document,
        "id": "r",
        "hits": 1,
        "remaining": 2,
    }


def test_matching_follows_operation_account_and_region_in_the_order_added() -> None:
    rules = [
        FaultRule("a", FaultSpec("ListInstances", latency_ms=1)),
        FaultRule("b", FaultSpec("*", account_id="111111111111", latency_ms=1)),
        FaultRule("c", FaultSpec("*", region="us-west-2", latency_ms=1)),
        FaultRule("d", FaultSpec("ClaimPhoneNumber", outcome="FAILED")),
        FaultRule("e", FaultSpec("*", latency_ms=1)),
    ]
    ids = lambda *request: [r.id for r in in_scope(rules, *request)]  # noqa: E731
    assert ids("ListInstances", "000000000000", "us-east-1") == ["a", "e"]
    assert ids("ListInstances", "111111111111", "us-west-2") == ["a", "b", "c", "e"]
    assert ids("ClaimPhoneNumber", "000000000000", "us-east-1") == ["d", "e"]


def test_a_seeded_choice_depends_on_the_seed_and_the_position_only() -> None:
    first = [chosen(0.5, 7, n) for n in range(1, 101)]
    assert first == [chosen(0.5, 7, n) for n in range(1, 101)]
    assert first != [chosen(0.5, 8, n) for n in range(1, 101)]
    assert 30 < sum(first) < 70
    assert all(chosen(1.0, 7, n) for n in range(1, 50))
    assert not any(chosen(0.0, None, None) for _ in range(50))
    assert chosen(None, None, None)


def test_the_failure_message_names_the_rule() -> None:
    assert (
        failure_message(FaultRule("r1", FaultSpec("ClaimPhoneNumber", outcome="FAILED")))
        == "Failed by fault rule r1"
    )
