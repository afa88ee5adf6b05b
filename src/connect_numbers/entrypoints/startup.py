"""What ``serve`` checks before it serves: each mistake becomes one line saying what to do.

The checks run in this order, so that nothing is written before a mistake is found:
the settings themselves (port range, worker count, an admin token off loopback), then
whether the port is free, then the database (its URL, opening it, migrating it).
"""

from __future__ import annotations

import errno
import re
import socket

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ..store.engine import create_engine, migrate, normalize_url, sqlite_path

__all__ = ["StartupError", "check_port_free", "check_port_range", "open_database", "shown_url"]

_SUPPORTED = "use sqlite:///path.db or postgresql://user:password@host:5432/database"


class StartupError(Exception):
    """The server refuses to start with these settings (the message is one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def check_port_range(port: int, workers: int) -> None:
    if not 1 <= port <= 65535:
        raise StartupError(f"--port {port} is not a TCP port: choose one from 1 to 65535")
    if workers < 1:
        raise StartupError(f"--workers {workers} is fewer than one: give 1 or more")


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another process listens on, before anything touches the database."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise StartupError(_bind_failure(host, port, error)) from None


def _bind_failure(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another server?): stop it or "
            "choose another --port"
        )
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port}: choose a port above 1023"
    return f"cannot listen on {host}:{port} ({error.strerror}): check --host and --port"


def shown_url(url: str) -> str:
    """``url`` as it may be printed: without its password."""
    shown = normalize_url(url) if url.startswith("sqlite") else url
    try:
        return make_url(shown).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def open_database(url: str, *, synchronous: str = "NORMAL", **timeouts: float) -> sa.Engine:
    """An engine on ``url`` with the schema migrated; any failure is a StartupError.
    ``timeouts``: ``connect_timeout`` and ``statement_timeout`` as create_engine takes them."""
    _check_url(url)
    try:
        engine = create_engine(url, synchronous=synchronous, **timeouts)
        migrate(engine)
    except OSError as error:
        raise StartupError(_file_failure(url, error)) from None
    except sa.exc.SQLAlchemyError as error:
        raise StartupError(_database_failure(url, error)) from None
    return engine


def _check_url(url: str) -> None:
    try:
        parsed = make_url(normalize_url(url))
    except sa.exc.ArgumentError:
        raise StartupError(f"--db {url!r} is not a database URL: {_SUPPORTED}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StartupError(
            f"--db {shown_url(url)}: {parsed.get_backend_name()} is not supported: {_SUPPORTED}"
        )
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StartupError(
            f"--db {shown_url(url)}: the driver {parsed.get_driver_name()} is not supported: "
            f"{_SUPPORTED}"
        )
    if parsed.get_backend_name() == "sqlite" and sqlite_path(url) is None:
        raise StartupError(
            f"--db {url} names no file: give the SQLite database one (sqlite:///path.db); an "
            "in-memory database would be lost when the server stops"
        )


def _file_failure(url: str, error: OSError) -> str:
    return (
        f"cannot create the SQLite database {sqlite_path(normalize_url(url))} "
        f"({error.strerror}): choose a path you can write to with --db sqlite:///path.db"
    )


def _database_failure(url: str, error: sa.exc.SQLAlchemyError) -> str:
    text = _driver_message(error)
    if make_url(normalize_url(url)).get_backend_name() == "sqlite":
        return _sqlite_failure(url, text)
    return _postgres_failure(url, text)


def _driver_message(error: sa.exc.SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error)


def _sqlite_failure(url: str, text: str) -> str:
    path = sqlite_path(normalize_url(url))
    if "not a database" in text:
        return (
            f"{path} is not a SQLite database: give --db a new file or a connect-numbers database"
        )
    if "unable to open" in text:
        return f"cannot open the SQLite database {path} ({text}): check the path and its folder"
    return f"the SQLite database {path} cannot be used ({_first_line(text)}): check --db"


# (pattern in the driver's message, what to do); the first that matches is said.
_POSTGRES_HINTS = [
    (r'database "([^"]+)" does not exist', "create it first (createdb {0}) or fix --db"),
    (r'role "([^"]+)" does not exist', "create the role (createuser {0}) or fix the user in --db"),
    (
        r"password authentication failed|no password supplied",
        "check the user and password in --db",
    ),
    (
        r"Connection refused|could not connect|timeout expired|"
        r"could not translate host name|Name or service not known|No route to host",
        "check that PostgreSQL is running and that the host and port in --db are right",
    ),
]


def _postgres_failure(url: str, text: str) -> str:
    return f"cannot use PostgreSQL at {shown_url(url)}: {_postgres_reason(text)}: {_hint(text)}"


def _hint(text: str) -> str:
    for pattern, hint in _POSTGRES_HINTS:
        found = re.search(pattern, text)
        if found is not None:
            return hint.format(*found.groups())
    return "check --db and the database"


def _postgres_reason(text: str) -> str:
    """The useful part of psycopg's message: the server's FATAL line, or the failure."""
    fatal = re.search(r"FATAL:\s+(.*)", text)
    if fatal is not None:
        return fatal[1].strip()
    line = _first_line(text)
    return line.split("failed: ", 1)[-1] if "failed: " in line else line


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"
