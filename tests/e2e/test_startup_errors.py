"""``connect-numbers serve`` mistakes, run as a user runs the command: each is one line on
stderr saying what is wrong and what to do, exit status 2, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from connect_numbers.testing.postgres import TemporaryPostgres
from connect_numbers.testing.server import free_port
from processes import ServerProcess, only_in_the_sqlite_pass, postgres_cluster

SCRIPT = str(Path(sys.executable).with_name("connect-numbers"))


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    only_in_the_sqlite_pass(request)  # every case brings its own database


def serve(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    return subprocess.run(
        [SCRIPT, "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=environment,
        cwd=cwd,
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: ")
    for text in expected:
        assert text in done.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "99999"], "--port 99999 is not a TCP port: choose one from 1 to 65535"),
        (["--port", "0"], "--port 0 is not a TCP port"),
        (["--port", "65536"], "--port 65536 is not a TCP port"),
        (["--port", "abc"], "Invalid value for '--port': 'abc' is not a valid integer."),
        (["--log-format", "xml"], "Invalid value for '--log-format': 'xml' is not one of"),
        (["--prot", "4600"], "No such option '--prot'"),
        (["--workers", "0"], "--workers 0 is fewer than one: give 1 or more"),
        (["--workers", "-3"], "--workers -3 is fewer than one"),
        (["--db", "not a url"], "--db 'not a url' is not a database URL: use sqlite:///"),
        (["--db", "mysql://user@localhost/db"], "mysql is not supported: use sqlite:///"),
        (["--db", "sqlite:///:memory:"], "names no file"),
        (["--db", "postgresql+asyncpg://u@localhost/db"], "the driver asyncpg is not supported"),
        (["--db", "sqlite:////proc/no-such-folder/x.db"], "cannot create the SQLite database"),
    ],
)
def test_a_setting_mistake_is_one_line_and_exit_2(args: list[str], expected: str) -> None:
    port = [] if "--port" in args else ["--port", str(free_port())]
    assert_one_line_error(serve(*port, "--db", "sqlite:///unused.db", *args), expected)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: milk, eggs\n" * 100)
    done = serve("--port", str(free_port()), "--db", f"sqlite:///{notes}")
    assert_one_line_error(done, f"{notes} is not a SQLite database")
    assert notes.read_text() == "shopping list: milk, eggs\n" * 100


def test_a_folder_given_as_the_database_file_is_refused(tmp_path: Path) -> None:
    done = serve("--port", str(free_port()), "--db", f"sqlite:///{tmp_path}")
    assert_one_line_error(done, f"cannot open the SQLite database {tmp_path}")


def test_a_port_in_use_is_refused_before_the_database_is_touched(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        database = tmp_path / "never.db"
        done = serve("--port", str(port), "--db", f"sqlite:///{database}")
    assert_one_line_error(done, f"port {port} on 127.0.0.1 is already in use")
    assert not database.exists()


def test_a_port_in_use_by_another_server_is_refused(tmp_path: Path) -> None:
    with ServerProcess(f"sqlite:///{tmp_path / 'first.db'}") as first:
        done = serve("--port", str(first.port), "--db", f"sqlite:///{tmp_path / 'second.db'}")
        assert_one_line_error(done, "already in use", "choose another --port")
        assert httpx.get(f"{first.endpoint}/_connect-numbers/health").status_code == 200
    assert not (tmp_path / "second.db").exists()


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> TemporaryPostgres:
    """The throwaway cluster, with a role ``guarded`` that must give its password."""
    found = postgres_cluster(request)
    with psycopg.connect(found.url, autocommit=True) as connection:
        connection.execute("DROP ROLE IF EXISTS guarded")
        connection.execute("CREATE ROLE guarded LOGIN PASSWORD 'right-password'")
    hba = found.data / "pg_hba.conf"
    rules = hba.read_text()
    if "guarded" not in rules:
        hba.write_text("host all guarded 127.0.0.1/32 scram-sha-256\n" + rules)
        found.pg_ctl("reload")
        time.sleep(0.5)
    return found


def test_postgresql_not_listening_is_one_line() -> None:
    closed = free_port()
    done = serve("--port", str(free_port()), "--db", f"postgresql://postgres@127.0.0.1:{closed}/x")
    assert_one_line_error(
        done,
        f"cannot use PostgreSQL at postgresql://postgres@127.0.0.1:{closed}/x",
        "Connection refused",
        "check that PostgreSQL is running",
    )


def test_an_unknown_postgresql_database_is_one_line(cluster: TemporaryPostgres) -> None:
    url = f"postgres://postgres@127.0.0.1:{cluster.port}/no_such_db"
    done = serve("--port", str(free_port()), "--db", url)
    assert_one_line_error(
        done, 'database "no_such_db" does not exist', "createdb no_such_db", "or fix --db"
    )


def test_an_unknown_postgresql_role_is_one_line(cluster: TemporaryPostgres) -> None:
    url = f"postgresql://nobody@127.0.0.1:{cluster.port}/connect_numbers"
    done = serve("--port", str(free_port()), "--db", url)
    assert_one_line_error(done, 'role "nobody" does not exist', "createuser nobody")


def test_a_wrong_postgresql_password_is_one_line_without_the_password(
    cluster: TemporaryPostgres,
) -> None:
    url = f"postgresql://guarded:wrong-password@127.0.0.1:{cluster.port}/connect_numbers"
    done = serve("--port", str(free_port()), "--db", url)
    assert_one_line_error(
        done, 'password authentication failed for user "guarded"', "check the user and password"
    )
    assert "wrong-password" not in done.stderr


def test_the_right_postgresql_password_serves(cluster: TemporaryPostgres, tmp_path: Path) -> None:
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS guarded_db WITH (FORCE)")
        connection.execute("CREATE DATABASE guarded_db OWNER guarded")
    url = f"postgres://guarded:right-password@127.0.0.1:{cluster.port}/guarded_db"
    with ServerProcess(url, args=("--log-level", "info")) as server:
        assert server.admin("GET", "config")["cooldown_days"] == 180
        assert "right-password" not in server.log()


# --- ~ in a SQLite path -------------------------------------------------------------------


def test_a_tilde_in_a_sqlite_path_is_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    with ServerProcess("sqlite:///~/numbers/state.db", args=("--log-level", "info")) as server:
        assert server.admin("GET", "clock")["offset_seconds"] == 0
        assert f"with database sqlite:///{home}/numbers/state.db" in server.log()
    assert (home / "numbers" / "state.db").is_file()
    assert list(elsewhere.iterdir()) == []  # no folder named ~
