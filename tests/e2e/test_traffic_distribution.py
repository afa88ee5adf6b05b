"""ReplicateInstance and traffic distribution groups, in both regions of a pair, through boto3."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import available, describe, new_instance, set_quota

ACCOUNT = "000000000000"
EAST, WEST = "us-east-1", "us-west-2"


@pytest.fixture
def east(connect: Any) -> Any:
    return connect


@pytest.fixture
def west(connect_numbers: Any) -> Any:
    return connect_numbers.client(WEST)


def replicated(east: Any, alias: str) -> dict[str, Any]:
    """A new instance in us-east-1, replicated to us-west-2; its default TDG."""
    instance = new_instance(east, alias)
    replica = east.replicate_instance(
        InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias=f"{alias}-west"
    )
    groups = east.list_traffic_distribution_groups(InstanceId=instance["Id"])
    (default,) = groups["TrafficDistributionGroupSummaryList"]
    return {**instance, "Replica": replica, "Default": default}


def new_group(east: Any, instance: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = east.create_traffic_distribution_group(
        Name=name, InstanceId=instance["Id"], **extra
    )
    return created


def claim_to(connect: Any, target: dict[str, Any]) -> dict[str, Any]:
    (number,) = available(connect, target)
    claimed: dict[str, Any] = connect.claim_phone_number(
        TargetArn=target["Arn"], PhoneNumber=number
    )
    return {**claimed, "PhoneNumber": number}


def numbers_on(connect: Any, target: dict[str, Any]) -> list[str]:
    page = connect.list_phone_numbers_v2(TargetArn=target["Arn"])
    return [s["PhoneNumber"] for s in page["ListPhoneNumbersSummaryList"]]


def failure(call: Callable[[], object]) -> dict[str, Any]:
    """The error a call answers: its HTTP status, code and message."""
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def code_of(error: Exception) -> str:
    assert isinstance(error, ClientError), repr(error)
    return str(error.response["Error"]["Code"])


# --- ReplicateInstance --------------------------------------------------------------------


def test_a_replica_has_the_same_id_in_the_paired_region(east: Any, west: Any) -> None:
    instance = replicated(east, "pair")
    replica = instance["Replica"]
    assert replica == {
        "Id": instance["Id"],
        "Arn": f"arn:aws:connect:{WEST}:{ACCOUNT}:instance/{instance['Id']}",
        "ResponseMetadata": replica["ResponseMetadata"],
    }
    described = west.describe_instance(InstanceId=instance["Id"])["Instance"]
    assert (described["Arn"], described["InstanceAlias"]) == (replica["Arn"], "pair-west")
    assert described["InstanceStatus"] == "ACTIVE"
    listed = west.list_instances()["InstanceSummaryList"]
    assert [i["Arn"] for i in listed] == [replica["Arn"]]
    assert east.describe_instance(InstanceId=instance["Id"])["Instance"]["Arn"] == instance["Arn"]


def test_replication_creates_the_default_group(east: Any, west: Any) -> None:
    instance = replicated(east, "defaulted")
    default = instance["Default"]
    assert default["IsDefault"] is True
    assert default["InstanceArn"] == instance["Arn"]
    assert default["Arn"] == (
        f"arn:aws:connect:{EAST}:{ACCOUNT}:traffic-distribution-group/{default['Id']}"
    )
    described = west.describe_traffic_distribution_group(TrafficDistributionGroupId=default["Arn"])
    assert described["TrafficDistributionGroup"]["Status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("source", "replica"),
    [
        (EAST, WEST),
        (WEST, EAST),
        ("eu-central-1", "eu-west-2"),
        ("eu-west-2", "eu-central-1"),
        ("ap-northeast-1", "ap-northeast-3"),
    ],
)
def test_each_region_pair_replicates(connect_numbers: Any, source: str, replica: str) -> None:
    here = connect_numbers.client(source)
    instance = new_instance(here, f"r-{source}")
    answer = here.replicate_instance(
        InstanceId=instance["Id"], ReplicaRegion=replica, ReplicaAlias=f"r-{source}-copy"
    )
    assert answer["Arn"] == f"arn:aws:connect:{replica}:{ACCOUNT}:instance/{instance['Id']}"
    there = connect_numbers.client(replica)
    assert there.describe_instance(InstanceId=instance["Id"])["Instance"]["Id"] == instance["Id"]


@pytest.mark.parametrize(
    ("source", "replica"),
    [
        (EAST, "eu-west-2"),
        (EAST, EAST),
        ("ap-northeast-3", "ap-northeast-1"),
        ("ca-central-1", EAST),
        ("ap-northeast-1", "ap-southeast-1"),
    ],
)
def test_a_region_outside_the_pair_is_refused(
    connect_numbers: Any, source: str, replica: str
) -> None:
    here = connect_numbers.client(source)
    instance = new_instance(here, f"no-{source}-{replica}")
    error = failure(
        lambda: here.replicate_instance(
            InstanceId=instance["Id"], ReplicaRegion=replica, ReplicaAlias="no-copy"
        )
    )
    assert (error["Status"], error["Code"]) == (400, "InvalidRequestException")
    listing = connect_numbers.client(replica).list_instances()["InstanceSummaryList"]
    assert [i["Arn"] for i in listing if i["Id"] == instance["Id"]] in ([], [instance["Arn"]])


def test_an_instance_is_replicated_once(east: Any, raw: Any) -> None:
    instance = replicated(east, "once")
    error = failure(
        lambda: east.replicate_instance(
            InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="once-again"
        )
    )
    assert error["Code"] == "ResourceConflictException"
    answer = raw(
        "POST",
        f"/instance/{instance['Id']}/replicate",
        json.dumps({"ReplicaRegion": WEST, "ReplicaAlias": "once-more"}),
    )
    assert answer.status_code == 409
    assert answer.headers["x-amzn-ErrorType"] == "ResourceConflictException"


def test_a_retry_with_the_same_token_answers_the_same(east: Any) -> None:
    instance = new_instance(east, "retried")
    token = str(uuid.uuid4())
    first = east.replicate_instance(
        InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="retried-w", ClientToken=token
    )
    again = east.replicate_instance(
        InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="retried-w", ClientToken=token
    )
    assert (again["Id"], again["Arn"]) == (first["Id"], first["Arn"])
    other = failure(
        lambda: east.replicate_instance(
            InstanceId=instance["Id"],
            ReplicaRegion=WEST,
            ReplicaAlias="retried-x",
            ClientToken=token,
        )
    )
    assert other["Code"] == "IdempotencyException"


def test_a_replica_is_not_replicated_again(east: Any, west: Any) -> None:
    instance = replicated(east, "twice")
    error = failure(
        lambda: west.replicate_instance(
            InstanceId=instance["Id"], ReplicaRegion=EAST, ReplicaAlias="twice-back"
        )
    )
    assert error["Code"] == "InvalidRequestException"


def test_replication_waits_for_the_instance_and_needs_an_alias(
    connect_numbers: Any, east: Any
) -> None:
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=30)
    instance = new_instance(east, "young")
    error = failure(
        lambda: east.replicate_instance(
            InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="young-w"
        )
    )
    assert error["Code"] == "ResourceNotReadyException"
    connect_numbers.advance(30)
    missing = failure(
        lambda: east.replicate_instance(InstanceId=instance["Id"], ReplicaRegion=WEST)
    )
    assert missing["Code"] == "InvalidRequestException"
    assert "ReplicaAlias" in missing["Message"]
    taken = failure(
        lambda: east.replicate_instance(
            InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="young"
        )
    )
    assert taken["Code"] == "ResourceConflictException"
    east.replicate_instance(InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="young-w")
    west = connect_numbers.client(WEST)
    status = west.describe_instance(InstanceId=instance["Id"])["Instance"]["InstanceStatus"]
    assert status == "CREATION_IN_PROGRESS"
    connect_numbers.advance(30)
    status = west.describe_instance(InstanceId=instance["Id"])["Instance"]["InstanceStatus"]
    assert status == "ACTIVE"


def test_replicating_an_unknown_instance_is_not_found(east: Any) -> None:
    error = failure(
        lambda: east.replicate_instance(
            InstanceId=str(uuid.uuid4()), ReplicaRegion=WEST, ReplicaAlias="ghost"
        )
    )
    assert error["Code"] == "ResourceNotFoundException"


# --- CreateTrafficDistributionGroup and its lifecycle -------------------------------------


def test_a_group_is_created_in_progress_then_active(connect_numbers: Any, east: Any) -> None:
    instance = replicated(east, "grouped")
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=20)
    group = new_group(east, instance, "sales", Description="Sales lines", Tags={"team": "a"})
    assert group["Arn"] == (
        f"arn:aws:connect:{EAST}:{ACCOUNT}:traffic-distribution-group/{group['Id']}"
    )
    described = east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    assert described["TrafficDistributionGroup"] == {
        "Id": group["Id"],
        "Arn": group["Arn"],
        "Name": "sales",
        "Description": "Sales lines",
        "InstanceArn": instance["Arn"],
        "Status": "CREATION_IN_PROGRESS",
        "Tags": {"team": "a"},
        "IsDefault": False,
    }
    (number,) = available(east, instance)
    error = failure(lambda: east.claim_phone_number(TargetArn=group["Arn"], PhoneNumber=number))
    assert error["Code"] == "ResourceNotFoundException"
    connect_numbers.advance(20)
    status = east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Arn"])
    assert status["TrafficDistributionGroup"]["Status"] == "ACTIVE"
    assert east.list_tags_for_resource(resourceArn=group["Arn"])["tags"] == {"team": "a"}


def test_a_group_needs_a_replicated_instance_in_its_source_region(east: Any, west: Any) -> None:
    lone = new_instance(east, "lone")
    error = failure(lambda: new_group(east, lone, "g"))
    assert error["Code"] == "InvalidRequestException"
    instance = replicated(east, "sourced")
    error = failure(lambda: new_group(west, instance, "g"))
    assert error["Code"] == "InvalidRequestException"
    assert EAST in error["Message"]
    error = failure(lambda: new_group(east, {"Id": str(uuid.uuid4())}, "g"))
    assert error["Code"] == "ResourceNotFoundException"
    groups = east.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"]
    assert [g["IsDefault"] for g in groups] == [True]


def test_a_name_is_taken_once_per_instance(east: Any) -> None:
    instance = replicated(east, "named")
    new_group(east, instance, "support")
    error = failure(lambda: new_group(east, instance, "support"))
    assert error["Code"] == "ResourceConflictException"
    other = replicated(east, "named-too")
    new_group(east, other, "support")


def test_a_uuid_names_a_group_only_in_its_home_region(east: Any, west: Any, raw: Any) -> None:
    instance = replicated(east, "uuid")
    group = new_group(east, instance, "g")
    error = failure(
        lambda: west.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    )
    assert error["Code"] == "ResourceNotFoundException"
    by_arn = west.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Arn"])
    assert by_arn["TrafficDistributionGroup"]["Id"] == group["Id"]
    answer = raw("GET", f"/traffic-distribution-group/{group['Id']}", region=WEST)
    assert answer.status_code == 404
    assert answer.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"


def test_both_regions_list_the_groups_a_page_at_a_time(east: Any, west: Any) -> None:
    instance = replicated(east, "listed")
    created = [new_group(east, instance, f"g{i}")["Id"] for i in range(3)]
    for client in (east, west):
        seen: list[str] = []
        token: dict[str, str] = {}
        while True:
            page = client.list_traffic_distribution_groups(
                InstanceId=instance["Id"], MaxResults=1, **token
            )
            seen += [g["Id"] for g in page["TrafficDistributionGroupSummaryList"]]
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
        assert seen == [instance["Default"]["Id"], *created]
    other = replicated(east, "listed-other")
    only = east.list_traffic_distribution_groups(InstanceId=other["Id"])
    assert [g["Id"] for g in only["TrafficDistributionGroupSummaryList"]] == [
        other["Default"]["Id"]
    ]
    assert east.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"]


def test_another_region_pair_does_not_see_the_groups(connect_numbers: Any, east: Any) -> None:
    replicated(east, "unseen")
    europe = connect_numbers.client("eu-central-1")
    assert europe.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"] == []


# --- numbers on a group ---------------------------------------------------------------------


def test_full_lifecycle_in_both_regions(connect_numbers: Any, east: Any, west: Any) -> None:
    """Replicate, create, claim, distribute, release, delete."""
    instance = replicated(east, "full")
    group = new_group(east, instance, "lines")
    claimed = claim_to(east, group)
    summary = describe(east, claimed["PhoneNumberId"])
    assert (summary["TargetArn"], summary["InstanceId"]) == (group["Arn"], instance["Id"])
    assert summary["PhoneNumberArn"].startswith(f"arn:aws:connect:{EAST}:")
    # the other region: the ARN, not the UUID
    assert describe(west, claimed["PhoneNumberArn"]) == summary
    error = failure(lambda: west.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"]))
    assert error["Code"] == "ResourceNotFoundException"
    # listing and searching work in both regions
    assert numbers_on(east, group) == numbers_on(west, group) == [claimed["PhoneNumber"]]
    assert available(west, group, 2)
    # distribute: from the replica region, by ARN
    west.update_traffic_distribution(
        Id=group["Arn"],
        TelephonyConfig={
            "Distributions": [
                {"Region": EAST, "Percentage": 30},
                {"Region": WEST, "Percentage": 70},
            ]
        },
    )
    for client, name in ((east, group["Id"]), (west, group["Arn"])):
        shares = client.get_traffic_distribution(Id=name)
        assert shares["TelephonyConfig"]["Distributions"] == [
            {"Region": EAST, "Percentage": 30},
            {"Region": WEST, "Percentage": 70},
        ]
    # release: only in the home region
    error = failure(lambda: west.release_phone_number(PhoneNumberId=claimed["PhoneNumberArn"]))
    assert error["Code"] == "InvalidParameterException"
    assert describe(east, claimed["PhoneNumberId"])["TargetArn"] == group["Arn"]
    error = failure(
        lambda: east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    )
    assert error["Code"] == "ResourceInUseException"
    east.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    assert numbers_on(east, group) == []
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    error = failure(
        lambda: east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    )
    assert error["Code"] == "ResourceNotFoundException"


def test_claims_updates_and_releases_happen_in_the_home_region(east: Any, west: Any) -> None:
    instance = replicated(east, "home")
    group = new_group(east, instance, "g")
    (number,) = available(east, group)
    error = failure(lambda: west.claim_phone_number(TargetArn=group["Arn"], PhoneNumber=number))
    assert error["Code"] == "InvalidParameterException"
    assert "same Region" in error["Message"]
    claimed = claim_to(east, group)
    error = failure(
        lambda: west.update_phone_number(
            PhoneNumberId=claimed["PhoneNumberArn"], InstanceId=instance["Id"]
        )
    )
    assert error["Code"] == "InvalidParameterException"
    error = failure(
        lambda: west.update_phone_number_metadata(
            PhoneNumberId=claimed["PhoneNumberArn"], PhoneNumberDescription="x"
        )
    )
    assert error["Code"] == "InvalidParameterException"
    error = failure(lambda: west.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"]))
    assert error["Code"] == "ResourceNotFoundException"


def test_a_number_moves_between_an_instance_and_a_group_of_its_region(east: Any, west: Any) -> None:
    instance = replicated(east, "mover")
    group = new_group(east, instance, "g")
    claimed = claim_to(east, instance)
    east.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], TargetArn=group["Arn"])
    assert numbers_on(east, group) == [claimed["PhoneNumber"]]
    assert numbers_on(east, instance) == []
    assert describe(west, claimed["PhoneNumberArn"])["TargetArn"] == group["Arn"]
    east.update_phone_number(PhoneNumberId=claimed["PhoneNumberId"], InstanceId=instance["Id"])
    assert numbers_on(east, instance) == [claimed["PhoneNumber"]]
    error = failure(lambda: describe(west, claimed["PhoneNumberArn"]))
    assert error["Code"] == "ResourceNotFoundException"


def test_a_number_of_the_replica_region_cannot_move_onto_the_group(east: Any, west: Any) -> None:
    instance = replicated(east, "across")
    group = new_group(east, instance, "g")
    replica = {"Arn": instance["Replica"]["Arn"]}
    claimed = claim_to(west, replica)
    assert claimed["PhoneNumberArn"].startswith(f"arn:aws:connect:{WEST}:")
    error = failure(
        lambda: west.update_phone_number(
            PhoneNumberId=claimed["PhoneNumberId"], TargetArn=group["Arn"]
        )
    )
    assert error["Code"] == "InvalidParameterException"
    assert describe(west, claimed["PhoneNumberId"])["TargetArn"] == replica["Arn"]


def test_the_group_limit_is_the_instance_limit(connect_numbers: Any, east: Any) -> None:
    set_quota(connect_numbers, 1)
    instance = replicated(east, "limited")
    group = new_group(east, instance, "g")
    claim_to(east, group)
    second = claim_to(east, group)
    status = describe(east, second["PhoneNumberId"])["PhoneNumberStatus"]
    assert status["Status"] == "FAILED"


def test_claims_racing_a_deletion_leave_no_number_on_a_deleted_group(
    connect_numbers: Any, east: Any
) -> None:
    set_quota(connect_numbers, 100)
    instance = replicated(east, "racing")
    group = new_group(east, instance, "g")
    numbers = available(east, group, 8)
    outcomes: dict[str, str] = {}

    def attempt(name: str, call: Callable[[], object]) -> None:
        try:
            call()
            outcomes[name] = "ok"
        except ClientError as error:
            outcomes[name] = code_of(error)

    threads = [
        threading.Thread(
            target=attempt,
            args=(n, lambda n=n: east.claim_phone_number(TargetArn=group["Arn"], PhoneNumber=n)),
        )
        for n in numbers
    ]
    deletion = lambda: east.delete_traffic_distribution_group(  # noqa: E731
        TrafficDistributionGroupId=group["Id"]
    )
    threads.insert(4, threading.Thread(target=attempt, args=("delete", deletion)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claims = [outcomes[n] for n in numbers]
    listing = east.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    held = sorted(s["PhoneNumber"] for s in listing if s["TargetArn"] == group["Arn"])
    if outcomes["delete"] == "ok":
        assert set(claims) == {"ResourceNotFoundException"}
        assert held == []
    else:
        assert outcomes["delete"] == "ResourceInUseException"
        assert set(claims) <= {"ok", "ResourceNotFoundException"}
        assert held == sorted(n for n in numbers if outcomes[n] == "ok")
        assert held


# --- DeleteTrafficDistributionGroup ---------------------------------------------------------


def test_the_default_group_cannot_be_deleted(east: Any) -> None:
    instance = replicated(east, "keeper")
    error = failure(
        lambda: east.delete_traffic_distribution_group(
            TrafficDistributionGroupId=instance["Default"]["Id"]
        )
    )
    assert error["Code"] == "InvalidRequestException"


def test_a_group_is_deleted_only_in_its_home_region(east: Any, west: Any, raw: Any) -> None:
    instance = replicated(east, "deleter")
    group = new_group(east, instance, "g")
    for name in (group["Arn"], group["Id"]):
        error = failure(
            lambda name=name: west.delete_traffic_distribution_group(
                TrafficDistributionGroupId=name
            )
        )
        assert error["Code"] == "InvalidRequestException"
    answer = raw("DELETE", f"/traffic-distribution-group/{group['Id']}", region=WEST)
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])


def test_a_deletion_is_pending_until_it_settles(connect_numbers: Any, east: Any) -> None:
    instance = replicated(east, "pending")
    group = new_group(east, instance, "g", Tags={"k": "v"})
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=15)
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    status = east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    assert status["TrafficDistributionGroup"]["Status"] == "PENDING_DELETION"
    (number,) = available(east, instance)
    error = failure(lambda: east.claim_phone_number(TargetArn=group["Arn"], PhoneNumber=number))
    assert error["Code"] == "ResourceNotFoundException"
    connect_numbers.advance(15)
    error = failure(
        lambda: east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    )
    assert error["Code"] == "ResourceNotFoundException"
    listed = east.list_traffic_distribution_groups(InstanceId=instance["Id"])
    assert [g["Id"] for g in listed["TrafficDistributionGroupSummaryList"]] == [
        instance["Default"]["Id"]
    ]
    again = new_group(east, instance, "g")
    assert east.list_tags_for_resource(resourceArn=again["Arn"])["tags"] == {}


def test_deleting_a_group_holding_numbers_answers_409_on_the_wire(east: Any, raw: Any) -> None:
    instance = replicated(east, "held")
    group = new_group(east, instance, "g")
    claimed = claim_to(east, group)
    answer = raw("DELETE", f"/traffic-distribution-group/{group['Id']}")
    assert answer.status_code == 409
    assert answer.headers["x-amzn-ErrorType"] == "ResourceInUseException"
    body = answer.json()
    assert (body["ResourceType"], body["ResourceId"]) == ("PHONE_NUMBER", claimed["PhoneNumberArn"])
    assert "Message" in body


# --- Get/UpdateTrafficDistribution ----------------------------------------------------------


def shares(east: int, west: int) -> dict[str, Any]:
    return {
        "Distributions": [
            {"Region": EAST, "Percentage": east},
            {"Region": WEST, "Percentage": west},
        ]
    }


def test_the_initial_distribution_keeps_everything_home(east: Any, raw: Any) -> None:
    instance = replicated(east, "initial")
    group = new_group(east, instance, "g")
    found = east.get_traffic_distribution(Id=group["Id"])
    assert found["TelephonyConfig"] == shares(100, 0)
    assert found["AgentConfig"] == shares(100, 0)
    assert found["SignInConfig"] == {
        "Distributions": [{"Region": EAST, "Enabled": True}, {"Region": WEST, "Enabled": True}]
    }
    assert "LastFailoverTime" not in found
    east.update_traffic_distribution(Id=group["Id"], TelephonyConfig=shares(0, 100))
    body = raw("GET", f"/traffic-distribution/{group['Id']}").json()
    assert isinstance(body["LastFailoverTime"], int | float)


@pytest.mark.parametrize(
    "config",
    [
        {"TelephonyConfig": shares(50, 49)},
        {"TelephonyConfig": shares(60, 60)},
        {"AgentConfig": shares(0, 0)},
        {"TelephonyConfig": {"Distributions": [{"Region": EAST, "Percentage": 100}]}},
        {
            "TelephonyConfig": {
                "Distributions": [
                    {"Region": EAST, "Percentage": 50},
                    {"Region": EAST, "Percentage": 50},
                ]
            }
        },
        {
            "TelephonyConfig": {
                "Distributions": [
                    {"Region": EAST, "Percentage": 50},
                    {"Region": "eu-west-2", "Percentage": 50},
                ]
            }
        },
        {
            "SignInConfig": {
                "Distributions": [
                    {"Region": EAST, "Enabled": False},
                    {"Region": WEST, "Enabled": True},
                ]
            }
        },
    ],
)
def test_a_bad_distribution_is_refused_and_changes_nothing(
    east: Any, config: dict[str, Any]
) -> None:
    instance = replicated(east, "bad")
    group = new_group(east, instance, "g")
    before = east.get_traffic_distribution(Id=group["Id"])
    error = failure(lambda: east.update_traffic_distribution(Id=group["Id"], **config))
    assert error["Code"] == "InvalidRequestException"
    after = east.get_traffic_distribution(Id=group["Id"])
    assert {k: v for k, v in after.items() if k != "ResponseMetadata"} == {
        k: v for k, v in before.items() if k != "ResponseMetadata"
    }


def test_sign_in_changes_only_on_the_default_group(east: Any, west: Any) -> None:
    instance = replicated(east, "signin")
    default = instance["Default"]
    west.update_traffic_distribution(
        Id=default["Arn"],
        SignInConfig={
            "Distributions": [{"Region": EAST, "Enabled": False}, {"Region": WEST, "Enabled": True}]
        },
    )
    found = east.get_traffic_distribution(Id=default["Id"])["SignInConfig"]
    assert found["Distributions"][0] == {"Region": EAST, "Enabled": False}
    nobody = {
        "Distributions": [{"Region": EAST, "Enabled": False}, {"Region": WEST, "Enabled": False}]
    }
    error = failure(lambda: east.update_traffic_distribution(Id=default["Id"], SignInConfig=nobody))
    assert error["Code"] == "InvalidRequestException"


def test_an_update_in_progress_conflicts(connect_numbers: Any, east: Any, west: Any) -> None:
    instance = replicated(east, "updating")
    group = new_group(east, instance, "g")
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=10)
    east.update_traffic_distribution(Id=group["Id"], AgentConfig=shares(50, 50))
    status = west.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Arn"])
    assert status["TrafficDistributionGroup"]["Status"] == "UPDATE_IN_PROGRESS"
    error = failure(
        lambda: east.update_traffic_distribution(Id=group["Id"], AgentConfig=shares(0, 100))
    )
    assert error["Code"] == "ResourceConflictException"
    connect_numbers.advance(10)
    east.update_traffic_distribution(Id=group["Id"], AgentConfig=shares(0, 100))
    assert east.get_traffic_distribution(Id=group["Id"])["AgentConfig"] == shares(0, 100)


def test_the_replica_region_needs_the_arn_for_the_distribution(east: Any, west: Any) -> None:
    instance = replicated(east, "needs-arn")
    group = new_group(east, instance, "g")
    for call in (
        lambda: west.get_traffic_distribution(Id=group["Id"]),
        lambda: west.update_traffic_distribution(Id=group["Id"], TelephonyConfig=shares(0, 100)),
    ):
        assert failure(call)["Code"] == "ResourceNotFoundException"


# --- DeleteInstance of a replicated instance ------------------------------------------------


def test_a_replicated_instance_is_deleted_replica_first(east: Any, west: Any) -> None:
    instance = replicated(east, "teardown")
    group = new_group(east, instance, "g")
    replica_number = claim_to(west, {"Arn": instance["Replica"]["Arn"]})
    error = failure(lambda: east.delete_instance(InstanceId=instance["Id"]))
    assert error["Code"] == "InvalidRequestException"
    error = failure(lambda: west.delete_instance(InstanceId=instance["Id"]))
    assert error["Code"] == "InvalidRequestException"
    assert group["Id"] in error["Message"]
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    held = claim_to(east, instance["Default"])
    error = failure(lambda: west.delete_instance(InstanceId=instance["Id"]))
    assert error["Code"] == "InvalidRequestException"
    east.release_phone_number(PhoneNumberId=held["PhoneNumberId"])
    west.delete_instance(InstanceId=instance["Id"])
    assert west.list_instances()["InstanceSummaryList"] == []
    error = failure(lambda: describe(west, replica_number["PhoneNumberId"]))
    assert error["Code"] == "ResourceNotFoundException"
    assert east.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"] == []
    east.delete_instance(InstanceId=instance["Id"])
    assert east.list_instances()["InstanceSummaryList"] == []


# --- flows in both regions ------------------------------------------------------------------


def test_a_group_number_is_associated_in_each_region_and_released_from_both(
    east: Any, west: Any
) -> None:
    instance = replicated(east, "flows")
    group = new_group(east, instance, "g")
    claimed = claim_to(east, group)
    flows = {
        name: client.create_contact_flow(
            InstanceId=instance["Id"], Name="main", Type="CONTACT_FLOW", Content="{}"
        )
        for name, client in (("east", east), ("west", west))
    }
    assert flows["west"]["ContactFlowArn"].startswith(f"arn:aws:connect:{WEST}:")
    east.associate_phone_number_contact_flow(
        PhoneNumberId=claimed["PhoneNumberId"],
        InstanceId=instance["Id"],
        ContactFlowId=flows["east"]["ContactFlowId"],
    )
    error = failure(
        lambda: west.associate_phone_number_contact_flow(
            PhoneNumberId=claimed["PhoneNumberId"],
            InstanceId=instance["Id"],
            ContactFlowId=flows["west"]["ContactFlowId"],
        )
    )
    assert error["Code"] == "ResourceNotFoundException"
    west.associate_phone_number_contact_flow(
        PhoneNumberId=claimed["PhoneNumberArn"],
        InstanceId=instance["Id"],
        ContactFlowId=flows["west"]["ContactFlowId"],
    )
    for name, client in (("east", east), ("west", west)):
        listed = client.list_flow_associations(InstanceId=instance["Id"])
        assert [(a["ResourceId"], a["FlowId"]) for a in listed["FlowAssociationSummaryList"]] == [
            (claimed["PhoneNumberArn"], flows[name]["ContactFlowArn"])
        ]
    west.disassociate_phone_number_contact_flow(
        PhoneNumberId=claimed["PhoneNumberArn"], InstanceId=instance["Id"]
    )
    assert (
        west.list_flow_associations(InstanceId=instance["Id"])["FlowAssociationSummaryList"] == []
    )
    west.associate_phone_number_contact_flow(
        PhoneNumberId=claimed["PhoneNumberArn"],
        InstanceId=instance["Id"],
        ContactFlowId=flows["west"]["ContactFlowId"],
    )
    east.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    for client in (east, west):
        listed = client.list_flow_associations(InstanceId=instance["Id"])
        assert listed["FlowAssociationSummaryList"] == []


def test_a_failed_claim_does_not_keep_its_group_from_being_deleted(
    connect_numbers: Any, east: Any
) -> None:
    set_quota(connect_numbers, 1)
    instance = replicated(east, "failed")
    group = new_group(east, instance, "g")
    first = claim_to(east, group)
    second = claim_to(east, group)
    assert describe(east, second["PhoneNumberId"])["PhoneNumberStatus"]["Status"] == "FAILED"
    east.release_phone_number(PhoneNumberId=first["PhoneNumberId"])
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    error = failure(
        lambda: east.describe_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    )
    assert error["Code"] == "ResourceNotFoundException"


def test_deleting_a_replica_takes_its_flows_and_tags_along(east: Any, west: Any) -> None:
    instance = replicated(east, "orphans")
    replica_arn = instance["Replica"]["Arn"]
    flow = west.create_contact_flow(
        InstanceId=instance["Id"], Name="f", Type="CONTACT_FLOW", Content="{}", Tags={"k": "v"}
    )
    west.tag_resource(resourceArn=replica_arn, tags={"k": "v"})
    west.delete_instance(InstanceId=instance["Id"])
    east.replicate_instance(InstanceId=instance["Id"], ReplicaRegion=WEST, ReplicaAlias="orphans-2")
    assert west.list_contact_flows(InstanceId=instance["Id"])["ContactFlowSummaryList"] == []
    assert west.list_tags_for_resource(resourceArn=replica_arn)["tags"] == {}
    error = failure(lambda: west.list_tags_for_resource(resourceArn=flow["ContactFlowArn"]))
    assert error["Code"] == "ResourceNotFoundException"


def test_a_group_being_deleted_takes_no_tags(connect_numbers: Any, east: Any) -> None:
    instance = replicated(east, "untagged")
    group = new_group(east, instance, "g", Tags={"k": "v"})
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=10)
    east.delete_traffic_distribution_group(TrafficDistributionGroupId=group["Id"])
    for call in (
        lambda: east.tag_resource(resourceArn=group["Arn"], tags={"k": "again"}),
        lambda: east.list_tags_for_resource(resourceArn=group["Arn"]),
    ):
        assert failure(call)["Code"] == "ResourceNotFoundException"
