"""The connect-numbers command, run as a user runs it, against a real server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from connect_numbers.testing.server import free_port

SCRIPT = str(Path(sys.executable).with_name("connect-numbers"))
COMMANDS = [
    [],
    ["serve"],
    ["clock"],
    ["clock", "show"],
    ["clock", "advance"],
    ["clock", "set"],
    ["clock", "freeze"],
    ["clock", "unfreeze"],
    ["clock", "reset"],
    ["config"],
    ["config", "show"],
    ["config", "set"],
    ["faults"],
    ["faults", "add"],
    ["faults", "list"],
    ["faults", "remove"],
    ["faults", "clear"],
    ["health"],
    ["maintenance"],
    ["reset"],
]


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}


def run(*args: str, endpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["--endpoint", endpoint] if endpoint else []
    return subprocess.run(
        [SCRIPT, *prefix, *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=_environment(),
        check=False,
    )


def answer(*args: str, endpoint: str) -> Any:
    done = run(*args, endpoint=endpoint)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_command_help_has_examples() -> None:
    processes = {
        " ".join(command): subprocess.Popen(
            [SCRIPT, *command, "--help"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
        )
        for command in COMMANDS
    }
    missing = []
    for name, process in processes.items():
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, (name, err)
        if not re.search(r"^\s*Examples?:\s*$", out, re.MULTILINE):
            missing.append(name or "(main)")
        assert "connect-numbers" in out
    assert missing == []


def test_clock_advance_181d_moves_the_clock_by_181_days(connect_numbers: Any) -> None:
    reading = answer("clock", "advance", "181d", endpoint=connect_numbers.endpoint)
    assert reading["offset_seconds"] == 181 * 86_400
    assert connect_numbers.clock()["offset_seconds"] == 181 * 86_400


def test_clock_advance_accepts_a_negative_duration(connect_numbers: Any) -> None:
    reading = answer("clock", "advance", "-12h", endpoint=connect_numbers.endpoint)
    assert reading["offset_seconds"] == -12 * 3600


def test_clock_show_prints_the_clock(connect_numbers: Any) -> None:
    connect_numbers.advance(600)
    reading = answer("clock", "show", endpoint=connect_numbers.endpoint)
    assert set(reading) == {"now", "offset_seconds", "frozen"}
    assert reading["offset_seconds"] == 600


def test_clock_freeze_and_unfreeze(connect_numbers: Any) -> None:
    assert answer("clock", "freeze", endpoint=connect_numbers.endpoint)["frozen"] is True
    assert connect_numbers.clock()["frozen"] is True
    assert answer("clock", "unfreeze", endpoint=connect_numbers.endpoint)["frozen"] is False


def test_a_bad_duration_is_refused_without_calling_the_server(connect_numbers: Any) -> None:
    done = run("clock", "advance", "six months", endpoint=connect_numbers.endpoint)
    assert done.returncode != 0
    assert "is not a duration" in done.stderr
    assert connect_numbers.clock()["offset_seconds"] == 0


def test_config_set_then_show(connect_numbers: Any) -> None:
    changed = answer("config", "set", "cooldown_days=30", endpoint=connect_numbers.endpoint)
    assert changed["cooldown_days"] == 30
    shown = answer("config", "show", endpoint=connect_numbers.endpoint)
    assert shown == changed
    assert connect_numbers.config()["cooldown_days"] == 30


def test_config_set_nested_keys(connect_numbers: Any) -> None:
    changed = answer(
        "config",
        "set",
        "throttling.enabled=true",
        "throttling.rate=3",
        endpoint=connect_numbers.endpoint,
    )
    assert changed["throttling"] == {"enabled": True, "rate": 3, "burst": 5}


def test_config_set_with_a_bad_key_says_which(connect_numbers: Any) -> None:
    done = run("config", "set", "cooldown=30", endpoint=connect_numbers.endpoint)
    assert done.returncode != 0
    assert "cooldown" in done.stderr
    assert "400" in done.stderr


def test_health(connect_numbers: Any) -> None:
    assert answer("health", endpoint=connect_numbers.endpoint)["status"] == "ok"


def test_reset_needs_confirmation_and_then_wipes(connect_numbers: Any) -> None:
    connect_numbers.advance(60)
    refused = run("reset", endpoint=connect_numbers.endpoint)
    assert refused.returncode != 0
    assert connect_numbers.clock()["offset_seconds"] == 60
    assert answer("reset", "--yes", endpoint=connect_numbers.endpoint) == {}
    assert connect_numbers.clock()["offset_seconds"] == 0


def test_a_wrong_endpoint_is_a_clear_error() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    done = run("health", endpoint=endpoint)
    assert done.returncode != 0
    assert f"Cannot reach {endpoint}" in done.stderr
    assert "Traceback" not in done.stderr


def test_serving_beyond_loopback_without_a_token_is_refused() -> None:
    done = run("serve", "--host", "0.0.0.0", "--port", str(free_port()), "--db", "sqlite://")
    assert done.returncode != 0
    assert "Refusing to listen on 0.0.0.0 without an admin token" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["yes", "1.5.2"])
def test_a_value_that_is_not_json_is_sent_as_text(connect_numbers: Any, value: str) -> None:
    done = run("config", "set", f"cooldown_days={value}", endpoint=connect_numbers.endpoint)
    assert done.returncode != 0
    assert f"not '{value}'" in done.stderr


def test_maintenance_runs_one_pass_and_prints_what_it_deleted(connect_numbers: Any) -> None:
    connect_numbers.advance(25 * 3600)
    found = answer("maintenance", "--limit", "5", endpoint=connect_numbers.endpoint)
    assert set(found) == {"tokens", "events", "releases", "ran"}
    assert found["ran"] is True
    refused = run("maintenance", "--limit", "0", endpoint=connect_numbers.endpoint)
    assert refused.returncode != 0 and "limit" in refused.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--db-statement-timeout", "0"),
        ("--db-connect-timeout", "-1"),
        ("--maintenance-interval", "-5"),
    ],
)
def test_serving_with_a_timeout_or_interval_out_of_range_is_refused(
    option: str, value: str
) -> None:
    done = run("serve", "--port", str(free_port()), "--db", "sqlite://", option, value)
    assert done.returncode in {1, 2}, done.returncode  # a startup error, no server
    assert option in done.stderr and "Traceback" not in done.stderr
