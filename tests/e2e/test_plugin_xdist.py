"""The pytest plugin under pytest-xdist, run as a user runs it: ``pytest -n 2`` in a subprocess.

The user's tests meet at a rendezvous (``--dist each`` runs every test on both workers,
in the same order): each worker creates its instance, then waits until the other worker
has created its own, and only then lists instances. On a shared
database each would see two instances (or, when a reset of the other worker came in
between, none of its own), so the run passes only when every worker has a database of
its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from processes import only_in_the_sqlite_pass, postgres_cluster

USER_TESTS = textwrap.dedent(
    """
    import os
    import time
    from pathlib import Path

    import pytest

    MEETING = Path(os.environ["MEETING_FOLDER"])


    def meet(worker, round_):
        (MEETING / f"{round_}-{worker}").write_text("here")
        deadline = time.monotonic() + 30
        while len(list(MEETING.glob(f"{round_}-*"))) < 2:
            assert time.monotonic() < deadline, "the other worker never came"
            time.sleep(0.02)


    @pytest.mark.parametrize("round_", range(3))
    def test_a_worker_sees_only_its_own_instance(connect_numbers, worker_id, round_):
        connect = connect_numbers.client()
        alias = f"{worker_id}-{round_}"
        connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED", InstanceAlias=alias,
            InboundCallsEnabled=True, OutboundCallsEnabled=True,
        )
        meet(worker_id, round_)
        listed = connect.list_instances()["InstanceSummaryList"]
        assert [i["InstanceAlias"] for i in listed] == [alias]
        (MEETING / f"url-{worker_id}").write_text(connect_numbers.server.settings.db)
    """
)


def run_user_tests(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_user.py").write_text(USER_TESTS)
    meeting = folder / "meeting"
    meeting.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_NUMBERS_")}
    environment["MEETING_FOLDER"] = str(meeting)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "--dist",
            "each",
            *options,
        ],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )


def assert_two_workers_on_two_databases(
    folder: Path, done: subprocess.CompletedProcess[str]
) -> list[str]:
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout
    urls = sorted(p.read_text() for p in (folder / "meeting").glob("url-*"))
    assert len(urls) == 2 and urls[0] != urls[1]
    return urls


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    only_in_the_sqlite_pass(request)  # each case chooses its own databases


@pytest.mark.timeout(180)
def test_two_workers_on_sqlite_each_get_their_own_file(tmp_path: Path) -> None:
    done = run_user_tests(tmp_path)
    urls = assert_two_workers_on_two_databases(tmp_path, done)
    assert all(url.startswith("sqlite:///") for url in urls)


@pytest.mark.timeout(180)
def test_two_workers_on_throwaway_postgresql_each_get_their_own_cluster(tmp_path: Path) -> None:
    done = run_user_tests(tmp_path, "--connect-numbers-db=postgresql")
    urls = assert_two_workers_on_two_databases(tmp_path, done)
    assert all(url.startswith("postgresql://") for url in urls)


@pytest.mark.timeout(180)
def test_two_workers_on_one_postgresql_url_each_get_a_database_created_on_it(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cluster = postgres_cluster(request)
    given = cluster.url.replace("postgresql://", "postgres://")  # the other spelling too
    done = run_user_tests(tmp_path, f"--connect-numbers-db={given}")
    urls = assert_two_workers_on_two_databases(tmp_path, done)
    name = given.rsplit("/", 1)[1]
    assert {url.rsplit("/", 1)[1] for url in urls} == {f"{name}_gw0", f"{name}_gw1"}
    assert not {f"{name}_gw0", f"{name}_gw1"} & cluster_databases(cluster.url)  # dropped


def test_two_workers_on_one_sqlite_url_each_get_their_own_file(tmp_path: Path) -> None:
    done = run_user_tests(tmp_path, f"--connect-numbers-db=sqlite:///{tmp_path / 'shared.db'}")
    urls = assert_two_workers_on_two_databases(tmp_path, done)
    assert {Path(url.removeprefix("sqlite:///")).name for url in urls} == {
        "shared_gw0.db",
        "shared_gw1.db",
    }


def cluster_databases(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"
        ).fetchall()
    return {row[0] for row in rows}
