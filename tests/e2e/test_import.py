"""ImportPhoneNumber from registered source numbers, and the admin registry of those numbers."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import answer, describe, error_of, listed, new_instance, run, set_quota

DAY = 86_400
ACCOUNT = "000000000000"
OTHER_ACCOUNT = "111111111111"
SEATTLE = [f"+120623456{i:02d}" for i in range(20)]  # valid US fixed-line-or-mobile numbers


def register(
    connect_numbers: Any, e164: str, account: str = ACCOUNT, region: str = "us-east-1"
) -> str:
    body = {"account_id": account, "region": region, "phone_number": e164}
    arn: str = connect_numbers.admin("POST", "source-numbers", body)["arn"]
    return arn


def sources(connect_numbers: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = connect_numbers.admin("GET", "source-numbers", None)[
        "source_numbers"
    ]
    return found


def admin_post(connect_numbers: Any, body: Any) -> httpx.Response:
    url = f"{connect_numbers.endpoint}/_connect-numbers/source-numbers"
    return httpx.post(url, json=body, timeout=10)


@pytest.fixture
def desk(connect: Any) -> dict[str, Any]:
    return new_instance(connect, "imports")


def do_import(connect: Any, desk: dict[str, Any], source: str, **more: Any) -> Any:
    return connect.import_phone_number(InstanceId=desk["Id"], SourcePhoneNumberArn=source, **more)


def refused(raised: pytest.ExceptionInfo[ClientError], status: int, code: str) -> str:
    found = error_of(raised)
    assert found[:2] == (status, code), found
    return found[2]


# --- the admin registry -----------------------------------------------------------------------


def test_a_registered_source_number_has_an_end_user_messaging_arn(connect_numbers: Any) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    assert arn.startswith(f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:phone-number/phone-")
    [found] = sources(connect_numbers)
    assert found["arn"] == arn
    assert (found["phone_number"], found["country"], found["type"]) == (SEATTLE[0], "US", "DID")
    assert (found["account_id"], found["region"], found["imported_as"]) == (
        ACCOUNT,
        "us-east-1",
        None,
    )


def test_a_toll_free_source_is_classified_as_toll_free(connect_numbers: Any) -> None:
    register(connect_numbers, "+18005550100")
    assert sources(connect_numbers)[0]["type"] == "TOLL_FREE"


@pytest.mark.parametrize(
    "body",
    [
        {"account_id": ACCOUNT, "region": "us-east-1", "phone_number": "+1206"},
        {"account_id": ACCOUNT, "region": "us-east-1", "phone_number": "12062345600"},
        {"account_id": ACCOUNT, "region": "us-east-1", "phone_number": "+80012345678"},
        {"account_id": ACCOUNT, "region": "mars-1", "phone_number": SEATTLE[0]},
        {"account_id": "42", "region": "us-east-1", "phone_number": SEATTLE[0]},
        {"account_id": ACCOUNT, "region": "us-east-1", "phone_number": 12062345600},
        {"account_id": ACCOUNT, "region": "us-east-1", "phone_number": SEATTLE[0], "x": 1},
        ["not", "an", "object"],
    ],
)
def test_a_bad_registration_is_refused_and_registers_nothing(
    connect_numbers: Any, body: Any
) -> None:
    response = admin_post(connect_numbers, body)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"code", "message"}
    assert sources(connect_numbers) == []


def test_a_number_is_registered_once(connect_numbers: Any) -> None:
    register(connect_numbers, SEATTLE[0])
    body = {"account_id": OTHER_ACCOUNT, "region": "us-east-1", "phone_number": SEATTLE[0]}
    assert admin_post(connect_numbers, body).status_code == 400
    assert len(sources(connect_numbers)) == 1


def test_a_source_is_removed_only_while_nothing_imported_from_it_is_held(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    source_id = arn.rsplit("/", 1)[1]
    number = do_import(connect, desk, arn)
    assert sources(connect_numbers)[0]["imported_as"] == number["PhoneNumberId"]
    url = f"{connect_numbers.endpoint}/_connect-numbers/source-numbers/{source_id}"
    assert httpx.delete(url, timeout=10).status_code == 400
    connect.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    assert httpx.delete(url, timeout=10).json() == {}
    assert sources(connect_numbers) == []
    assert httpx.delete(url, timeout=10).status_code == 404


def test_the_cli_adds_lists_and_removes_source_numbers(connect_numbers: Any) -> None:
    endpoint = connect_numbers.endpoint
    added = answer(endpoint, "source-numbers", "add", ACCOUNT, "us-east-1", SEATTLE[0])
    assert added["phone_number"] == SEATTLE[0]
    listed_ = answer(endpoint, "source-numbers", "list")["source_numbers"]
    assert [s["arn"] for s in listed_] == [added["arn"]]
    assert answer(endpoint, "source-numbers", "remove", added["id"]) == {}
    assert answer(endpoint, "source-numbers", "list") == {"source_numbers": []}
    failed = run(endpoint, "source-numbers", "add", ACCOUNT, "us-east-1", "+1")
    assert failed.returncode != 0
    assert "400" in failed.stderr


# --- ImportPhoneNumber ------------------------------------------------------------------------


def test_an_imported_number_is_claimed_with_its_source(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    number = do_import(connect, desk, arn, PhoneNumberDescription="imported", Tags={"k": "v"})
    assert number["PhoneNumberArn"].endswith(f":phone-number/{number['PhoneNumberId']}")
    summary = describe(connect, number["PhoneNumberId"])
    assert summary == {
        "PhoneNumberId": number["PhoneNumberId"],
        "PhoneNumberArn": number["PhoneNumberArn"],
        "PhoneNumber": SEATTLE[0],
        "PhoneNumberCountryCode": "US",
        "PhoneNumberType": "DID",
        "PhoneNumberDescription": "imported",
        "TargetArn": desk["Arn"],
        "InstanceId": desk["Id"],
        "Tags": {"k": "v"},
        "PhoneNumberStatus": {"Status": "CLAIMED"},
        "SourcePhoneNumberArn": arn,
    }
    [item] = connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert item == {k: v for k, v in summary.items() if k not in ("Tags", "PhoneNumberStatus")}
    history = connect_numbers.admin("GET", f"numbers/%2B{SEATTLE[0][1:]}/history", None)
    assert [e["event"] for e in history["events"]] == ["IMPORT", "SETTLE"]
    assert history["events"][0]["source_arn"] == arn


def test_the_raw_answer_of_an_import(raw: Any, connect_numbers: Any, desk: dict[str, Any]) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    body = f'{{"InstanceId": "{desk["Id"]}", "SourcePhoneNumberArn": "{arn}"}}'
    response = raw("POST", "/phone-number/import", body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"PhoneNumberId", "PhoneNumberArn"}


def test_an_import_is_in_progress_until_it_settles(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    connect_numbers.config(settle_seconds=30)
    connect_numbers.freeze(True)
    number_id = do_import(connect, desk, arn)["PhoneNumberId"]
    assert describe(connect, number_id)["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    connect_numbers.advance(29)
    assert describe(connect, number_id)["PhoneNumberStatus"]["Status"] == "IN_PROGRESS"
    connect_numbers.advance(1)
    assert describe(connect, number_id)["PhoneNumberStatus"]["Status"] == "CLAIMED"


def test_an_import_onto_a_full_instance_fails_as_a_claim_does(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    set_quota(connect_numbers, 1)
    first, second = register(connect_numbers, SEATTLE[0]), register(connect_numbers, SEATTLE[1])
    do_import(connect, desk, first)
    failed = do_import(connect, desk, second)["PhoneNumberId"]
    status = describe(connect, failed)["PhoneNumberStatus"]
    assert status["Status"] == "FAILED"
    assert "limit of 1" in status["Message"]
    assert listed(connect) == [SEATTLE[0]]


def test_a_retried_import_replays_its_answer_and_imports_once(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    token = "import-1"
    first = do_import(connect, desk, arn, ClientToken=token)
    again = do_import(connect, desk, arn, ClientToken=token)
    assert again["PhoneNumberId"] == first["PhoneNumberId"]
    history = connect_numbers.admin("GET", f"numbers/%2B{SEATTLE[0][1:]}/history", None)
    assert [e["event"] for e in history["events"]].count("IMPORT") == 1
    connect.release_phone_number(PhoneNumberId=first["PhoneNumberId"])
    late = do_import(connect, desk, arn, ClientToken=token)  # a late retry still replays
    assert late["PhoneNumberId"] == first["PhoneNumberId"]
    assert listed(connect) == []


def test_one_token_with_other_parameters_is_an_idempotency_error(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    first, second = register(connect_numbers, SEATTLE[0]), register(connect_numbers, SEATTLE[1])
    token = str(uuid.uuid4())
    do_import(connect, desk, first, ClientToken=token)
    for source, more in [(second, {}), (first, {"PhoneNumberDescription": "other"})]:
        with pytest.raises(ClientError) as raised:
            do_import(connect, desk, source, ClientToken=token, **more)
        assert token in refused(raised, 409, "IdempotencyException")
    assert listed(connect) == [SEATTLE[0]]


def test_a_source_unknown_to_the_caller_is_not_found_and_imports_nothing(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": OTHER_ACCOUNT})
    theirs = register(connect_numbers, SEATTLE[0], account=OTHER_ACCOUNT)
    west = register(connect_numbers, SEATTLE[1], region="us-west-2")
    mine = register(connect_numbers, SEATTLE[2])
    unregistered = mine.rsplit("/", 1)[0] + "/phone-0123456789abcdef0123456789abcdef"
    forged = mine.replace(ACCOUNT, OTHER_ACCOUNT)  # the right id under another account
    for source in (theirs, west, unregistered, forged):
        with pytest.raises(ClientError) as raised:
            do_import(connect, desk, source)
        refused(raised, 404, "ResourceNotFoundException")
    assert listed(connect) == []


@pytest.mark.parametrize(
    "source",
    [
        "arn:aws:connect:us-east-1:000000000000:phone-number/x",
        "arn:aws:sms-voice:us-east-1:000000000000:pool/pool-1",
        "+12062345600",
    ],
)
def test_a_source_arn_of_another_kind_is_an_invalid_parameter(
    connect: Any, desk: dict[str, Any], source: str
) -> None:
    with pytest.raises(ClientError) as raised:
        do_import(connect, desk, source)
    refused(raised, 400, "InvalidParameterException")
    assert listed(connect) == []


def test_an_unknown_instance_or_one_of_another_region_is_not_found(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    west = connect_numbers.client(region="us-west-2")
    for client, instance in [(connect, "00000000-0000-4000-8000-000000000000"), (west, desk["Id"])]:
        with pytest.raises(ClientError) as raised:
            client.import_phone_number(InstanceId=instance, SourcePhoneNumberArn=arn)
        refused(raised, 404, "ResourceNotFoundException")
    assert listed(connect) == []


def test_a_number_already_held_cannot_be_imported_again(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    do_import(connect, desk, arn)
    with pytest.raises(ClientError) as raised:
        do_import(connect, desk, arn)
    assert SEATTLE[0] in refused(raised, 400, "InvalidParameterException")
    assert listed(connect) == [SEATTLE[0]]


def test_a_released_import_goes_back_to_its_source_without_a_cooldown(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    first = do_import(connect, desk, arn)["PhoneNumberId"]
    connect.release_phone_number(PhoneNumberId=first)
    with pytest.raises(ClientError) as raised:
        describe(connect, first)
    refused(raised, 404, "ResourceNotFoundException")
    restore = httpx.post(
        f"{connect_numbers.endpoint}/_connect-numbers/numbers/%2B{SEATTLE[0][1:]}/restore",
        timeout=10,
    )
    assert restore.status_code == 400  # nothing cools, so nothing to restore
    again = do_import(connect, desk, arn)["PhoneNumberId"]
    assert again != first
    history = connect_numbers.admin("GET", f"numbers/%2B{SEATTLE[0][1:]}/history", None)
    events = [e["event"] for e in history["events"]]
    assert events == ["IMPORT", "SETTLE", "RELEASE", "IMPORT", "SETTLE"]
    assert history["events"][2]["returned_to"] == arn


def import_refusal(connect: Any, desk: dict[str, Any], source: str) -> str:
    with pytest.raises(ClientError) as raised:
        do_import(connect, desk, source)
    return refused(raised, 400, "InvalidParameterException")


def test_imports_and_their_releases_count_toward_the_churn_quota_exactly(
    connect_numbers: Any, connect: Any, desk: dict[str, Any]
) -> None:
    set_quota(connect_numbers, 1)  # releases allowed in the window: 200 % of 1 = 2
    start = connect_numbers.freeze(True)["now"]
    arn = register(connect_numbers, SEATTLE[0])
    connect.release_phone_number(PhoneNumberId=do_import(connect, desk, arn)["PhoneNumberId"])
    connect_numbers.set_clock(start + DAY)
    connect.release_phone_number(PhoneNumberId=do_import(connect, desk, arn)["PhoneNumberId"])
    assert "limit" in import_refusal(connect, desk, arn)
    with pytest.raises(ClientError) as raised:  # a claim is refused by the same count
        number = connect.search_available_phone_numbers(
            InstanceId=desk["Id"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
        )["AvailableNumbersList"][0]["PhoneNumber"]
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    refused(raised, 400, "InvalidParameterException")
    connect_numbers.set_clock(start + 180 * DAY - 0.001)
    import_refusal(connect, desk, arn)
    connect_numbers.set_clock(start + 180 * DAY)  # the first release leaves the window
    do_import(connect, desk, arn)
    assert listed(connect) == [SEATTLE[0]]


def test_concurrent_imports_of_one_source_import_it_once(
    connect_numbers: Any, desk: dict[str, Any]
) -> None:
    arn = register(connect_numbers, SEATTLE[0])
    clients = [connect_numbers.client() for _ in range(8)]
    start = threading.Barrier(len(clients))

    def attempt(client: Any) -> str:
        start.wait()
        try:
            do_import(client, desk, arn)
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "imported"

    with ThreadPoolExecutor(len(clients)) as pool:
        outcomes = sorted(pool.map(attempt, clients))
    assert outcomes == ["InvalidParameterException"] * 7 + ["imported"]
    assert listed(clients[0]) == [SEATTLE[0]]
