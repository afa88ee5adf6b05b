"""Use cases of contact flows and of the flows associated with phone numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.arns import parse_arn
from ..domain.contact_flows import (
    ContactFlow,
    FlowAssociation,
    check_associable,
    new_contact_flow,
    split_alias,
)
from ..domain.errors import Duplicate, FlowNotPublished, NotFound
from ..domain.pagination import decode_key, page_of
from .context import Caller, Services, Tx, transaction
from .phone_numbers import find_visible_number
from .targets import find_instance

__all__ = [
    "AssociationPage",
    "CreateContactFlow",
    "FlowPage",
    "associate_flow",
    "create_contact_flow",
    "describe_contact_flow",
    "disassociate_flow",
    "find_contact_flow_by_arn",
    "find_flow",
    "list_contact_flows",
    "list_flow_associations",
]


@dataclass(frozen=True, slots=True)
class CreateContactFlow:
    instance_id: str
    name: str
    flow_type: str
    content: str
    description: str | None = None
    status: str | None = None
    tags: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class FlowPage:
    flows: list[ContactFlow]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class AssociationPage:
    associations: list[FlowAssociation]
    next_token: str | None


def create_contact_flow(
    services: Services, caller: Caller, command: CreateContactFlow
) -> ContactFlow:
    with transaction(services, write=True) as tx:
        instance = find_instance(tx, caller, command.instance_id)
        flow = new_contact_flow(
            account_id=caller.account_id,
            region=caller.region,
            instance_id=instance.id,
            name=command.name,
            flow_type=command.flow_type,
            description=command.description,
            content=command.content,
            status=command.status,
            now=tx.now,
        )
        if tx.uow.contact_flows.name_taken(caller.region, instance.id, command.name):
            raise Duplicate(f"A flow named {command.name!r} already exists in this instance")
        tx.uow.contact_flows.add(flow)
        if command.tags:
            tx.uow.tags.put(flow.arn, command.tags)
        tx.uow.commit()
        return flow


def describe_contact_flow(
    services: Services, caller: Caller, instance_id: str, flow_id: str
) -> tuple[ContactFlow, dict[str, str]]:
    """The flow and its tags. A flow only saved needs the ``:$SAVED`` alias."""
    bare, saved_alias = split_alias(flow_id)
    with transaction(services, write=False) as tx:
        flow = find_flow(tx, caller, instance_id, bare)
        if not flow.published and not saved_alias:
            raise FlowNotPublished(
                f"The flow {flow.id} has not been published; describe {flow.id}:$SAVED "
                "to read its saved content"
            )
        return flow, tx.uow.tags.get(flow.arn)


def list_contact_flows(
    services: Services,
    caller: Caller,
    instance_id: str,
    types: Sequence[str],
    max_results: int | None,
    next_token: str | None,
) -> FlowPage:
    limit = max_results or 100
    after = decode_key("contact-flows", next_token) if next_token else None
    with transaction(services, write=False) as tx:
        instance = find_instance(tx, caller, instance_id)
        found = tx.uow.contact_flows.page(caller.region, instance.id, types, after, limit + 1)
    return FlowPage(*page_of(found, limit, "contact-flows", lambda flow: [flow.name]))


def find_flow(tx: Tx, caller: Caller, instance_id: str, flow_id: str) -> ContactFlow:
    """The caller's flow of the caller's instance in this region; NotFound otherwise."""
    instance = find_instance(tx, caller, instance_id)
    flow = tx.uow.contact_flows.get(caller.account_id, caller.region, instance.id, flow_id)
    if flow is None:
        raise NotFound(f"Flow not found: {flow_id}")
    return flow


def find_contact_flow_by_arn(tx: Tx, caller: Caller, arn: str) -> ContactFlow:
    """The caller's flow named by its ARN (``instance/<id>/contact-flow/<id>``)."""
    parsed = parse_arn(arn)
    parts = parsed.resource.split("/") if parsed is not None else []
    if len(parts) != 4 or parts[0] != "instance" or parts[2] != "contact-flow":
        raise NotFound(f"Flow not found: {arn}")
    flow = find_flow(tx, caller, parts[1], parts[3])
    if flow.arn != arn:
        raise NotFound(f"Flow not found: {arn}")
    return flow


def associate_flow(
    services: Services, caller: Caller, number_id: str, instance_id: str, flow_id: str
) -> None:
    """Route the number's calls in the caller's region to the flow (replacing any other)."""
    with transaction(services, write=True) as tx:
        number = find_visible_number(tx, caller, number_id)
        flow = find_flow(tx, caller, instance_id, flow_id)
        check_associable(number, flow.instance_id, flow, tx.now)
        tx.uow.flow_associations.put(
            FlowAssociation(
                phone_number_id=number.id,
                region=caller.region,
                account_id=caller.account_id,
                instance_id=flow.instance_id,
                contact_flow_id=flow.id,
                phone_number_arn=number.arn,
                contact_flow_arn=flow.arn,
                created_at=tx.now,
            )
        )
        tx.uow.commit()


def disassociate_flow(services: Services, caller: Caller, number_id: str, instance_id: str) -> None:
    """Remove the number's flow in the caller's region, if that instance has associated one."""
    with transaction(services, write=True) as tx:
        number = find_visible_number(tx, caller, number_id)
        instance = find_instance(tx, caller, instance_id)
        found = tx.uow.flow_associations.get(number.id, caller.region)
        if found is not None and found.instance_id == instance.id:
            tx.uow.flow_associations.remove(number.id, caller.region)
        tx.uow.commit()


def list_flow_associations(
    services: Services,
    caller: Caller,
    instance_id: str,
    resource_type: str | None,
    max_results: int | None,
    next_token: str | None,
) -> AssociationPage:
    """The instance's phone-number associations; other resource types have none here."""
    limit = max_results or 100
    after = decode_key("flow-associations", next_token) if next_token else None
    with transaction(services, write=False) as tx:
        instance = find_instance(tx, caller, instance_id)
        if resource_type not in (None, "VOICE_PHONE_NUMBER"):
            return AssociationPage([], None)
        found = tx.uow.flow_associations.page(caller.region, instance.id, after, limit + 1)
    shown, token = page_of(found, limit, "flow-associations", lambda a: [a.phone_number_arn])
    return AssociationPage(shown, token)
