"""What the model's documentation promises: DescribeInstance's ReplicationConfiguration,
and ListPhoneNumbers (v1) showing the types it predates as TOLL_FREE or DID."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, new_instance

WEST = "us-west-2"


# --- DescribeInstance of a replicated instance ------------------------------------------------


def test_an_instance_never_replicated_has_no_replication_configuration(
    connect: Any, raw: Any
) -> None:
    desk = new_instance(connect, "alone")
    assert "ReplicationConfiguration" not in connect.describe_instance(InstanceId=desk["Id"])
    assert "ReplicationConfiguration" not in raw("GET", f"/instance/{desk['Id']}").json()


def test_a_replicated_instance_describes_its_replication_in_both_regions(
    connect_numbers: Any, connect: Any, raw: Any
) -> None:
    desk = new_instance(connect, "desk")
    connect.replicate_instance(InstanceId=desk["Id"], ReplicaRegion=WEST, ReplicaAlias="desk-w")
    expected = {
        "SourceRegion": "us-east-1",
        "ReplicationStatusSummaryList": [
            {"Region": "us-east-1", "ReplicationStatus": "INSTANCE_REPLICATION_COMPLETE"},
            {"Region": WEST, "ReplicationStatus": "INSTANCE_REPLICATION_COMPLETE"},
        ],
    }
    west = connect_numbers.client(region=WEST)
    for client, region in ((connect, "us-east-1"), (west, WEST)):
        answer = client.describe_instance(InstanceId=desk["Id"])
        assert answer["ReplicationConfiguration"] == expected
        assert answer["Instance"]["Arn"].split(":")[3] == region
        body = raw("GET", f"/instance/{desk['Id']}", region=region).json()
        assert body["ReplicationConfiguration"] == expected  # the raw wire, member for member


def test_a_replication_is_in_progress_in_the_replica_region_until_it_settles(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.config(settle_seconds=60)
    desk = new_instance(connect, "slow")
    connect_numbers.advance(60)
    connect.replicate_instance(InstanceId=desk["Id"], ReplicaRegion=WEST, ReplicaAlias="slow-w")

    def statuses() -> list[tuple[str, str]]:
        found = connect.describe_instance(InstanceId=desk["Id"])["ReplicationConfiguration"]
        return [
            (s["Region"], s["ReplicationStatus"]) for s in found["ReplicationStatusSummaryList"]
        ]

    assert statuses() == [
        ("us-east-1", "INSTANCE_REPLICATION_COMPLETE"),
        (WEST, "INSTANCE_REPLICATION_IN_PROGRESS"),
    ]
    connect_numbers.advance(59)
    assert statuses()[1] == (WEST, "INSTANCE_REPLICATION_IN_PROGRESS")
    connect_numbers.advance(1)
    assert statuses()[1] == (WEST, "INSTANCE_REPLICATION_COMPLETE")


def test_deleting_the_replica_removes_the_replication_configuration(
    connect_numbers: Any, connect: Any
) -> None:
    desk = new_instance(connect, "shortlived")
    connect.replicate_instance(InstanceId=desk["Id"], ReplicaRegion=WEST, ReplicaAlias="short-w")
    connect_numbers.client(region=WEST).delete_instance(InstanceId=desk["Id"])
    assert "ReplicationConfiguration" not in connect.describe_instance(InstanceId=desk["Id"])


# --- ListPhoneNumbers (v1) and the types it predates ------------------------------------------

# One number of each type, loaded into the inventory (country US; UIFN is +800).
LOADED = {
    "DID": "+12062345601",
    "TOLL_FREE": "+18002345602",
    "UIFN": "+80012345678",
    "SHARED": "+12062345603",
    "THIRD_PARTY_DID": "+12062345604",
    "THIRD_PARTY_TF": "+18882345605",
}
SHOWN_BY_V1 = {
    "DID": "DID",
    "TOLL_FREE": "TOLL_FREE",
    "UIFN": "TOLL_FREE",
    "SHARED": "DID",
    "THIRD_PARTY_DID": "DID",
    "THIRD_PARTY_TF": "TOLL_FREE",
}


@pytest.fixture
def every_type(connect_numbers: Any, connect: Any) -> dict[str, Any]:
    """An instance holding one claimed number of each type."""
    rows = [
        {"phone_number": number, "country": "US", "type": kind} for kind, number in LOADED.items()
    ]
    connect_numbers.admin("POST", "inventory", {"numbers": rows})
    connect_numbers.admin(
        "PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 10}
    )
    desk = new_instance(connect, "typed")
    for number in LOADED.values():
        connect.claim_phone_number(PhoneNumber=number, InstanceId=desk["Id"])
    return desk


def test_v1_shows_the_types_it_predates_as_toll_free_or_did(
    connect: Any, raw: Any, every_type: dict[str, Any]
) -> None:
    listed = connect.list_phone_numbers(InstanceId=every_type["Id"])["PhoneNumberSummaryList"]
    by_number = {n["PhoneNumber"]: n["PhoneNumberType"] for n in listed}
    assert by_number == {LOADED[kind]: SHOWN_BY_V1[kind] for kind in LOADED}
    body = raw("GET", f"/phone-numbers-summary/{every_type['Id']}").json()
    assert {n["PhoneNumberType"] for n in body["PhoneNumberSummaryList"]} == {"DID", "TOLL_FREE"}
    # V2 tells the truth
    v2 = connect.list_phone_numbers_v2(InstanceId=every_type["Id"])["ListPhoneNumbersSummaryList"]
    assert {n["PhoneNumber"]: n["PhoneNumberType"] for n in v2} == {
        number: kind for kind, number in LOADED.items()
    }


@pytest.mark.parametrize(
    ("wanted", "kinds"),
    [
        (["TOLL_FREE"], {"TOLL_FREE", "UIFN", "THIRD_PARTY_TF"}),
        (["DID"], {"DID", "SHARED", "THIRD_PARTY_DID"}),
        (["DID", "TOLL_FREE"], set(LOADED)),
        (["SHORT_CODE"], set()),
    ],
)
def test_the_v1_type_filter_selects_by_the_type_v1_shows(
    connect: Any, every_type: dict[str, Any], wanted: list[str], kinds: set[str]
) -> None:
    listed = connect.list_phone_numbers(InstanceId=every_type["Id"], PhoneNumberTypes=wanted)
    found = {n["PhoneNumber"] for n in listed["PhoneNumberSummaryList"]}
    assert found == {LOADED[kind] for kind in kinds}


@pytest.mark.parametrize("kind", ["UIFN", "SHARED", "THIRD_PARTY_TF", "THIRD_PARTY_DID"])
def test_the_v1_type_filter_refuses_the_types_v1_does_not_support(
    connect: Any, raw: Any, kind: str
) -> None:
    desk = new_instance(connect, "filtered")
    with pytest.raises(ClientError) as raised:
        connect.list_phone_numbers(InstanceId=desk["Id"], PhoneNumberTypes=["DID", kind])
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterException")
    assert message == (
        f"ListPhoneNumbers does not support the phone number type {kind}: PhoneNumberTypes "
        "takes TOLL_FREE, DID, SHORT_CODE (ListPhoneNumbersV2 lists every type)"
    )
    answer = raw("GET", f"/phone-numbers-summary/{desk['Id']}?phoneNumberTypes={kind}")
    assert answer.status_code == 400
    assert answer.headers["x-amzn-errortype"] == "InvalidParameterException"
    assert json.loads(answer.content)["Message"] == message
