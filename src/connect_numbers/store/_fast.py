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

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

__all__ = [
    "Batch",
    "FastQuery",
    "FastStatement",
    "begin_with",
    "dbapi_connection",
    "driver_scalar",
    "insert_all",
    "on_driver",
]

_Processors = tuple[tuple[str, Callable[[Any], Any]], ...]


class _Compiled:
    __slots__ = ("batched", "bind", "sql")

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.batched = dialect.name == "postgresql"  # a unit of work may hold a Batch
        self.sql = str(compiled)
        defaults = {k: v for k, v in compiled.params.items() if v is not None}
        processors: _Processors = tuple(compiled._bind_processors.items())
        if compiled.positional:
            order = tuple(compiled.positiontup)
            self.bind: Callable[[dict[str, Any]], Any] = _positional(order, defaults, processors)
        else:
            self.bind = _named(defaults, processors)


def _positional(
    order: tuple[str, ...], defaults: dict[str, Any], processors: _Processors
) -> Callable[[dict[str, Any]], Any]:
    """The arguments of a positional statement (SQLite's ``?``) from its named values:
    one C-level pick of the values in order, then the processors of the few columns that
    have one (a JSON column's serializer, ...)."""
    pick = _picker(order)
    at = tuple((order.index(name), process) for name, process in processors if name in order)

    def bind(params: dict[str, Any]) -> Any:
        values = pick({**defaults, **params} if defaults else params)
        if not at:
            return values
        arguments = list(values)
        for index, process in at:
            arguments[index] = process(arguments[index])
        return arguments

    return bind


