"""The AWS CLI (`aws connect ...`) claims and releases numbers unchanged, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from helpers import new_instance

AWS = str(Path(sys.executable).with_name("aws"))


@pytest.fixture
def aws(connect_numbers: Any, tmp_path: Path) -> Any:
    """``aws(*args)`` → the CLI's exit code, parsed JSON output (or None) and stderr."""
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_ENDPOINT_URL": connect_numbers.endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
    }

    def run(*args: str) -> tuple[int, Any, str]:
        done = subprocess.run(
            [AWS, "connect", *args, "--output", "json"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        output = json.loads(done.stdout) if done.stdout.strip() else None
        return done.returncode, output, done.stderr

    return run


def test_the_aws_cli_claims_describes_and_releases(aws: Any, connect: Any) -> None:
    desk = new_instance(connect, "cli")
    number = connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]

    code, claimed, _ = aws(
        "claim-phone-number",
        "--target-arn",
        desk["Arn"],
        "--phone-number",
        number,
        "--tags",
        "team=voice",
        "--client-token",
        str(uuid.uuid4()),
    )
    assert code == 0
    assert set(claimed) == {"PhoneNumberId", "PhoneNumberArn"}

    code, described, _ = aws(
        "describe-phone-number", "--phone-number-id", claimed["PhoneNumberArn"]
    )
    assert code == 0
    summary = described["ClaimedPhoneNumberSummary"]
    assert summary["PhoneNumber"] == number
    assert summary["PhoneNumberStatus"]["Status"] == "CLAIMED"
    assert summary["Tags"] == {"team": "voice"}
    listed = connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert [n["PhoneNumberId"] for n in listed] == [claimed["PhoneNumberId"]]

    code, released, stderr = aws(
        "release-phone-number", "--phone-number-id", claimed["PhoneNumberArn"]
    )
    assert (code, released, stderr) == (0, None, "")
    assert connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"] == []

    code, _, stderr = aws("describe-phone-number", "--phone-number-id", claimed["PhoneNumberId"])
    assert code == 255  # the AWS CLI v1 exit code of a service error
    assert "ResourceNotFoundException" in stderr


def test_the_aws_cli_reports_a_refused_claim(aws: Any, connect: Any) -> None:
    desk = new_instance(connect, "cli-refused")
    code, _, stderr = aws(
        "claim-phone-number",
        "--instance-id",
        desk["Id"],
        "--phone-number",
        "+19005550123",
    )
    assert code == 255  # the AWS CLI v1 exit code of a service error, stderr
    assert "InvalidParameterException" in stderr
    assert "Phone number not available: +19005550123" in stderr
