"""The scenarios: what each one sends, and how it is run and measured."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .churn import Tenant, run_churn
from .fixtures import Fixture
from .processes import ServerProcess, busy_seconds
from .report import ScenarioResult, brief
from .signing import SignedRequest, botocore_signed
from .wrk import probe, run_wrk

__all__ = ["ALL", "NEEDS_NUMBERS", "Settings", "run_churn_scenario", "run_wrk_scenario"]

WRK_SCENARIOS = (
    "trivial",
    "describe_instance",
    "describe_phone_number",
    "list_phone_numbers_v2",
    "search_available",
)
ALL = (*WRK_SCENARIOS, "claim_release", "claim_release_postgresql")
NEEDS_NUMBERS = {"describe_phone_number", "list_phone_numbers_v2"}
_PLACEHOLDER_IDS = ["6f0c5a8e-0000-4000-8000-000000000000"]


@dataclass(frozen=True, slots=True)
class Settings:
    seconds: int
    warmup: int
    connections: int
    threads: int


def build_requests(name: str, base_url: str, fixture: Fixture) -> list[SignedRequest]:
    """The request table of a wrk scenario, signed now by botocore."""
    if name in NEEDS_NUMBERS and fixture.numbers_error:
        raise RuntimeError(fixture.numbers_error)
    if name in ("trivial", "describe_phone_number"):
        ids = fixture.phone_number_ids or _PLACEHOLDER_IDS
        return [botocore_signed(base_url, "GET", f"/phone-number/{i}") for i in ids]
    if not fixture.instance_id:
        raise RuntimeError("no bench instance (setup failed)")
    if name == "describe_instance":
        return [botocore_signed(base_url, "GET", f"/instance/{fixture.instance_id}")]
    if name == "list_phone_numbers_v2":
        body = {"TargetArn": fixture.instance_arn, "MaxResults": 100}
        return [botocore_signed(base_url, "POST", "/phone-number/list", body)]
    if name == "search_available":
        body = {
            "TargetArn": fixture.instance_arn,
            "PhoneNumberCountryCode": "US",
            "PhoneNumberType": "DID",
            "MaxResults": 10,
        }
        return [botocore_signed(base_url, "POST", "/phone-number/search-available", body)]
    raise ValueError(f"unknown wrk scenario {name!r}")


def run_wrk_scenario(
    name: str,
    target: ServerProcess,
    fixture: Fixture,
    wrk: str | None,
    settings: Settings,
    label: str,
) -> ScenarioResult:
    """Probe once, warm up, then measure; every failure ends up in the result."""
    result = ScenarioResult(name=name, target=label)
    try:
        if wrk is None:
            raise RuntimeError("wrk is not available")
        requests = build_requests(name, target.url, fixture)
        failure = probe("127.0.0.1", target.port, requests[0])
        if failure:
            raise RuntimeError(f"probe failed: {failure}")
        if settings.warmup:
            run_wrk(wrk, target.url, requests, settings.warmup, settings.connections, 1)
        cpu_before, busy_before = target.cpu_seconds(), busy_seconds()
        run = run_wrk(
            wrk, target.url, requests, settings.seconds, settings.connections, settings.threads
        )
        server_cpu = target.cpu_seconds() - cpu_before
        busy = busy_seconds() - busy_before
    except Exception as error:
        result.error = brief(error)
        return result
    result.rps, result.p50_ms, result.p99_ms = run.rps, run.p50_ms, run.p99_ms
    result.requests, result.errors, result.seconds = run.requests, run.errors, run.seconds
    result.client_cpu = run.client_cpu_seconds / run.wall_seconds
    result.server_cpu = server_cpu / run.wall_seconds
    result.server_us = server_cpu * 1e6 / run.requests if run.requests else None
    result.other_cpu = max(0.0, busy - server_cpu - run.client_cpu_seconds) / run.wall_seconds
    result.extra = {
        "p90_ms": run.p90_ms,
        "max_ms": run.max_ms,
        "non_2xx": run.non_2xx,
        "socket_errors": run.socket_errors,
        "distinct_requests": len(requests),
        "client": f"wrk -t{settings.threads} -c{settings.connections}",
    }
    result.ok = run.errors == 0
    if run.errors:
        example = probe("127.0.0.1", target.port, build_requests(name, target.url, fixture)[0])
        result.error = f"{run.non_2xx} non-2xx responses, {run.socket_errors} socket errors" + (
            f"; e.g. {example}" if example else ""
        )
    return result


def run_churn_scenario(
    name: str,
    target: ServerProcess,
    fixture: Fixture,
    settings: Settings,
    label: str,
    tenants: list[Tenant] | None = None,
) -> ScenarioResult:
    result = ScenarioResult(name=name, target=label)
    try:
        if not fixture.instance_arn:
            raise RuntimeError("no bench instance (setup failed)")
        address = urlsplit(target.url)
        assert address.hostname is not None and address.port is not None
        cpu_before, busy_before = target.cpu_seconds(), busy_seconds()
        started = time.monotonic()
        churn = run_churn(
            address.hostname,
            address.port,
            fixture.instance_arn,
            settings.seconds,
            settings.connections,
            tenants,
        )
        wall = time.monotonic() - started
        server_cpu = target.cpu_seconds() - cpu_before
        busy = busy_seconds() - busy_before
    except Exception as error:
        result.error = brief(error)
        return result
    seconds = churn.seconds or 1.0
    result.rps = churn.requests / seconds
    result.p50_ms, result.p99_ms = churn.percentile(50), churn.percentile(99)
    result.requests, result.errors, result.seconds = churn.requests, churn.error_count, seconds
    result.client_cpu = churn.client_cpu_seconds / seconds
    result.server_cpu = server_cpu / wall
    result.server_us = server_cpu * 1e6 / churn.requests if churn.requests else None
    result.other_cpu = max(0.0, busy - server_cpu - churn.client_cpu_seconds) / wall
    cycles_per_s = churn.cycles / seconds
    result.extra = {
        "cycles": churn.cycles,
        "cycles_per_s": cycles_per_s,
        "note": f"{cycles_per_s:,.0f} cycles/s",
        "client": f"bench asyncio client, {settings.connections} connections, FastSigner",
        **{
            f"{op}_p{q}_ms": churn.percentile(q, op)
            for op in ("search", "claim", "release")
            for q in (50, 99)
        },
        "requests_by_op": {op: len(v) for op, v in churn.latencies_ms.items()},
        "error_kinds": dict(churn.errors.most_common(5)),
    }
    result.ok = churn.error_count == 0 and churn.cycles > 0
    if churn.errors:
        result.error = "; ".join(f"{n}x {k}" for k, n in churn.errors.most_common(3))
    elif not churn.cycles:
        result.error = "no cycle completed"
    return result
