"""The CLI's lists as tables or JSON, its one-line refusals, and its shell completion."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import SCRIPT, new_instance, run, run_on_a_terminal

UTC_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


def table(endpoint: str, *args: str) -> list[str]:
    done = run(endpoint, *args, "--output", "table")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


# --- --output table|json ----------------------------------------------------------------------


def test_accounts_list_as_a_table_and_as_json(connect_numbers: Any) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": "111111111111"})
    endpoint = connect_numbers.endpoint
    assert table(endpoint, "accounts", "list") == ["ACCOUNT", "000000000000", "111111111111"]
    shown = run(endpoint, "accounts", "list", "--output", "json")
    assert json.loads(shown.stdout) == {"accounts": ["000000000000", "111111111111"]}
    # off a terminal the default is JSON, for scripts
    assert json.loads(run(endpoint, "accounts", "list").stdout) == json.loads(shown.stdout)


def test_keys_list_shows_times_in_utc_and_a_dash_for_what_is_not_set(
    connect_numbers: Any,
) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": "111111111111"})
    key = connect_numbers.admin("POST", "accounts/111111111111/keys", {"principal": "alice"})
    endpoint = connect_numbers.endpoint
    header, row = table(endpoint, "accounts", "keys", "list", "111111111111")
    assert cells(header) == ["ACCESS KEY ID", "PRINCIPAL", "CREATED", "REVOKED", "POLICY"]
    access_key, principal, created, revoked, policy = cells(row)
    assert (access_key, principal, revoked, policy) == (key["access_key_id"], "alice", "-", "-")
    assert re.fullmatch(UTC_TIME, created)
    connect_numbers.admin("DELETE", f"accounts/111111111111/keys/{key['access_key_id']}")
    _, row = table(endpoint, "accounts", "keys", "list", "111111111111")
    assert re.fullmatch(UTC_TIME, cells(row)[3])
    listed = json.loads(
        run(endpoint, "accounts", "keys", "list", "111111111111", "-o", "json").stdout
    )
    assert isinstance(listed["keys"][0]["created_at"], float | int)  # JSON keeps epoch seconds


def test_source_numbers_list_as_a_table(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    assert table(endpoint, "source-numbers", "list") == [
        "ID  PHONE NUMBER  COUNTRY  TYPE  ACCOUNT  REGION  REGISTERED  IMPORTED AS",
        "(none)",
    ]
    body = {"account_id": "000000000000", "region": "us-east-1", "phone_number": "+12062345699"}
    source = connect_numbers.admin("POST", "source-numbers", body)
    _, row = table(endpoint, "source-numbers", "list")
    assert cells(row)[:6] == [
        source["id"],
        "+12062345699",
        "US",
        "DID",
        "000000000000",
        "us-east-1",
    ]
    assert re.fullmatch(UTC_TIME, cells(row)[6])
    assert cells(row)[7] == "-"


def test_numbers_history_as_a_table(connect_numbers: Any, connect: Any) -> None:
    connect_numbers.set_clock(1_798_761_600)  # 2027-01-01 00:00:00 UTC
    connect_numbers.freeze()
    target = new_instance(connect, "history")["Arn"]
    number = connect.search_available_phone_numbers(
        TargetArn=target, PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]
    claimed = connect.claim_phone_number(TargetArn=target, PhoneNumber=number)
    connect_numbers.advance(3600)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    header, *rows = table(connect_numbers.endpoint, "numbers", "history", number)
    assert cells(header) == [
        "TIME",
        "EVENT",
        "ACCOUNT",
        "REGION",
        "PRINCIPAL",
        "REQUEST ID",
        "DETAILS",
    ]
    shown = [cells(row)[:5] for row in rows]
    assert shown == [
        ["2027-01-01 00:00:00 UTC", "CLAIM", "000000000000", "us-east-1", "test"],
        ["2027-01-01 00:00:00 UTC", "SETTLE", "000000000000", "us-east-1", "connect-numbers"],
        ["2027-01-01 01:00:00 UTC", "RELEASE", "000000000000", "us-east-1", "test"],
    ]
    assert cells(rows[0])[6].startswith("{") and target in rows[0]  # the details, as JSON


def test_on_a_terminal_lists_are_tables_by_default(connect_numbers: Any) -> None:
    status, output = run_on_a_terminal(["--endpoint", connect_numbers.endpoint, "accounts", "list"])
    assert status == 0
    assert output.split() == ["ACCOUNT", "000000000000"]


def test_an_unknown_output_format_is_refused(connect_numbers: Any) -> None:
    done = run(connect_numbers.endpoint, "accounts", "list", "--output", "yaml")
    assert done.returncode == 2
    assert "'yaml' is not one of 'table', 'json'" in done.stderr


# --- one-line refusals ------------------------------------------------------------------------


def test_config_set_with_an_unknown_key_lists_the_keys_and_the_closest(
    connect_numbers: Any,
) -> None:
    before = connect_numbers.config()
    done = run(connect_numbers.endpoint, "config", "set", "cooldown_day=30")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "Error: 400 InvalidParameter: Unknown configuration key: 'cooldown_day'. Did you "
        "mean 'cooldown_days'? Valid keys: settle_seconds, cooldown_days, churn_window_days, "
        "churn_percent, idempotency_hours, search_results_limit, throttling.enabled, "
        "throttling.rate, throttling.burst"
    )
    nested = run(connect_numbers.endpoint, "config", "set", "throttling.rat=3")
    assert "Did you mean 'throttling.rate'?" in nested.stderr
    far = run(connect_numbers.endpoint, "config", "set", "zzz=3")
    assert "Did you mean" not in far.stderr
    assert "Valid keys: settle_seconds," in far.stderr
    assert connect_numbers.config() == before


@pytest.mark.parametrize("bare", ["90", "-3", "1.5"])
def test_clock_advance_refuses_a_number_without_a_unit(connect_numbers: Any, bare: str) -> None:
    done = run(connect_numbers.endpoint, "clock", "advance", bare)
    assert done.returncode == 2
    assert (
        f"Error: Invalid value for DURATION: '{bare}' has no unit: say {bare}s, {bare}m, "
        f"{bare}h, {bare}d or {bare}w" in done.stderr
    )
    assert connect_numbers.clock()["offset_seconds"] == 0


@pytest.mark.parametrize(("given", "seconds"), [("90s", 90), ("3h", 10_800), ("181d", 15_638_400)])
def test_clock_advance_with_a_unit(connect_numbers: Any, given: str, seconds: int) -> None:
    done = run(connect_numbers.endpoint, "clock", "advance", given)
    assert done.returncode == 0, done.stderr
    assert connect_numbers.clock()["offset_seconds"] == seconds


# --- shell completion (as docs/admin-api.md says) ---------------------------------------------


def completion_script(shell: str) -> str:
    environment = {**os.environ, "_CONNECT_NUMBERS_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [SCRIPT], capture_output=True, text=True, env=environment, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _connect_numbers_completion connect-numbers"),
        ("zsh", "#compdef connect-numbers"),
        ("fish", "complete --no-files --command connect-numbers"),
    ],
)
def test_the_documented_completion_command_prints_a_script(shell: str, marker: str) -> None:
    assert marker in completion_script(shell)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_with_the_script(tmp_path: Path) -> None:
    script = tmp_path / "completion.bash"
    script.write_text(completion_script("bash"))
    probe = (
        f"source {script}; COMP_WORDS=(connect-numbers cl); COMP_CWORD=1; "
        '_connect_numbers_completion connect-numbers; echo "${COMPREPLY[@]}"; '
        "COMPREPLY=(); COMP_WORDS=(connect-numbers accounts keys l); COMP_CWORD=3; "
        '_connect_numbers_completion connect-numbers; echo "${COMPREPLY[@]}"'
    )
    environment = {**os.environ, "PATH": f"{Path(SCRIPT).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", probe],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["clock", "list"]
