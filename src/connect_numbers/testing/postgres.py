"""A throwaway PostgreSQL cluster for tests: initdb and pg_ctl from the system's binaries.

``TemporaryPostgres`` creates a cluster in a temporary directory, listening
on a free port of 127.0.0.1 only, with trust authentication, and removes it
when stopped. As root it runs the server as the ``postgres`` system user
(PostgreSQL refuses to run as root). ``find_binaries`` says where initdb and
pg_ctl are, or why there are none. ``worker_database`` gives a test worker a
database of its own next to a given one (SQLite file or PostgreSQL database).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

from ..store.engine import sqlite_path
from .server import free_port

__all__ = ["PostgresUnavailable", "TemporaryPostgres", "find_binaries", "worker_database"]


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries on this machine (the message says what was looked for)."""


def find_binaries() -> Path:
    """The folder holding initdb, pg_ctl and postgres."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        if all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PostgresUnavailable(
        "No PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on "
        "PATH; install Debian's postgresql package (apt-get install postgresql)"
    )


class TemporaryPostgres:
    """``with TemporaryPostgres() as pg: pg.url`` — a fresh database for one test session."""

    def __init__(self, database: str = "connect_numbers", *, options: str = "") -> None:
        """``options``: more ``-c name=value`` settings for the server."""
        self.binaries = find_binaries()
        self.database = database
        self.options = options
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="connect-numbers-pg-"))
        self.data = self.folder / "data"
        self._user = _server_user()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> TemporaryPostgres:
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start_server()
        self._run(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            self.database,
            binaries=False,
        )
        return self

    def start_server(self) -> None:
        """Start (or start again) the server of this cluster: same data, same port."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off -c max_connections=200 "
            f"{self.options}"
        ).strip()
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: sessions are ended, their transactions rolled back),
        keeping the cluster's data for :meth:`start_server`."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def pg_ctl(self, *args: str) -> None:
        """Run pg_ctl on this cluster (e.g. ``stop`` and ``start`` in an outage test)."""
        self._run("pg_ctl", "-D", str(self.data), *args)

    def __enter__(self) -> TemporaryPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, tool: str, *args: str, binaries: bool = True, check: bool = True) -> None:
        program = str(self.binaries / tool) if binaries else _client(tool, self.binaries)
        command = [program, *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user.pw_name, "--", *command]
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")


def _client(tool: str, binaries: Path) -> str:
    local = binaries / tool
    return str(local) if local.exists() else (shutil.which(tool) or tool)


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "Running as root, and there is no 'postgres' system user to run PostgreSQL as"
        ) from None


@contextmanager
def worker_database(url: str, worker: str) -> Iterator[str]:
    """A database for ``worker`` beside the one ``url`` names, for as long as the block runs.

    SQLite: the file ``<name>_<worker><suffix>`` in the same folder. PostgreSQL: the
    database ``<name>_<worker>``, created (afresh) on the same server with the same
    user, and dropped at the end.
    """
    path = sqlite_path(url)
    if path is not None:
        file = Path(os.path.expanduser(path))
        yield f"sqlite:///{file.with_name(f'{file.stem}_{worker}{file.suffix}')}"
        return
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = _libpq_url(url)
    _postgres_command(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres_command(admin, f'CREATE DATABASE "{name}"')
    try:
        yield given.set(database=name).render_as_string(hide_password=False)
    finally:
        _postgres_command(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq_url(url: str) -> str:
    """``url`` as libpq takes it (no SQLAlchemy driver name)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_command(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement.encode())
