"""State the scenarios need, made through the admin API and boto3 before any timing."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from .churn import Tenant
from .signing import ACCESS_KEY, REGION, SECRET_KEY

__all__ = [
    "ACCOUNT",
    "Fixture",
    "admin",
    "prepare_instance",
    "prepare_numbers",
    "prepare_tenants",
]

ACCOUNT = "000000000000"  # the account of the local test/test key
ADMIN = "/_connect-numbers/"

# The churn loop must never be stopped by the churn rule; the quota must hold the
# claimed numbers. Cooldown stays at its default: the synthetic space is large.
BENCH_CONFIG: dict[str, Any] = {"settle_seconds": 0, "churn_percent": 1e9, "cooldown_days": 180}
BENCH_QUOTA = 100_000


@dataclass
class Fixture:
    instance_id: str = ""
    instance_arn: str = ""
    phone_number_ids: list[str] = field(default_factory=list)
    numbers_error: str | None = None


def admin(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the admin API; raises RuntimeError with the answer on a non-2xx status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base_url + ADMIN + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        detail = error.read()[:500].decode(errors="replace")
        raise RuntimeError(f"admin {method} {path} -> {error.code}: {detail}") from None


def client(base_url: str, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "connect",
        endpoint_url=base_url,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=30),
    )


def prepare_instance(base_url: str) -> Fixture:
    """Reset the server, lift the quota and churn limit, create one ACTIVE instance."""
    admin(base_url, "POST", "reset", {})
    admin(
        base_url, "PUT", f"quotas/{ACCOUNT}/{REGION}", {"phone_numbers_per_instance": BENCH_QUOTA}
    )
    admin(base_url, "PUT", "config", BENCH_CONFIG)
    created = _active_instance(client(base_url), "bench")
    return Fixture(instance_id=created["Id"], instance_arn=created["Arn"])


def prepare_tenants(base_url: str, count: int) -> list[Tenant]:
    """``count`` more accounts (after :func:`prepare_instance`), each with a key, the
    bench quota and an ACTIVE instance: independent customers of one server."""
    tenants: list[Tenant] = []
    for i in range(count):
        account = f"{100_000_000_000 + i}"
        admin(base_url, "POST", "accounts", {"account_id": account})
        quota = {"phone_numbers_per_instance": BENCH_QUOTA}
        admin(base_url, "PUT", f"quotas/{account}/{REGION}", quota)
        key = admin(base_url, "POST", f"accounts/{account}/keys", {"principal": "bench"})
        access, secret = key["access_key_id"], key["secret_access_key"]
        created = _active_instance(client(base_url, access, secret), f"bench-{i}")
        tenants.append(Tenant(access, secret, created["Arn"]))
    return tenants


def _active_instance(connect: Any, alias: str) -> Any:
    created = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=alias,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )
    deadline = time.monotonic() + 30
    while (
        connect.describe_instance(InstanceId=created["Id"])["Instance"].get("InstanceStatus")
        != "ACTIVE"
    ):
        if time.monotonic() > deadline:
            raise RuntimeError("the bench instance did not become ACTIVE within 30 s")
        time.sleep(0.1)
    return created


def prepare_numbers(base_url: str, fixture: Fixture, count: int = 100) -> None:
    """Claim ``count`` US DID numbers to the instance; records the failure, never raises."""
    connect = client(base_url)
    try:
        for _ in range(count):  # bounded: at most one search per claim
            if len(fixture.phone_number_ids) >= count:
                break
            found = connect.search_available_phone_numbers(
                TargetArn=fixture.instance_arn,
                PhoneNumberCountryCode="US",
                PhoneNumberType="DID",
                MaxResults=10,
            )["AvailableNumbersList"]
            if not found:
                raise RuntimeError("SearchAvailablePhoneNumbers found no US DID number")
            for entry in found[: count - len(fixture.phone_number_ids)]:
                claimed = connect.claim_phone_number(
                    TargetArn=fixture.instance_arn, PhoneNumber=entry["PhoneNumber"]
                )
                fixture.phone_number_ids.append(claimed["PhoneNumberId"])
        if len(fixture.phone_number_ids) < count:
            raise RuntimeError(f"claimed only {len(fixture.phone_number_ids)} of {count}")
    except Exception as error:
        fixture.numbers_error = f"setup of {count} claimed numbers failed: {_brief(error)}"


def _brief(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:400]
