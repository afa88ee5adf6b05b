"""The unit of work: one database transaction that rolls back unless committed.

On PostgreSQL (READ COMMITTED) several servers run write transactions at
once, so a write transaction reads with the locks its decisions need:

- a phone number is read ``FOR UPDATE``: a concurrent release or move of it
  finishes first, and this transaction then sees what it left (the number
  gone, or busy), instead of releasing or moving it a second time;
- the idempotency record of a client token is read under a transaction-level
  advisory lock on that token: the same request sent twice at once runs once,
  and the second waits and replays the first's answer.

On SQLite, write transactions begin with ``BEGIN IMMEDIATE`` and are serialized
by the database; ``FOR UPDATE`` is not rendered and no advisory lock is taken.

The transaction is begun and ended on the driver's connection (SQLite:
``BEGIN``; PostgreSQL: the driver begins one with the first statement), not
through SQLAlchemy's ``Connection.begin()``, whose bookkeeping cost more than
a primary-key read. A statement run through ``Connection.execute`` inside the
unit of work joins the same transaction (store/engine.py begins nothing when
the driver is already in one), and ends with it.
"""

from __future__ import annotations

import contextlib
import threading
from functools import cached_property
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..domain.errors import Contention
from ..domain.idempotency import IdempotencyRecord
from ._fast import dbapi_connection, on_driver
from .faults import SqlFaultRepository, SqlThrottleRepository, bump_version
from .flows import (
    SqlContactFlowRepository,
    SqlFlowAssociationRepository,
    SqlSourceNumberRepository,
)
from .gauges import SqlGaugeRepository
from .instance_data import SqlDataSetAssociationRepository, SqlInstanceAttributeRepository
from .numbers import (
    SqlEventRepository,
    SqlInventoryRepository,
    SqlLockedPhoneNumberRepository,
    SqlPhoneNumberRepository,
    SqlQuotaRepository,
    SqlReleaseRepository,
)
from .repositories import (
    SqlAccessKeyRepository,
    SqlAccountRepository,
    SqlIdempotencyRepository,
    SqlInstanceRepository,
    SqlSettingsRepository,
    SqlTagRepository,
    settings_written,
)
from .tables import metadata, state_version
from .traffic import SqlReplicaRepository, SqlTdgRepository

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    def __init__(self, factory: SqlUnitOfWorkFactory, *, write: bool) -> None:
        self._factory = factory
        self._write = write

    def __enter__(self) -> SqlUnitOfWork:
        connection, self._shared = self._factory.connection()
        self._connection = connection
        self._open = True
        try:
            if connection.dialect.name == "sqlite":
                on_driver(connection, "BEGIN IMMEDIATE" if self._write else "BEGIN DEFERRED")
        except BaseException:
            self._factory.release(connection)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        broken = isinstance(error, DBAPIError)
        try:
            if self._open:
                self._end(commit=False)
        except BaseException:
            broken = True
            raise
        finally:
            if broken or not self._shared:
                self._factory.release(self._connection)
            else:
                self._factory.done(self._connection)
        if error is not None and _is_contention(error):
            raise Contention(str(error)) from error

    # Each repository is made when the unit of work first uses it: a read touches two
    # or three of them.

    @cached_property
    def settings(self) -> SqlSettingsRepository:
        return SqlSettingsRepository(self._connection)

    @cached_property
    def instances(self) -> SqlInstanceRepository:
        return SqlInstanceRepository(self._connection)

    @cached_property
    def tags(self) -> SqlTagRepository:
        return SqlTagRepository(self._connection)

    @cached_property
    def idempotency(self) -> SqlIdempotencyRepository:
        if self._write:
            return _LockedIdempotencyRepository(self._connection)
        return SqlIdempotencyRepository(self._connection)

    @cached_property
    def access_keys(self) -> SqlAccessKeyRepository:
        return SqlAccessKeyRepository(self._connection)

    @cached_property
    def accounts(self) -> SqlAccountRepository:
        return SqlAccountRepository(self._connection)

    @cached_property
    def numbers(self) -> SqlPhoneNumberRepository:
        if self._write:
            return SqlLockedPhoneNumberRepository(self._connection)
        return SqlPhoneNumberRepository(self._connection)

    @cached_property
    def releases(self) -> SqlReleaseRepository:
        return SqlReleaseRepository(self._connection)

    @cached_property
    def events(self) -> SqlEventRepository:
        return SqlEventRepository(self._connection)

    @cached_property
    def quotas(self) -> SqlQuotaRepository:
        return SqlQuotaRepository(self._connection)

    @cached_property
    def inventory(self) -> SqlInventoryRepository:
        return SqlInventoryRepository(self._connection)

    @cached_property
    def replicas(self) -> SqlReplicaRepository:
        return SqlReplicaRepository(self._connection)

    @cached_property
    def tdgs(self) -> SqlTdgRepository:
        return SqlTdgRepository(self._connection, lock=self._write)

    @cached_property
    def contact_flows(self) -> SqlContactFlowRepository:
        return SqlContactFlowRepository(self._connection, lock=self._write)

    @cached_property
    def flow_associations(self) -> SqlFlowAssociationRepository:
        return SqlFlowAssociationRepository(self._connection)

    @cached_property
    def source_numbers(self) -> SqlSourceNumberRepository:
        return SqlSourceNumberRepository(self._connection)

    @cached_property
    def instance_attributes(self) -> SqlInstanceAttributeRepository:
        return SqlInstanceAttributeRepository(self._connection)

    @cached_property
    def data_set_associations(self) -> SqlDataSetAssociationRepository:
        return SqlDataSetAssociationRepository(self._connection)

    @cached_property
    def faults(self) -> SqlFaultRepository:
        return SqlFaultRepository(self._connection)

    @cached_property
    def throttle(self) -> SqlThrottleRepository:
        return SqlThrottleRepository(self._connection)

    @cached_property
    def gauges(self) -> SqlGaugeRepository:
        return SqlGaugeRepository(self._connection)

    def commit(self) -> None:
        self._end(commit=True)

    def _end(self, *, commit: bool) -> None:
        connection = self._connection
        if connection.in_transaction():  # SQLAlchemy joined it: end it through it
            if commit:
                connection.commit()
            else:
                connection.rollback()
        else:
            on_driver(connection, "COMMIT" if commit else "ROLLBACK")
        self._open = False
        if "settings" in self.__dict__ and self.settings.changed:  # cached in it: stale
            settings_written()

    def wipe(self) -> None:
        """Delete every row of every table (the schema stays); the state version is
        bumped instead, so that every process drops what it keeps."""
        settings_written()
        self.settings.changed = True
        for table in reversed(metadata.sorted_tables):
            if table is not state_version:
                self._connection.execute(sa.delete(table))
        bump_version(self._connection)


