"""Use cases for Connect instances: create, describe, list, delete."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import instances as domain
from ..domain.errors import InvalidRequest
from ..domain.instances import Instance
from ..domain.pagination import decode_time_and_id, page_of
from ..domain.traffic import Replica, Replication, replication_of
from .context import Caller, Services, Tx, parameters_of, run_once, transaction
from .phone_numbers import release_number
from .targets import find_instance

__all__ = [
    "CreateInstance",
    "Created",
    "InstanceDescription",
    "InstancePage",
    "create_instance",
    "delete_instance",
    "describe_instance",
    "find_instance",
    "list_instances",
]


@dataclass(frozen=True, slots=True)
class CreateInstance:
    identity_management_type: str
    inbound_calls_enabled: bool
    outbound_calls_enabled: bool
    alias: str | None = None
    directory_id: str | None = None
    tags: dict[str, str] | None = None
    client_token: str | None = None


@dataclass(frozen=True, slots=True)
class Created:
    id: str
    arn: str


@dataclass(frozen=True, slots=True)
class InstancePage:
    instances: list[tuple[Instance, str]]  # with its status now
    next_token: str | None


def create_instance(services: Services, caller: Caller, command: CreateInstance) -> Created:
    return run_once(
        services,
        caller,
        "CreateInstance",
        command.client_token,
        parameters_of(command),
        Created,
        lambda tx: _create(tx, caller, command),
    )


def _create(tx: Tx, caller: Caller, command: CreateInstance) -> Created:
    if command.alias and tx.uow.instances.alias_taken(command.alias):
        raise InvalidRequest(f"The instance alias {command.alias!r} is already in use")
    instance = domain.new_instance(
        caller.account_id,
        caller.region,
        command.identity_management_type,
        command.alias,
        command.directory_id,
        command.inbound_calls_enabled,
        command.outbound_calls_enabled,
        tx.now,
        tx.config.settle_seconds,
    )
    tx.uow.instances.add(instance)
    if command.tags:
        tx.uow.tags.put(instance.arn, command.tags)
    return Created(instance.id, instance.arn)


@dataclass(frozen=True, slots=True)
class InstanceDescription:
    instance: Instance
    status: str  # now
    tags: dict[str, str]
    replication: Replication | None  # set once the instance is replicated, in both regions


def describe_instance(services: Services, caller: Caller, instance_id: str) -> InstanceDescription:
    """The instance, its status now, its tags and, if it is replicated, the replication."""
    tags: dict[str, str] = {}
    replica: Replica | None = None

    def described(account_id: str, region: str, instance_id: str) -> Instance | None:
        nonlocal replica  # the instance, its tags and its replica in one read
        found = tx.uow.instances.described(account_id, region, instance_id)
        if found is None:
            return None
        instance, found_tags, replica = found
        tags.update(found_tags)
        return instance

    with transaction(services, write=False) as tx:
        instance = find_instance(tx, caller, instance_id, described)
        replication = (
            replication_of(instance.source_region or instance.region, replica, tx.now)
            if replica is not None
            else None
        )
        return InstanceDescription(instance, instance.status(tx.now), tags, replication)


def list_instances(
    services: Services, caller: Caller, max_results: int | None, next_token: str | None
) -> InstancePage:
    limit = max_results or 10
    after = decode_time_and_id("instances", next_token) if next_token is not None else None
    with transaction(services, write=False) as tx:
        found = tx.uow.instances.page(caller.account_id, caller.region, after, limit + 1)
        shown, token = page_of(found, limit, "instances", lambda i: [i.created_at, i.id])
        return InstancePage([(i, i.status(tx.now)) for i in shown], token)


@dataclass(frozen=True, slots=True)
class Deleted:
    id: str


def delete_instance(
    services: Services, caller: Caller, instance_id: str, client_token: str | None
) -> None:
    run_once(
        services,
        caller,
        "DeleteInstance",
        client_token,
        {"instance_id": instance_id},
        Deleted,
        lambda tx: _delete(tx, caller, instance_id),
    )


def _delete(tx: Tx, caller: Caller, instance_id: str) -> Deleted:
    """Delete an instance or, called in its replica region, its replica.

    The instance's numbers there are released, and its flows, their tags, its
    flow associations and its analytics data set associations there go with
    it; deleting the instance itself also drops its attributes. A replica takes the instance's
    default TDG along.
    """
    instance = find_instance(tx, caller, instance_id)
    if instance.is_replica:
        _check_replica_deletable(tx, instance)
    else:
        replica = tx.uow.replicas.of(instance.id)
        if replica is not None:
            raise InvalidRequest(
                f"Instance {instance.id} is replicated to {replica.region}: delete the "
                "replica there first"
            )
    for number in tx.uow.numbers.on_target(instance.arn):
        release_number(tx, caller, number, force=True)
    tx.uow.flow_associations.remove_for_instance(caller.region, instance.id)
    tx.uow.data_set_associations.remove_for_instance(caller.region, instance.id)
    for flow_arn in tx.uow.contact_flows.remove_for_instance(caller.region, instance.id):
        tx.uow.tags.clear(flow_arn)
    if instance.is_replica:
        for group in tx.uow.tdgs.for_instance(instance.id):
            tx.uow.tdgs.remove(group.id)
            tx.uow.tags.clear(group.arn)
        tx.uow.replicas.remove(instance.id)
    else:
        tx.uow.instances.remove(instance.id)
        tx.uow.instance_attributes.clear(instance.id)
    tx.uow.tags.clear(instance.arn)
    return Deleted(instance.id)


def _check_replica_deletable(tx: Tx, replica: Instance) -> None:
    """InvalidRequest while the instance has TDGs other than its default, or that holds numbers."""
    groups = [g for g in tx.uow.tdgs.for_instance(replica.id) if g.exists(tx.now)]
    others = [g.id for g in groups if not g.is_default]
    if others:
        raise InvalidRequest(
            f"Delete the traffic distribution groups of instance {replica.id} first: "
            + ", ".join(others)
        )
    for group in groups:
        if tx.uow.numbers.count_on_target(group.arn):
            raise InvalidRequest(
                f"The default traffic distribution group {group.id} still holds phone "
                "numbers: release them or move them to an instance first"
            )
