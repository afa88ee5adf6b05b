"""The Connect resources and data source of terraform-provider-aws, replayed with boto3.

One class per resource type: ``create``, ``read`` (refresh; ``new`` right after a
create, when "not found" is an error), ``update``, ``import_state`` and ``delete``
make the calls the provider makes, in its order (docs/terraform.md lists them).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from terraform_provider import (
    Provider,
    Resource,
    State,
    WaitError,
    error_code,
    gone,
    tags_changed,
    tags_read,
)

__all__ = [
    "DATA_SOURCES",
    "RESOURCES",
    "AssociationResource",
    "ContactFlowResource",
    "InstanceDataSource",
    "InstanceResource",
    "PhoneNumberResource",
]


class InstanceResource:
    """aws_connect_instance."""

    type_name = "aws_connect_instance"
    # the provider's attribute map (schema key → InstanceAttributeType) and schema defaults
    ATTRIBUTES = {
        "auto_resolve_best_voices_enabled": ("AUTO_RESOLVE_BEST_VOICES", True),
        "contact_flow_logs_enabled": ("CONTACTFLOW_LOGS", False),
        "contact_lens_enabled": ("CONTACT_LENS", True),
        "early_media_enabled": ("EARLY_MEDIA", True),
        "inbound_calls_enabled": ("INBOUND_CALLS", None),  # required
        "multi_party_conference_enabled": ("MULTI_PARTY_CONFERENCE", False),
        "outbound_calls_enabled": ("OUTBOUND_CALLS", None),  # required
    }

    def __init__(self, provider: Provider) -> None:
        self.p = provider

    def _value(self, config: State, key: str) -> bool:
        default = self.ATTRIBUTES[key][1]
        value: bool = config.get(key, default)
        return value

    def create(self, config: State) -> State:
        given: dict[str, Any] = {
            "ClientToken": f"terraform-{uuid.uuid4().hex[:20]}",
            "IdentityManagementType": config["identity_management_type"],
            "InboundCallsEnabled": config["inbound_calls_enabled"],
            "OutboundCallsEnabled": config["outbound_calls_enabled"],
        }
        if config.get("instance_alias"):
            given["InstanceAlias"] = config["instance_alias"]
        if config.get("tags"):
            given["Tags"] = config["tags"]
        instance_id = self.p.connect.create_instance(**given)["Id"]
        self.p.wait(
            lambda: self._status(instance_id),
            pending=["CREATION_IN_PROGRESS"],
            target=["ACTIVE"],
            message=lambda i: (i.get("StatusReason") or {}).get("Message"),
        )
        for key, (kind, _) in self.ATTRIBUTES.items():
            self._set(instance_id, kind, self._value(config, key))
        return self._read(instance_id, new=True) or {}

    def _set(self, instance_id: str, kind: str, value: bool) -> None:
        try:
            self.p.connect.update_instance_attribute(
                InstanceId=instance_id, AttributeType=kind, Value=str(value).lower()
            )
        except ClientError as error:
            if error_code(error) != "AccessDeniedException":  # the provider ignores only this
                raise

    def _status(self, instance_id: str) -> tuple[Any, str] | None:
        try:
            instance = self.p.connect.describe_instance(InstanceId=instance_id)["Instance"]
        except ClientError as error:
            if gone(error):
                return None
            raise
        return instance, instance["InstanceStatus"]

    def read(self, state: State, *, new: bool = False) -> State | None:
        return self._read(state["id"], new=new)

    def _read(self, instance_id: str, *, new: bool) -> State | None:
        try:
            instance = self.p.connect.describe_instance(InstanceId=instance_id)["Instance"]
        except ClientError as error:
            if gone(error) and not new:
                return None
            raise
        state: State = {
            "id": instance["Id"],
            "arn": instance["Arn"],
            "identity_management_type": instance["IdentityManagementType"],
            "instance_alias": instance.get("InstanceAlias"),
            "service_role": instance["ServiceRole"],
            "status": instance["InstanceStatus"],
        }
        for key, (kind, _) in self.ATTRIBUTES.items():
            attribute = self.p.connect.describe_instance_attribute(
                InstanceId=instance_id, AttributeType=kind
            )["Attribute"]
            state[key] = attribute["Value"] == "true"
        state["tags"] = tags_read(self.p, instance["Arn"], instance.get("Tags"))
        return state

    def update(self, state: State, config: State) -> State:
        tags_changed(self.p, state["arn"], state.get("tags", {}), config.get("tags", {}))
        for key, (kind, _) in self.ATTRIBUTES.items():
            wanted = self._value(config, key)
            if wanted != state[key]:
                self._set(state["id"], kind, wanted)
        return self._read(state["id"], new=False) or {}

    def import_state(self, import_id: str) -> State | None:
        return self._read(import_id, new=False)

    def delete(self, state: State) -> None:
        try:
            self.p.connect.delete_instance(InstanceId=state["id"])
        except ClientError as error:
            if gone(error):
                return
            raise
        self.p.wait(lambda: self._status(state["id"]), pending=["ACTIVE"], target=[])


class PhoneNumberResource:
    """aws_connect_phone_number."""

    type_name = "aws_connect_phone_number"

    def __init__(self, provider: Provider) -> None:
        self.p = provider
        self.last_id: str | None = None  # set on claim, before the wait, as the provider does

    def create(self, config: State) -> State:
        query: dict[str, Any] = {
            "MaxResults": 1,
            "PhoneNumberCountryCode": config["country_code"],
            "PhoneNumberType": config["type"],
            "TargetArn": config["target_arn"],
        }
        if config.get("prefix"):
            query["PhoneNumberPrefix"] = config["prefix"]
        offered = self.p.connect.search_available_phone_numbers(**query)["AvailableNumbersList"]
        if not offered:
            raise WaitError("searching Connect Phone Numbers: empty result")
        claim: dict[str, Any] = {
            "ClientToken": str(uuid.uuid4()),
            "PhoneNumber": offered[0]["PhoneNumber"],
            "TargetArn": config["target_arn"],
        }
        if config.get("tags"):
            claim["Tags"] = config["tags"]
        if config.get("description"):
            claim["PhoneNumberDescription"] = config["description"]
        number_id = self.p.connect.claim_phone_number(**claim)["PhoneNumberId"]
        self.last_id = number_id
        self._wait_claimed(number_id)
        return self._read(number_id, new=True) or {}

    def _status(self, number_id: str) -> tuple[Any, str] | None:
        try:
            summary = self.p.connect.describe_phone_number(PhoneNumberId=number_id)
        except ClientError as error:
            if gone(error):
                return None
            raise
        found = summary["ClaimedPhoneNumberSummary"]
        return found, found["PhoneNumberStatus"]["Status"]

    def _wait_claimed(self, number_id: str) -> None:
        self.p.wait(
            lambda: self._status(number_id),
            pending=["IN_PROGRESS"],
            target=["CLAIMED"],
            message=lambda s: s["PhoneNumberStatus"].get("Message"),
        )

    def read(self, state: State, *, new: bool = False) -> State | None:
        return self._read(state["id"], new=new)

    def _read(self, number_id: str, *, new: bool) -> State | None:
        try:
            found = self.p.connect.describe_phone_number(PhoneNumberId=number_id)
        except ClientError as error:
            if gone(error) and not new:
                return None
            raise
        summary = found["ClaimedPhoneNumberSummary"]
        return {
            "id": number_id,
            "arn": summary["PhoneNumberArn"],
            "country_code": summary["PhoneNumberCountryCode"],
            "description": summary.get("PhoneNumberDescription"),
            "phone_number": summary["PhoneNumber"],
            "status": summary["PhoneNumberStatus"],
            "target_arn": summary["TargetArn"],
            "type": summary["PhoneNumberType"],
            "tags": tags_read(self.p, summary["PhoneNumberArn"], summary.get("Tags")),
        }

    def update(self, state: State, config: State) -> State:
        tags_changed(self.p, state["arn"], state.get("tags", {}), config.get("tags", {}))
        if config["target_arn"] != state["target_arn"]:  # every other argument forces a new one
            self.p.connect.update_phone_number(
                ClientToken=str(uuid.uuid4()),
                PhoneNumberId=state["id"],
                TargetArn=config["target_arn"],
            )
            self._wait_claimed(state["id"])
        return self._read(state["id"], new=False) or {}

    def import_state(self, import_id: str) -> State | None:
        return self._read(import_id, new=False)

    def delete(self, state: State) -> None:
        try:
            self.p.connect.release_phone_number(
                ClientToken=str(uuid.uuid4()), PhoneNumberId=state["id"]
            )
        except ClientError as error:
            if gone(error):
                return
            raise
        self.p.wait(
            lambda: self._status(state["id"]),
            pending=["IN_PROGRESS"],
            target=[],
            message=lambda s: s["PhoneNumberStatus"].get("Message"),
        )


class ContactFlowResource:
    """aws_connect_contact_flow; its id is ``<instance id>:<flow id>``."""

    type_name = "aws_connect_contact_flow"

    def __init__(self, provider: Provider) -> None:
        self.p = provider

    @staticmethod
    def content_of(config: State) -> str:
        """``filename``'s text (the provider reads the file) or ``content``."""
        if config.get("filename"):
            return Path(config["filename"]).read_text()
        content: str = config["content"]
        return content

    def create(self, config: State) -> State:
        given: dict[str, Any] = {
            "Name": config["name"],
            "InstanceId": config["instance_id"],
            "Type": config.get("type", "CONTACT_FLOW"),
            "Content": self.content_of(config),
        }
        if config.get("tags"):
            given["Tags"] = config["tags"]
        if config.get("description"):
            given["Description"] = config["description"]
        flow_id = self.p.connect.create_contact_flow(**given)["ContactFlowId"]
        return self._read(f"{config['instance_id']}:{flow_id}", new=True) or {}

    def read(self, state: State, *, new: bool = False) -> State | None:
        return self._read(state["id"], new=new)

    def _read(self, resource_id: str, *, new: bool) -> State | None:
        instance_id, flow_id = resource_id.split(":", 1)
        try:
            flow = self.p.connect.describe_contact_flow(
                InstanceId=instance_id, ContactFlowId=flow_id
            )["ContactFlow"]
        except ClientError as error:
            if gone(error) and not new:
                return None
            raise
        return {
            "id": resource_id,
            "arn": flow["Arn"],
            "contact_flow_id": flow["Id"],
            "content": flow["Content"],
            "description": flow.get("Description"),
            "instance_id": instance_id,
            "name": flow["Name"],
            "type": flow["Type"],
            "tags": tags_read(self.p, flow["Arn"], flow.get("Tags")),
        }

    def update(self, state: State, config: State) -> State:
        tags_changed(self.p, state["arn"], state.get("tags", {}), config.get("tags", {}))
        instance_id, flow_id = state["id"].split(":", 1)
        key = {"InstanceId": instance_id, "ContactFlowId": flow_id}
        description = config.get("description") or ""
        if config["name"] != state["name"] or description != (state["description"] or ""):
            self.p.connect.update_contact_flow_name(
                **key, Name=config["name"], Description=description
            )
        content = self.content_of(config)
        if content != state["content"]:
            self.p.connect.update_contact_flow_content(**key, Content=content)
        return self._read(state["id"], new=False) or {}

    def import_state(self, import_id: str) -> State | None:
        return self._read(import_id, new=False)

    def delete(self, state: State) -> None:
        instance_id, flow_id = state["id"].split(":", 1)
        try:
            self.p.connect.delete_contact_flow(InstanceId=instance_id, ContactFlowId=flow_id)
        except ClientError as error:
            if not gone(error):
                raise


