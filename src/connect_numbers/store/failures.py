"""What a database error means for the service: run the transaction again, or the
database cannot serve now (full, not answering, unreachable), or a bug.

``lost_before_commit`` recognizes a connection that died before COMMIT was sent:
the database rolled the transaction back, so running it again is safe. A failure
of COMMIT itself is never run again (the database may have committed).
``storage_failure`` names the failures an operator must act on, with the
database's own code: SQLite's result code name, PostgreSQL's SQLSTATE.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from ..domain.errors import StorageFailure

__all__ = [
    "DISK_FULL",
    "TIMEOUT",
    "UNAVAILABLE",
    "connection_gone",
    "lost_connection",
    "storage_failure",
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
    message = str(original).strip().splitlines()[0] if str(original).strip() else repr(original)
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


def _timed_out(error: DBAPIError) -> bool:
    return bool(getattr(error.orig, "timed_out", False))


def _unreachable(error: DBAPIError) -> bool:
    """An error raised while connecting (refused, timed out): no statement was run."""
    return isinstance(error, OperationalError) and not error.statement
