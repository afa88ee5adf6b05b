"""Storage failures in the log: one line per kind of failure and interval, not one
traceback per request.

A full disk or a database that does not answer fails every request until it is
resolved; a traceback for each would fill the log (on a full disk, the same disk).
The first failure of a kind (``disk full``, with the database's code, e.g.
``SQLITE_FULL`` or PostgreSQL's ``53100``) is logged at once as one line; repeats
within ``interval`` seconds are counted, and the count is logged with the next line
of that kind, or when the requests succeed again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.errors import StorageFailure

__all__ = ["FailureLog", "storage_failures"]

INTERVAL = 60.0


@dataclass(slots=True)
class _Open:
    logged_at: float
    suppressed: int = 0
    total: int = 1


class FailureLog:
    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval: float = INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._interval = interval
        self._monotonic = monotonic
        self._open: dict[tuple[str, str], _Open] = {}
        self._lock = threading.Lock()

    def failed(self, failure: StorageFailure, request_id: str) -> None:
        """Log ``failure`` unless one of its kind was logged less than an interval ago."""
        key = (failure.kind, failure.code)
        now = self._monotonic()
        with self._lock:
            seen = self._open.get(key)
            if seen is not None and now - seen.logged_at < self._interval:
                seen.suppressed += 1
                seen.total += 1
                return
            repeats = seen.suppressed if seen is not None else 0
            self._open[key] = _Open(now, 0, (seen.total if seen else 0) + 1)
        self._log.error(
            "storage failure: %s (code %s): %s; request %s failed%s",
            failure.kind,
            failure.code,
            failure.message,
            request_id,
            f"; {repeats} more failed since the last report" if repeats else "",
            extra={"error_code": failure.code, "failure": failure.kind, "repeats": repeats},
        )

    def succeeded(self) -> None:
        """A request was served: report the end of any open failure."""
        if not self._open:  # the common case: nothing to lock or log
            return
        with self._lock:
            ended, self._open = self._open, {}
        for (kind, code), seen in ended.items():
            self._log.warning(
                "storage failure over: %s (code %s); %d requests failed, %d of them "
                "since the last report",
                kind,
                code,
                seen.total,
                seen.suppressed,
                extra={"error_code": code, "failure": kind, "repeats": seen.suppressed},
            )


storage_failures = FailureLog(logging.getLogger("connect_numbers"))
