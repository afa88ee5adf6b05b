"""GET /_connect-numbers/metrics: the requests served and the inventory's state, for Prometheus."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import available, new_instance, refused_before_whole, set_quota
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(endpoint: str, **headers: str) -> Samples:
    answer = httpx.get(f"{endpoint}/_connect-numbers/metrics", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(answer.text)


def samples(text: str) -> Samples:
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_requests_are_counted_by_operation_and_code(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    before = scrape(connect_numbers.endpoint)
    connect.list_instances()
    connect.list_instances()
    with pytest.raises(ClientError):
        connect.describe_instance(InstanceId=str(uuid.uuid4()))
    after = scrape(connect_numbers.endpoint)

    def grew(name: str, **labels: str) -> float:
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert grew("connect_numbers_requests_total", operation="ListInstances", code="OK") == 2
    missing = {"operation": "DescribeInstance", "code": "ResourceNotFoundException"}
    assert grew("connect_numbers_requests_total", **missing) == 1
    count = "connect_numbers_request_duration_seconds_count"
    assert grew(count, operation="ListInstances") == 2
    assert (
        grew(
            "connect_numbers_request_duration_seconds_bucket", operation="ListInstances", le="+Inf"
        )
        == 2
    )


def test_injected_faults_are_counted_by_kind(connect_numbers: Any, raw: Any) -> None:
    before = scrape(connect_numbers.endpoint)
    rule = {"error": "ThrottlingException", "latency_ms": 1, "count": 2}
    with connect_numbers.fault("ListInstances", **rule):
        for _ in range(3):
            raw("GET", "/instance")
    after = scrape(connect_numbers.endpoint)
    for kind in ("error", "latency"):
        labels = {"operation": "ListInstances", "kind": kind}
        name = "connect_numbers_faults_injected_total"
        assert (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0) == 2
    throttled = {"operation": "ListInstances", "code": "ThrottlingException"}
    name = "connect_numbers_requests_total"
    assert (value(after, name, **throttled) or 0) - (value(before, name, **throttled) or 0) == 2


def test_numbers_by_status_and_the_churn_budget_are_read_from_the_database(
    connect_numbers: Any,
) -> None:
    connect = connect_numbers.client()
    set_quota(connect_numbers, 3)
    instance = new_instance(connect, "gauges")
    numbers = available(connect, instance, 4)
    ids = [
        connect.claim_phone_number(
            TargetArn=instance["Arn"], PhoneNumber=n, ClientToken=str(uuid.uuid4())
        )["PhoneNumberId"]
        for n in numbers[:3]
    ]
    connect.release_phone_number(PhoneNumberId=ids[0])
    connect_numbers.config(settle_seconds=60)
    connect_numbers.freeze()
    with connect_numbers.fault("ClaimPhoneNumber", outcome="FAILED"):
        connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=numbers[3])
    scope = {"account_id": "000000000000", "region": "us-east-1"}
    found = scrape(connect_numbers.endpoint)
    statuses = {
        status: value(found, "connect_numbers_phone_numbers", status=status, **scope)
        for status in ("claimed", "in_progress", "failed", "cooling")
    }
    assert statuses == {"claimed": 2, "in_progress": 1, "failed": None, "cooling": 1}
    assert value(found, "connect_numbers_churn_releases_in_window", **scope) == 1
    assert value(found, "connect_numbers_churn_limit", **scope) == 6  # 200 % of 3
    connect_numbers.advance(60)
    found = scrape(connect_numbers.endpoint)
    assert value(found, "connect_numbers_phone_numbers", status="failed", **scope) == 1
    assert value(found, "connect_numbers_phone_numbers", status="in_progress", **scope) is None
    connect_numbers.advance(86_400)  # the failed claim's day of grace is over
    found = scrape(connect_numbers.endpoint)
    assert value(found, "connect_numbers_phone_numbers", status="failed", **scope) is None


def test_the_library_metrics_and_the_build_info_are_there(connect_numbers: Any) -> None:
    found = scrape(connect_numbers.endpoint)
    names = {name for name, _ in found}
    assert {"process_cpu_seconds_total", "python_info", "connect_numbers_build_info"} <= names


def test_claims_refused_by_the_churn_rule_are_counted_apart(connect_numbers: Any) -> None:
    connect = connect_numbers.client()
    set_quota(connect_numbers, 1)  # 2 releases in the window refuse claims
    instance = new_instance(connect, "churn")
    numbers = available(connect, instance, 4)
    name = "connect_numbers_churn_refusals_total"
    before = value(scrape(connect_numbers.endpoint), name, operation="ClaimPhoneNumber") or 0
    for number in numbers[:2]:
        claimed = connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=number)
        with pytest.raises(ClientError, match="not available"):  # refused, not by churn
            connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=number)
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    for _ in range(2):
        with pytest.raises(ClientError, match="claim limit exceeded"):
            connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=numbers[2])
    found = scrape(connect_numbers.endpoint)
    assert (value(found, name, operation="ClaimPhoneNumber") or 0) - before == 2


def test_requests_refused_before_they_are_whole_are_counted(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    before = scrape(endpoint)
    refused_before_whole(endpoint)
    after = scrape(endpoint)

    def grew(**labels: str) -> float:
        name = "connect_numbers_requests_total"
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert grew(operation="-", code="RequestHeaderFieldsTooLarge") == 1
    assert grew(operation="-", code="RequestEntityTooLarge") == 1  # the admin API's is not
