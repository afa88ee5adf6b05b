"""The server's log: one format for its own lines and uvicorn's, in every worker process.

``log_config(level, style)`` is a ``logging.config.dictConfig`` document. ``serve``
hands it to uvicorn, which applies it in the main process and again in each worker it
spawns (``--workers N``), so every process logs alike: to stderr, one line per record,
with time (UTC, ISO 8601), level and logger.

Two styles:

``text``  ``2026-12-01T15:33:00.123Z INFO connect_numbers.access request_id=… status=200 …``
``json``  one object per line: ``time``, ``level``, ``logger``, ``message``, and the
          record's structured fields (an access line's ``request_id``, ``operation``,
          ``status``, ``error``, ``latency_ms``, ``account``, ``principal``; an admin
          action's ``action``, ``status``, ``by``, ``auth``), and ``exception`` with the
          traceback when there is one.

A record carries structured fields as ``extra={"fields": {...}}``.
"""

from __future__ import annotations

import json
import logging
import logging.config
import time
from typing import Any

__all__ = ["STYLES", "JsonFormatter", "TextFormatter", "configure", "fields_of", "log_config"]

STYLES = ("text", "json")


def _iso_time(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields a record was logged with (``extra={"fields": ...}``)."""
    found = getattr(record, "fields", None)
    return found if isinstance(found, dict) else {}


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger> <message>``, then the traceback if there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": _iso_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields_of(record),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


def log_config(level: str = "info", style: str = "text") -> dict[str, Any]:
    """The logging setup of a server process (see the module docstring)."""
    formatter = {"text": TextFormatter, "json": JsonFormatter}[style]
    level = level.upper()
    inherit = {"level": level, "handlers": [], "propagate": True}
    quiet = {**inherit, "level": "DEBUG" if level == "DEBUG" else "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"server": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "server",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **{name: dict(inherit) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            "alembic": quiet,  # its migration steps, but for debugging
        },
    }


def configure(level: str = "info", style: str = "text") -> None:
    """Apply :func:`log_config` to this process."""
    logging.config.dictConfig(log_config(level, style))