class AssociationResource:
    """aws_connect_phone_number_contact_flow_association (every argument forces a new one).

    Its import id is ``<phone number id>,<instance id>,<contact flow id>``.
    """

    type_name = "aws_connect_phone_number_contact_flow_association"

    def __init__(self, provider: Provider) -> None:
        self.p = provider

    def create(self, config: State) -> State:
        self.p.connect.associate_phone_number_contact_flow(
            ContactFlowId=config["contact_flow_id"],
            InstanceId=config["instance_id"],
            PhoneNumberId=config["phone_number_id"],
        )
        return dict(config)  # the framework resource keeps the plan; no read after create

    def read(self, state: State, *, new: bool = False) -> State | None:
        try:
            number = self.p.connect.describe_phone_number(PhoneNumberId=state["phone_number_id"])
            flow = self.p.connect.describe_contact_flow(
                InstanceId=state["instance_id"], ContactFlowId=state["contact_flow_id"]
            )
            matches = self._matches(
                state["instance_id"],
                number["ClaimedPhoneNumberSummary"]["PhoneNumberArn"],
                flow["ContactFlow"]["Arn"],
            )
        except ClientError as error:
            if gone(error):
                return None
            raise
        if not matches:
            return None
        if len(matches) > 1:
            raise WaitError(f"expected 1 flow association, found {len(matches)}")
        return dict(state)

    def _matches(self, instance_id: str, number_arn: str, flow_arn: str) -> list[Any]:
        pages = self.p.connect.get_paginator("list_flow_associations").paginate(
            InstanceId=instance_id, ResourceType="VOICE_PHONE_NUMBER"
        )
        return [
            found
            for page in pages
            for found in page["FlowAssociationSummaryList"]
            if found["ResourceId"] == number_arn and found["FlowId"] == flow_arn
        ]

    def update(self, state: State, config: State) -> State:
        self.delete(state)  # RequiresReplace on every argument: destroy, then create
        return self.create(config)

    def import_state(self, import_id: str) -> State | None:
        number_id, instance_id, flow_id = import_id.split(",")
        state = {"phone_number_id": number_id, "instance_id": instance_id}
        return self.read({**state, "contact_flow_id": flow_id})

    def delete(self, state: State) -> None:
        try:
            self.p.connect.disassociate_phone_number_contact_flow(
                InstanceId=state["instance_id"], PhoneNumberId=state["phone_number_id"]
            )
        except ClientError as error:
            if not gone(error):
                raise


