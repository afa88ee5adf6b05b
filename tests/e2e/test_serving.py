"""``connect-numbers serve`` as an operator runs it: real server processes, real clients.

The admin token given to ``serve``, the health probe that needs no token, the log of one
worker and of several (text and JSON), and the audit lines of admin changes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import boto3_client, new_instance, refused_before_whole

from connect_numbers import __version__
from processes import ServerProcess, only_in_the_sqlite_pass

SCRIPT = str(Path(sys.executable).with_name("connect-numbers"))
TOKEN = "s3cret-for-the-operators"
# <UTC time> <LEVEL> <logger> <message>
TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ \S"
)
ACCESS_FIELDS = {"request_id", "operation", "status", "error", "latency_ms", "account", "principal"}


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    only_in_the_sqlite_pass(request)  # each server brings its own SQLite file


def admin(server: ServerProcess, method: str, path: str, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.request(
        method, f"{server.endpoint}/_connect-numbers/{path}", headers=headers, timeout=10
    )


def lines_when(server: ServerProcess, ready: Callable[[list[str]], bool]) -> list[str]:
    """The server's log lines, once ``ready`` holds for them (its writes may lag a little)."""
    deadline = time.monotonic() + 15
    while True:
        lines = [line for line in server.log(tail=1 << 20).splitlines() if line.strip()]
        if ready(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    done = subprocess.run(
        [SCRIPT, "--endpoint", server.endpoint, "--admin-token", TOKEN, *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    return done


# --- the admin token and the health probe ------------------------------------------------


def test_serve_help_shows_the_admin_token_and_log_format_options() -> None:
    done = subprocess.run([SCRIPT, "serve", "--help"], capture_output=True, text=True, check=True)
    assert "--admin-token TEXT" in done.stdout
    assert "CONNECT_NUMBERS_ADMIN_TOKEN" in done.stdout
    assert "--log-format [text|json]" in done.stdout


def test_version_prints_the_package_version() -> None:
    done = subprocess.run([SCRIPT, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"connect-numbers {__version__}\n"


def test_serve_admin_token_guards_every_admin_call_but_health(tmp_path: Path) -> None:
    args = ("--admin-token", TOKEN, "--log-level", "info")
    with ServerProcess(f"sqlite:///{tmp_path / 'token.db'}", args=args) as server:
        for _ in range(20):  # a load balancer probing
            health = admin(server, "GET", "health", token=None)
            assert health.status_code == 200
            assert health.json() == {"status": "ok", "version": __version__}
        assert admin(server, "GET", "health", token="wrong").status_code == 200
        assert admin(server, "GET", "config", token=None).status_code == 401
        assert admin(server, "GET", "config", token="wrong").status_code == 403
        assert admin(server, "GET", "config").json()["cooldown_days"] == 180
        assert admin(server, "POST", "reset", token=None).status_code == 401
        lines = lines_when(server, lambda found: any("wrong token" in x for x in found))
    warnings = [line for line in lines if " WARNING " in line]
    assert len(warnings) == 3, warnings  # the refused config and reset calls; no probe
    assert not [line for line in warnings if "health" in line]


def test_the_admin_token_given_before_serve_works_too(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'group.db'}")
    port = str(server.port)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    process = subprocess.Popen(
        [SCRIPT, "--admin-token", TOKEN, "serve", "--port", port, "--db", server.db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if admin(server, "GET", "health", token=None).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert admin(server, "GET", "clock", token=None).status_code == 401
        assert admin(server, "GET", "clock").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=15)


# --- one log format, in one worker and in several -----------------------------------------


def exercise(server: ServerProcess) -> None:
    """Requests that log: two Connect calls (one fails), a refused admin call."""
    connect = boto3_client(server.endpoint)
    connect.list_instances()
    with pytest.raises(ClientError):
        connect.describe_phone_number(PhoneNumberId="aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    assert admin(server, "GET", "config", token="guess").status_code == 403


@pytest.mark.parametrize("workers", [1, 2])
def test_every_worker_logs_time_level_logger_and_the_access_log(
    tmp_path: Path, workers: int
) -> None:
    args = ("--admin-token", TOKEN, "--log-level", "info")
    with ServerProcess(f"sqlite:///{tmp_path / 'log.db'}", workers=workers, args=args) as server:
        exercise(server)
        lines = lines_when(server, lambda found: sum(".access " in x for x in found) >= 2)
    assert lines and all(TEXT_LINE.match(line) for line in lines), lines
    access = [line for line in lines if " INFO connect_numbers.access " in line]
    assert len(access) == 2, lines
    assert "operation=ListInstances status=200 error=- " in access[0]
    assert (
        "operation=DescribePhoneNumber status=404 error=ResourceNotFoundException " in (access[1])
    )
    assert "account=000000000000 principal=test" in access[1]
    assert any(
        " WARNING connect_numbers.admin admin call with a wrong token: GET" in line
        for line in lines
    )
    assert any(f"serving {server.endpoint} with database sqlite:///" in line for line in lines)


def test_requests_refused_before_they_are_whole_have_their_access_line(tmp_path: Path) -> None:
    args = ("--admin-token", TOKEN, "--log-level", "info")
    with ServerProcess(f"sqlite:///{tmp_path / 'log.db'}", args=args) as server:
        padded = refused_before_whole(server.endpoint)
        lines = lines_when(server, lambda found: sum(".access " in x for x in found) >= 2)
    access = [line for line in lines if " INFO connect_numbers.access " in line]
    assert len(access) == 2, lines  # the admin API's 413 is not a Connect request
    request_id = padded.headers["x-amzn-RequestId"]
    assert f"request_id={request_id} operation=- status=431 " in access[0], access
    assert "error=RequestHeaderFieldsTooLarge " in access[0]
    assert "operation=- status=413 error=RequestEntityTooLarge " in access[1]
    assert "account=- principal=-" in access[1]


def test_json_logs_are_one_object_per_line_from_every_worker(tmp_path: Path) -> None:
    args = ("--admin-token", TOKEN, "--log-level", "info", "--log-format", "json")
    with ServerProcess(f"sqlite:///{tmp_path / 'json.db'}", workers=2, args=args) as server:
        exercise(server)
        assert admin(server, "POST", "reset").status_code == 200
        lines = lines_when(server, lambda found: any("admin POST reset" in x for x in found))
    records = [json.loads(line) for line in lines]
    for record in records:
        assert {"time", "level", "logger", "message"} <= record.keys()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])
    assert {r["logger"] for r in records} >= {
        "connect_numbers",
        "connect_numbers.access",
        "connect_numbers.admin",
        "uvicorn.error",
    }
    access = [r for r in records if r["logger"] == "connect_numbers.access"]
    assert len(access) == 2 and all(r.keys() >= ACCESS_FIELDS for r in access)
    failed = access[1]
    assert failed["operation"] == "DescribePhoneNumber"
    assert (failed["status"], failed["error"]) == (404, "ResourceNotFoundException")
    assert (failed["account"], failed["principal"]) == ("000000000000", "test")
    assert isinstance(failed["latency_ms"], float) and failed["request_id"]
    assert access[0]["error"] is None
    (reset,) = [r for r in records if r.get("action") == "POST reset"]
    assert reset["by"].startswith("127.0.0.1:") and reset["auth"] == "token"
    assert reset["status"] == 200 and reset["level"] == "INFO"


# --- admin changes, with who made them ----------------------------------------------------


def test_every_admin_change_is_logged_with_who_made_it(tmp_path: Path) -> None:
    args = ("--admin-token", TOKEN, "--log-level", "info")
    csv = tmp_path / "numbers.csv"
    csv.write_text("+12065550142,US,DID\n")
    with ServerProcess(f"sqlite:///{tmp_path / 'audit.db'}", args=args) as server:
        cli(server, "reset", "--yes")
        cli(server, "clock", "advance", "1d")
        cli(server, "config", "set", "cooldown_days=30")
        cli(server, "quotas", "set", "000000000000", "us-east-1", "7")
        cli(server, "accounts", "create", "111111111111")
        key = json.loads(cli(server, "accounts", "keys", "create", "111111111111", "al").stdout)
        cli(server, "accounts", "keys", "revoke", "111111111111", key["access_key_id"])
        cli(server, "inventory", "load", str(csv))
        source = json.loads(
            cli(server, "source-numbers", "add", "000000000000", "us-east-1", "+12065550199").stdout
        )
        cli(server, "source-numbers", "remove", source["id"])
        release_a_number(server, "+12065550142")
        cli(server, "numbers", "restore", "+12065550142")
        lines = lines_when(server, lambda found: any("/restore" in x for x in found))
    audit = [line for line in lines if " INFO connect_numbers.admin admin " in line]
    expected = [
        "POST reset",
        "POST clock",
        "PUT config",
        "PUT quotas/000000000000/us-east-1",
        "POST accounts",
        "POST accounts/111111111111/keys",
        f"DELETE accounts/111111111111/keys/{key['access_key_id']}",
        "POST inventory",
        "POST source-numbers",
        f"DELETE source-numbers/{source['id']}",
        "POST numbers/%2B12065550142/restore",
    ]
    assert [
        re.sub(r" by .*", "", line.split("connect_numbers.admin admin ")[1]) for line in audit
    ] == expected
    assert all(re.search(r" by 127\.0\.0\.1:\d+ auth=token status=200 ", x) for x in audit)
    assert '"cooldown_days": 30' in audit[2] and '"advance_seconds": 86400' in audit[1]
    assert '"added": 1' in audit[7]
    assert key["secret_access_key"] not in "\n".join(lines)
    assert TOKEN not in "\n".join(lines)


def test_a_refused_admin_change_is_logged_with_its_status(tmp_path: Path) -> None:
    with ServerProcess(f"sqlite:///{tmp_path / 'refused.db'}", args=("--log-level", "info")) as s:
        answer = httpx.put(f"{s.endpoint}/_connect-numbers/config", json={"cooldown_days": -1})
        assert answer.status_code == 400
        lines = lines_when(s, lambda found: any("admin PUT config" in x for x in found))
    (line,) = [x for x in lines if "admin PUT config" in x]
    assert re.search(r" by 127\.0\.0\.1:\d+ auth=none status=400 ", line)
    assert '"code": "InvalidParameter"' in line


def release_a_number(server: ServerProcess, number: str) -> None:
    connect = boto3_client(server.endpoint)
    instance = new_instance(connect, "audited")
    claimed = connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=number)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
