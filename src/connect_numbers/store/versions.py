"""The shared state version on PostgreSQL, read in each transaction's first round trip.

Every unit of work on PostgreSQL sends one small read ahead of its first statement
(the same round trip): the state version, and the settings row (clock and
configuration). What it gives serves two purposes:

- the settings are kept per process with the version they were read at, and a
  transaction uses the kept ones at once; when the version read turns out to be
  another, the kept settings are replaced and the transaction is run again
  (``Contention``), before it commits anything. Every change of the clock or the
  configuration bumps the version (store/repositories.py);
- the request pipeline tells which version its cached shared state (throttling, fault
  rules, access keys) is at (``expect``); a transaction that reads another raises
  ``StateMoved`` before it commits, and the pipeline reloads and answers again.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..domain.clock import ClockState
from ..domain.config import Config
from ..domain.errors import Contention, StateMoved

if TYPE_CHECKING:
    from ._fast import Batch

__all__ = ["Versions", "Watch"]

_READ = (
    "SELECT (SELECT version FROM state_version WHERE id = 1), s.clock_offset, "
    "s.clock_frozen_at, s.config FROM (SELECT 1) AS one LEFT JOIN settings AS s ON s.id = 1"
)
Settings = tuple[ClockState, Config]


class Versions:
    """What one process keeps: the settings at a version, and the version this thread's
    request expects."""

    def __init__(self) -> None:
        self.settings: tuple[int, ClockState, Config] | None = None
        self._local = threading.local()

    def watch(self, batch: Batch) -> Watch:
        return Watch(self, batch)

    def expect(self, version: int | None) -> None:
        self._local.expected = version
        self._local.seen = None
        self._local.committed = False

    def committed(self) -> None:
        """A transaction of this thread's request committed: from now on the request
        goes on at whatever version it meets (a change that lands in the middle of a
        request applies from the next one, as a write must not be made twice)."""
        self._local.committed = True

    def committed_since_expected(self) -> bool:
        return bool(getattr(self._local, "committed", False))

    def expected(self) -> int | None:
        return getattr(self._local, "expected", None)

    def seen_since_expected(self) -> int | None:
        return getattr(self._local, "seen", None)

    def forget_settings(self) -> None:
        """This process changed the settings: the next transaction reads them first."""
        self.settings = None

    def saw(self, version: int, row: tuple[Any, ...]) -> None:
        kept = self.settings
        if kept is None or kept[0] != version:
            self.settings = (version, *_settings(row))
        self._local.seen = version
        expected = self.expected()
        if expected is not None and version != expected and not self.committed_since_expected():
            raise StateMoved(version)


class Watch:
    """One unit of work's reading of the version, sent ahead of its first round trip."""

    def __init__(self, versions: Versions, batch: Batch) -> None:
        self.seen: int | None = None
        self._versions = versions
        self._batch = batch
        self._served: int | None = None  # the version of the kept settings handed out
        batch.check_first(_READ, None, self._check)

    def settings(self, connection: sa.Connection) -> Settings:
        """The clock and configuration: the kept ones, checked by the version this
        transaction reads; read first when none are kept."""
        kept = self._versions.settings
        if kept is None and self.seen is None:
            self._batch.flush(connection)  # sends the version read, which keeps them
            kept = self._versions.settings
        if kept is None:  # kept by the read, then forgotten by a change: read again
            return _settings(_read(connection))
        if self.seen is None:
            self._served = kept[0]
        return kept[1], kept[2]

    def confirm(self, connection: sa.Connection) -> None:
        """At the end of a transaction that sent nothing: check what it relied on."""
        if self.seen is not None or not self._batch.preamble:
            return
        if self._served is not None or self._versions.expected() is not None:
            self._batch.flush(connection)

    def _check(self, result: tuple[list[tuple[Any, ...]], tuple[str, ...]]) -> None:
        row = result[0][0]
        self.seen = version = int(row[0] or 0)
        self._versions.saw(version, row)
        if self._served is not None and self._served != version:
            raise Contention("the settings changed since they were kept; running again")


def _read(connection: sa.Connection) -> tuple[Any, ...]:
    from ._fast import dbapi_connection

    row: tuple[Any, ...] = dbapi_connection(connection).execute(_READ).fetchone()
    return row


def _settings(row: tuple[Any, ...]) -> Settings:
    from .repositories import config_of

    _, offset, frozen_at, config = row
    if offset is None:  # no settings row yet: the defaults
        return ClockState(), Config()
    return ClockState(offset, frozen_at), config_of(config)
