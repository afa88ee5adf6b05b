"""AssociatePhoneNumberContactFlow, DisassociatePhoneNumberContactFlow, ListFlowAssociations."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import error_of, new_instance, search

MISSING_ID = "00000000-0000-4000-8000-000000000000"
DAY = 86_400


def flow(connect: Any, instance: dict[str, Any], name: str = "main", **more: Any) -> Any:
    given = {"Type": "CONTACT_FLOW", "Content": "{}", **more}
    return connect.create_contact_flow(InstanceId=instance["Id"], Name=name, **given)


def claim(connect: Any, instance: dict[str, Any]) -> Any:
    number = search(connect, instance, MaxResults=1)[0]
    return connect.claim_phone_number(PhoneNumber=number, InstanceId=instance["Id"])


def associations(connect: Any, instance: dict[str, Any], **query: Any) -> list[tuple[str, str]]:
    listed = connect.list_flow_associations(InstanceId=instance["Id"], **query)
    found = listed["FlowAssociationSummaryList"]
    assert all(item["ResourceType"] == "VOICE_PHONE_NUMBER" for item in found)
    return [(item["ResourceId"], item["FlowId"]) for item in found]


def associate(connect: Any, number: Any, instance: dict[str, Any], main: Any) -> None:
    connect.associate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberId"],
        InstanceId=instance["Id"],
        ContactFlowId=main["ContactFlowId"],
    )


@pytest.fixture
def desk(connect: Any) -> dict[str, Any]:
    return new_instance(connect, "desk")


def test_an_associated_number_is_listed_as_terraform_reads_it(connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    associate(connect, number, desk, main)
    assert associations(connect, desk) == [(number["PhoneNumberArn"], main["ContactFlowArn"])]
    assert associations(connect, desk, ResourceType="VOICE_PHONE_NUMBER") == [
        (number["PhoneNumberArn"], main["ContactFlowArn"])
    ]
    assert associations(connect, desk, ResourceType="INBOUND_EMAIL") == []


def test_the_raw_answer_of_list_flow_associations(raw: Any, connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    associate(connect, number, desk, main)
    response = raw(
        "GET", f"/flow-associations-summary/{desk['Id']}?ResourceType=VOICE_PHONE_NUMBER"
    )
    assert response.status_code == 200
    assert response.json() == {
        "FlowAssociationSummaryList": [
            {
                "ResourceId": number["PhoneNumberArn"],
                "FlowId": main["ContactFlowArn"],
                "ResourceType": "VOICE_PHONE_NUMBER",
            }
        ]
    }


def test_association_answers_an_empty_body(raw: Any, connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    body = f'{{"InstanceId": "{desk["Id"]}", "ContactFlowId": "{main["ContactFlowId"]}"}}'
    response = raw("PUT", f"/phone-number/{number['PhoneNumberId']}/contact-flow", body)
    assert (response.status_code, response.content) == (200, b"")
    response = raw(
        "DELETE", f"/phone-number/{number['PhoneNumberId']}/contact-flow?instanceId={desk['Id']}"
    )
    assert (response.status_code, response.content) == (200, b"")
    assert associations(connect, desk) == []


def test_the_number_may_be_named_by_its_arn(connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    connect.associate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberArn"],
        InstanceId=desk["Arn"],
        ContactFlowId=main["ContactFlowId"],
    )
    assert associations(connect, desk) == [(number["PhoneNumberArn"], main["ContactFlowArn"])]
    connect.disassociate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberArn"], InstanceId=desk["Id"]
    )
    assert associations(connect, desk) == []


def test_associating_another_flow_replaces_the_first(connect: Any, desk: Any) -> None:
    first, second = flow(connect, desk, "first"), flow(connect, desk, "second")
    number = claim(connect, desk)
    associate(connect, number, desk, first)
    associate(connect, number, desk, second)
    associate(connect, number, desk, second)
    assert associations(connect, desk) == [(number["PhoneNumberArn"], second["ContactFlowArn"])]


def test_disassociating_a_number_without_a_flow_is_a_no_op(connect: Any, desk: Any) -> None:
    number = claim(connect, desk)
    connect.disassociate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberId"], InstanceId=desk["Id"]
    )
    assert associations(connect, desk) == []


def refused(raised: pytest.ExceptionInfo[ClientError], status: int, code: str) -> str:
    found = error_of(raised)
    assert found[:2] == (status, code), found
    return found[2]


def test_unknown_number_instance_or_flow_is_not_found_and_changes_nothing(
    connect: Any, desk: Any
) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    unknown_number_arn = number["PhoneNumberArn"].rsplit("/", 1)[0] + f"/{MISSING_ID}"
    cases = [
        (MISSING_ID, desk["Id"], main["ContactFlowId"]),
        (unknown_number_arn, desk["Id"], main["ContactFlowId"]),
        (number["PhoneNumberId"], MISSING_ID, main["ContactFlowId"]),
        (number["PhoneNumberId"], desk["Id"], MISSING_ID),
    ]
    for number_id, instance_id, flow_id in cases:
        with pytest.raises(ClientError) as raised:
            connect.associate_phone_number_contact_flow(
                PhoneNumberId=number_id, InstanceId=instance_id, ContactFlowId=flow_id
            )
        refused(raised, 404, "ResourceNotFoundException")
    for number_id, instance_id in [(MISSING_ID, desk["Id"]), (number["PhoneNumberId"], MISSING_ID)]:
        with pytest.raises(ClientError) as raised:
            connect.disassociate_phone_number_contact_flow(
                PhoneNumberId=number_id, InstanceId=instance_id
            )
        refused(raised, 404, "ResourceNotFoundException")
    with pytest.raises(ClientError) as raised:
        connect.list_flow_associations(InstanceId=MISSING_ID)
    refused(raised, 404, "ResourceNotFoundException")
    assert associations(connect, desk) == []


def test_only_a_published_flow_of_type_contact_flow_takes_calls(connect: Any, desk: Any) -> None:
    number = claim(connect, desk)
    for refused_flow in (
        flow(connect, desk, "queue", Type="CUSTOMER_QUEUE"),
        flow(connect, desk, "draft", Status="SAVED"),
    ):
        with pytest.raises(ClientError) as raised:
            associate(connect, number, desk, refused_flow)
        refused(raised, 400, "InvalidParameterException")
    assert associations(connect, desk) == []


def test_the_flow_must_belong_to_the_numbers_instance(connect: Any, desk: Any) -> None:
    other = new_instance(connect, "other")
    number, elsewhere = claim(connect, desk), flow(connect, other)
    with pytest.raises(ClientError) as raised:
        associate(connect, number, other, elsewhere)
    assert "not claimed to the instance" in refused(raised, 400, "InvalidParameterException")
    assert associations(connect, other) == []


def test_a_number_still_in_progress_cannot_be_associated(
    connect_numbers: Any, connect: Any, desk: Any
) -> None:
    main = flow(connect, desk)
    connect_numbers.config(settle_seconds=30)
    number = claim(connect, desk)
    with pytest.raises(ClientError) as raised:
        associate(connect, number, desk, main)
    refused(raised, 400, "InvalidParameterException")
    connect_numbers.advance(30)
    associate(connect, number, desk, main)
    assert associations(connect, desk) == [(number["PhoneNumberArn"], main["ContactFlowArn"])]


def test_a_failed_claim_cannot_be_associated(connect_numbers: Any, connect: Any, desk: Any) -> None:
    main = flow(connect, desk)
    connect_numbers.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 1})
    claim(connect, desk)
    failed = claim(connect, desk)
    with pytest.raises(ClientError) as raised:
        associate(connect, failed, desk, main)
    assert "claim failed" in refused(raised, 400, "InvalidParameterException")


def test_releasing_a_number_removes_its_association(connect: Any, desk: Any) -> None:
    main, kept, released = flow(connect, desk), claim(connect, desk), claim(connect, desk)
    associate(connect, kept, desk, main)
    associate(connect, released, desk, main)
    connect.release_phone_number(PhoneNumberId=released["PhoneNumberId"])
    assert associations(connect, desk) == [(kept["PhoneNumberArn"], main["ContactFlowArn"])]


def test_a_restored_number_comes_back_without_its_flow(
    connect_numbers: Any, connect: Any, desk: Any
) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    associate(connect, number, desk, main)
    e164 = connect.describe_phone_number(PhoneNumberId=number["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumber"]
    connect.release_phone_number(PhoneNumberId=number["PhoneNumberId"])
    connect_numbers.admin("POST", f"numbers/{e164}/restore", {})
    assert associations(connect, desk) == []
    associate(connect, number, desk, main)  # it can be associated again
    assert associations(connect, desk) == [(number["PhoneNumberArn"], main["ContactFlowArn"])]


def test_moving_a_number_drops_its_association(connect: Any, desk: Any) -> None:
    other = new_instance(connect, "moved-to")
    main, there = flow(connect, desk), flow(connect, other)
    number = claim(connect, desk)
    associate(connect, number, desk, main)
    connect.update_phone_number(PhoneNumberId=number["PhoneNumberId"], InstanceId=other["Id"])
    assert associations(connect, desk) == []
    assert associations(connect, other) == []
    associate(connect, number, other, there)
    assert associations(connect, other) == [(number["PhoneNumberArn"], there["ContactFlowArn"])]


def test_a_move_onto_the_same_instance_keeps_the_association(connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    associate(connect, number, desk, main)
    connect.update_phone_number(PhoneNumberId=number["PhoneNumberId"], InstanceId=desk["Id"])
    assert associations(connect, desk) == [(number["PhoneNumberArn"], main["ContactFlowArn"])]


def test_deleting_the_instance_removes_its_associations(connect: Any, desk: Any) -> None:
    main, number = flow(connect, desk), claim(connect, desk)
    associate(connect, number, desk, main)
    connect.delete_instance(InstanceId=desk["Id"])
    with pytest.raises(ClientError) as raised:
        connect.list_flow_associations(InstanceId=desk["Id"])
    refused(raised, 404, "ResourceNotFoundException")


def test_list_flow_associations_pages(connect_numbers: Any, connect: Any, desk: Any) -> None:
    connect_numbers.admin("PUT", "quotas/000000000000/us-east-1", {"phone_numbers_per_instance": 9})
    main = flow(connect, desk)
    numbers = []
    for _ in range(5):
        number = claim(connect, desk)
        associate(connect, number, desk, main)
        numbers.append(number["PhoneNumberArn"])
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = connect.list_flow_associations(InstanceId=desk["Id"], MaxResults=2, **token)
        seen += [item["ResourceId"] for item in page["FlowAssociationSummaryList"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == sorted(numbers)


def test_a_number_of_another_region_is_not_found_there(
    connect_numbers: Any, connect: Any, desk: Any
) -> None:
    number = claim(connect, desk)
    west = connect_numbers.client(region="us-west-2")
    west_desk = new_instance(west, "west")
    west_flow = flow(west, west_desk)
    for number_id in (number["PhoneNumberId"], number["PhoneNumberArn"]):
        with pytest.raises(ClientError) as raised:
            west.associate_phone_number_contact_flow(
                PhoneNumberId=number_id,
                InstanceId=west_desk["Id"],
                ContactFlowId=west_flow["ContactFlowId"],
            )
        refused(raised, 404, "ResourceNotFoundException")
