"""Use cases of instance attributes: describe, update and list them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.errors import InvalidParameter, InvalidRequest
from ..domain.instance_attributes import (
    INBOUND_CALLS,
    OUTBOUND_CALLS,
    attribute_values,
    normalized_value,
)
from ..domain.instances import Instance
from ..domain.pagination import decode_key, page_of
from .context import Caller, Services, Tx, run_once, transaction
from .targets import find_instance

__all__ = [
    "AttributePage",
    "describe_attribute",
    "list_attributes",
    "update_attribute",
]

PAGE_SIZE = 7  # the model's largest MaxResults


@dataclass(frozen=True, slots=True)
class AttributePage:
    attributes: list[tuple[str, str]]  # (type, value) in the model's order
    next_token: str | None


def _active_instance(tx: Tx, caller: Caller, instance_id: str) -> Instance:
    """The caller's instance; InvalidRequest while it is still being created."""
    instance = find_instance(tx, caller, instance_id)
    status = instance.status(tx.now)
    if not instance.is_active(tx.now):
        raise InvalidRequest(
            f"Instance {instance.id} is {status}: its attributes can be read and set "
            "once it is ACTIVE"
        )
    return instance


def _values(tx: Tx, caller: Caller, instance_id: str, types: Sequence[str]) -> dict[str, str]:
    instance = _active_instance(tx, caller, instance_id)
    return attribute_values(instance, tx.uow.instance_attributes.get(instance.id), types)


def describe_attribute(
    services: Services, caller: Caller, instance_id: str, attribute_type: str
) -> str:
    """The attribute's value, ``"true"`` or ``"false"``."""
    with transaction(services, write=False) as tx:
        return _values(tx, caller, instance_id, [attribute_type])[attribute_type]


def list_attributes(
    services: Services,
    caller: Caller,
    instance_id: str,
    types: Sequence[str],
    max_results: int | None,
    next_token: str | None,
) -> AttributePage:
    """The value of each of ``types`` (the model's attribute types), a page at a time."""
    limit = max_results or PAGE_SIZE
    after = decode_key("instance-attributes", next_token) if next_token else None
    with transaction(services, write=False) as tx:
        values = list(_values(tx, caller, instance_id, types).items())
    kinds = [kind for kind, _ in values]
    if after is not None and after not in kinds:
        raise InvalidParameter("The NextToken is not valid for this request")
    start = kinds.index(after) + 1 if after is not None else 0
    found = values[start : start + limit + 1]
    return AttributePage(*page_of(found, limit, "instance-attributes", lambda item: [item[0]]))


@dataclass(frozen=True, slots=True)
class Updated:
    attribute_type: str
    value: str


def update_attribute(
    services: Services,
    caller: Caller,
    instance_id: str,
    attribute_type: str,
    value: str,
    client_token: str | None,
) -> None:
    normalized = normalized_value(attribute_type, value)
    parameters = {"instance_id": instance_id, "type": attribute_type, "value": normalized}
    run_once(
        services,
        caller,
        "UpdateInstanceAttribute",
        client_token,
        parameters,
        Updated,
        lambda tx: _update(tx, caller, instance_id, attribute_type, normalized),
    )


def _update(tx: Tx, caller: Caller, instance_id: str, attribute_type: str, value: str) -> Updated:
    instance = _active_instance(tx, caller, instance_id)
    if attribute_type in (INBOUND_CALLS, OUTBOUND_CALLS):
        inbound, outbound = instance.inbound_calls_enabled, instance.outbound_calls_enabled
        if attribute_type == INBOUND_CALLS:
            inbound = value == "true"
        else:
            outbound = value == "true"
        tx.uow.instances.set_calls(instance.id, inbound=inbound, outbound=outbound)
    else:
        tx.uow.instance_attributes.put(instance.id, attribute_type, value)
    return Updated(attribute_type, value)
