"""The server's log formats (entrypoints/logs.py), record by record."""

from __future__ import annotations

import json
import logging
import re
import sys

from connect_numbers.entrypoints.logs import JsonFormatter, TextFormatter, log_config


def record(message: str = "hello %s", *args: object, **fields: object) -> logging.LogRecord:
    made = logging.LogRecord(
        "connect_numbers.access", logging.INFO, __file__, 1, message, args, None
    )
    made.created = 1796139568.357
    made.msecs = 357.0
    if fields:
        made.fields = fields
    return made


def test_a_text_line_is_utc_time_level_logger_message() -> None:
    line = TextFormatter().format(record("hello %s", "world"))
    assert line == "2026-12-01T15:39:28.357Z INFO connect_numbers.access hello world"


def test_a_json_line_has_the_four_keys_and_the_records_fields() -> None:
    line = JsonFormatter().format(record("x", status=404, error="ResourceNotFoundException"))
    assert json.loads(line) == {
        "time": "2026-12-01T15:39:28.357Z",
        "level": "INFO",
        "logger": "connect_numbers.access",
        "message": "x",
        "status": 404,
        "error": "ResourceNotFoundException",
    }
    assert "\n" not in line


def test_a_json_line_carries_the_traceback_on_one_line() -> None:
    try:
        raise RuntimeError("the disk is on fire")
    except RuntimeError:
        failed = record("request failed")
        failed.exc_info = sys.exc_info()
    line = JsonFormatter().format(failed)
    assert "\n" not in line
    assert "RuntimeError: the disk is on fire" in json.loads(line)["exception"]


def test_a_json_line_survives_values_json_cannot_hold() -> None:
    line = JsonFormatter().format(record("odd \ud800 text", when=object()))
    assert json.loads(line)["message"] == "odd \ud800 text"
    assert re.match(r"<object object at", json.loads(line)["when"])


def test_uvicorns_loggers_go_through_the_same_handler_and_alembic_is_quiet() -> None:
    config = log_config("info", "json")
    assert config["root"] == {"level": "INFO", "handlers": ["stderr"]}
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert config["loggers"][name]["propagate"] is True
        assert config["loggers"][name]["handlers"] == []
    assert config["loggers"]["alembic"]["level"] == "WARNING"
    assert log_config("debug")["loggers"]["alembic"]["level"] == "DEBUG"
