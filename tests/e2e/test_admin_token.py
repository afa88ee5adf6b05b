"""The admin token, and the local ``test`` key that exists only on a loopback-only server."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import boto3_client

from connect_numbers.entrypoints.server import ServerSettings, StartupError, build_app
from connect_numbers.service import admin as admin_service
from connect_numbers.testing.server import RunningServer, free_port

TOKEN = "correct-horse-battery-staple"
PREFIX = "/_connect-numbers/"
SCRIPT = str(Path(sys.executable).with_name("connect-numbers"))

# (method, path, body): calls that answer 200 with the right token (health needs none)
ROUTES = [
    ("GET", "config", None),
    ("PUT", "config", {"cooldown_days": 30}),
    ("GET", "clock", None),
    ("POST", "clock", {"advance_seconds": 60}),
    ("POST", "accounts", {"account_id": "111111111111"}),
    ("GET", "accounts", None),
    ("GET", "accounts/000000000000/keys", None),
    ("POST", "accounts/000000000000/keys", {"principal": "alice"}),
    ("GET", "quotas/000000000000/us-east-1", None),
    ("GET", "numbers/%2B12065550100/history", None),
    ("GET", "faults", None),
    ("DELETE", "faults", None),
    ("GET", "metrics", None),
    ("POST", "reset", {}),
]


def call(endpoint: str, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.request(
        method, f"{endpoint}{PREFIX}{path}", json=body, headers=headers, timeout=10
    )


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("guarded")
    with RunningServer(f"sqlite:///{folder / 'guarded.db'}", admin_token=TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def exposed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str]]:
    """A server bound to 0.0.0.0 (with a token, as it must), reached through 127.0.0.1."""
    folder = tmp_path_factory.mktemp("exposed")
    server = RunningServer(f"sqlite:///{folder / 'exposed.db'}", admin_token=TOKEN, host="0.0.0.0")
    with server:
        yield server, f"http://127.0.0.1:{server.settings.port}"


def route_id(route: tuple[str, str, Any]) -> str:
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_without_the_token_an_admin_call_is_401(guarded: RunningServer, route: Any) -> None:
    response = call(guarded.endpoint, *route)
    assert response.status_code == 401
    assert response.json() == {
        "code": "Unauthorized",
        "message": "This admin API requires a bearer token",
    }


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
@pytest.mark.parametrize(
    "given",
    [
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        TOKEN,
        f"Basic {TOKEN}",
        f"Bearer {TOKEN.upper()}",
    ],
)
def test_with_a_wrong_token_an_admin_call_is_403(
    guarded: RunningServer, route: Any, given: str
) -> None:
    response = call(guarded.endpoint, *route, Authorization=given)
    assert response.status_code == 403
    assert response.json()["code"] == "Forbidden"


@pytest.mark.parametrize("route", [("GET", "health", None), *ROUTES], ids=route_id)
def test_with_the_right_token_an_admin_call_is_200(guarded: RunningServer, route: Any) -> None:
    response = call(guarded.endpoint, *route, Authorization=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.text


def test_an_unknown_admin_path_needs_the_token_before_it_is_a_404(guarded: RunningServer) -> None:
    assert call(guarded.endpoint, "GET", "no-such-call").status_code == 401
    found = call(guarded.endpoint, "GET", "no-such-call", Authorization=f"Bearer {TOKEN}")
    assert found.status_code == 404


def test_refused_admin_calls_change_nothing(guarded: RunningServer) -> None:
    guarded.call_admin("POST", "reset", {})
    endpoint = guarded.endpoint
    call(endpoint, "POST", "accounts", {"account_id": "222222222222"})
    call(endpoint, "PUT", "config", {"cooldown_days": 1}, Authorization="Bearer nope")
    call(endpoint, "POST", "accounts/000000000000/keys", {"principal": "mallory"})
    call(endpoint, "POST", "clock", {"advance_seconds": 999})
    assert guarded.call_admin("GET", "accounts") == {"accounts": ["000000000000"]}
    assert guarded.call_admin("GET", "config")["cooldown_days"] == 180
    assert guarded.call_admin("GET", "accounts/000000000000/keys") == {"keys": []}
    assert guarded.call_admin("GET", "clock")["offset_seconds"] == 0


def test_refused_admin_calls_are_logged_without_the_tokens(
    guarded: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="connect_numbers")
    call(guarded.endpoint, "POST", "reset", {})
    call(guarded.endpoint, "GET", "config", Authorization="Bearer guessed-secret")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "admin call without a token: POST /_connect-numbers/reset" in warnings
    assert "admin call with a wrong token: GET /_connect-numbers/config" in warnings
    assert "guessed-secret" not in caplog.text
    assert TOKEN not in caplog.text


def test_an_unexpected_admin_failure_is_a_json_500_without_a_traceback(
    connect_numbers: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(services: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(admin_service, "read_config", broken)
    response = call(connect_numbers.endpoint, "GET", "config")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"] == "InternalError"
    assert "Traceback" not in response.text
    assert "on fire" not in response.text
    assert "the disk is on fire" in caplog.text  # the log has the details


# --- the local test key and loopback ------------------------------------------------------


def test_the_test_key_works_on_loopback(connect: Any) -> None:
    assert connect.list_instances()["InstanceSummaryList"] == []


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "my-host.example"])
def test_beyond_loopback_without_an_admin_token_the_server_refuses_to_start(host: str) -> None:
    settings = ServerSettings(host=host, db="sqlite://")
    with pytest.raises(StartupError) as raised:
        settings.check()
    assert f"Refusing to listen on {host} without an admin token" in str(raised.value)
    with pytest.raises(StartupError):
        build_app(settings)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_on_loopback_no_admin_token_is_needed(host: str) -> None:
    ServerSettings(host=host).check()


def test_the_cli_refuses_to_serve_beyond_loopback_without_a_token() -> None:
    done = subprocess.run(
        [SCRIPT, "serve", "--host", "0.0.0.0", "--port", str(free_port()), "--db", "sqlite://"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode != 0
    assert "without an admin token" in done.stderr
    assert "Traceback" not in done.stderr


def test_beyond_loopback_the_test_key_is_unrecognized(
    exposed: tuple[RunningServer, str], connect_numbers: Any
) -> None:
    _, endpoint = exposed
    client = boto3_client(endpoint)
    with pytest.raises(ClientError) as raised:
        client.list_instances()
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "UnrecognizedClientException"


def test_beyond_loopback_an_issued_key_works_and_the_admin_api_needs_the_token(
    exposed: tuple[RunningServer, str],
) -> None:
    _, endpoint = exposed
    assert call(endpoint, "GET", "health").status_code == 200  # a load balancer's probe
    assert call(endpoint, "GET", "config").status_code == 401
    issued = call(
        endpoint,
        "POST",
        "accounts/000000000000/keys",
        {"principal": "ops"},
        Authorization=f"Bearer {TOKEN}",
    ).json()
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "connect",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=issued["access_key_id"],
        aws_secret_access_key=issued["secret_access_key"],
        config=Config(retries={"max_attempts": 1}),
    )
    assert client.list_instances()["InstanceSummaryList"] == []
