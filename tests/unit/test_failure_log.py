"""Storage failures in the log: one line per kind and interval with the error code, the
repeats counted; and the gate that fails at once after the database kept a request waiting."""

from __future__ import annotations

import logging

import pytest

from connect_numbers.domain.errors import StorageFailure
from connect_numbers.entrypoints.failure_log import FailureLog
from connect_numbers.store.failures import Gate

FULL = StorageFailure("disk full", "SQLITE_FULL", "database or disk is full")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_a_failure_is_logged_once_per_interval_and_its_repeats_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    failures = FailureLog(logging.getLogger("test.failures"), interval=60, monotonic=clock)
    with caplog.at_level(logging.INFO, logger="test.failures"):
        failures.failed(FULL, "r1")
        for k in range(5):
            clock.now += 10
            failures.failed(FULL, f"r{k + 2}")  # 10 to 50 s later: counted, not logged
        clock.now += 10  # exactly one interval after the first line
        failures.failed(FULL, "r7")
    assert lines(caplog) == [
        "storage failure: disk full (code SQLITE_FULL): database or disk is full; "
        "request r1 failed",
        "storage failure: disk full (code SQLITE_FULL): database or disk is full; "
        "request r7 failed; 5 more failed since the last report",
    ]
    assert [record.error_code for record in caplog.records] == ["SQLITE_FULL"] * 2  # type: ignore[attr-defined]


def test_the_end_of_a_failure_is_logged_once_with_the_total(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = FailureLog(logging.getLogger("test.failures"), interval=60, monotonic=Clock())
    with caplog.at_level(logging.INFO, logger="test.failures"):
        failures.succeeded()  # nothing open: nothing said
        for k in range(3):
            failures.failed(FULL, f"r{k}")
        failures.succeeded()
        failures.succeeded()
    assert lines(caplog)[1:] == [
        "storage failure over: disk full (code SQLITE_FULL); 3 requests failed, "
        "2 of them since the last report"
    ]


def test_kinds_of_failure_are_logged_apart(caplog: pytest.LogCaptureFixture) -> None:
    failures = FailureLog(logging.getLogger("test.failures"), interval=60, monotonic=Clock())
    timeout = StorageFailure("database timeout", "CLIENT_TIMEOUT", "no answer within 6 s")
    with caplog.at_level(logging.INFO, logger="test.failures"):
        failures.failed(FULL, "r1")
        failures.failed(timeout, "r2")
        failures.failed(FULL, "r3")
    assert len(caplog.records) == 2


def test_the_gate_fails_at_once_for_as_long_as_the_last_wait_and_then_opens() -> None:
    clock = Clock()
    gate = Gate(clock)
    gate.check()  # open
    gate.waited(5.0, "connection timeout expired")
    clock.now += 4.999
    with pytest.raises(StorageFailure) as closed:
        gate.check()
    assert closed.value.kind == "database timeout"
    assert "connection timeout expired" in closed.value.message
    clock.now += 0.001
    gate.check()  # as long as the wait: open again, the next request tries
