"""The shared state version as each unit of work reads it first.

The request pipeline tells which version the process's shared state (throttling,
fault rules, access keys) is at (``expect``); the first unit of work of the request
that reads another raises ``StaleState`` before it does anything, and the pipeline
reloads and answers again (entrypoints/shared_state.py). The expectation is spent by
that first read, whatever it finds.

The settings row (clock and configuration) is kept per process with the version it was
read at (``settings``); every change of the clock or the configuration bumps the version
(store/repositories.py). On SQLite the unit of work reads the version with a statement
of its own right after ``BEGIN`` (store/unit_of_work.py), and the settings only when it
moved. On PostgreSQL every unit of work sends one small read ahead of its first
statement, in the same round trip: the state version and the settings row. A
transaction uses the kept settings at once; when the version read turns out to be
another, the kept settings are replaced and the transaction is run again
(``Contention``), before it commits anything.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..domain.clock import ClockState
from ..domain.config import Config
from ..domain.errors import Contention, StaleState

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

    def expecting(self) -> bool:
        return getattr(self._local, "expected", None) is not None

    def current(self, version: int) -> bool:
        """Whether ``version`` is the one expected (or none is); spends the expectation."""
        local = self._local
        expected = getattr(local, "expected", None)
        if expected is None:
            return True
        local.expected = None
        return bool(expected == version)

    def forget_settings(self) -> None:
        """This process changed the settings: the next transaction reads them first."""
        self.settings = None

    def saw(self, version: int, row: tuple[Any, ...]) -> None:
        kept = self.settings
        if kept is None or kept[0] != version:
            self.settings = (version, *_settings(row))
        if not self.current(version):
            raise StaleState(version)


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
        if self._served is not None or self._versions.expecting():
            self._batch.flush(connection)

    def read(self, connection: sa.Connection) -> None:
        """Send the version read now (with whatever the batch holds)."""
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
