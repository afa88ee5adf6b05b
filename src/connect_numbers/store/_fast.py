"""Hot-path reads: a Core statement compiled once per dialect, run on the DBAPI cursor.

SQLAlchemy's per-execution machinery costs tens of microseconds, several times
the database's own work for a primary-key lookup. The busiest lookups
(a number, its tags, the settings row) are written as ordinary Core
statements, compiled once for the connection's dialect, and executed on the
same DBAPI connection, inside the same transaction. Result values come back
as the driver gives them; the callers convert what needs converting.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

__all__ = ["FastQuery"]


class FastQuery:
    """``FastQuery(select(...).where(col == bindparam("id")))`` then ``.rows(conn, id=...)``."""

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def rows(self, connection: sa.Connection, **params: Any) -> list[dict[str, Any]]:
        sql, order, defaults = self._for(connection.dialect)
        values = {**defaults, **params}
        arguments: Any = tuple(values[name] for name in order) if order is not None else values
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, arguments)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def first(self, connection: sa.Connection, **params: Any) -> dict[str, Any] | None:
        found = self.rows(connection, **params)
        return found[0] if found else None

    def _for(self, dialect: sa.Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        cached = self._compiled.get(dialect.name)
        if cached is None:
            compiled = self.statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
            defaults = {k: v for k, v in compiled.params.items() if v is not None}
            cached = (str(compiled), order, defaults)
            self._compiled[dialect.name] = cached
        return cached
