"""Fault rules: a test says which calls fail and how; SDKs see exactly the real errors."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import available, describe, new_instance

ADMIN = "/_connect-numbers/faults"


def claim(connect: Any, instance: dict[str, Any], number: str) -> dict[str, Any]:
    claimed: dict[str, Any] = connect.claim_phone_number(
        TargetArn=instance["Arn"], PhoneNumber=number, ClientToken=str(uuid.uuid4())
    )
    return claimed


def add(connect_numbers: Any, rule: Any) -> httpx.Response:
    return httpx.post(f"{connect_numbers.endpoint}{ADMIN}", json=rule, timeout=10)


def test_two_injected_throttles_are_retried_away_by_standard_retries(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    instance = new_instance(connect, "retries")
    (number,) = available(connect, instance)
    patient = connect_numbers.client(retries={"mode": "standard"})  # 3 attempts in all
    with connect_numbers.fault("ClaimPhoneNumber", error="ThrottlingException", count=2) as rule:
        claimed = claim(patient, instance, number)
        assert claimed["ResponseMetadata"]["RetryAttempts"] == 2
        (listed,) = connect_numbers.faults()
    assert listed == {**rule, "hits": 2, "remaining": 0}
    assert describe(connect, claimed["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "CLAIMED"
    assert connect_numbers.faults() == []  # removed when the block ended


def test_without_retries_the_injected_throttle_is_the_callers_error(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    instance = new_instance(connect, "no-retries")
    (number,) = available(connect, instance)
    with connect_numbers.fault("ClaimPhoneNumber", error="ThrottlingException", count=2):
        # botocore's max_attempts counts retries: one retry, throttled too
        impatient = connect_numbers.client(retries={"mode": "standard", "max_attempts": 1})
        with pytest.raises(ClientError) as raised:
            claim(impatient, instance, number)
    error = raised.value.response
    assert error["Error"]["Code"] == "ThrottlingException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["ResponseMetadata"]["RetryAttempts"] == 1
    with connect_numbers.fault("ClaimPhoneNumber", error="ThrottlingException", count=1):
        single = connect_numbers.client(retries={"mode": "adaptive", "total_max_attempts": 1})
        with pytest.raises(ClientError, match="ThrottlingException"):
            claim(single, instance, number)
    assert (
        connect.list_phone_numbers_v2(TargetArn=instance["Arn"])["ListPhoneNumbersSummaryList"]
        == []
    )


def test_an_injected_throttle_is_the_real_throttle_on_the_wire(
    connect_numbers: Any, raw: Any
) -> None:
    connect_numbers.config(throttling={"enabled": True, "rate": 1, "burst": 1})
    real = [raw("GET", "/instance") for _ in range(2)][1]
    connect_numbers.config(throttling={"enabled": False})
    with connect_numbers.fault("ListInstances", error="ThrottlingException", count=1):
        injected = raw("GET", "/instance")
    assert (real.status_code, injected.status_code) == (429, 429)
    for name in ("x-amzn-ErrorType", "Content-Type"):
        assert injected.headers[name] == real.headers[name]
    assert "retry-after" not in real.headers and "retry-after" not in injected.headers
    assert injected.json() == real.json() == {"Message": "Rate exceeded"}
    assert injected.headers["x-amzn-RequestId"] != real.headers["x-amzn-RequestId"]


def test_an_injected_internal_error_carries_the_request_id_and_changes_nothing(
    connect_numbers: Any, raw: Any
) -> None:
    connect = connect_numbers.client()
    instance = new_instance(connect, "internal")
    (number,) = available(connect, instance)
    body = json.dumps({"TargetArn": instance["Arn"], "PhoneNumber": number})
    with connect_numbers.fault("ClaimPhoneNumber", error={"code": "InternalServiceException"}):
        answer = raw("POST", "/phone-number/claim", body)
    assert answer.status_code == 500
    assert answer.headers["x-amzn-ErrorType"] == "InternalServiceException"
    request_id = answer.headers["x-amzn-RequestId"]
    assert answer.json() == {"Message": f"Request processing failed (request id {request_id})"}
    assert (
        connect.list_phone_numbers_v2(TargetArn=instance["Arn"])["ListPhoneNumbersSummaryList"]
        == []
    )


def test_a_modeled_error_with_a_message_and_a_503_from_the_front_door(
    connect_numbers: Any, raw: Any
) -> None:
    rule = {"code": "InvalidRequestException", "message": "Not today"}
    with connect_numbers.fault("ListInstances", error=rule):
        denied = raw("GET", "/instance")
    assert (denied.status_code, denied.headers["x-amzn-ErrorType"]) == (
        400,
        "InvalidRequestException",
    )
    assert denied.json() == {"Message": "Not today"}
    with connect_numbers.fault("*", error="ServiceUnavailableException", count=1):
        unavailable = raw("GET", "/instance")
    assert unavailable.status_code == 503
    assert unavailable.headers["x-amzn-ErrorType"] == "ServiceUnavailableException"
    assert unavailable.json() == {"message": "Service Unavailable"}
    assert raw("GET", "/instance").status_code == 200


def test_an_outcome_rule_settles_the_claim_failed_with_its_history(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    instance = new_instance(connect, "outcome")
    first, second = available(connect, instance, 2)
    connect_numbers.config(settle_seconds=5)
    connect_numbers.freeze()
    document = {"outcome": "FAILED", "count": 1, "error": None}
    with connect_numbers.fault("ClaimPhoneNumber", **document) as rule:
        failed = claim(connect, instance, first)
        fine = claim(connect, instance, second)
    assert (
        describe(connect, failed["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    )
    connect_numbers.advance(5)
    status = describe(connect, failed["PhoneNumberId"])["PhoneNumberStatus"]
    assert status == {"Status": "FAILED", "Message": f"Failed by fault rule {rule['id']}"}
    assert describe(connect, fine["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "CLAIMED"
    events = connect_numbers.admin("GET", f"numbers/{first}/history")["events"]
    assert [e["event"] for e in events] == ["CLAIM", "FAIL"]
    assert events[0]["fault_id"] == rule["id"]
    assert events[1]["message"] == f"Failed by fault rule {rule['id']}"


def test_an_outcome_rule_fails_a_move_which_leaves_the_number_where_it_was(
    connect_numbers: Any,
) -> None:
    connect = connect_numbers.client()
    home, other = new_instance(connect, "home"), new_instance(connect, "other")
    (number,) = available(connect, home)
    claimed = claim(connect, home, number)
    with connect_numbers.fault("UpdatePhoneNumber", outcome="FAILED", count=1):
        connect.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], TargetArn=other["Arn"])
    found = describe(connect, claimed["PhoneNumberId"])
    assert found["TargetArn"] == home["Arn"]
    assert found["PhoneNumberStatus"]["Status"] == "FAILED"


def test_latency_delays_the_answer_and_combines_with_an_error(
    connect_numbers: Any, raw: Any
) -> None:
    with connect_numbers.fault("ListInstances", latency_ms=300, count=1):
        started = time.monotonic()
        assert raw("GET", "/instance").status_code == 200
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        assert raw("GET", "/instance").status_code == 200
        assert time.monotonic() - started < 0.3
    rule = {"latency_ms": 200, "error": "ThrottlingException", "count": 1}
    with connect_numbers.fault("ListInstances", **rule):
        started = time.monotonic()
        assert raw("GET", "/instance").status_code == 429
        assert time.monotonic() - started >= 0.2


def test_a_rule_holds_only_for_its_account_region_and_phone_number(
    connect_numbers: Any, raw: Any
) -> None:
    connect = connect_numbers.client()
    instance = new_instance(connect, "scoped")
    first, second = available(connect, instance, 2)
    with connect_numbers.fault(
        "ClaimPhoneNumber", error="ThrottlingException", phone_number=second
    ):
        claim(connect, instance, first)
        with pytest.raises(ClientError, match="ThrottlingException"):
            claim(connect, instance, second)
    claimed = claim(connect, instance, second)
    with connect_numbers.fault(
        "DescribePhoneNumber", error="ThrottlingException", phone_number=second
    ):
        with pytest.raises(ClientError, match="ThrottlingException"):
            describe(connect, claimed["PhoneNumberId"])
        with pytest.raises(ClientError, match="ThrottlingException"):
            describe(connect, claimed["PhoneNumberArn"])
    with connect_numbers.fault("*", error="ThrottlingException", region="us-west-2"):
        assert raw("GET", "/instance").status_code == 200
        assert raw("GET", "/instance", region="us-west-2").status_code == 429
    with connect_numbers.fault("*", error="ThrottlingException", account_id="111111111111"):
        assert raw("GET", "/instance").status_code == 200


def test_a_seeded_probability_hits_the_same_requests_every_run(
    connect_numbers: Any, raw: Any
) -> None:
    runs = []
    for _ in range(2):
        with connect_numbers.fault(
            "ListInstances", error="ThrottlingException", probability=0.5, seed=7
        ):
            runs.append([raw("GET", "/instance").status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert 0 < runs[0].count(429) < 20
    with connect_numbers.fault("ListInstances", error="ThrottlingException", probability=0):
        assert raw("GET", "/instance").status_code == 200


def test_rules_are_listed_removed_one_by_one_cleared_and_reset(connect_numbers: Any) -> None:
    first = add(connect_numbers, {"operation": "ListInstances", "latency_ms": 1})
    assert first.status_code == 201
    created = first.json()
    assert created == {
        "operation": "ListInstances",
        "latency_ms": 1,
        "id": created["id"],
        "hits": 0,
        "remaining": None,
    }
    add(
        connect_numbers,
        {"operation": "*", "error": {"code": "ThrottlingException", "status": 429}, "count": 3},
    )
    listed = connect_numbers.faults()
    assert [rule["id"] for rule in listed] == [created["id"], listed[1]["id"]]
    assert listed[1]["error"] == {"code": "ThrottlingException", "status": 429}
    assert listed[1]["remaining"] == 3
    gone = httpx.delete(f"{connect_numbers.endpoint}{ADMIN}/{created['id']}", timeout=10)
    assert gone.status_code == 200
    again = httpx.delete(f"{connect_numbers.endpoint}{ADMIN}/{created['id']}", timeout=10)
    assert again.status_code == 404
    assert len(connect_numbers.faults()) == 1
    cleared = httpx.delete(f"{connect_numbers.endpoint}{ADMIN}", timeout=10)
    assert cleared.json() == {"removed": 1}
    add(connect_numbers, {"operation": "*", "latency_ms": 5})
    connect_numbers.reset()
    assert connect_numbers.faults() == []


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"operation": "StealPhoneNumber", "latency_ms": 1}, "'operation'"),
        ({"latency_ms": 1}, "'operation'"),
        ({"operation": "ClaimPhoneNumber", "error": "ResourceInUseException"}, "'error.code'"),
        ({"operation": "ClaimPhoneNumber", "error": "NoSuchCode"}, "'error.code'"),
        ({"operation": "*", "error": "ResourceNotFoundException"}, "'error.code'"),
        (
            {
                "operation": "ClaimPhoneNumber",
                "error": {"code": "ThrottlingException", "status": 500},
            },
            "'error.status'",
        ),
        (
            {"operation": "ClaimPhoneNumber", "error": {"code": "ThrottlingException", "why": 1}},
            "'error.why'",
        ),
        ({"operation": "ClaimPhoneNumber", "error": 429}, "'error'"),
        ({"operation": "*", "latency_ms": 1, "probability": 1.5}, "'probability'"),
        ({"operation": "*", "latency_ms": 1, "probability": -0.1}, "'probability'"),
        ({"operation": "*", "latency_ms": 1, "probability": "half"}, "'probability'"),
        ({"operation": "*", "latency_ms": 60_001}, "'latency_ms'"),
        ({"operation": "*", "latency_ms": -1}, "'latency_ms'"),
        ({"operation": "*", "latency_ms": 1, "count": 0}, "'count'"),
        ({"operation": "*", "latency_ms": 1, "count": 1.5}, "'count'"),
        ({"operation": "*", "latency_ms": 1, "seed": "x"}, "'seed'"),
        ({"operation": "*", "latency_ms": 1, "colour": "red"}, "'colour'"),
        ({"operation": "ListInstances", "outcome": "FAILED"}, "'outcome'"),
        ({"operation": "ClaimPhoneNumber", "outcome": "SUCCEEDED"}, "'outcome'"),
        ({"operation": "*", "latency_ms": 1, "region": "mars-1"}, "'region'"),
        ({"operation": "*", "latency_ms": 1, "account_id": "42"}, "'account_id'"),
        ({"operation": "*", "latency_ms": 1, "phone_number": "555"}, "'phone_number'"),
        ({"operation": "ClaimPhoneNumber"}, "at least one"),
    ],
)
def test_a_malformed_rule_is_refused_naming_the_field_and_nothing_is_stored(
    connect_numbers: Any, rule: dict[str, Any], field: str
) -> None:
    answer = add(connect_numbers, rule)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "InvalidParameter"
    assert field in answer.json()["message"]
    assert connect_numbers.faults() == []


def test_a_rule_that_is_not_an_object_is_refused(connect_numbers: Any) -> None:
    for body in (b"[1]", b"not json"):
        answer = httpx.post(f"{connect_numbers.endpoint}{ADMIN}", content=body, timeout=10)
        assert answer.status_code == 400
    assert connect_numbers.faults() == []


def test_an_import_of_the_named_source_number_settles_failed(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    desk = new_instance(connect, "imports")
    arns = []
    for e164 in ("+12062345600", "+12062345601"):
        body = {"account_id": "000000000000", "region": "us-east-1", "phone_number": e164}
        arns.append(connect_numbers.admin("POST", "source-numbers", body)["arn"])
    rule = {"outcome": "FAILED", "phone_number": "+12062345601"}
    with connect_numbers.fault("ImportPhoneNumber", **rule) as created:
        kept, failed = (
            connect.import_phone_number(InstanceId=desk["Id"], SourcePhoneNumberArn=arn)
            for arn in arns
        )
    assert describe(connect, kept["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "CLAIMED"
    status = describe(connect, failed["PhoneNumberId"])["PhoneNumberStatus"]
    assert status == {"Status": "FAILED", "Message": f"Failed by fault rule {created['id']}"}
    events = connect_numbers.admin("GET", "numbers/+12062345601/history")["events"]
    assert [e["event"] for e in events] == ["IMPORT", "FAIL"]
