"""The package as a user gets it: the wheel built from this checkout, installed with its
declared dependencies into a fresh virtual environment outside the checkout, running a
user's test file with the ``connect_numbers`` fixture on SQLite and on PostgreSQL.

The dependencies are resolved by pip from the wheel's metadata (that is what is tested:
boto3 and psycopg must come with it), pinned to the versions of requirements-dev.lock so
that pip's cache serves them when it can.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import only_in_the_sqlite_pass, postgres_cluster

ROOT = Path(__file__).resolve().parents[2]
USER_TESTS = textwrap.dedent(
    """
    import uuid
    from pathlib import Path

    import connect_numbers


    def test_the_package_is_the_installed_one():
        assert "site-packages" in connect_numbers.__file__
        assert not Path(connect_numbers.__file__).is_relative_to({root!r})


    def test_a_number_is_claimed_released_and_cools_down(connect_numbers):
        connect = connect_numbers.client()
        instance = connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED", InstanceAlias=f"pkg-{{uuid.uuid4().hex[:8]}}",
            InboundCallsEnabled=True, OutboundCallsEnabled=True,
        )
        number = connect.search_available_phone_numbers(
            TargetArn=instance["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID",
            MaxResults=1,
        )["AvailableNumbersList"][0]["PhoneNumber"]
        claimed = connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=number)
        connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
        connect_numbers.advance(180 * 86400)
        connect.claim_phone_number(TargetArn=instance["Arn"], PhoneNumber=number)
    """
).format(root=str(ROOT))


def run(*command: str | Path, cwd: Path, timeout: float = 300) -> str:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONNECT_NUMBERS_", "PYTHON", "VIRTUAL_ENV"))
    }
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def pinned_versions(folder: Path) -> Path:
    """requirements-dev.lock's pins without hashes: a constraints file for pip."""
    pins = [
        line.removesuffix("\\").strip()
        for line in (ROOT / "requirements-dev.lock").read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    return constraints


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv holding the wheel of this checkout and pytest; its folder."""
    folder = tmp_path_factory.mktemp("packaging")
    source = folder / "source"  # a copy: building leaves build/ and egg-info behind
    ignored = shutil.ignore_patterns("*.egg-info", "__pycache__")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignored)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", folder / "dist", source, cwd=folder
    )
    (wheel,) = (folder / "dist").glob("connect_numbers-*.whl")
    run(sys.executable, "-m", "venv", folder / "venv", cwd=folder)
    pip = folder / "venv" / "bin" / "pip"
    run(
        pip,
        "install",
        "-q",
        "-c",
        pinned_versions(folder),
        wheel,
        "pytest",
        cwd=folder,
        timeout=600,
    )
    yield folder


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    only_in_the_sqlite_pass(request)  # it installs and runs its own databases


def user_tests(installed: Path, *options: str) -> str:
    project = installed / "user-project"
    project.mkdir(exist_ok=True)
    (project / "test_numbers.py").write_text(USER_TESTS)
    python = installed / "venv" / "bin" / "python"
    return run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, cwd=project)


@pytest.mark.timeout(900)
def test_the_installed_wheel_runs_a_user_test_on_sqlite(installed: Path) -> None:
    assert "2 passed" in user_tests(installed)


@pytest.mark.timeout(300)
def test_the_installed_wheel_runs_a_user_test_on_a_throwaway_postgresql(installed: Path) -> None:
    assert "2 passed" in user_tests(installed, "--connect-numbers-db=postgresql")


@pytest.mark.timeout(300)
def test_the_installed_wheel_runs_a_user_test_on_a_postgres_url(
    installed: Path, request: pytest.FixtureRequest
) -> None:
    url = postgres_cluster(request).url.replace("postgresql://", "postgres://")
    assert "2 passed" in user_tests(installed, f"--connect-numbers-db={url}")


@pytest.mark.timeout(300)
def test_the_installed_command_serves_and_says_its_version(installed: Path) -> None:
    command = installed / "venv" / "bin" / "connect-numbers"
    assert run(command, "--version", cwd=installed).startswith("connect-numbers ")
    assert "--admin-token" in run(command, "serve", "--help", cwd=installed)
