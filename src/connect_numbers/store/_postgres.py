"""PostgreSQL engines whose requests never wait on the database for long.

Two limits, both configurable (``connect-numbers serve --db-connect-timeout`` and
``--db-statement-timeout``):

- ``connect_timeout``: libpq's, for opening a connection (a stopped or unreachable
  server accepts nothing, or accepts the TCP connection and never answers);
- ``statement_timeout``: the server's, which cancels a statement (a lock wait, a
  slow query) after that long, and on the client side the same limit plus one
  second for any answer at all (``_AnsweringConnection``): a server that stopped
  without closing its connections (a stopped process, a network path dropping
  packets) cannot cancel anything, so the client gives the connection up, and the
  request answers an error instead of hanging.

The pool pings a connection when it is checked out (``pool_pre_ping``). That costs
one round trip per checkout, not per request: each thread keeps its connection
between units of work (store/unit_of_work.py), which itself recognizes a lost
connection and runs the transaction again on a new one.
"""

from __future__ import annotations

from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import errors

from ._fast import BATCH_KEY

__all__ = ["DatabaseTimeout", "postgres_engine"]

_GRACE = 1.0  # seconds the client waits beyond the server's own statement timeout


class DatabaseTimeout(psycopg.OperationalError):
    """The database sent no answer in time; the connection was given up."""

    timed_out = True


class _AnsweringConnection(psycopg.Connection[Any]):
    """A psycopg connection that waits at most ``answer_timeout`` seconds for an answer.

    Every exchange with the server (a statement, a commit) goes through ``wait``; psycopg
    3.3 gives it a ``timeout`` that raises its ``_WaitTimeout`` (recognized by name: it is
    not public).
    """

    answer_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None or self.answer_timeout is None:
            return super().wait(gen, interval, timeout)  # psycopg's own bounded waits
        try:
            return super().wait(gen, interval, self.answer_timeout)
        except errors.OperationalError as error:
            if type(error).__name__ != "_WaitTimeout":
                raise
            self.close()  # in the middle of an exchange: it cannot be used again
            raise DatabaseTimeout(
                f"The database did not answer within {self.answer_timeout:g} s"
            ) from None


def postgres_engine(url: str, connect_timeout: float, statement_timeout: float) -> sa.Engine:
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=8,
        max_overflow=8,
        connect_args={
            # libpq takes whole seconds, at least 2
            "connect_timeout": max(2, round(connect_timeout)),
            "options": f"-c statement_timeout={round(statement_timeout * 1000)}",
        },
    )
    answer_timeout = statement_timeout + _GRACE if statement_timeout > 0 else None

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _flush(connection: sa.Connection, *_: Any) -> None:
        batch = connection.info.get(BATCH_KEY)  # what a unit of work holds back goes first
        if batch is not None:
            batch.flush(connection)

    @sa.event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        connection = _AnsweringConnection.connect(*cargs, **cparams)
        connection.answer_timeout = answer_timeout
        return connection

    return engine
