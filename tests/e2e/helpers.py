"""Small helpers the end-to-end tests share: boto3 calls, error extraction, the CLI.

Test modules import them as a sibling module (``from helpers import ...``), as they
do ``processes``.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

__all__ = [
    "SCRIPT",
    "answer",
    "available",
    "boto3_client",
    "code_of",
    "describe",
    "error_of",
    "listed",
    "new_instance",
    "run",
    "run_on_a_terminal",
    "search",
    "set_quota",
    "tags_of",
]

SCRIPT = str(Path(sys.executable).with_name("connect-numbers"))
LOCAL_ACCOUNT = "000000000000"


# --- boto3 --------------------------------------------------------------------------------


def boto3_client(endpoint: str) -> Any:
    """A boto3 Connect client (us-east-1, local test key) on ``endpoint``, without retries."""
    return boto3.client(
        "connect",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def new_instance(connect: Any, alias: str) -> dict[str, Any]:
    """CreateInstance answer for a CONNECT_MANAGED instance with in- and outbound calls."""
    created: dict[str, Any] = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=alias,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )
    return created


def available(
    connect: Any, target: dict[str, Any], count: int = 1, country: str = "US", kind: str = "DID"
) -> list[str]:
    """``count`` numbers that SearchAvailablePhoneNumbers offers for ``target``."""
    found: list[str] = []
    kwargs: dict[str, Any] = {
        "TargetArn": target["Arn"],
        "PhoneNumberCountryCode": country,
        "PhoneNumberType": kind,
    }
    while len(found) < count:
        page = connect.search_available_phone_numbers(
            MaxResults=min(10, count - len(found)), **kwargs
        )
        found += [n["PhoneNumber"] for n in page["AvailableNumbersList"]]
        kwargs["NextToken"] = page["NextToken"]
    return found


def search(connect: Any, target: dict[str, Any], **extra: Any) -> list[str]:
    """One page of US DIDs SearchAvailablePhoneNumbers offers for ``target``."""
    page = connect.search_available_phone_numbers(
        TargetArn=target["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", **extra
    )
    return [n["PhoneNumber"] for n in page["AvailableNumbersList"]]


def describe(connect: Any, number_id: str) -> dict[str, Any]:
    """The ClaimedPhoneNumberSummary of DescribePhoneNumber."""
    summary: dict[str, Any] = connect.describe_phone_number(PhoneNumberId=number_id)[
        "ClaimedPhoneNumberSummary"
    ]
    return summary


def listed(connect: Any, **filters: Any) -> list[str]:
    """The E.164 numbers of the first page of ListPhoneNumbersV2."""
    summaries = connect.list_phone_numbers_v2(**filters)["ListPhoneNumbersSummaryList"]
    return [s["PhoneNumber"] for s in summaries]


def tags_of(connect: Any, arn: str) -> dict[str, str]:
    found: dict[str, str] = connect.list_tags_for_resource(resourceArn=arn)["tags"]
    return found


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a ClientError."""
    response = raised.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def code_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    """(HTTP status, error code) of a ClientError."""
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


# --- admin API ----------------------------------------------------------------------------


def set_quota(connect_numbers: Any, quota: int, region: str = "us-east-1") -> None:
    """Set the phone-numbers-per-instance quota of the local account in ``region``."""
    path = f"quotas/{LOCAL_ACCOUNT}/{region}"
    connect_numbers.admin("PUT", path, {"phone_numbers_per_instance": quota})


# --- command line -------------------------------------------------------------------------


def run(endpoint: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``connect-numbers --endpoint ENDPOINT ARGS...`` without CONNECT_NUMBERS_* variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    return subprocess.run(
        [SCRIPT, "--endpoint", endpoint, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )


def run_on_a_terminal(args: list[str], timeout: float = 120) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as its stdout and stderr; all it wrote."""
    controller, terminal = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    process = subprocess.Popen(
        [SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env={**environment, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


def answer(endpoint: str, *args: str) -> Any:
    """The JSON that a successful ``run(endpoint, *args)`` prints."""
    done = run(endpoint, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refused_before_whole(endpoint: str) -> httpx.Response:
    """Three requests the HTTP layer refuses before they are whole: headers over 64 KiB
    (431) and a body over 1 MiB (413) to the Connect API, and that body to the admin API
    (413); the first answer (the 431), once each status is checked."""
    padded = httpx.get(f"{endpoint}/instance", headers={"X-Padding": "p" * (64 << 10)})
    body = b"a" * ((1 << 20) + 1)
    oversized = httpx.put(f"{endpoint}/instance", content=body, timeout=10)
    admin = httpx.post(f"{endpoint}/_connect-numbers/reset", content=body, timeout=10)
    assert (padded.status_code, oversized.status_code, admin.status_code) == (431, 413, 413)
    return padded
