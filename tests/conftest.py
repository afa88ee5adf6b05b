"""Shared fixtures: a boto3 client on the plugin's server, and a SigV4-signed raw HTTP sender."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from unittest import mock

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

RawSender = Callable[..., httpx.Response]

# tests/e2e/helpers.py holds shared asserting helpers: rewrite its asserts as in a test module.
pytest.register_assert_rewrite("helpers")


def send_signed(
    endpoint: str,
    method: str,
    path: str,
    body: bytes | str | None = None,
    *,
    region: str = "us-east-1",
    access_key: str = "test",
    secret_key: str = "test",
    headers: Mapping[str, str] | None = None,
    sign: bool = True,
    signed_at: datetime | None = None,
) -> httpx.Response:
    """Send ``method path`` (path may carry a query) signed as botocore signs, over httpx.

    ``signed_at`` (naive UTC) signs as if the request had been made then.
    """
    data = body.encode() if isinstance(body, str) else (body or b"")
    request = AWSRequest(method=method, url=f"{endpoint}{path}", data=data, headers=headers)
    if sign:
        signer = SigV4Auth(Credentials(access_key, secret_key), "connect", region)
        if signed_at is None:
            signer.add_auth(request)
        else:
            with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at):
                signer.add_auth(request)
    prepared = request.prepare()
    sent: dict[str, Any] = dict(prepared.headers.items())
    with httpx.Client(timeout=10) as client:
        return client.request(method, prepared.url, content=data, headers=sent)


@pytest.fixture
def raw(connect_numbers: Any) -> RawSender:
    """``raw(method, path, body=None, **options)`` → the httpx.Response of a signed request."""

    def send(method: str, path: str, body: bytes | str | None = None, **options: Any) -> Any:
        return send_signed(connect_numbers.endpoint, method, path, body, **options)

    return send


@pytest.fixture
def connect(connect_numbers: Any) -> Any:
    """A boto3 Connect client (us-east-1, local test key) on the plugin's server."""
    return connect_numbers.client()
