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

When the connection turns out to be gone before COMMIT was sent (PostgreSQL
restarted, or ended the idle session, or a proxy closed it), the database rolled
the transaction back: the unit of work raises ``ConnectionLost`` and the caller
runs the use case again on a new connection (``retried`` in service/context.py).
A failure the operator must see (a full disk, a database that does not answer or
cannot be reached) is raised as ``StorageFailure`` (store/failures.py).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..domain.errors import ConnectionLost, Contention
from ..domain.idempotency import IdempotencyRecord
from ._fast import BATCH_KEY, Batch, FastQuery, dbapi_connection, driver_scalar, on_driver
from .failures import (
    Gate,
    connection_gone,
    first_line,
    lost_connection,
    storage_failure,
    timed_out,
)
from .faults import SqlFaultRepository, SqlThrottleRepository, bump_version
from .flows import (
    SqlContactFlowRepository,
    SqlFlowAssociationRepository,
    SqlSourceNumberRepository,
)
from .gauges import SqlGaugeRepository
from .instance_data import SqlDataSetAssociationRepository, SqlInstanceAttributeRepository
from .listings import SqlListingRepository
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
from .versions import Versions, Watch

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    def __init__(self, factory: SqlUnitOfWorkFactory, *, write: bool) -> None:
        self._factory = factory
        self._write = write

    def __enter__(self) -> SqlUnitOfWork:
        try:
            connection, self._shared = self._factory.connection()
        except DBAPIError as error:
            _reraise(error)
        self._connection = connection
        self._open = True
        self._committing = False
        self._started = time.monotonic()
        self._batch: Batch | None = None
        self._watch: Watch | None = None
        try:
            if connection.dialect.name == "sqlite":
                on_driver(connection, "BEGIN IMMEDIATE" if self._write else "BEGIN DEFERRED")
            else:  # PostgreSQL: statements go in batches, the state version read first
                dbapi_connection(connection).autocommit = True  # the batch sends BEGIN
                self._batch = connection.info[BATCH_KEY] = Batch()
                self._watch = self._factory.versions.watch(self._batch)
        except BaseException as error:
            self._factory.release(connection)
            _reraise(error)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        original = error
        error = self._confirmed(error)
        broken = isinstance(error, DBAPIError)
        try:
            if self._open:
                self._end(commit=False)
        except BaseException as failed:
            broken = True
            if error is None:
                _reraise(failed)
            # the rollback failed too (the connection is gone): the first error tells why
        finally:
            if self._connection.info.pop(BATCH_KEY, None) is not None:
                with contextlib.suppress(Exception):  # a connection that is gone is released
                    dbapi_connection(self._connection).autocommit = False
            if broken or not self._shared:
                self._factory.release(self._connection, lost=connection_gone(error))
            else:
                self._factory.done(self._connection)
        if error is not None:
            if lost_connection(error) and not self._committing:
                raise ConnectionLost(str(error)) from error
            if timed_out(error):
                self._factory.gate.waited(time.monotonic() - self._started, first_line(error))
            translated = _translated(error)
            if translated is not error:
                raise translated from error
            if error is not original:
                raise error

    def _confirmed(self, error: BaseException | None) -> BaseException | None:
        """``error``, or what checking the state version says instead: a transaction
        that sent nothing on PostgreSQL has not read it yet (store/versions.py)."""
        if self._watch is None or not self._open or isinstance(error, DBAPIError):
            return error
        try:
            self._watch.confirm(self._connection)
        except BaseException as failed:  # stale settings or shared state: the answer
            return failed
        return error

    # Each repository is made when the unit of work first uses it: a read touches two
    # or three of them.

    @cached_property
    def settings(self) -> SqlSettingsRepository:
        return SqlSettingsRepository(self._connection, self._watch)

    @property
    def seen_version(self) -> int | None:
        """The shared state version this transaction read (PostgreSQL), once it has."""
        return self._watch.seen if self._watch is not None else None

    def read_ahead(self, reads: Callable[[], list[tuple[str, str, tuple[Any, ...]]]]) -> None:
        """Announce the reads the use case is about to make, as (repository, method,
        arguments): on PostgreSQL they are sent together, in that order, in one round
        trip (a read the use case then makes with the same arguments is answered from
        it); on SQLite, where a read costs no round trip, ``reads`` is not even called."""
        if self._batch is None:
            return
        queries: list[tuple[str, Any]] = []
        for repository, method, arguments in reads():
            planned: list[tuple[FastQuery, dict[str, Any]]] = getattr(
                getattr(self, repository), "ahead_" + method
            )(*arguments)
            queries += [query.ahead(self._connection, **params) for query, params in planned]
        self._batch.read_ahead(self._connection, queries)  # its errors: as any statement's

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

    @cached_property
    def listings(self) -> SqlListingRepository:
        return SqlListingRepository(self._connection)

    def commit(self) -> None:
        self._committing = True  # from here a lost connection may have committed
        self._end(commit=True)
        if self._watch is not None:
            self._factory.versions.committed()

    def _end(self, *, commit: bool) -> None:
        connection = self._connection
        batch = self._batch
        if batch is not None and not commit:
            batch.discard()
        if connection.in_transaction():  # SQLAlchemy joined it: end it through it
            if batch is not None and commit:
                batch.flush(connection)
            if commit:
                connection.commit()
            else:
                connection.rollback()
        elif batch is not None and commit:
            batch.commit(connection)  # with the writes it deferred: one round trip
        else:
            on_driver(connection, "COMMIT" if commit else "ROLLBACK")
        self._open = False
        if "settings" in self.__dict__ and self.settings.changed:  # cached in it: stale
            settings_written()
            self._factory.versions.forget_settings()

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
            _TOKEN_LOCK.tuples(self._db, key=key)
        return super().get(account_id, region, operation, token)

    def ahead_get(
        self, account_id: str, region: str, operation: str, token: str
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        found = super().ahead_get(account_id, region, operation, token)
        if self._db.dialect.name == "postgresql":
            key = "\x1f".join((account_id, region, operation, token))
            found.insert(0, (_TOKEN_LOCK, {"key": key}))
        return found


_TOKEN_LOCK = FastQuery(
    sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(sa.bindparam("key"), 0)))
)


