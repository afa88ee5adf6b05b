"""``connect-numbers inventory load``, run as a user runs it: any size, progress, refusals."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from helpers import SCRIPT, new_instance, run, run_on_a_terminal

from connect_numbers.domain.inventory import NumberType, conforms

SEATTLE = [f"+120623456{i:02d}" for i in range(5)]
SUMMARY = (
    r"Loaded {loaded} numbers, {present} already present, {refused} refused "
    r"\({rows} rows in [0-9.]+ s, [0-9,]+ rows/s\)\."
)


def summary(loaded: str, present: str, refused: str, rows: str) -> str:
    return SUMMARY.format(loaded=loaded, present=present, refused=refused, rows=rows)


def valid_numbers(count: int) -> Iterator[str]:
    """``count`` distinct valid US DIDs, whole Seattle exchanges at a time."""
    made = 0
    for exchange in range(234, 1000):
        if not conforms(f"+1206{exchange}0000", "US", NumberType.DID):
            continue
        for line in range(10_000):
            yield f"+1206{exchange}{line:04d}"
            made += 1
            if made == count:
                return


def write_rows(path: Path, numbers: list[str]) -> Path:
    path.write_text("".join(f"{n},US,DID\n" for n in numbers))
    return path


def offered(connect: Any, prefix: str) -> list[str]:
    target = new_instance(connect, f"probe{time.monotonic_ns()}")["Arn"]
    found = connect.search_available_phone_numbers(
        TargetArn=target,
        PhoneNumberCountryCode="US",
        PhoneNumberType="DID",
        PhoneNumberPrefix=prefix,
        MaxResults=10,
    )["AvailableNumbersList"]
    return sorted(item["PhoneNumber"] for item in found)


def test_a_file_loads_with_a_plain_summary_when_not_on_a_terminal(
    connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    source = tmp_path / "numbers.csv"
    source.write_text("phone_number,country,type\n" + "".join(f"{n},US,DID\n" for n in SEATTLE))
    done = run(connect_numbers.endpoint, "inventory", "load", str(source))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar off a terminal
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(summary("5", "0", "0", "5"), lines[0]), lines[0]
    assert offered(connect, "+120623456") == SEATTLE


def test_loading_the_same_file_again_counts_its_numbers_as_already_present(
    connect_numbers: Any, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "numbers.csv", SEATTLE)
    assert run(connect_numbers.endpoint, "inventory", "load", str(source)).returncode == 0
    again = run(connect_numbers.endpoint, "inventory", "load", str(source))
    assert again.returncode == 0
    assert re.fullmatch(summary("0", "5", "0", "5"), again.stdout.strip()), again.stdout


def test_refused_rows_are_reported_with_their_line_and_the_others_load(
    connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    connect_numbers.admin("POST", "inventory", {"csv": f"{SEATTLE[4]},US,SHARED\n"})
    source = tmp_path / "numbers.csv"
    source.write_text(
        f"{SEATTLE[0]},US,DID\n"
        f"{SEATTLE[1]},GB,DID\n"  # line 2: not a GB number
        "not-a-number,US,DID\n"  # line 3
        f"{SEATTLE[2]},US,DID\n"
        "\n"
        f"{SEATTLE[3]},US\n"  # line 6: two fields
        f"{SEATTLE[4]},US,DID\n"  # line 7: loaded before as SHARED
    )
    done = run(connect_numbers.endpoint, "inventory", "load", str(source))
    assert done.returncode == 1  # a refused row is an error for scripts
    assert done.stderr == ""
    first, *refusals = done.stdout.splitlines()
    assert re.fullmatch(summary("2", "0", "4", "6"), first), first
    assert refusals == [
        f"  line 2: {SEATTLE[1]} is not a valid DID number of GB",
        "  line 3: not-a-number is not a valid DID number of US",
        "  line 6: expected phone_number,country,type",
        f"  line 7: {SEATTLE[4]} is already in the inventory as US/SHARED, not US/DID",
    ]
    assert offered(connect, "+120623456") == [SEATTLE[0], SEATTLE[2]]


def test_a_file_over_the_body_limit_is_sent_in_parts_and_loads_whole(
    connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    numbers = list(valid_numbers(60_000))
    rows = [f"{n},US,DID\n" for n in numbers]
    rows[49_999] = f"{numbers[49_999]},GB,DID\n"  # line 50000, in the second part
    source = tmp_path / "big.csv"
    source.write_text("".join(rows))
    assert source.stat().st_size > 1 << 20  # more than one request could carry
    done = run(connect_numbers.endpoint, "inventory", "load", str(source), timeout=300)
    assert done.returncode == 1, done.stderr
    first, refusal = done.stdout.splitlines()
    assert re.fullmatch(summary("59,999", "0", "1", "60,000"), first), first
    assert refusal == f"  line 50000: {numbers[49_999]} is not a valid DID number of GB"
    last = numbers[-1]
    assert offered(connect, last) == [last]


def test_a_row_longer_than_the_body_limit_is_a_clear_413(
    connect_numbers: Any, tmp_path: Path
) -> None:
    source = tmp_path / "long.csv"
    source.write_text(f"{SEATTLE[0]},US,DID\n" + "x" * (2 << 20) + "\n")
    done = run(connect_numbers.endpoint, "inventory", "load", str(source))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert message.startswith(
        "Error: 413 RequestEntityTooLarge: Request body larger than the limit of 1048576 "
        "bytes (1 MiB): send it in smaller parts (lines 2-2; lines before them are loaded: "
        "1 loaded, 0 already present, 0 refused, "
    ), message
    assert message.endswith(" rows/s; loading the file again is safe)"), message


def test_a_413_carries_an_error_code_and_names_the_limit(connect_numbers: Any, raw: Any) -> None:
    body = b'{"csv": "' + b"1" * (1 << 20) + b'"}'
    admin = httpx.post(f"{connect_numbers.endpoint}/_connect-numbers/inventory", content=body)
    assert admin.status_code == 413
    assert admin.headers["content-type"] == "application/json"
    assert admin.json() == {
        "code": "RequestEntityTooLarge",
        "message": "Request body larger than the limit of 1048576 bytes (1 MiB): "
        "send it in smaller parts",
    }
    connect = raw("PUT", "/instance", body)
    assert connect.status_code == 413
    assert connect.headers["x-amzn-errortype"] == "RequestEntityTooLarge"
    assert "limit of 1048576 bytes" in connect.json()["message"]


def test_on_a_terminal_a_progress_bar_shows_counts_and_rate(
    connect_numbers: Any, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "numbers.csv", list(valid_numbers(40_000)))
    status, output = run_on_a_terminal(
        ["--endpoint", connect_numbers.endpoint, "inventory", "load", str(source)]
    )
    assert status == 0, output
    updates = [line for line in output.replace("\r", "\n").splitlines() if "Loading" in line]
    assert any("[" in line and "#" in line and "%" in line for line in updates), output
    assert any("already present" in line and "rows/s" in line for line in updates), output
    assert any("100%" in line and "40,000 loaded" in line for line in updates), output
    assert "Loaded 40,000 numbers, 0 already present, 0 refused" in output


def test_a_file_can_come_from_stdin(connect_numbers: Any, connect: Any) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    done = subprocess.run(
        [SCRIPT, "--endpoint", connect_numbers.endpoint, "inventory", "load", "-"],
        input="".join(f"{n},US,DID\n" for n in SEATTLE[:2]),
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(summary("2", "0", "0", "2"), done.stdout.strip()), done.stdout
    assert offered(connect, "+120623456") == SEATTLE[:2]