class _LockedIdempotencyRepository(SqlIdempotencyRepository):
    """Each client token read under an advisory lock, for write transactions."""

    def get(
        self, account_id: str, region: str, operation: str, token: str
    ) -> IdempotencyRecord | None:
        if self._db.dialect.name == "postgresql":
            key = "\x1f".join((account_id, region, operation, token))
            self._db.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )
        return super().get(account_id, region, operation, token)


class SqlUnitOfWorkFactory:
    """Units of work on ``engine``.

    Each thread keeps one connection open and runs its units of work on it, one
    after the other: a request then costs no pool checkout. A unit of work
    opened while the thread's connection is busy gets a connection of its own;
    a connection that saw a database error is closed and replaced.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._local = threading.local()

    def __call__(self, *, write: bool) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, write=write)

    def state_version(self) -> int:
        """The shared state version (store/tables.py), in one statement outside any
        transaction: what each request reads to know whether its process is current."""
        connection, shared = self.connection()
        try:
            version = _read_version(connection)
        except BaseException:
            self.release(connection)
            raise
        if shared:
            self.done(connection)
        else:
            self.release(connection)
        return version

    def connection(self) -> tuple[sa.Connection, bool]:
        """A connection for one unit of work, and whether it is the thread's shared one."""
        local = self._local
        held: sa.Connection | None = getattr(local, "connection", None)
        if held is not None and not held.closed and not held.invalidated:
            if getattr(local, "busy", False):
                return self.engine.connect(), False
            local.busy = True
            return held, True
        fresh = self.engine.connect()
        local.connection = fresh
        local.busy = True
        return fresh, True

    def done(self, connection: sa.Connection) -> None:
        """The unit of work on the thread's shared ``connection`` has ended."""
        if getattr(self._local, "connection", None) is connection:
            self._local.busy = False

    def release(self, connection: sa.Connection) -> None:
        """Close ``connection``; the thread opens a new one when it next needs one."""
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
            self._local.busy = False
        with contextlib.suppress(Exception):
            connection.close()


_VERSION_SQL = "SELECT version FROM state_version WHERE id = 1"


def _read_version(connection: sa.Connection) -> int:
    driver = dbapi_connection(connection)
    if connection.dialect.name == "postgresql":
        driver.autocommit = True  # one round trip: no BEGIN, no ROLLBACK
        try:
            row = driver.execute(_VERSION_SQL).fetchone()
        finally:
            driver.autocommit = False
    else:  # SQLite: no transaction is open (store/engine.py), the read is its own
        row = driver.execute(_VERSION_SQL).fetchone()
    return int(row[0]) if row else 0


# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_RETRYABLE_CODES = frozenset({"40001", "40P01", "55P03"})


def _is_contention(error: BaseException) -> bool:
    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return code in _RETRYABLE_CODES
    return False