class InstanceDataSource:
    """data "aws_connect_instance": by instance_id, or by instance_alias through ListInstances."""

    type_name = "aws_connect_instance"  # as a data source

    def __init__(self, provider: Provider) -> None:
        self.p = provider

    def read(self, *, instance_id: str | None = None, instance_alias: str | None = None) -> State:
        if instance_id is not None:
            instance = self.p.connect.describe_instance(InstanceId=instance_id)["Instance"]
        else:
            instance = self._by_alias(instance_alias)
        state: State = {"id": instance["Id"], "arn": instance["Arn"]}
        for key, (kind, _) in InstanceResource.ATTRIBUTES.items():
            attribute = self.p.connect.describe_instance_attribute(
                InstanceId=instance["Id"], AttributeType=kind
            )["Attribute"]
            state[key] = attribute["Value"] == "true"
        return state

    def _by_alias(self, alias: str | None) -> Any:
        pages = self.p.connect.get_paginator("list_instances").paginate(
            PaginationConfig={"PageSize": 10}
        )
        for page in pages:
            for summary in page["InstanceSummaryList"]:
                if summary.get("InstanceAlias") == alias:
                    return summary
        raise WaitError(f"no Connect Instance found for alias {alias}")


RESOURCES: dict[str, type[Resource]] = {
    InstanceResource.type_name: InstanceResource,
    PhoneNumberResource.type_name: PhoneNumberResource,
    ContactFlowResource.type_name: ContactFlowResource,
    AssociationResource.type_name: AssociationResource,
}
DATA_SOURCES = {InstanceDataSource.type_name: InstanceDataSource}
