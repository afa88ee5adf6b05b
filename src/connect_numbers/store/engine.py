"""Database engines: the embedded SQLite default, and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=NORMAL`` (every answered write
survives a kill of the process) or ``FULL`` (it also survives a power loss), and
checkpoints every ``WAL_AUTOCHECKPOINT`` pages written; a new database is made with
pages of ``PAGE_SIZE`` bytes.
Write transactions begin with ``BEGIN IMMEDIATE`` so that concurrent writers
in several processes queue on the database lock instead of failing when a
read transaction tries to become a write transaction.

Neither database may keep a request waiting for long: ``connect_timeout`` bounds
opening a connection to PostgreSQL, ``statement_timeout`` how long one statement
may wait for its answer (PostgreSQL: the server cancels it, and the client gives
the connection up a second later if the server does not answer at all, e.g. when
it is stopped; SQLite: how long a writer waits for the database lock).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from platformdirs import user_data_dir

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_STATEMENT_TIMEOUT",
    "create_engine",
    "default_database_url",
    "migrate",
    "normalize_url",
    "sqlite_path",
]

_MIGRATIONS = Path(__file__).parent / "migrations"
# WAL frames (pages) after which a commit also checkpoints: SQLite's default is 1,000. A
# claim or release writes about 17 pages, mostly the same few (small tables, the ends
# of indexes), so a checkpoint copies about as many distinct pages after 10,000 frames
# as after 1,000, ten times less often; the WAL file stays below about 40 MB.
WAL_AUTOCHECKPOINT = 10_000
# The page size of a new SQLite database. Each page a transaction changes is written whole
# to the WAL at COMMIT: a claim or a release changes 14-17 pages (a row and each of its
# indexes), and half-size pages cost about a quarter less to write. An existing database
# keeps the page size it was made with (changing it rewrites the whole file: VACUUM,
# outside WAL mode, with no server running).
PAGE_SIZE = 2048
# No table declares a foreign key, so ``PRAGMA foreign_keys`` stays off (SQLite's
# default): turned on it still costs every write statement its checks, about 2.5 % of
# a claim's or a release's CPU. A foreign key added later would need it on.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_STATEMENT_TIMEOUT = 5.0


def default_database_url() -> str:
    """The embedded store: a SQLite file in the user's data directory."""
    folder = Path(user_data_dir("connect-numbers"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / 'connect-numbers.db'}"


def normalize_url(url: str) -> str:
    """``url`` as SQLAlchemy takes it: ``postgres://`` and ``postgresql://`` use psycopg 3,
    and a SQLite path starting with ``~`` is under the user's home directory."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    path = sqlite_path(url)
    if path is not None and path.startswith("~"):
        return "sqlite:///" + os.path.expanduser(path)
    return url


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///path`` URL; None for another database or ``:memory:``."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return None if not path or path == ":memory:" else path


def create_engine(
    url: str,
    *,
    synchronous: str = "NORMAL",
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
) -> sa.Engine:
    """An engine for ``url`` (``sqlite:///path``, ``postgresql://…`` or ``postgres://…``)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, synchronous, statement_timeout)
    from ._postgres import postgres_engine  # psycopg is needed only here

    return postgres_engine(url, connect_timeout, statement_timeout)


def _sqlite_engine(url: str, synchronous: str, busy_timeout: float) -> sa.Engine:
    if synchronous not in ("NORMAL", "FULL"):
        raise ValueError("synchronous must be NORMAL or FULL")
    _create_private_file(url)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        json_serializer=json_text,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        for pragma in (
            f"page_size={PAGE_SIZE}",  # a new database only: an existing one keeps its own
            "journal_mode=WAL",
            f"synchronous={synchronous}",
            f"wal_autocheckpoint={WAL_AUTOCHECKPOINT}",
            f"busy_timeout={round(busy_timeout * 1000)}",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        driver: Any = connection.connection.dbapi_connection
        if not driver.in_transaction:  # else a unit of work began it (store/unit_of_work.py)
            driver.execute("BEGIN IMMEDIATE")

    return engine


def json_text(value: Any) -> str:
    """A JSON column's text on SQLite: what ``json.dumps`` writes, read back (compact,
    UTF-8 rather than escapes, exponents written as orjson writes them), in a tenth of
    its time. Where the two would read back differently or orjson refuses (non-finite
    floats, which orjson writes as null; non-text keys; integers beyond 64 bits; lone
    surrogates), ``json.dumps`` writes it."""
    if _finite(value):
        try:
            return orjson.dumps(value).decode()
        except (orjson.JSONEncodeError, RecursionError):
            pass
    return json.dumps(value)


def _finite(value: Any) -> bool:
    """Whether no float in ``value`` (a JSON document: dicts, lists, scalars) is NaN or
    infinite."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind is dict:
        return all(_finite(item) for item in value.values() if type(item) in _NESTED)
    if kind is list or kind is tuple:
        return all(_finite(item) for item in value if type(item) in _NESTED)
    return not isinstance(value, float) or math.isfinite(value)


_NESTED = frozenset({float, dict, list, tuple})


def _create_private_file(url: str) -> None:
    path = sqlite_path(url)
    if path is None or os.path.exists(path):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


# The key of the PostgreSQL advisory lock that migrations hold ("cnmigr").
_MIGRATION_LOCK = 0x636E6D696772


def migrate(engine: sa.Engine) -> None:
    """Bring the schema up to the newest migration.

    Several servers may start at once on one database: on PostgreSQL the
    migration holds an advisory lock until it commits, so the others wait and
    then find the schema up to date (on SQLite ``BEGIN IMMEDIATE`` does the same).
    """
    config = AlembicConfig()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection, unlimited(connection):  # it may rewrite a large table
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def unlimited(connection: sa.Connection) -> Iterator[None]:
    """No statement timeout in ``connection``'s transaction (PostgreSQL), on either side."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(sa.text("SET LOCAL statement_timeout = 0"))
    driver: Any = connection.connection.dbapi_connection
    limit = getattr(driver, "answer_timeout", None)  # store/_postgres.py
    driver.answer_timeout = None
    try:
        yield
    finally:
        driver.answer_timeout = limit
