"""Use cases that change or delete a contact flow."""

from __future__ import annotations

from collections.abc import Callable

from ..domain.contact_flows import ContactFlow, edited, split_alias, with_content
from ..domain.errors import Duplicate
from .contact_flows import find_flow
from .context import Caller, Services, Tx, transaction

__all__ = ["delete_flow", "update_content", "update_metadata", "update_name"]


def _change(
    services: Services,
    caller: Caller,
    instance_id: str,
    flow_id: str,
    change: Callable[[Tx, ContactFlow], ContactFlow],
) -> ContactFlow:
    """Apply ``change`` to the flow (named with or without its ``:$SAVED`` alias) and save it."""
    with transaction(services, write=True) as tx:
        flow = find_flow(tx, caller, instance_id, split_alias(flow_id)[0])
        changed = change(tx, flow)
        tx.uow.contact_flows.save(changed)
        tx.uow.commit()
        return changed


def update_content(
    services: Services, caller: Caller, instance_id: str, flow_id: str, content: str
) -> ContactFlow:
    return _change(
        services,
        caller,
        instance_id,
        flow_id,
        lambda tx, flow: with_content(flow, content, tx.now, caller.region),
    )


def update_name(
    services: Services,
    caller: Caller,
    instance_id: str,
    flow_id: str,
    name: str | None,
    description: str | None,
) -> ContactFlow:
    return update_metadata(services, caller, instance_id, flow_id, name, description, None)


def update_metadata(
    services: Services,
    caller: Caller,
    instance_id: str,
    flow_id: str,
    name: str | None,
    description: str | None,
    state: str | None,
) -> ContactFlow:
    """A new name (unique in the instance), description and state (ACTIVE or ARCHIVED)."""

    def change(tx: Tx, flow: ContactFlow) -> ContactFlow:
        taken = tx.uow.contact_flows.name_taken
        if name not in (None, flow.name) and taken(caller.region, flow.instance_id, name):
            raise Duplicate(f"A flow named {name!r} already exists in this instance")
        return edited(flow, tx.now, caller.region, name=name, description=description, state=state)

    return _change(services, caller, instance_id, flow_id, change)


def delete_flow(services: Services, caller: Caller, instance_id: str, flow_id: str) -> None:
    """Delete the flow, its tags and its phone numbers' associations with it.

    The numbers stay claimed; calls to them reach no flow until another one is
    associated (as when the flow's number is released, the other way round).
    """
    with transaction(services, write=True) as tx:
        flow = find_flow(tx, caller, instance_id, split_alias(flow_id)[0])
        tx.uow.flow_associations.remove_for_flow(flow.id)
        tx.uow.contact_flows.remove(flow.id)
        tx.uow.tags.clear(flow.arn)
        tx.uow.commit()
