"""Connect operations on what an instance holds besides numbers and flows.

Instance attributes (DescribeInstanceAttribute, UpdateInstanceAttribute,
ListInstanceAttributes) and the analytics data sets it shares (Associate,
Disassociate, their Batch forms, ListAnalyticsDataAssociations). Each handler
takes the validated parameters and returns the output members, as in
``operations.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.analytics import ACTIVE, DataSetAssociation
from ..protocol.model import connect_model, operation
from ..service import analytics, instance_attributes
from ..service.context import Caller, Services
from .errors import to_aws_error

__all__ = ["INSTANCE_HANDLERS"]

Params = dict[str, Any]
Output = dict[str, Any] | None

# every attribute type, in the model's order
ATTRIBUTE_TYPES: tuple[str, ...] = tuple(connect_model().shape_for("InstanceAttributeType").enum)


def describe_instance_attribute(services: Services, caller: Caller, p: Params) -> Output:
    kind = p["AttributeType"]
    value = instance_attributes.describe_attribute(services, caller, p["InstanceId"], kind)
    return {"Attribute": {"AttributeType": kind, "Value": value}}


def update_instance_attribute(services: Services, caller: Caller, p: Params) -> Output:
    instance_attributes.update_attribute(
        services, caller, p["InstanceId"], p["AttributeType"], p["Value"], p.get("ClientToken")
    )
    return None


def list_instance_attributes(services: Services, caller: Caller, p: Params) -> Output:
    page = instance_attributes.list_attributes(
        services, caller, p["InstanceId"], ATTRIBUTE_TYPES, p.get("MaxResults"), p.get("NextToken")
    )
    return {
        "Attributes": [{"AttributeType": k, "Value": v} for k, v in page.attributes],
        "NextToken": page.next_token,
    }


def associate_analytics_data_set(services: Services, caller: Caller, p: Params) -> Output:
    done = analytics.associate(
        services, caller, p["InstanceId"], p["DataSetId"], p.get("TargetAccountId")
    )
    return _association(done, status=False)


def _association(done: DataSetAssociation, *, status: bool = True) -> dict[str, Any]:
    result = {
        "DataSetId": done.data_set_id,
        "TargetAccountId": done.target_account_id,
        "ResourceShareId": done.resource_share_id,
        "ResourceShareArn": done.resource_share_arn,
    }
    return {**result, "ResourceShareStatus": ACTIVE} if status else result


def disassociate_analytics_data_set(services: Services, caller: Caller, p: Params) -> Output:
    analytics.disassociate(
        services, caller, p["InstanceId"], p["DataSetId"], p.get("TargetAccountId")
    )
    return None


def batch_associate_analytics_data_set(services: Services, caller: Caller, p: Params) -> Output:
    outcome = analytics.associate_many(
        services, caller, p["InstanceId"], p["DataSetIds"], p.get("TargetAccountId")
    )
    return {
        "Created": [_association(a) for a in outcome.done],
        "Errors": _errors(outcome, "BatchAssociateAnalyticsDataSet"),
    }


def batch_disassociate_analytics_data_set(services: Services, caller: Caller, p: Params) -> Output:
    outcome = analytics.disassociate_many(
        services, caller, p["InstanceId"], p["DataSetIds"], p.get("TargetAccountId")
    )
    return {
        "Deleted": [a.data_set_id for a in outcome.done],
        "Errors": _errors(outcome, "BatchDisassociateAnalyticsDataSet"),
    }


def _errors(outcome: analytics.BatchOutcome, name: str) -> list[dict[str, str]]:
    """Each data set's error as the modeled error the single operation would answer."""
    found = [to_aws_error(error, operation(name)) for error in outcome.errors]
    return [{"ErrorCode": error.code, "ErrorMessage": error.message} for error in found]


def list_analytics_data_associations(services: Services, caller: Caller, p: Params) -> Output:
    page = analytics.list_associations(
        services,
        caller,
        p["InstanceId"],
        p.get("DataSetId"),
        p.get("MaxResults"),
        p.get("NextToken"),
    )
    return {"Results": [_association(a) for a in page.associations], "NextToken": page.next_token}


INSTANCE_HANDLERS: dict[str, Callable[[Services, Caller, Params], Output]] = {
    "DescribeInstanceAttribute": describe_instance_attribute,
    "UpdateInstanceAttribute": update_instance_attribute,
    "ListInstanceAttributes": list_instance_attributes,
    "AssociateAnalyticsDataSet": associate_analytics_data_set,
    "DisassociateAnalyticsDataSet": disassociate_analytics_data_set,
    "BatchAssociateAnalyticsDataSet": batch_associate_analytics_data_set,
    "BatchDisassociateAnalyticsDataSet": batch_disassociate_analytics_data_set,
    "ListAnalyticsDataAssociations": list_analytics_data_associations,
}
