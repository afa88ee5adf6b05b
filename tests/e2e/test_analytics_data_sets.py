"""Analytics data sets an instance shares: Associate, Disassociate, their Batch forms, List."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import code_of, error_of, new_instance

LOCAL_ACCOUNT = "000000000000"
SHARE_ARN = re.compile(r"^arn:aws:ram:us-east-1:000000000000:resource-share/[0-9a-f-]{36}$")


@pytest.fixture
def desk(connect: Any) -> dict[str, Any]:
    return new_instance(connect, "analytics")


def results(connect: Any, desk: dict[str, Any], **query: Any) -> list[tuple[str, str]]:
    """Every association, page after page (botocore has no paginator for this listing)."""
    found: list[tuple[str, str]] = []
    while True:
        page = connect.list_analytics_data_associations(InstanceId=desk["Id"], **query)
        found += [(r["DataSetId"], r["TargetAccountId"]) for r in page["Results"]]
        if "NextToken" not in page:
            return found
        query["NextToken"] = page["NextToken"]


def test_an_association_shares_the_data_set_with_the_callers_account_by_default(
    raw: Any, connect: Any, desk: Any
) -> None:
    done = connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    assert (done["DataSetId"], done["TargetAccountId"]) == ("contacts", LOCAL_ACCOUNT)
    assert SHARE_ARN.match(done["ResourceShareArn"])
    assert done["ResourceShareArn"].endswith(done["ResourceShareId"])
    response = raw("GET", f"/analytics-data/instance/{desk['Id']}/association")
    assert response.status_code == 200
    assert response.json() == {
        "Results": [
            {
                "DataSetId": "contacts",
                "TargetAccountId": LOCAL_ACCOUNT,
                "ResourceShareId": done["ResourceShareId"],
                "ResourceShareArn": done["ResourceShareArn"],
                "ResourceShareStatus": "ACTIVE",
            }
        ]
    }


def test_one_data_set_may_go_to_several_accounts_but_each_once(connect: Any, desk: Any) -> None:
    connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    connect.associate_analytics_data_set(
        InstanceId=desk["Id"], DataSetId="contacts", TargetAccountId="222222222222"
    )
    with pytest.raises(ClientError) as raised:
        connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    assert code_of(raised) == (400, "InvalidParameterException")
    assert results(connect, desk) == [("contacts", LOCAL_ACCOUNT), ("contacts", "222222222222")]
    assert results(connect, desk, DataSetId="other") == []


def test_a_target_account_that_is_not_an_account_id_is_refused(connect: Any, desk: Any) -> None:
    with pytest.raises(ClientError) as raised:
        connect.associate_analytics_data_set(
            InstanceId=desk["Id"], DataSetId="contacts", TargetAccountId="12345"
        )
    assert error_of(raised)[:2] == (400, "InvalidParameterException")
    assert results(connect, desk) == []


def test_the_list_pages_in_data_set_order_and_filters(connect: Any, desk: Any) -> None:
    for name in ["c", "a", "e", "b", "d"]:
        connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId=name)
    first = connect.list_analytics_data_associations(InstanceId=desk["Id"], MaxResults=2)
    assert [r["DataSetId"] for r in first["Results"]] == ["a", "b"]
    assert [d for d, _ in results(connect, desk, MaxResults=2)] == ["a", "b", "c", "d", "e"]
    assert results(connect, desk, DataSetId="d") == [("d", LOCAL_ACCOUNT)]


def test_disassociate_removes_and_an_unknown_one_is_not_found(connect: Any, desk: Any) -> None:
    connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    connect.disassociate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    assert results(connect, desk) == []
    with pytest.raises(ClientError) as raised:
        connect.disassociate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    assert code_of(raised) == (404, "ResourceNotFoundException")


def test_batches_report_each_data_set_that_fails_and_do_the_rest(connect: Any, desk: Any) -> None:
    connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="b")
    created = connect.batch_associate_analytics_data_set(
        InstanceId=desk["Id"], DataSetIds=["a", "b", "c"]
    )
    assert [c["DataSetId"] for c in created["Created"]] == ["a", "c"]
    assert all(c["ResourceShareStatus"] == "ACTIVE" for c in created["Created"])
    assert [e["ErrorCode"] for e in created["Errors"]] == ["InvalidParameterException"]
    deleted = connect.batch_disassociate_analytics_data_set(
        InstanceId=desk["Id"], DataSetIds=["a", "x"]
    )
    assert deleted["Deleted"] == ["a"]
    assert [e["ErrorCode"] for e in deleted["Errors"]] == ["ResourceNotFoundException"]
    assert [d for d, _ in results(connect, desk)] == ["b", "c"]


def test_an_unknown_instance_is_not_found_for_every_operation(connect: Any) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    calls = [
        lambda: connect.associate_analytics_data_set(InstanceId=missing, DataSetId="a"),
        lambda: connect.disassociate_analytics_data_set(InstanceId=missing, DataSetId="a"),
        lambda: connect.batch_associate_analytics_data_set(InstanceId=missing, DataSetIds=["a"]),
        lambda: connect.batch_disassociate_analytics_data_set(InstanceId=missing, DataSetIds=["a"]),
        lambda: connect.list_analytics_data_associations(InstanceId=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert code_of(raised) == (404, "ResourceNotFoundException")


def test_deleting_the_instance_removes_its_associations(connect: Any, desk: Any) -> None:
    connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    connect.delete_instance(InstanceId=desk["Id"])
    with pytest.raises(ClientError) as raised:
        connect.list_analytics_data_associations(InstanceId=desk["Id"])
    assert code_of(raised) == (404, "ResourceNotFoundException")
    again = new_instance(connect, "analytics")
    assert results(connect, again) == []


def test_another_accounts_instance_does_not_exist_for_the_caller(
    connect_numbers: Any, connect: Any, desk: Any
) -> None:
    connect_numbers.admin("POST", "accounts", {"account_id": "333333333333"})
    key = connect_numbers.admin("POST", "accounts/333333333333/keys", {"principal": "eve"})
    other = connect_numbers.client(
        access_key=key["access_key_id"], secret_key=key["secret_access_key"]
    )
    with pytest.raises(ClientError) as raised:
        other.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="contacts")
    assert code_of(raised) == (404, "ResourceNotFoundException")
