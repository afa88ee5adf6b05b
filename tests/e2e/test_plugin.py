"""The pytest plugin, used the way a user uses it: pytest in a subprocess on their own test file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

EXAMPLE = textwrap.dedent(
    """
    def test_a_user_creates_an_instance_and_moves_the_clock(connect_numbers):
        connect = connect_numbers.client()
        created = connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InstanceAlias="from-a-user",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )
        before = connect_numbers.clock()["now"]
        connect_numbers.advance(181 * 86400)
        assert connect_numbers.clock()["now"] >= before + 181 * 86400
        instance = connect.describe_instance(InstanceId=created["Id"])["Instance"]
        assert instance["InstanceStatus"] == "ACTIVE"


    def test_each_test_starts_from_a_wiped_server(connect_numbers):
        assert connect_numbers.client().list_instances()["InstanceSummaryList"] == []
        assert connect_numbers.clock()["offset_seconds"] == 0


    def test_a_user_retries_through_injected_throttles(connect_numbers):
        patient = connect_numbers.client(retries={"mode": "standard"})
        with connect_numbers.fault("ListInstances", error="ThrottlingException", count=2):
            answer = patient.list_instances()
        assert answer["ResponseMetadata"]["RetryAttempts"] == 2
        assert connect_numbers.faults() == []
    """
)


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_user_test_using_the_fixture_passes(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(EXAMPLE)
    done = run_pytest(tmp_path, "test_user.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_a_failing_user_test_fails(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "def test_wrong(connect_numbers):\n"
        "    assert connect_numbers.client().list_instances()['InstanceSummaryList'] == [1]\n"
    )
    done = run_pytest(tmp_path, "test_user.py")
    assert done.returncode == 1
    assert "1 failed" in done.stdout
