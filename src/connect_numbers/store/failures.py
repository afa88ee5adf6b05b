"""What a database error means for the service: run the transaction again, or the
database cannot serve now (full, not answering, unreachable), or a bug.

``lost_before_commit`` recognizes a connection that died before COMMIT was sent:
the database rolled the transaction back, so running it again is safe. A failure
of COMMIT itself is never run again (the database may have committed).
``storage_failure`` names the failures an operator must act on, with the
database's own code: SQLite's result code name, PostgreSQL's SQLSTATE.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from ..domain.errors import StorageFailure

__all__ = [
    "DISK_FULL",
    "TIMEOUT",
    "UNAVAILABLE",
    "Gate",
    "connection_gone",
    "first_line",
    "lost_connection",
    "storage_failure",
    "timed_out",
]

DISK_FULL = "disk full"
TIMEOUT = "database timeout"
UNAVAILABLE = "database unavailable"
BUSY = "database busy"
IO_ERROR = "storage i/o error"
RESOURCES = "database out of resources"

_SQLITE = {"SQLITE_FULL": DISK_FULL, "SQLITE_BUSY": BUSY, "SQLITE_LOCKED": BUSY}
_SQLSTATE = {"53100": DISK_FULL, "57014": TIMEOUT, "57P01": UNAVAILABLE, "57P02": UNAVAILABLE}
_SQLSTATE_CLASS = {"08": UNAVAILABLE, "53": RESOURCES, "57": UNAVAILABLE}


def connection_gone(error: BaseException | None) -> bool:
    """Whether ``error`` left its connection unusable (lost, or given up after a timeout)."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def lost_connection(error: BaseException | None) -> bool:
    """Whether ``error`` came from a connection that was already gone (not a timeout)."""
    return connection_gone(error) and not _timed_out(error)  # type: ignore[arg-type]


def storage_failure(error: BaseException) -> StorageFailure | None:
    """The failure ``error`` stands for, or None if it is not one of the database's state."""
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    message = first_line(error)
    if _timed_out(error):
        return StorageFailure(TIMEOUT, "CLIENT_TIMEOUT", message)
    name = getattr(original, "sqlite_errorname", None)
    if isinstance(name, str):
        kind = _SQLITE.get(name) or (IO_ERROR if name.startswith("SQLITE_IOERR") else None)
        return StorageFailure(kind, name, message) if kind else None
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        kind = _SQLSTATE.get(state) or _SQLSTATE_CLASS.get(state[:2])
        return StorageFailure(kind, state, message) if kind else None
    if error.connection_invalidated or _unreachable(error):
        return StorageFailure(UNAVAILABLE, "CONNECTION", message)
    return None


def timed_out(error: BaseException | None) -> bool:
    """Whether ``error`` is the client giving up on a database that did not answer."""
    return isinstance(error, DBAPIError) and _timed_out(error)


def _timed_out(error: DBAPIError) -> bool:
    return bool(getattr(error.orig, "timed_out", False))


def _unreachable(error: DBAPIError) -> bool:
    """An error raised while connecting (refused, timed out): no statement was run."""
    return isinstance(error, OperationalError) and not error.statement


class Gate:
    """Fail at once for a while after the database kept a request waiting its whole timeout.

    Requests of a process are answered one after the other; when the database stops
    answering, each would wait its whole timeout in turn, and the last of a queue far
    longer. After a wait that ended in a timeout, new connections are refused at once
    for as long as that wait took; then the next request tries again.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._closed_until = 0.0
        self._reason = ""

    def check(self) -> None:
        """StorageFailure while closed."""
        if self._closed_until and self._monotonic() < self._closed_until:
            raise StorageFailure(
                TIMEOUT,
                "CLIENT_TIMEOUT",
                f"{self._reason}; not tried again until the database had as long to recover",
            )

    def waited(self, seconds: float, reason: str) -> None:
        """A request waited ``seconds`` for nothing: close for as long."""
        self._reason = reason
        self._closed_until = self._monotonic() + seconds


def first_line(error: BaseException) -> str:
    """What the driver said about ``error``, in one line."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__
