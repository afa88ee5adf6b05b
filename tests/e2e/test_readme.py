"""README.md's quick start, as a new user follows it: ``make serve`` (on a port and a
database of the test's own), then the README's command lines, its boto3 snippet (twice)
and its AWS CLI line, with and without a stray ``AWS_SESSION_TOKEN``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from connect_numbers.testing.server import free_port
from processes import only_in_the_sqlite_pass

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
README_ENDPOINT = "http://127.0.0.1:4590"


def readme_block(heading: str, language: str, containing: str = "") -> str:
    """The first ``language`` code block under ``heading`` that contains ``containing``."""
    section = README.split(f"\n{heading}\n", 1)[1]
    for block in re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL):
        if containing in block:
            return str(block)
    raise AssertionError(f"no {language} block with {containing!r} under {heading}")


def environment(**changes: str) -> dict[str, str]:
    """This process's environment without our, make's and AWS's variables, plus ``changes``."""
    dropped = ("CONNECT_NUMBERS_", "AWS_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    kept["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{kept.get('PATH', '')}"
    return {**kept, **changes}


@dataclass
class MakeServe:
    """``make serve PORT=… DB=…`` running in the checkout, with its output in a file."""

    process: subprocess.Popen[bytes]
    output: Path
    endpoint: str

    def text(self) -> str:
        return self.output.read_text(errors="replace")


@contextmanager
def make_serve(folder: Path, *variables: str, **env: str) -> Iterator[MakeServe]:
    port = free_port()
    output = folder / "make-serve.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={port}", *variables],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment(**env),
            start_new_session=True,  # make and the server stop together
        )
    served = MakeServe(process, output, f"http://127.0.0.1:{port}")
    try:
        wait_for_health(served)
        yield served
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def wait_for_health(served: MakeServe) -> None:
    deadline = time.monotonic() + 120  # make may first bring .venv up to date
    while time.monotonic() < deadline:
        assert served.process.poll() is None, served.text()
        with suppress(httpx.HTTPError):
            if httpx.get(f"{served.endpoint}/_connect-numbers/health").status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"make serve did not answer:\n{served.text()}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeServe]:
    folder = tmp_path_factory.mktemp("make-serve")
    with make_serve(folder, f"DB=sqlite:///{folder / 'readme.db'}") as running:
        yield running


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    only_in_the_sqlite_pass(request)  # make serve brings its own SQLite file


def run_shell(line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- make serve ---------------------------------------------------------------------------


def test_make_serve_prints_the_url_and_the_database_it_was_given(served: MakeServe) -> None:
    database = served.output.parent / "readme.db"
    assert f"serving {served.endpoint} with database sqlite:///{database}" in served.text()
    assert database.is_file()


def test_make_serve_without_db_uses_the_users_shared_file(tmp_path: Path) -> None:
    with make_serve(tmp_path, XDG_DATA_HOME=str(tmp_path / "data")) as running:
        shared = tmp_path / "data" / "connect-numbers" / "connect-numbers.db"
        assert f"serving {running.endpoint} with database sqlite:///{shared}" in running.text()
    assert shared.is_file()


def test_make_serve_ignores_port_and_db_in_the_environment() -> None:
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=environment(PORT="8080", DB="something-else"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("connect-numbers serve --port 4590")


# --- the README's lines after make serve ---------------------------------------------------


def test_the_readme_command_lines_work_as_written(served: MakeServe, tmp_path: Path) -> None:
    lines = [x for x in readme_block("## Command line", "sh").splitlines() if x.strip()]
    assert sum(x.startswith(".venv/bin/connect-numbers ") for x in lines) >= 15
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")  # a folder like the checkout's
    for line in lines:  # the README's port, redirected to this server's
        done = run_shell(line, tmp_path, CONNECT_NUMBERS_ENDPOINT=served.endpoint)
        assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
    restored = httpx.get(f"{served.endpoint}/_connect-numbers/config").json()
    assert restored["cooldown_days"] == 180  # the last line reset the server


def test_the_readme_boto3_snippet_runs_twice(served: MakeServe, tmp_path: Path) -> None:
    snippet = readme_block("## Quick start", "python", containing="boto3.client(")
    assert README_ENDPOINT in snippet
    script = tmp_path / "quick_start.py"
    script.write_text(snippet.replace(README_ENDPOINT, served.endpoint))
    for _ in range(2):
        done = run_shell(f"{sys.executable} {script}", tmp_path)
        assert done.returncode == 0, done.stderr


def test_the_readme_aws_line_and_a_stray_session_token(served: MakeServe, tmp_path: Path) -> None:
    line = readme_block("## Quick start", "sh", containing="aws connect").strip()
    line = line.replace(README_ENDPOINT, served.endpoint)
    assert run_shell(line, tmp_path).returncode == 0
    stray = run_shell(line, tmp_path, AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEXAMPLE")
    assert stray.returncode != 0
    code, message = (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    assert f"({code}) when calling the ListInstances operation: {message}" in stray.stderr
    assert f"`{code}: {message}`" in " ".join(README.split())  # what the README says
    without = run_shell(
        f"env -u AWS_SESSION_TOKEN {line}", tmp_path, AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEXAMPLE"
    )
    assert without.returncode == 0, without.stderr
