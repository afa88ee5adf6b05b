"""Connect operations: from validated parameters to a use case, and back to output members.

Each handler takes the operation's parameters (keyed by model member name),
calls one use case, and returns the output members. The table at the end is
the list of operations this server implements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.instances import Instance
from ..service import instances, tags
from ..service.context import Caller, Services

__all__ = ["HANDLERS", "Handler"]

Params = dict[str, Any]
Output = dict[str, Any] | None
Handler = Callable[[Services, Caller, Params], Output]


def create_instance(services: Services, caller: Caller, p: Params) -> Output:
    command = instances.CreateInstance(
        identity_management_type=p["IdentityManagementType"],
        inbound_calls_enabled=p["InboundCallsEnabled"],
        outbound_calls_enabled=p["OutboundCallsEnabled"],
        alias=p.get("InstanceAlias"),
        directory_id=p.get("DirectoryId"),
        tags=p.get("Tags"),
        client_token=p.get("ClientToken"),
    )
    created = instances.create_instance(services, caller, command)
    return {"Id": created.id, "Arn": created.arn}


def describe_instance(services: Services, caller: Caller, p: Params) -> Output:
    instance, status, tag_map = instances.describe_instance(services, caller, p["InstanceId"])
    return {"Instance": {**_instance_summary(instance, status), "Tags": tag_map or None}}


def list_instances(services: Services, caller: Caller, p: Params) -> Output:
    page = instances.list_instances(services, caller, p.get("MaxResults"), p.get("NextToken"))
    return {
        "InstanceSummaryList": [_instance_summary(i, status) for i, status in page.instances],
        "NextToken": page.next_token,
    }


def delete_instance(services: Services, caller: Caller, p: Params) -> Output:
    instances.delete_instance(services, caller, p["InstanceId"], p.get("ClientToken"))
    return None


def _instance_summary(instance: Instance, status: str) -> dict[str, Any]:
    return {
        "Id": instance.id,
        "Arn": instance.arn,
        "IdentityManagementType": instance.identity_management_type,
        "InstanceAlias": instance.alias,
        "CreatedTime": instance.created_at,
        "ServiceRole": instance.service_role,
        "InstanceStatus": status,
        "InboundCallsEnabled": instance.inbound_calls_enabled,
        "OutboundCallsEnabled": instance.outbound_calls_enabled,
        "InstanceAccessUrl": instance.access_url,
    }


def tag_resource(services: Services, caller: Caller, p: Params) -> Output:
    tags.tag_resource(services, caller, p["resourceArn"], p["tags"])
    return None


def untag_resource(services: Services, caller: Caller, p: Params) -> Output:
    tags.untag_resource(services, caller, p["resourceArn"], p["tagKeys"])
    return None


def list_tags_for_resource(services: Services, caller: Caller, p: Params) -> Output:
    return {"tags": tags.list_tags(services, caller, p["resourceArn"])}


HANDLERS: dict[str, Handler] = {
    "CreateInstance": create_instance,
    "DescribeInstance": describe_instance,
    "ListInstances": list_instances,
    "DeleteInstance": delete_instance,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
