"""Run moto's own Connect tests, unchanged, against connect-numbers.

    .venv/bin/python -m bench.moto_suite MOTO/tests/test_connect [--fill-alias] [pytest args]

moto's tests decorate each test with ``@mock_aws`` and make plain
``boto3.client("connect", region_name="us-east-1")`` clients. In moto's server
mode (``TEST_SERVER_MODE=true``) that decorator points every client at
``TEST_SERVER_MODE_ENDPOINT``; this runner sets it to a connect-numbers server it
starts on a free port (SQLite in a temporary directory), so the tests run as
moto's own suite runs against ``moto_server``. Around each test it does what
moto's reset does for its server: it resets connect-numbers through the admin
API and creates moto's default account 123456789012 with a fresh key, which
every client of the test then signs with (moto's fake ``FOOBARKEY`` credentials
are not keys of connect-numbers). Nothing of moto's tests is copied or edited:
the path is in a checkout of moto (MOTO) that the caller provides. Needs the bench extra
(``make .venv/.bench``: moto, for its ``mock_aws``).

Some of moto's tests create a CONNECT_MANAGED instance without an
``InstanceAlias``, which Amazon Connect (and connect-numbers) refuses with
InvalidRequestException. ``--fill-alias`` (the first argument after the path)
gives such a CreateInstance a unique alias, to see how the rest of those tests
fare; without it the tests run exactly as written.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from connect_numbers.testing.server import RunningServer

MOTO_ACCOUNT = "123456789012"


class MotoSuitePlugin:
    """Per test: a clean connect-numbers and a key of moto's default account."""

    def __init__(self, server: RunningServer, fill_alias: bool) -> None:
        self.server = server
        self.fill_alias = fill_alias

    @pytest.fixture(autouse=True)
    def connect_numbers_account(self) -> Iterator[None]:
        self.server.call_admin("POST", "reset", {})
        self.server.call_admin("POST", "accounts", {"account_id": MOTO_ACCOUNT})
        key = self.server.call_admin("POST", f"accounts/{MOTO_ACCOUNT}/keys", {"principal": "moto"})
        import boto3

        real_client = boto3.client

        def signed_client(*args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("aws_access_key_id", key["access_key_id"])
            kwargs.setdefault("aws_secret_access_key", key["secret_access_key"])
            made = real_client(*args, **kwargs)
            if self.fill_alias:
                made.meta.events.register("provide-client-params.connect.CreateInstance", _alias)
            return made

        with mock.patch("boto3.client", signed_client):
            yield


def _alias(params: dict[str, Any], **_: Any) -> None:
    if "InstanceAlias" not in params and "DirectoryId" not in params:
        params["InstanceAlias"] = f"moto-{uuid.uuid4().hex[:12]}"


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench.moto_suite PATH_TO_MOTO_CONNECT_TESTS [pytest args]")
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'moto-suite.db'}"
        with RunningServer(database) as server:
            os.environ.update(
                TEST_SERVER_MODE="true",
                TEST_SERVER_MODE_ENDPOINT=server.endpoint,
                MOTO_CALL_RESET_API="false",
            )
            fill_alias = argv[1:2] == ["--fill-alias"]
            rest = argv[2:] if fill_alias else argv[1:]
            options = ["-p", "no:cacheprovider", "-p", "no:connect_numbers", *rest]
            plugin = MotoSuitePlugin(server, fill_alias)
            return int(pytest.main([argv[0], *options], plugins=[plugin]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
