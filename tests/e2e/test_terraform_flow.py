"""terraform-provider-aws's calls for each Connect resource, replayed against a real server.

Each resource goes through create → refresh → update in place → import by id →
destroy → refresh (gone), with the service's settle time above zero so that the
provider's waiters see IN_PROGRESS / CREATION_IN_PROGRESS first. The calls each
step makes are asserted by operation name, in order (``terraform_resources.py``
makes them; docs/terraform.md lists them).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import new_instance, set_quota
from terraform_provider import Provider, WaitError
from terraform_resources import (
    AssociationResource,
    ContactFlowResource,
    InstanceDataSource,
    InstanceResource,
    PhoneNumberResource,
)

SETTLE = 3
ATTRIBUTE_READS = ["DescribeInstanceAttribute"] * 7
CONTENT = json.dumps({"Version": "2019-10-30", "StartAction": "a", "Actions": []})
NEWER = json.dumps({"Version": "2019-10-30", "StartAction": "b", "Actions": []})


@pytest.fixture
def provider(connect_numbers: Any, connect: Any) -> Provider:
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=SETTLE)
    return Provider(connect, connect_numbers.advance)


@pytest.fixture
def desk(connect_numbers: Any, provider: Provider) -> dict[str, Any]:
    """An ACTIVE instance made outside the replayed resources."""
    created = new_instance(provider.connect, "tf-desk")
    connect_numbers.advance(SETTLE)
    provider.take_calls()
    return created


def polls(operation: str, count: int) -> list[str]:
    return [operation] * count


# --- aws_connect_instance -----------------------------------------------------------------


def test_instance_create_waits_for_active_then_sets_and_reads_every_attribute(
    provider: Provider,
) -> None:
    instances = InstanceResource(provider)
    config = {
        "identity_management_type": "CONNECT_MANAGED",
        "instance_alias": "tf-instance",
        "inbound_calls_enabled": True,
        "outbound_calls_enabled": False,
        "contact_lens_enabled": False,
        "tags": {"managed-by": "terraform"},
    }
    state = instances.create(config)
    assert provider.states == ["CREATION_IN_PROGRESS"] * SETTLE + ["ACTIVE"]
    assert provider.take_calls() == [
        "CreateInstance",
        *polls("DescribeInstance", SETTLE + 1),
        *polls("UpdateInstanceAttribute", 7),
        "DescribeInstance",
        *ATTRIBUTE_READS,
    ]
    assert state["status"] == "ACTIVE"
    assert {k: state[k] for k in InstanceResource.ATTRIBUTES} == {
        "auto_resolve_best_voices_enabled": True,
        "contact_flow_logs_enabled": False,
        "contact_lens_enabled": False,
        "early_media_enabled": True,
        "inbound_calls_enabled": True,
        "multi_party_conference_enabled": False,
        "outbound_calls_enabled": False,
    }
    assert state["tags"] == {"managed-by": "terraform"}

    assert instances.read(state) == state  # refresh: no drift
    assert provider.take_calls() == ["DescribeInstance", *ATTRIBUTE_READS]

    changed = {
        **config,
        "outbound_calls_enabled": True,
        "contact_flow_logs_enabled": True,
        "tags": {"team": "voice"},
    }
    updated = instances.update(state, changed)
    assert provider.take_calls() == [
        "UntagResource",
        "TagResource",
        "UpdateInstanceAttribute",  # contact_flow_logs_enabled
        "UpdateInstanceAttribute",  # outbound_calls_enabled
        "DescribeInstance",
        *ATTRIBUTE_READS,
    ]
    assert (updated["outbound_calls_enabled"], updated["contact_flow_logs_enabled"]) == (True, True)
    assert updated["tags"] == {"team": "voice"}
    assert updated["id"] == state["id"]  # in place

    assert instances.import_state(state["id"]) == updated
    provider.take_calls()

    instances.delete(updated)
    assert provider.take_calls() == ["DeleteInstance", "DescribeInstance"]
    assert provider.states[-1] == "(not found)"
    assert instances.read(updated) is None
    instances.delete(updated)  # destroying what is gone succeeds
    assert provider.take_calls() == ["DescribeInstance", "DeleteInstance"]


def test_an_instance_without_tags_has_them_listed_on_refresh(provider: Provider) -> None:
    instances = InstanceResource(provider)
    state = instances.create(
        {
            "identity_management_type": "CONNECT_MANAGED",
            "instance_alias": "tf-untagged",
            "inbound_calls_enabled": True,
            "outbound_calls_enabled": True,
        }
    )
    assert state["tags"] == {}
    assert provider.take_calls()[-1] == "ListTagsForResource"


def test_the_instance_data_source_reads_by_id_and_by_alias(
    provider: Provider, desk: dict[str, Any]
) -> None:
    source = InstanceDataSource(provider)
    by_id = source.read(instance_id=desk["Id"])
    assert provider.take_calls() == ["DescribeInstance", *ATTRIBUTE_READS]
    by_alias = source.read(instance_alias="tf-desk")
    assert provider.take_calls() == ["ListInstances", *ATTRIBUTE_READS]
    assert by_id == by_alias
    assert by_id["early_media_enabled"] is True


# --- aws_connect_phone_number -------------------------------------------------------------


def number_config(target: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"target_arn": target["Arn"], "country_code": "US", "type": "DID", **more}


def test_phone_number_claim_waits_for_claimed_moves_in_place_and_release_waits_for_gone(
    connect_numbers: Any, provider: Provider, desk: dict[str, Any]
) -> None:
    numbers = PhoneNumberResource(provider)
    config = number_config(desk, prefix="+1206", tags={"managed-by": "terraform"})
    state = numbers.create(config)
    assert provider.states == ["IN_PROGRESS"] * SETTLE + ["CLAIMED"]
    assert provider.take_calls() == [
        "SearchAvailablePhoneNumbers",
        "ClaimPhoneNumber",
        *polls("DescribePhoneNumber", SETTLE + 1),
        "DescribePhoneNumber",
    ]
    assert state["phone_number"].startswith("+1206")
    assert state["status"] == {"Status": "CLAIMED"}
    assert numbers.read(state) == state
    assert provider.take_calls() == ["DescribePhoneNumber"]

    other = new_instance(provider.connect, "tf-other")
    connect_numbers.advance(SETTLE)
    provider.take_calls()
    provider.states.clear()
    moved = numbers.update(state, {**config, "target_arn": other["Arn"], "tags": {"a": "b"}})
    assert provider.states == ["IN_PROGRESS"] * SETTLE + ["CLAIMED"]
    assert provider.take_calls() == [
        "UntagResource",
        "TagResource",
        "UpdatePhoneNumber",
        *polls("DescribePhoneNumber", SETTLE + 1),
        "DescribePhoneNumber",
    ]
    assert (moved["id"], moved["target_arn"], moved["tags"]) == (
        state["id"],
        other["Arn"],
        {"a": "b"},
    )
    assert numbers.import_state(state["id"]) == moved
    provider.take_calls()

    numbers.delete(moved)
    assert provider.take_calls() == ["ReleasePhoneNumber", "DescribePhoneNumber"]
    assert numbers.read(moved) is None
    numbers.delete(moved)  # a second destroy meets ResourceNotFound: done
    assert provider.take_calls() == ["DescribePhoneNumber", "ReleasePhoneNumber"]


def test_a_failed_claim_fails_the_apply_with_the_status_message_and_destroys_cleanly(
    connect_numbers: Any, provider: Provider, desk: dict[str, Any]
) -> None:
    set_quota(connect_numbers, 1)
    numbers = PhoneNumberResource(provider)
    numbers.create(number_config(desk))
    provider.states.clear()
    with pytest.raises(WaitError) as failed:
        numbers.create(number_config(desk))
    assert provider.states[-1] == "FAILED"
    assert "unexpected state 'FAILED'" in str(failed.value)
    tainted_id = numbers.last_id
    assert tainted_id is not None
    message = provider.connect.describe_phone_number(PhoneNumberId=tainted_id)[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumberStatus"]["Message"]
    assert message and message in str(failed.value)
    provider.take_calls()
    numbers.delete({"id": tainted_id})  # the next apply replaces the tainted resource
    assert provider.take_calls() == ["ReleasePhoneNumber", "DescribePhoneNumber"]
    assert numbers.read({"id": tainted_id}) is None


def test_a_number_released_out_of_band_is_gone_on_refresh(
    provider: Provider, desk: dict[str, Any]
) -> None:
    numbers = PhoneNumberResource(provider)
    state = numbers.create(number_config(desk))
    provider.connect.release_phone_number(PhoneNumberId=state["id"])
    provider.take_calls()
    assert numbers.read(state) is None  # removed from the state: the plan claims a new one
    assert provider.take_calls() == ["DescribePhoneNumber"]
    again = numbers.create(number_config(desk))
    assert again["phone_number"] != state["phone_number"]  # the released one is cooling


# --- aws_connect_contact_flow -------------------------------------------------------------


def flow_config(desk: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"instance_id": desk["Id"], "name": "Welcome", "content": CONTENT, **more}


def test_contact_flow_create_update_import_delete(provider: Provider, desk: dict[str, Any]) -> None:
    flows = ContactFlowResource(provider)
    config = flow_config(desk, description="answers", tags={"managed-by": "terraform"})
    state = flows.create(config)
    assert provider.take_calls() == ["CreateContactFlow", "DescribeContactFlow"]
    assert state["id"] == f"{desk['Id']}:{state['contact_flow_id']}"
    assert (state["name"], state["description"], state["content"]) == (
        "Welcome",
        "answers",
        CONTENT,
    )
    assert flows.read(state) == state
    provider.take_calls()

    changed = {**config, "name": "Greeting", "description": "", "content": NEWER, "tags": {}}
    updated = flows.update(state, changed)
    assert provider.take_calls() == [
        "UntagResource",
        "UpdateContactFlowName",
        "UpdateContactFlowContent",
        "DescribeContactFlow",
        "ListTagsForResource",
    ]
    assert (updated["name"], updated["description"], updated["content"]) == (
        "Greeting",
        "",
        NEWER,
    )
    assert updated["tags"] == {}
    assert flows.import_state(state["id"]) == updated
    provider.take_calls()

    flows.delete(updated)
    assert provider.take_calls() == ["DeleteContactFlow"]
    assert flows.read(updated) is None
    flows.delete(updated)


def test_a_flow_deleted_out_of_band_is_gone_on_refresh(
    provider: Provider, desk: dict[str, Any]
) -> None:
    flows = ContactFlowResource(provider)
    state = flows.create(flow_config(desk))
    provider.connect.delete_contact_flow(
        InstanceId=desk["Id"], ContactFlowId=state["contact_flow_id"]
    )
    assert flows.read(state) is None


# --- aws_connect_phone_number_contact_flow_association -------------------------------------


def associated(provider: Provider, desk: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
    number = PhoneNumberResource(provider).create(number_config(desk))
    flow = ContactFlowResource(provider).create(flow_config(desk))
    config = {
        "phone_number_id": number["id"],
        "instance_id": desk["Id"],
        "contact_flow_id": flow["contact_flow_id"],
    }
    provider.take_calls()
    return number, flow, config


READ_ASSOCIATION = ["DescribePhoneNumber", "DescribeContactFlow", "ListFlowAssociations"]


def test_association_create_refresh_replace_import_delete(
    provider: Provider, desk: dict[str, Any]
) -> None:
    associations = AssociationResource(provider)
    number, flow, config = associated(provider, desk)
    state = associations.create(config)
    assert provider.take_calls() == ["AssociatePhoneNumberContactFlow"]
    assert associations.read(state) == state
    assert provider.take_calls() == READ_ASSOCIATION

    other = ContactFlowResource(provider).create(flow_config(desk, name="Other"))
    provider.take_calls()
    replaced = associations.update(state, {**config, "contact_flow_id": other["contact_flow_id"]})
    assert provider.take_calls() == [
        "DisassociatePhoneNumberContactFlow",
        "AssociatePhoneNumberContactFlow",
    ]
    assert associations.read(state) is None  # the old association is gone
    import_id = f"{number['id']},{desk['Id']},{other['contact_flow_id']}"
    assert associations.import_state(import_id) == replaced
    provider.take_calls()

    associations.delete(replaced)
    assert provider.take_calls() == ["DisassociatePhoneNumberContactFlow"]
    assert associations.read(replaced) is None
    assert flow["contact_flow_id"] != other["contact_flow_id"]


@pytest.mark.parametrize("cause", ["flow deleted", "number released", "disassociated"])
def test_an_association_undone_out_of_band_is_gone_on_refresh(
    provider: Provider, desk: dict[str, Any], cause: str
) -> None:
    associations = AssociationResource(provider)
    number, flow, config = associated(provider, desk)
    state = associations.create(config)
    connect = provider.connect
    if cause == "flow deleted":
        connect.delete_contact_flow(InstanceId=desk["Id"], ContactFlowId=flow["contact_flow_id"])
    elif cause == "number released":
        connect.release_phone_number(PhoneNumberId=number["id"])
    else:
        connect.disassociate_phone_number_contact_flow(
            PhoneNumberId=number["id"], InstanceId=desk["Id"]
        )
    assert associations.read(state) is None
    associations.delete(state)  # destroy after the refresh failed to notice: still succeeds


def test_associating_a_number_still_in_progress_is_refused(
    provider: Provider, desk: dict[str, Any]
) -> None:
    flow = ContactFlowResource(provider).create(flow_config(desk))
    offered = provider.connect.search_available_phone_numbers(
        TargetArn=desk["Arn"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=1
    )["AvailableNumbersList"][0]["PhoneNumber"]
    number = provider.connect.claim_phone_number(TargetArn=desk["Arn"], PhoneNumber=offered)
    with pytest.raises(ClientError) as raised:
        AssociationResource(provider).create(
            {
                "phone_number_id": number["PhoneNumberId"],
                "instance_id": desk["Id"],
                "contact_flow_id": flow["contact_flow_id"],
            }
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"


def test_an_hourly_apply_and_destroy_meets_the_churn_quota_on_its_eleventh_run(
    connect_numbers: Any, provider: Provider, desk: dict[str, Any]
) -> None:
    numbers = PhoneNumberResource(provider)
    for _ in range(10):  # quota 5, churn 200 %: ten releases fit in the window
        numbers.delete(numbers.create(number_config(desk)))
        connect_numbers.advance(3600)
    with pytest.raises(ClientError) as refused:
        numbers.create(number_config(desk))
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "resume" in refused.value.response["Error"]["Message"]
    connect_numbers.config(churn_percent=100000)  # what docs/terraform.md suggests for CI
    numbers.delete(numbers.create(number_config(desk)))