def _picker(order: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """The values of ``order``'s names, as a sequence in that order."""
    if len(order) > 1:
        return itemgetter(*order)

    def pick(values: dict[str, Any]) -> tuple[Any, ...]:  # itemgetter of one name: no tuple
        return tuple([values[name] for name in order])

    return pick


def _named(defaults: dict[str, Any], processors: _Processors) -> Callable[[dict[str, Any]], Any]:
    """The arguments of a statement with named parameters (psycopg's ``%(name)s``)."""

    def bind(params: dict[str, Any]) -> Any:
        values = {**defaults, **params} if defaults else params
        for name, process in processors:
            if name in values:
                values[name] = process(values[name])
        return values

    return bind


class _Fast:
    def __init__(self, statement: Any) -> None:
        self.statement: Any = statement  # a Core statement (Select, Insert, Update, Delete)
        self._compiled: dict[str, _Compiled] = {}
        # the dialect asked for last and its statement, set at once (threads share it)
        self._last: tuple[sa.Dialect, _Compiled] | None = None

    def _for(self, dialect: sa.Dialect) -> _Compiled:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        self._last = (dialect, found)
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


def begin_with(connection: sa.Connection, begin: str, sql: str) -> Any:
    """``begin`` (``BEGIN …``), then ``sql`` on the driver's connection: the first column
    of its first row (None without a row); a driver error is raised as SQLAlchemy's, as
    in ``on_driver``."""
    driver = dbapi_connection(connection)
    step = begin
    try:
        driver.execute(begin)
        step = sql
        row = driver.execute(sql).fetchone()
    except Exception as error:
        raise _wrapped(connection, step, (), error) from error
    return row[0] if row else None


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
    (``IntegrityError``, ``OperationalError``, ...), as ``Connection.execute`` would.
    (SQLite's driver makes the cursor itself, in one call.)"""
    driver: Any = connection.connection.dbapi_connection
    arguments = compiled.bind(params)
    if not compiled.batched:
        try:
            return driver.execute(compiled.sql, arguments)
        except Exception as error:
            raise _wrapped(connection, compiled.sql, arguments, error) from error
    cursor = driver.cursor()
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
        return self._fetch(connection, self._for(connection.dialect), params)[0]

    def rows(self, connection: sa.Connection, **params: Any) -> list[dict[str, Any]]:
        compiled = self._for(connection.dialect)
        found, names = self._fetch(connection, compiled, params)
        return [dict(zip(names, row, strict=True)) for row in found]

    def ahead(self, connection: sa.Connection, **params: Any) -> tuple[str, Any]:
        """This query with ``params`` as a batch sends it (``Batch.read_ahead``)."""
        return self._for(connection.dialect).sql, self._for(connection.dialect).bind(params)

    def _fetch(
        self, connection: sa.Connection, compiled: _Compiled, params: dict[str, Any]
    ) -> tuple[list[tuple[Any, ...]], tuple[str, ...]]:
        batch: Batch | None = connection.info.get(BATCH_KEY) if compiled.batched else None
        if batch is not None:
            return batch.fetch(connection, compiled.sql, compiled.bind(params))
        cursor = _execute(connection, compiled, params)
        try:
            names = self._names.get(compiled.sql)
            if names is None:
                names = self._names[compiled.sql] = tuple(c[0] for c in cursor.description)
            return list(cursor.fetchall()), names
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
        compiled = self._for(connection.dialect)
        batch: Batch | None = connection.info.get(BATCH_KEY) if compiled.batched else None
        if batch is not None:
            return batch.run(connection, compiled.sql, compiled.bind(params))
        cursor = _execute(connection, compiled, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def defer(self, connection: sa.Connection, **params: Any) -> None:
        """Run the statement, whose row count nobody needs: in a batch that reads ahead
        (PostgreSQL), it is sent with the next round trip, at the latest with COMMIT."""
        compiled = self._for(connection.dialect)
        if not compiled.batched:  # SQLite: run now
            _execute(connection, compiled, params).close()
            return
        batch: Batch | None = connection.info.get(BATCH_KEY)
        if batch is None or not batch.deferring:
            self.run(connection, **params)
            return
        batch.defer(compiled.sql, compiled.bind(params), self.statement.table.name)


def insert_all(table: sa.Table, *, skip: tuple[str, ...] = ()) -> FastStatement:
    """An INSERT of every column of ``table`` but ``skip``, bound by column name."""
    columns = [c.name for c in table.columns if c.name not in skip]
    return FastStatement(sa.insert(table).values({name: sa.bindparam(name) for name in columns}))


# --- PostgreSQL: several statements in one round trip --------------------------------

BATCH_KEY = "connect_numbers.batch"
_Statement = tuple[str, Any]
_Result = tuple[list[tuple[Any, ...]], tuple[str, ...]]


class Batch:
    """The statements of one PostgreSQL transaction, sent as few round trips as it can.

    Each round trip is a psycopg pipeline: what was deferred (writes whose row count is
    not read: ``FastStatement.defer``), what must be checked first (``preamble``: the
    state version), then the statement the caller waits for, or the reads it announced
    (``read_ahead``: their answers are kept until the same query asks for them), or
    COMMIT. The database runs them in that order, as if they had been sent one by one;
    an error in any of them is raised as SQLAlchemy's, as ``Connection.execute`` would.

    A read that was answered ahead is forgotten as soon as a write is sent or deferred:
    after a write the same query is asked of the database again.

    The batch begins the transaction itself: ``BEGIN`` goes with its first round trip
    (psycopg, left to begin it, would wait for the answer to ``BEGIN`` first), so the
    driver's connection is in autocommit mode while the batch is used (``begin``).
    """

    def __init__(self) -> None:
        self.begun = False
        self.deferring = False  # writes are deferred once the use case has read ahead
        self.pending: list[_Statement] = []
        self._tables: list[str] = []  # the table each deferred write changes
        self.preamble: list[tuple[str, Any, Callable[[_Result], None]]] = []
        self.answered: dict[Any, _Result] = {}

    def defer(self, sql: str, arguments: Any, table: str) -> None:
        self.answered.clear()
        self.pending.append((sql, arguments))
        self._tables.append(table)

    def check_first(self, sql: str, arguments: Any, check: Callable[[_Result], None]) -> None:
        """Send ``sql`` ahead of the next round trip's statements and give its answer to
        ``check`` (which may raise: the transaction is then rolled back)."""
        self.preamble.append((sql, arguments, check))

    def read_ahead(self, connection: sa.Connection, reads: list[_Statement]) -> None:
        """Send ``reads`` now, in one round trip; each answer waits for its query. From
        then on, writes are deferred: the use case has said what it reads, and a write
        that fails (a unique key taken) fails the transaction at its next round trip
        instead, at the latest at COMMIT, which rolls it all back the same."""
        self.deferring = True
        results = self._round_trip(connection, reads)
        for (sql, arguments), result in zip(reads, results, strict=True):
            key = _key(sql, arguments)
            if key is not None:
                self.answered[key] = result

    def fetch(self, connection: sa.Connection, sql: str, arguments: Any) -> _Result:
        found = self.answered.pop(_key(sql, arguments), None)
        if found is not None:
            return found
        return self._round_trip(connection, [(sql, arguments)])[0]

    def run(self, connection: sa.Connection, sql: str, arguments: Any) -> int:
        self.answered.clear()
        return int(self._round_trip(connection, [(sql, arguments)], counts=True)[0][0][0][0])

    def flush(self, connection: sa.Connection) -> None:
        """Send what waits (before a statement sent another way, or a rollback)."""
        self.answered.clear()
        if self.pending or self.preamble:
            self._round_trip(connection, [])

    def commit(self, connection: sa.Connection) -> None:
        """COMMIT, with the deferred writes (the state version is checked first)."""
        if self.preamble:
            self._round_trip(connection, [])
        if self.begun:
            self._round_trip(connection, [("COMMIT", None)])

    def discard(self) -> None:
        self.pending.clear()
        self._tables.clear()
        self.preamble.clear()
        self.answered.clear()

    def _round_trip(
        self,
        connection: sa.Connection,
        statements: list[_Statement],
        *,
        counts: bool = False,
    ) -> list[_Result]:
        preamble, self.preamble = self.preamble, []
        pending, self.pending = _together(self.pending, self._tables), []
        self._tables = []
        sent = [(sql, arguments) for sql, arguments, _ in preamble] + pending + statements
        first = 0 if self.begun else 1
        if not self.begun:
            self.begun = True
            sent.insert(0, ("BEGIN", None))
        driver = dbapi_connection(connection)
        cursors: list[Any] = []
        try:
            try:
                with driver.pipeline():
                    for sql, arguments in sent:
                        cursors.append(cursor := driver.cursor())
                        cursor.execute(sql, arguments)
                checks = range(first, first + len(preamble))
                checked = [_result(cursors[i], sent[i][0], counts=False) for i in checks]
                waited = range(len(sent) - len(statements), len(sent))
                answers = [_result(cursors[i], sent[i][0], counts=counts) for i in waited]
            except Exception as error:
                raise _wrapped(connection, _PIPELINE, (), error) from error
        finally:
            for cursor in cursors:
                cursor.close()
        for (_, _, check), result in zip(preamble, checked, strict=True):
            check(result)
        return answers


_PIPELINE = "(statements sent together in one round trip)"


def _together(writes: list[_Statement], tables: list[str]) -> list[_Statement]:
    """Deferred writes of distinct tables as one statement (each a data-modifying ``WITH``
    part): PostgreSQL runs every part once, to completion, in one snapshot, so writes that
    touch distinct tables (and there are no foreign keys or triggers between them) do
    together what they do one after the other, for one statement's cost. Writes that touch
    one table twice are sent one by one, in order."""
    if len(writes) < 2 or len(set(tables)) < len(tables):
        return writes
    key = tuple(sql for sql, _ in writes)
    merged = _MERGED.get(key)
    if merged is None:
        parts = [f"w{i} AS ({_renamed(sql, f'w{i}_')})" for i, sql in enumerate(key)]
        merged = _MERGED[key] = "WITH " + ", ".join(parts) + " SELECT 1"
    arguments = {
        f"w{i}_{name}": value
        for i, (_, bound) in enumerate(writes)
        for name, value in (bound or {}).items()
    }
    return [(merged, arguments)]


def _renamed(sql: str, prefix: str) -> str:
    """``sql`` with each ``%(name)s`` parameter renamed ``%(<prefix>name)s``."""
    return _PARAMETER.sub(lambda found: f"%({prefix}{found[1]})s", sql)


_PARAMETER = re.compile(r"%\((\w+)\)s")
_MERGED: dict[tuple[str, ...], str] = {}


def _result(cursor: Any, sql: str, *, counts: bool) -> _Result:
    if counts:
        return [(int(cursor.rowcount),)], ("rowcount",)
    names = _NAMES.get(sql)
    if names is None:  # psycopg makes a Column object per column of a description
        description = cursor.description
        names = _NAMES[sql] = tuple(c[0] for c in description) if description else ()
    return (list(cursor.fetchall()) if names else []), names


_NAMES: dict[str, tuple[str, ...]] = {}  # the column names of each statement's rows


def _key(sql: str, arguments: Any) -> Any:
    """A read's key among the answers kept: its text and its bound values."""
    try:
        values = tuple(sorted(arguments.items())) if isinstance(arguments, dict) else arguments
        hash(values)
    except TypeError:
        return None
    return sql, values