class SqlUnitOfWorkFactory:
    """Units of work on ``engine``.

    Each thread keeps one connection open and runs its units of work on it, one
    after the other: a request then costs no pool checkout. A unit of work
    opened while the thread's connection is busy gets a connection of its own;
    a connection that saw a database error is closed and replaced.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.gate = Gate()  # store/failures.py: no queue of requests each waiting a timeout
        self._local = threading.local()
        self.versions = Versions()  # PostgreSQL: the settings kept, the version expected

    @property
    def checks_versions(self) -> bool:
        """Whether every unit of work reads the shared state version in its first round
        trip (PostgreSQL), so that a request need not read it beforehand."""
        return self.engine.dialect.name == "postgresql"

    def expect_version(self, version: int | None) -> None:
        """The units of work this thread opens next raise ``StateMoved`` before they
        commit when they read another shared state version than ``version`` (None: no
        expectation)."""
        self.versions.expect(version)

    def version_seen(self) -> int | None:
        """The version the units of work of this thread read since ``expect_version``."""
        return self.versions.seen_since_expected()

    def committed_since_expected(self) -> bool:
        """Whether a unit of work of this thread committed since ``expect_version``."""
        return self.versions.committed_since_expected()

    def __call__(self, *, write: bool) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, write=write)

    def state_version(self) -> int:
        """The shared state version (store/tables.py), in one statement outside any
        transaction: what each request reads to know whether its process is current."""
        try:
            connection, shared = self.connection()
        except DBAPIError as error:
            _reraise(error)
        started = time.monotonic()
        try:
            version = _read_version(connection)
        except BaseException as error:
            self.release(connection, lost=connection_gone(error))
            if lost_connection(error):  # nothing was written: the caller reads again
                raise ConnectionLost(str(error)) from error
            if timed_out(error):  # the next requests fail at once for as long (Gate)
                self.gate.waited(time.monotonic() - started, first_line(error))
            _reraise(error)
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
                return self._connect(), False
            local.busy = True
            return held, True
        fresh = self._connect()
        local.connection = fresh
        local.busy = True
        return fresh, True

    def _connect(self) -> sa.Connection:
        self.gate.check()
        started = time.monotonic()
        try:
            return self.engine.connect()
        except DBAPIError as error:
            waited = time.monotonic() - started
            if waited >= 1.0:  # not refused: the attempt waited for its timeout
                self.gate.waited(waited, first_line(error))
            raise

    def done(self, connection: sa.Connection) -> None:
        """The unit of work on the thread's shared ``connection`` has ended."""
        if getattr(self._local, "connection", None) is connection:
            self._local.busy = False

    def release(self, connection: sa.Connection, *, lost: bool = False) -> None:
        """Close ``connection`` (``lost``: it is gone, and is not given back to the pool);
        the thread opens a new one when it next needs one."""
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
            self._local.busy = False
        with contextlib.suppress(Exception):
            if lost and not connection.invalidated:
                connection.invalidate()
            connection.close()


_VERSION_SQL = "SELECT version FROM state_version WHERE id = 1"


def _read_version(connection: sa.Connection) -> int:
    if connection.dialect.name != "postgresql":  # SQLite: no transaction is open here
        return int(driver_scalar(connection, _VERSION_SQL) or 0)
    driver = dbapi_connection(connection)
    driver.autocommit = True  # one round trip: no BEGIN, no ROLLBACK
    try:
        return int(driver_scalar(connection, _VERSION_SQL) or 0)
    finally:
        with contextlib.suppress(Exception):  # a connection that is gone is released
            driver.autocommit = False


# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_RETRYABLE_CODES = frozenset({"40001", "40P01", "55P03"})


def _reraise(error: BaseException) -> NoReturn:
    translated = _translated(error)
    if translated is error:
        raise error
    raise translated from error


def _translated(error: BaseException) -> BaseException:
    """``error`` as the service sees it: Contention, a StorageFailure, or itself."""
    if _is_contention(error):
        return Contention(str(error))
    return storage_failure(error) or error


def _is_contention(error: BaseException) -> bool:
    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return code in _RETRYABLE_CODES
    return False
