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
from types import TracebackType
from typing import Any, Generic, NoReturn, TypeVar, overload

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..domain.errors import ConnectionLost, Contention, StaleState
from ..domain.idempotency import IdempotencyRecord
from ._fast import (
    BATCH_KEY,
    Batch,
    FastQuery,
    begin_with,
    dbapi_connection,
    driver_scalar,
    on_driver,
)
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
)
from .tables import metadata, state_version
from .traffic import SqlReplicaRepository, SqlTdgRepository
from .versions import Versions, Watch

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


Made = TypeVar("Made")


class _made_once(Generic[Made]):  # lower case: a decorator, as cached_property is
    """A repository made the first time a unit of work uses it, then found in the unit of
    work's ``__dict__``: ``functools.cached_property`` without its lock (Python 3.11 takes
    one on every first use; a unit of work belongs to one thread)."""

    def __init__(self, make: Callable[[SqlUnitOfWork], Made]) -> None:
        self._make = make
        self._name = make.__name__

    @overload
    def __get__(self, uow: None, owner: type[SqlUnitOfWork]) -> _made_once[Made]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type[SqlUnitOfWork]) -> Made: ...
    def __get__(
        self, uow: SqlUnitOfWork | None, owner: type[SqlUnitOfWork]
    ) -> Made | _made_once[Made]:
        if uow is None:
            return self
        made = uow.__dict__[self._name] = self._make(uow)
        return made


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
        self._version: int | None = None  # SQLite: read right after BEGIN
        try:
            if self._factory.sqlite:
                begin = "BEGIN IMMEDIATE" if self._write else "BEGIN DEFERRED"
                self._version = int(begin_with(connection, begin, _VERSION_SQL) or 0)
            else:  # PostgreSQL: statements go in batches, the state version read first
                dbapi_connection(connection).autocommit = True  # the batch sends BEGIN
                self._batch = connection.info[BATCH_KEY] = Batch()
                self._watch = self._factory.versions.watch(self._batch)
        except BaseException as error:
            self._factory.release(connection, lost=connection_gone(error))
            if lost_connection(error):  # nothing was done: the caller runs it again
                raise ConnectionLost(str(error)) from error
            if timed_out(error):  # the next requests fail at once for as long (Gate)
                self._factory.gate.waited(time.monotonic() - self._started, first_line(error))
            _reraise(error)
        if self._version is not None and not self._factory.current(self._version):
            self.__exit__(None, None, None)  # nothing was done: roll back, hand back
            raise StaleState(self._version)
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
            if self._batch is not None and self._connection.info.pop(BATCH_KEY, None):
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

    @_made_once
    def settings(self) -> SqlSettingsRepository:
        versions = self._factory.versions
        return SqlSettingsRepository(self._connection, self._version, self._watch, versions)

    @property
    def version(self) -> int:
        """The shared state version this transaction read first (on PostgreSQL in its
        first round trip, sent now if nothing was sent yet)."""
        if self._watch is None:
            assert self._version is not None
            return self._version
        if self._watch.seen is None:
            self._watch.read(self._connection)
        assert self._watch.seen is not None
        return self._watch.seen

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
        # a driver error goes up as it is: leaving the unit of work tells a lost
        # connection (the use case runs again) from a failure to report
        self._batch.read_ahead(self._connection, queries)

    @_made_once
    def instances(self) -> SqlInstanceRepository:
        return SqlInstanceRepository(self._connection)

    @_made_once
    def tags(self) -> SqlTagRepository:
        return SqlTagRepository(self._connection)

    @_made_once
    def idempotency(self) -> SqlIdempotencyRepository:
        if self._write:
            return _LockedIdempotencyRepository(self._connection)
        return SqlIdempotencyRepository(self._connection)

    @_made_once
    def access_keys(self) -> SqlAccessKeyRepository:
        return SqlAccessKeyRepository(self._connection)

    @_made_once
    def accounts(self) -> SqlAccountRepository:
        return SqlAccountRepository(self._connection)

    @_made_once
    def numbers(self) -> SqlPhoneNumberRepository:
        if self._write:
            return SqlLockedPhoneNumberRepository(self._connection)
        return SqlPhoneNumberRepository(self._connection)

    @_made_once
    def releases(self) -> SqlReleaseRepository:
        return SqlReleaseRepository(self._connection)

    @_made_once
    def events(self) -> SqlEventRepository:
        return SqlEventRepository(self._connection)

    @_made_once
    def quotas(self) -> SqlQuotaRepository:
        return SqlQuotaRepository(self._connection)

    @_made_once
    def inventory(self) -> SqlInventoryRepository:
        return SqlInventoryRepository(self._connection)

    @_made_once
    def replicas(self) -> SqlReplicaRepository:
        return SqlReplicaRepository(self._connection)

    @_made_once
    def tdgs(self) -> SqlTdgRepository:
        return SqlTdgRepository(self._connection, lock=self._write)

    @_made_once
    def contact_flows(self) -> SqlContactFlowRepository:
        return SqlContactFlowRepository(self._connection, lock=self._write)

    @_made_once
    def flow_associations(self) -> SqlFlowAssociationRepository:
        return SqlFlowAssociationRepository(self._connection)

    @_made_once
    def source_numbers(self) -> SqlSourceNumberRepository:
        return SqlSourceNumberRepository(self._connection)

    @_made_once
    def instance_attributes(self) -> SqlInstanceAttributeRepository:
        return SqlInstanceAttributeRepository(self._connection)

    @_made_once
    def data_set_associations(self) -> SqlDataSetAssociationRepository:
        return SqlDataSetAssociationRepository(self._connection)

    @_made_once
    def faults(self) -> SqlFaultRepository:
        return SqlFaultRepository(self._connection)

    @_made_once
    def throttle(self) -> SqlThrottleRepository:
        return SqlThrottleRepository(self._connection)

    @_made_once
    def gauges(self) -> SqlGaugeRepository:
        return SqlGaugeRepository(self._connection)

    @_made_once
    def listings(self) -> SqlListingRepository:
        return SqlListingRepository(self._connection)

    def commit(self) -> None:
        self._committing = True  # from here a lost connection may have committed
        self._end(commit=True)

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
        if "settings" in self.__dict__ and self.settings.changed:  # kept by the process
            self._factory.versions.forget_settings()

    def wipe(self) -> None:
        """Delete every row of every table (the schema stays); the state version is
        bumped instead, so that every process drops what it keeps."""
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
        self.versions = Versions()  # the version this thread expects; PostgreSQL: settings
        self.sqlite = engine.dialect.name == "sqlite"

    def __call__(self, *, write: bool) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, write=write)

    def expect(self, version: int | None) -> None:
        """The state version this thread's next unit of work must find (None: any).

        The first unit of work begun after this reads the version in its transaction
        (on PostgreSQL in its first round trip); if it differs, it raises ``StaleState``
        having done nothing. Either way the expectation is spent: later units of work
        of the same request do not check (store/versions.py).
        """
        self.versions.expect(version)

    def current(self, version: int) -> bool:
        """Whether ``version`` is what this thread expects (spending the expectation)."""
        return self.versions.current(version)

    def expecting(self) -> bool:
        """Whether this thread's expectation is still unspent (no unit of work read the
        version since ``expect``)."""
        return self.versions.expecting()

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
