"""Hot-path statements: Core compiled once per dialect, run on the DBAPI cursor.

SQLAlchemy's per-execution machinery (building the statement, its cache key,
the execution context, the result) costs tens of microseconds, several times
the database's own work for a primary-key lookup or a one-row insert. The
busiest statements are written as ordinary Core statements with named
``bindparam``s, compiled once for the connection's dialect, and executed on
the same DBAPI connection, inside the same transaction. Bound values go
through the compiled statement's bind processors (a JSON column's value is
serialized as SQLAlchemy would); result values come back as the driver gives
them, and the callers convert what needs converting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

__all__ = [
    "FastQuery",
    "FastStatement",
    "dbapi_connection",
    "driver_scalar",
    "insert_all",
    "on_driver",
]

_Processors = tuple[tuple[str, Callable[[Any], Any]], ...]


class _Compiled:
    __slots__ = ("arguments", "defaults", "order", "processors", "sql")

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}
        self.processors: _Processors = tuple(compiled._bind_processors.items())

    def bind(self, params: dict[str, Any]) -> Any:
        values = {**self.defaults, **params} if self.defaults else params
        for name, process in self.processors:
            if name in values:
                values[name] = process(values[name])
        if self.order is None:
            return values
        return tuple([values[name] for name in self.order])


class _Fast:
    def __init__(self, statement: Any) -> None:
        self.statement: Any = statement  # a Core statement (Select, Insert, Update, Delete)
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: sa.Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return found


def dbapi_connection(connection: sa.Connection) -> Any:
    """The driver's connection under ``connection`` (in its current transaction)."""
    return connection.connection.dbapi_connection


def on_driver(connection: sa.Connection, step: str) -> None:
    """``BEGIN …``, ``COMMIT`` or ``ROLLBACK`` on the driver's connection.

    ``COMMIT`` and ``ROLLBACK`` call the driver's ``commit()`` and ``rollback()``;
    a driver error is raised as SQLAlchemy's, as ``Connection`` would.
    """
    driver = dbapi_connection(connection)
    try:
        if step == "COMMIT":
            driver.commit()
        elif step == "ROLLBACK":
            driver.rollback()
        else:
            driver.execute(step)
    except Exception as error:
        raise _wrapped(connection, step, (), error) from error


def driver_scalar(connection: sa.Connection, sql: str) -> Any:
    """The first column of the first row of ``sql`` run on the driver's connection (None
    without a row); a driver error is raised as SQLAlchemy's, as in ``on_driver``."""
    try:
        row = dbapi_connection(connection).execute(sql).fetchone()
    except Exception as error:
        raise _wrapped(connection, sql, (), error) from error
    return row[0] if row else None


def _execute(connection: sa.Connection, compiled: _Compiled, params: dict[str, Any]) -> Any:
    """A cursor that ran the statement; a driver error is raised as SQLAlchemy's
    (``IntegrityError``, ``OperationalError``, ...), as ``Connection.execute`` would."""
    cursor = dbapi_connection(connection).cursor()
    arguments = compiled.bind(params)
    try:
        cursor.execute(compiled.sql, arguments)
    except Exception as error:
        cursor.close()
        raise _wrapped(connection, compiled.sql, arguments, error) from error
    return cursor


def _wrapped(connection: sa.Connection, sql: str, arguments: Any, error: Exception) -> Exception:
    """The driver's error as SQLAlchemy's; ``connection_invalidated`` says whether the
    connection is gone (closed by the server, its network path broken)."""
    dialect = connection.dialect
    base = dialect.loaded_dbapi.Error
    if not isinstance(error, base):
        return error
    lost = bool(dialect.is_disconnect(error, dbapi_connection(connection), None))
    return sa.exc.DBAPIError.instance(
        sql, arguments, error, base, connection_invalidated=lost, dialect=dialect, ismulti=False
    )


class FastQuery(_Fast):
    """``FastQuery(select(...).where(col == bindparam("id")))`` then ``.rows(conn, id=...)``."""

    def __init__(self, statement: sa.Select[Any]) -> None:
        super().__init__(statement)
        self._names: dict[str, tuple[str, ...]] = {}

    def tuples(self, connection: sa.Connection, **params: Any) -> list[tuple[Any, ...]]:
        """The rows as tuples, columns in the statement's order."""
        cursor = _execute(connection, self._for(connection.dialect), params)
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def rows(self, connection: sa.Connection, **params: Any) -> list[dict[str, Any]]:
        compiled = self._for(connection.dialect)
        cursor = _execute(connection, compiled, params)
        try:
            names = self._names.get(compiled.sql)
            if names is None:
                names = self._names[compiled.sql] = tuple(c[0] for c in cursor.description)
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def first(self, connection: sa.Connection, **params: Any) -> dict[str, Any] | None:
        found = self.rows(connection, **params)
        return found[0] if found else None


class FastStatement(_Fast):
    """An INSERT, UPDATE or DELETE with named bind parameters; ``.run(conn, **values)``.

    ``run`` answers the number of rows the statement changed.
    """

    def run(self, connection: sa.Connection, **params: Any) -> int:
        cursor = _execute(connection, self._for(connection.dialect), params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()


def insert_all(table: sa.Table, *, skip: tuple[str, ...] = ()) -> FastStatement:
    """An INSERT of every column of ``table`` but ``skip``, bound by column name."""
    columns = [c.name for c in table.columns if c.name not in skip]
    return FastStatement(sa.insert(table).values({name: sa.bindparam(name) for name in columns}))
