"""The unit of work: one database transaction that rolls back unless committed."""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..domain.errors import Contention
from .numbers import (
    SqlEventRepository,
    SqlInventoryRepository,
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
from .tables import metadata

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    def __init__(self, engine: sa.Engine, *, write: bool) -> None:
        self._engine = engine
        self._write = write
        self._committed = False

    def __enter__(self) -> SqlUnitOfWork:
        connection = self._engine.connect()
        if not self._write:
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        self._connection = connection
        self._transaction = connection.begin()
        self.settings = SqlSettingsRepository(connection)
        self.instances = SqlInstanceRepository(connection)
        self.tags = SqlTagRepository(connection)
        self.idempotency = SqlIdempotencyRepository(connection)
        self.access_keys = SqlAccessKeyRepository(connection)
        self.accounts = SqlAccountRepository(connection)
        self.numbers = SqlPhoneNumberRepository(connection)
        self.releases = SqlReleaseRepository(connection)
        self.events = SqlEventRepository(connection)
        self.quotas = SqlQuotaRepository(connection)
        self.inventory = SqlInventoryRepository(connection)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()
        if error is not None and _is_contention(error):
            raise Contention(str(error)) from error

    def commit(self) -> None:
        self._transaction.commit()
        self._committed = True

    def wipe(self) -> None:
        """Delete every row of every table (the schema stays)."""
        for table in reversed(metadata.sorted_tables):
            self._connection.execute(sa.delete(table))


class SqlUnitOfWorkFactory:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write)


# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_RETRYABLE_CODES = frozenset({"40001", "40P01", "55P03"})


def _is_contention(error: BaseException) -> bool:
    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return code in _RETRYABLE_CODES
    return False
