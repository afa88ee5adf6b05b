"""Accounts and access keys through the admin API: issue, use, list, revoke, keep secret."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import code_of, new_instance

from connect_numbers.testing.server import RunningServer

ACCOUNT = "111111111111"
PREFIX = "/_connect-numbers/"
ALLOW_ALL = {"Statement": [{"Effect": "Allow", "Action": "connect:*", "Resource": "*"}]}


def admin_raw(endpoint: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{endpoint}{PREFIX}{path}", json=body, timeout=10)


def new_key(connect_numbers: Any, principal: str = "alice", **extra: Any) -> dict[str, Any]:
    connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT})
    key: dict[str, Any] = connect_numbers.admin(
        "POST", f"accounts/{ACCOUNT}/keys", {"principal": principal, **extra}
    )
    return key


def client_for(connect_numbers: Any, key: dict[str, Any], region: str = "us-east-1") -> Any:
    return connect_numbers.client(
        region=region, access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )


# --- accounts --------------------------------------------------------------------------------


def test_an_account_of_twelve_digits_is_created_and_listed(connect_numbers: Any) -> None:
    assert connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT}) == {
        "account_id": ACCOUNT
    }
    assert connect_numbers.admin("GET", "accounts") == {"accounts": ["000000000000", ACCOUNT]}


def test_creating_an_existing_account_again_is_harmless(connect_numbers: Any) -> None:
    for _ in range(2):
        connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT})
    assert connect_numbers.admin("GET", "accounts")["accounts"].count(ACCOUNT) == 1


@pytest.mark.parametrize(
    "account_id",
    [
        "11111111111",
        "1111111111111",
        "abcdefghijkl",
        "",
        111111111111,
        None,
        " 111111111111",
        "111111111111\n",
        "\uff11" * 12,  # fullwidth digits
        "\u0661" * 12,  # Arabic-Indic digits
    ],
)
def test_an_account_id_that_is_not_twelve_ascii_digits_is_a_400(
    connect_numbers: Any, account_id: Any
) -> None:
    response = admin_raw(connect_numbers.endpoint, "POST", "accounts", {"account_id": account_id})
    assert response.status_code == 400
    assert "account_id" in response.json()["message"]
    assert connect_numbers.admin("GET", "accounts") == {"accounts": ["000000000000"]}


@pytest.mark.parametrize("account_id", ["\u0661" * 12, "\uff11" * 12])
def test_a_quota_for_an_account_id_of_non_ascii_digits_is_a_400(
    connect_numbers: Any, account_id: str
) -> None:
    path = f"quotas/{quote(account_id)}/us-east-1"
    response = admin_raw(connect_numbers.endpoint, "PUT", path, {"phone_numbers_per_instance": 3})
    assert response.status_code == 400
    assert "account" in response.json()["message"]


def test_a_body_that_is_not_an_object_is_a_400(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers.endpoint, "POST", "accounts", [ACCOUNT])
    assert response.status_code == 400
    assert "JSON object" in response.json()["message"]


# --- keys ------------------------------------------------------------------------------------


def test_a_key_without_a_policy_is_issued_and_works_with_boto3(connect_numbers: Any) -> None:
    key = new_key(connect_numbers)
    assert key["access_key_id"].startswith("AKIA")
    assert len(key["access_key_id"]) == 20
    assert len(key["secret_access_key"]) == 40
    assert (key["account_id"], key["principal"], key["policy"]) == (ACCOUNT, "alice", None)
    mine = client_for(connect_numbers, key)
    created = new_instance(mine, "issued")
    assert f":{ACCOUNT}:instance/" in created["Arn"]
    listed = mine.list_instances()["InstanceSummaryList"]
    assert [i["Id"] for i in listed] == [created["Id"]]


def test_a_key_with_a_policy_is_issued_with_it_and_works_with_boto3(connect_numbers: Any) -> None:
    key = new_key(connect_numbers, policy=ALLOW_ALL)
    assert key["policy"] == ALLOW_ALL
    assert client_for(connect_numbers, key).list_instances()["InstanceSummaryList"] == []


def test_every_issued_key_is_different(connect_numbers: Any) -> None:
    keys = [new_key(connect_numbers) for _ in range(5)]
    assert len({k["access_key_id"] for k in keys}) == 5
    assert len({k["secret_access_key"] for k in keys}) == 5


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ("connect:*", "object with a Statement"),
        ({"Statement": []}, "at least one Statement"),
        ({"Statement": [{"Effect": "Maybe", "Action": "connect:*", "Resource": "*"}]}, "Effect"),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}, "s3:"),
        (
            {"Statement": [{"Effect": "Allow", "NotAction": "connect:*", "Resource": "*"}]},
            "NotAction",
        ),
        ({"Statement": [{"Effect": "Allow", "Action": "connect:*"}]}, "Resource"),
        ({"Version": "1.0", **ALLOW_ALL}, "Version"),
    ],
)
def test_a_bad_policy_is_a_400_naming_the_problem_and_issues_no_key(
    connect_numbers: Any, policy: Any, words: str
) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT})
    response = admin_raw(
        connect_numbers.endpoint,
        "POST",
        f"accounts/{ACCOUNT}/keys",
        {"principal": "alice", "policy": policy},
    )
    assert response.status_code == 400
    assert words in response.json()["message"]
    assert connect_numbers.admin("GET", f"accounts/{ACCOUNT}/keys") == {"keys": []}


@pytest.mark.parametrize(
    "principal", ["", "a" * 65, "ali ce", "alice\n", "al/ice", "\u00e5lice", None, 7]
)
def test_a_bad_principal_is_a_400(connect_numbers: Any, principal: Any) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": ACCOUNT})
    response = admin_raw(
        connect_numbers.endpoint, "POST", f"accounts/{ACCOUNT}/keys", {"principal": principal}
    )
    assert response.status_code == 400
    assert "principal" in response.json()["message"]
    assert connect_numbers.admin("GET", f"accounts/{ACCOUNT}/keys") == {"keys": []}


def test_a_key_for_an_account_that_does_not_exist_is_a_404(connect_numbers: Any) -> None:
    response = admin_raw(
        connect_numbers.endpoint, "POST", "accounts/222222222222/keys", {"principal": "bob"}
    )
    assert response.status_code == 404
    assert "222222222222" in response.json()["message"]


def test_listing_keys_never_shows_a_secret(connect_numbers: Any) -> None:
    keys = [new_key(connect_numbers, "alice"), new_key(connect_numbers, "bob", policy=ALLOW_ALL)]
    response = admin_raw(connect_numbers.endpoint, "GET", f"accounts/{ACCOUNT}/keys")
    assert response.status_code == 200
    for key in keys:
        assert key["secret_access_key"] not in response.text
    listed = response.json()["keys"]
    assert {k["access_key_id"] for k in listed} == {k["access_key_id"] for k in keys}
    for entry in listed:
        assert not any("secret" in name for name in entry)
        assert entry["revoked_at"] is None


def test_a_revoked_key_fails_at_once_with_unrecognized_client(
    raw: Any, connect_numbers: Any
) -> None:
    key = new_key(connect_numbers)
    other = new_key(connect_numbers, "bob")
    mine = client_for(connect_numbers, key)
    assert mine.list_instances()["InstanceSummaryList"] == []  # now cached by the server
    connect_numbers.admin("DELETE", f"accounts/{ACCOUNT}/keys/{key['access_key_id']}")
    response = raw(
        "GET",
        "/instance",
        access_key=key["access_key_id"],
        secret_key=key["secret_access_key"],
    )
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "UnrecognizedClientException"
    assert response.json() == {"message": "The security token included in the request is invalid."}
    with pytest.raises(ClientError) as raised:
        mine.list_instances()
    assert code_of(raised) == (403, "UnrecognizedClientException")
    assert client_for(connect_numbers, other).list_instances()["InstanceSummaryList"] == []
    listed = {
        k["access_key_id"]: k
        for k in connect_numbers.admin("GET", f"accounts/{ACCOUNT}/keys")["keys"]
    }
    assert listed[key["access_key_id"]]["revoked_at"] is not None
    assert listed[other["access_key_id"]]["revoked_at"] is None


def test_revoking_twice_or_an_unknown_key_is_a_404(connect_numbers: Any) -> None:
    key = new_key(connect_numbers)
    path = f"accounts/{ACCOUNT}/keys/{key['access_key_id']}"
    assert admin_raw(connect_numbers.endpoint, "DELETE", path).status_code == 200
    assert admin_raw(connect_numbers.endpoint, "DELETE", path).status_code == 404
    unknown = admin_raw(
        connect_numbers.endpoint, "DELETE", f"accounts/{ACCOUNT}/keys/AKIANOSUCHKEY"
    )
    assert unknown.status_code == 404


def test_a_key_cannot_be_revoked_through_another_account(connect_numbers: Any) -> None:
    key = new_key(connect_numbers)
    connect_numbers.admin("POST", "accounts", {"account_id": "222222222222"})
    response = admin_raw(
        connect_numbers.endpoint, "DELETE", f"accounts/222222222222/keys/{key['access_key_id']}"
    )
    assert response.status_code == 404
    assert client_for(connect_numbers, key).list_instances()["InstanceSummaryList"] == []


def test_the_secret_never_appears_in_the_server_log(
    raw: Any, connect_numbers: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="connect_numbers")
    key = new_key(connect_numbers, policy=ALLOW_ALL)
    secret = key["secret_access_key"]
    mine = client_for(connect_numbers, key)
    new_instance(mine, "logged")
    mine.list_instances()
    options = {"access_key": key["access_key_id"]}
    raw("GET", "/instance", secret_key=secret[::-1], **options)  # a signature mismatch
    raw("PUT", "/instance", "{not json", secret_key=secret, **options)  # a validation error
    connect_numbers.admin("GET", f"accounts/{ACCOUNT}/keys")
    connect_numbers.admin("DELETE", f"accounts/{ACCOUNT}/keys/{key['access_key_id']}")
    raw("GET", "/instance", secret_key=secret, **options)  # a revoked key
    logged = caplog.text + "".join(repr(r.args) + repr(r.__dict__) for r in caplog.records)
    assert key["access_key_id"] in logged  # the log was captured, and names the key
    assert secret not in logged


def test_the_database_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private" / "numbers.db"
    previous = os.umask(0)  # even a permissive umask must not widen it
    try:
        with RunningServer(f"sqlite:///{path}") as server:
            server.call_admin("POST", "accounts", {"account_id": ACCOUNT})
            files = [path, *tmp_path.glob("private/numbers.db-*")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        os.umask(previous)
    assert modes["numbers.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes
