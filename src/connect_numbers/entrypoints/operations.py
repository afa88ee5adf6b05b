"""Connect operations: from validated parameters to a use case, and back to output members.

Each handler takes the operation's parameters (keyed by model member name),
calls one use case, and returns the output members. The table at the end is
the list of operations this server implements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.contact_flows import VOICE_PHONE_NUMBER, ContactFlow
from ..domain.instances import Instance
from ..domain.phone_numbers import NumberFilter, PhoneNumber, legacy_filter_types, legacy_type
from ..domain.traffic import Replication, TrafficDistributionGroup
from ..protocol.serializer import Rows
from ..service import contact_flows, imports, instances, phone_numbers, search, tags, traffic
from ..service.context import Caller, Services
from .flow_operations import FLOW_HANDLERS
from .instance_operations import INSTANCE_HANDLERS

__all__ = ["HANDLERS", "Handler", "number_summary"]

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
    found = instances.describe_instance(services, caller, p["InstanceId"])
    instance = {**_instance_summary(found.instance, found.status), "Tags": found.tags or None}
    return {"Instance": instance, "ReplicationConfiguration": _replication(found.replication)}


def _replication(replication: Replication | None) -> dict[str, Any] | None:
    if replication is None:
        return None
    return {
        "SourceRegion": replication.source_region,
        "ReplicationStatusSummaryList": [
            {"Region": region, "ReplicationStatus": status}
            for region, status in replication.statuses
        ],
    }


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


def claim_phone_number(services: Services, caller: Caller, p: Params) -> Output:
    command = phone_numbers.ClaimPhoneNumber(
        phone_number=p["PhoneNumber"],
        target_arn=p.get("TargetArn"),
        instance_id=p.get("InstanceId"),
        description=p.get("PhoneNumberDescription"),
        tags=p.get("Tags"),
        client_token=p.get("ClientToken"),
    )
    claimed = phone_numbers.claim_phone_number(services, caller, command)
    return {"PhoneNumberId": claimed.phone_number_id, "PhoneNumberArn": claimed.phone_number_arn}


def describe_phone_number(services: Services, caller: Caller, p: Params) -> Output:
    number, status, message, tag_map = phone_numbers.describe_phone_number(
        services, caller, p["PhoneNumberId"]
    )
    summary = {
        **number_summary(number),
        "Tags": tag_map,
        "PhoneNumberStatus": {"Status": status, "Message": message},
    }
    return {"ClaimedPhoneNumberSummary": summary}


def number_summary(number: PhoneNumber) -> dict[str, Any]:
    return {
        "PhoneNumberId": number.id,
        "PhoneNumberArn": number.arn,
        "PhoneNumber": number.e164,
        "PhoneNumberCountryCode": number.country,
        "PhoneNumberType": number.type,
        "PhoneNumberDescription": number.description,
        "TargetArn": number.target_arn,
        "InstanceId": number.instance_id,
        "SourcePhoneNumberArn": number.source_arn,
    }


def list_phone_numbers_v2(services: Services, caller: Caller, p: Params) -> Output:
    where = NumberFilter(
        caller.account_id,
        caller.region,
        target_arn=p.get("TargetArn"),
        instance_id=p.get("InstanceId"),
        countries=p.get("PhoneNumberCountryCodes") or (),
        types=p.get("PhoneNumberTypes") or (),
        prefix=p.get("PhoneNumberPrefix"),
    )
    page = phone_numbers.list_phone_numbers(
        services, caller, where, p.get("MaxResults"), p.get("NextToken"), "numbers-v2"
    )
    return {
        "ListPhoneNumbersSummaryList": Rows(_LISTED, page.numbers),
        "NextToken": page.next_token,
    }


# ListPhoneNumbersSummary's members, in the order of a NumberListing's fields
_LISTED = (
    "PhoneNumberId",
    "PhoneNumberArn",
    "PhoneNumber",
    "PhoneNumberCountryCode",
    "PhoneNumberType",
    "TargetArn",
    "InstanceId",
    "PhoneNumberDescription",
    "SourcePhoneNumberArn",
)


def list_phone_numbers(services: Services, caller: Caller, p: Params) -> Output:
    where = NumberFilter(
        caller.account_id,
        caller.region,
        instance_id=p["InstanceId"],
        countries=p.get("PhoneNumberCountryCodes") or (),
        types=legacy_filter_types(p.get("PhoneNumberTypes") or ()),
    )
    page = phone_numbers.list_phone_numbers(
        services, caller, where, p.get("MaxResults"), p.get("NextToken"), "numbers-v1"
    )
    return {
        "PhoneNumberSummaryList": [
            {
                "Id": n.id,
                "Arn": f"{n.target_arn}/phone-number/{n.id}",
                "PhoneNumber": n.e164,
                "PhoneNumberType": legacy_type(n.type),
                "PhoneNumberCountryCode": n.country,
            }
            for n in page.numbers
        ],
        "NextToken": page.next_token,
    }


def search_available_phone_numbers(services: Services, caller: Caller, p: Params) -> Output:
    query = search.SearchQuery(
        country=p["PhoneNumberCountryCode"],
        number_type=p["PhoneNumberType"],
        prefix=p.get("PhoneNumberPrefix"),
        target_arn=p.get("TargetArn"),
        instance_id=p.get("InstanceId"),
    )
    page = search.search_available(services, caller, query, p.get("MaxResults"), p.get("NextToken"))
    return {
        "AvailableNumbersList": [
            {
                "PhoneNumber": e164,
                "PhoneNumberCountryCode": query.country,
                "PhoneNumberType": query.number_type,
            }
            for e164 in page.numbers
        ],
        "NextToken": page.next_token,
    }


def update_phone_number(services: Services, caller: Caller, p: Params) -> Output:
    moved = phone_numbers.update_phone_number(
        services,
        caller,
        p["PhoneNumberId"],
        p.get("TargetArn"),
        p.get("InstanceId"),
        p.get("ClientToken"),
    )
    return {"PhoneNumberId": moved.phone_number_id, "PhoneNumberArn": moved.phone_number_arn}


def update_phone_number_metadata(services: Services, caller: Caller, p: Params) -> Output:
    phone_numbers.update_phone_number_metadata(
        services,
        caller,
        p["PhoneNumberId"],
        p.get("PhoneNumberDescription"),
        p.get("ClientToken"),
    )
    return None


def release_phone_number(services: Services, caller: Caller, p: Params) -> Output:
    phone_numbers.release_phone_number(services, caller, p["PhoneNumberId"], p.get("ClientToken"))
    return None


def import_phone_number(services: Services, caller: Caller, p: Params) -> Output:
    command = imports.ImportPhoneNumber(
        instance_id=p["InstanceId"],
        source_arn=p["SourcePhoneNumberArn"],
        description=p.get("PhoneNumberDescription"),
        tags=p.get("Tags"),
        client_token=p.get("ClientToken"),
    )
    imported = imports.import_phone_number(services, caller, command)
    return {"PhoneNumberId": imported.phone_number_id, "PhoneNumberArn": imported.phone_number_arn}


def create_contact_flow(services: Services, caller: Caller, p: Params) -> Output:
    command = contact_flows.CreateContactFlow(
        instance_id=p["InstanceId"],
        name=p["Name"],
        flow_type=p["Type"],
        content=p["Content"],
        description=p.get("Description"),
        status=p.get("Status"),
        tags=p.get("Tags"),
    )
    flow = contact_flows.create_contact_flow(services, caller, command)
    return {
        "ContactFlowId": flow.id,
        "ContactFlowArn": flow.arn,
        "FlowContentSha256": flow.content_sha256,
    }


def describe_contact_flow(services: Services, caller: Caller, p: Params) -> Output:
    flow, tag_map = contact_flows.describe_contact_flow(
        services, caller, p["InstanceId"], p["ContactFlowId"]
    )
    return {
        "ContactFlow": {
            "Arn": flow.arn,
            "Id": flow.id,
            "Name": flow.name,
            "Type": flow.type,
            "State": flow.state,
            "Status": flow.status,
            "Description": flow.description,
            "Content": flow.content,
            "Tags": tag_map or None,
            "FlowContentSha256": flow.content_sha256,
            "LastModifiedTime": flow.modified_at,
            "LastModifiedRegion": flow.modified_region,
        }
    }


def list_contact_flows(services: Services, caller: Caller, p: Params) -> Output:
    page = contact_flows.list_contact_flows(
        services,
        caller,
        p["InstanceId"],
        p.get("ContactFlowTypes") or (),
        p.get("MaxResults"),
        p.get("NextToken"),
    )
    return {
        "ContactFlowSummaryList": [_flow_summary(f) for f in page.flows],
        "NextToken": page.next_token,
    }


def _flow_summary(flow: ContactFlow) -> dict[str, Any]:
    return {
        "Id": flow.id,
        "Arn": flow.arn,
        "Name": flow.name,
        "ContactFlowType": flow.type,
        "ContactFlowState": flow.state,
        "ContactFlowStatus": flow.status,
    }


def associate_phone_number_contact_flow(services: Services, caller: Caller, p: Params) -> Output:
    contact_flows.associate_flow(
        services, caller, p["PhoneNumberId"], p["InstanceId"], p["ContactFlowId"]
    )
    return None


def disassociate_phone_number_contact_flow(services: Services, caller: Caller, p: Params) -> Output:
    contact_flows.disassociate_flow(services, caller, p["PhoneNumberId"], p["InstanceId"])
    return None


def list_flow_associations(services: Services, caller: Caller, p: Params) -> Output:
    page = contact_flows.list_flow_associations(
        services,
        caller,
        p["InstanceId"],
        p.get("ResourceType"),
        p.get("MaxResults"),
        p.get("NextToken"),
    )
    return {
        "FlowAssociationSummaryList": [
            {
                "ResourceId": a.phone_number_arn,
                "FlowId": a.contact_flow_arn,
                "ResourceType": VOICE_PHONE_NUMBER,
            }
            for a in page.associations
        ],
        "NextToken": page.next_token,
    }


def replicate_instance(services: Services, caller: Caller, p: Params) -> Output:
    command = traffic.ReplicateInstance(
        instance_id=p["InstanceId"],
        replica_region=p["ReplicaRegion"],
        replica_alias=p.get("ReplicaAlias"),
        client_token=p.get("ClientToken"),
    )
    created = traffic.replicate_instance(services, caller, command)
    return {"Id": created.id, "Arn": created.arn}


def create_traffic_distribution_group(services: Services, caller: Caller, p: Params) -> Output:
    command = traffic.CreateTdg(
        name=p["Name"],
        instance_id=p["InstanceId"],
        description=p.get("Description"),
        tags=p.get("Tags"),
        client_token=p.get("ClientToken"),
    )
    created = traffic.create_tdg(services, caller, command)
    return {"Id": created.id, "Arn": created.arn}


def describe_traffic_distribution_group(services: Services, caller: Caller, p: Params) -> Output:
    tdg, status, tag_map = traffic.describe_tdg(services, caller, p["TrafficDistributionGroupId"])
    summary = _tdg_summary(tdg, status)
    return {
        "TrafficDistributionGroup": {**summary, "Description": tdg.description, "Tags": tag_map}
    }


def list_traffic_distribution_groups(services: Services, caller: Caller, p: Params) -> Output:
    page = traffic.list_tdgs(
        services, caller, p.get("InstanceId"), p.get("MaxResults"), p.get("NextToken")
    )
    return {
        "TrafficDistributionGroupSummaryList": [_tdg_summary(g, s) for g, s in page.groups],
        "NextToken": page.next_token,
    }


def _tdg_summary(tdg: TrafficDistributionGroup, status: str) -> dict[str, Any]:
    return {
        "Id": tdg.id,
        "Arn": tdg.arn,
        "Name": tdg.name,
        "InstanceArn": tdg.instance_arn,
        "Status": status,
        "IsDefault": tdg.is_default,
    }


def delete_traffic_distribution_group(services: Services, caller: Caller, p: Params) -> Output:
    traffic.delete_tdg(services, caller, p["TrafficDistributionGroupId"])
    return None


def get_traffic_distribution(services: Services, caller: Caller, p: Params) -> Output:
    tdg = traffic.get_traffic_distribution(services, caller, p["Id"])
    shares = tdg.distribution
    return {
        "Id": tdg.id,
        "Arn": tdg.arn,
        "TelephonyConfig": _percentages(shares.telephony, tdg.regions),
        "SignInConfig": {
            "Distributions": [{"Region": r, "Enabled": shares.sign_in[r]} for r in tdg.regions]
        },
        "AgentConfig": _percentages(shares.agent, tdg.regions),
        "LastFailoverTime": tdg.updated_at,
    }


def _percentages(shares: Any, regions: tuple[str, str]) -> dict[str, Any]:
    return {"Distributions": [{"Region": r, "Percentage": shares[r]} for r in regions]}


def update_traffic_distribution(services: Services, caller: Caller, p: Params) -> Output:
    def pairs(config: str, value: str) -> list[tuple[str, Any]] | None:
        given = p.get(config)
        if given is None:
            return None
        return [(d["Region"], d[value]) for d in given["Distributions"]]

    traffic.update_traffic_distribution(
        services,
        caller,
        p["Id"],
        pairs("TelephonyConfig", "Percentage"),
        pairs("SignInConfig", "Enabled"),
        pairs("AgentConfig", "Percentage"),
    )
    return None


HANDLERS: dict[str, Handler] = {
    "ClaimPhoneNumber": claim_phone_number,
    "DescribePhoneNumber": describe_phone_number,
    "ListPhoneNumbers": list_phone_numbers,
    "ListPhoneNumbersV2": list_phone_numbers_v2,
    "SearchAvailablePhoneNumbers": search_available_phone_numbers,
    "UpdatePhoneNumber": update_phone_number,
    "UpdatePhoneNumberMetadata": update_phone_number_metadata,
    "ReleasePhoneNumber": release_phone_number,
    "ImportPhoneNumber": import_phone_number,
    "CreateContactFlow": create_contact_flow,
    "DescribeContactFlow": describe_contact_flow,
    "ListContactFlows": list_contact_flows,
    "AssociatePhoneNumberContactFlow": associate_phone_number_contact_flow,
    "DisassociatePhoneNumberContactFlow": disassociate_phone_number_contact_flow,
    "ListFlowAssociations": list_flow_associations,
    "CreateInstance": create_instance,
    "DescribeInstance": describe_instance,
    "ListInstances": list_instances,
    "DeleteInstance": delete_instance,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
    "ReplicateInstance": replicate_instance,
    "CreateTrafficDistributionGroup": create_traffic_distribution_group,
    "DescribeTrafficDistributionGroup": describe_traffic_distribution_group,
    "ListTrafficDistributionGroups": list_traffic_distribution_groups,
    "DeleteTrafficDistributionGroup": delete_traffic_distribution_group,
    "GetTrafficDistribution": get_traffic_distribution,
    "UpdateTrafficDistribution": update_traffic_distribution,
    **FLOW_HANDLERS,
    **INSTANCE_HANDLERS,
}
