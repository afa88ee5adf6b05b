"""Use cases of global resiliency: ReplicateInstance and traffic distribution groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.errors import Conflict, InvalidRequest, NotReady, ResourceInUse
from ..domain.pagination import decode_time_and_id, page_of
from ..domain.traffic import (
    ACTIVE,
    DEFAULT_TDG_NAME,
    PENDING_DELETION,
    REPLICA_REGIONS,
    TrafficDistributionGroup,
    check_replica_region,
    new_replica,
    new_tdg,
)
from .context import Caller, Services, Tx, parameters_of, run_once, transaction
from .instances import Created
from .targets import find_instance, find_tdg

__all__ = [
    "CreateTdg",
    "TdgPage",
    "create_tdg",
    "delete_tdg",
    "describe_tdg",
    "get_traffic_distribution",
    "list_tdgs",
    "replicate_instance",
    "update_traffic_distribution",
]


@dataclass(frozen=True, slots=True)
class ReplicateInstance:
    instance_id: str
    replica_region: str
    replica_alias: str | None = None
    client_token: str | None = None


def replicate_instance(services: Services, caller: Caller, command: ReplicateInstance) -> Created:
    return run_once(
        services,
        caller,
        "ReplicateInstance",
        command.client_token,
        parameters_of(command),
        Created,
        lambda tx: _replicate(tx, caller, command),
    )


def _replicate(tx: Tx, caller: Caller, command: ReplicateInstance) -> Created:
    instance = find_instance(tx, caller, command.instance_id)
    if instance.is_replica:
        raise InvalidRequest(
            f"Instance {instance.id} is a replica; replicate it from its source Region "
            f"{instance.source_region}"
        )
    check_replica_region(instance.region, command.replica_region)
    if not instance.is_active(tx.now):
        raise NotReady(f"Instance {instance.id} is not ACTIVE yet")
    existing = tx.uow.replicas.of(instance.id)
    if existing is not None:
        raise Conflict(f"Instance {instance.id} is already replicated to {existing.region}")
    alias = command.replica_alias
    if alias is None and instance.alias is not None:
        raise InvalidRequest(
            f"ReplicaAlias is required: instance {instance.id} has an alias, and the "
            "replica needs one of its own"
        )
    if alias is not None and tx.uow.instances.alias_taken(alias):
        raise Conflict(f"The instance alias {alias!r} is already in use")
    settle = tx.config.settle_seconds
    replica = new_replica(
        instance.id, caller.account_id, command.replica_region, alias, tx.now, settle
    )
    tx.uow.replicas.add(replica)
    default = new_tdg(
        caller.account_id,
        instance.region,
        instance.id,
        DEFAULT_TDG_NAME,
        None,
        True,
        tx.now,
        settle,
    )
    tx.uow.tdgs.add(default)
    return Created(replica.instance_id, replica.arn)


@dataclass(frozen=True, slots=True)
class CreateTdg:
    name: str
    instance_id: str
    description: str | None = None
    tags: dict[str, str] | None = None
    client_token: str | None = None


def create_tdg(services: Services, caller: Caller, command: CreateTdg) -> Created:
    return run_once(
        services,
        caller,
        "CreateTrafficDistributionGroup",
        command.client_token,
        parameters_of(command),
        Created,
        lambda tx: _create_tdg(tx, caller, command),
    )


def _create_tdg(tx: Tx, caller: Caller, command: CreateTdg) -> Created:
    instance = find_instance(tx, caller, command.instance_id)
    if instance.is_replica:
        raise InvalidRequest(
            "CreateTrafficDistributionGroup must be called in the source Region of the "
            f"instance ({instance.source_region}), not in its replica Region {caller.region}"
        )
    replica = tx.uow.replicas.of(instance.id)
    if replica is None:
        raise InvalidRequest(
            f"Instance {instance.id} is not replicated: call ReplicateInstance first"
        )
    if not instance.is_active(tx.now) or not replica.is_active(tx.now):
        raise NotReady(f"Instance {instance.id} or its replica is not ACTIVE yet")
    tx.uow.tdgs.purge_deleted(instance.id, tx.now)
    if any(tdg.name == command.name for tdg in tx.uow.tdgs.for_instance(instance.id)):
        raise Conflict(
            f"A traffic distribution group named {command.name!r} already exists on "
            f"instance {instance.id}"
        )
    tdg = new_tdg(
        caller.account_id,
        caller.region,
        instance.id,
        command.name,
        command.description,
        False,
        tx.now,
        tx.config.settle_seconds,
    )
    tx.uow.tdgs.add(tdg)
    if command.tags:
        tx.uow.tags.put(tdg.arn, command.tags)
    return Created(tdg.id, tdg.arn)


def describe_tdg(
    services: Services, caller: Caller, id_or_arn: str
) -> tuple[TrafficDistributionGroup, str, dict[str, str]]:
    """The group, its status now, and its tags."""
    with transaction(services, write=False) as tx:
        tdg = find_tdg(tx, caller, id_or_arn)
        status = tdg.status(tx.now)
        assert status is not None  # find_tdg finds only groups not yet gone
        return tdg, status, tx.uow.tags.get(tdg.arn)


@dataclass(frozen=True, slots=True)
class TdgPage:
    groups: list[tuple[TrafficDistributionGroup, str]]  # with its status now
    next_token: str | None


def list_tdgs(
    services: Services,
    caller: Caller,
    instance_id: str | None,
    max_results: int | None,
    next_token: str | None,
) -> TdgPage:
    """The groups spanning the caller's region (homed here, or replicated here)."""
    limit = max_results or 10
    after = decode_time_and_id("tdgs", next_token) if next_token is not None else None
    homes = {caller.region} | {
        home for home, pair in REPLICA_REGIONS.items() if pair == caller.region
    }
    with transaction(services, write=False) as tx:
        found_id = find_instance(tx, caller, instance_id).id if instance_id else None
        found = tx.uow.tdgs.page(caller.account_id, homes, found_id, tx.now, after, limit + 1)
        shown, token = page_of(found, limit, "tdgs", lambda tdg: [tdg.created_at, tdg.id])
        return TdgPage([(tdg, tdg.status(tx.now) or "") for tdg in shown], token)


def delete_tdg(services: Services, caller: Caller, id_or_arn: str) -> None:
    with transaction(services, write=True) as tx:
        # claims to the group take this lock before they read the group (and check it is ACTIVE)
        tx.uow.quotas.lock(caller.account_id, caller.region)
        tdg = find_tdg(tx, caller, id_or_arn)
        if tdg.region != caller.region:
            raise InvalidRequest(
                "DeleteTrafficDistributionGroup can be called only in the Region where the "
                f"traffic distribution group was created ({tdg.region})"
            )
        if tdg.is_default:
            raise InvalidRequest(
                f"Traffic distribution group {tdg.id} is the default group of its instance "
                "and cannot be deleted"
            )
        status = tdg.status(tx.now)
        if status == PENDING_DELETION:
            return
        if status != ACTIVE:
            raise InvalidRequest(f"Traffic distribution group {tdg.id} is {status}")
        held = [n for n in tx.uow.numbers.on_target(tdg.arn) if not n.is_failed_claim]
        if held:
            raise ResourceInUse(
                f"Traffic distribution group {tdg.id} still holds {len(held)} phone "
                "number(s): release them or move them to an instance first",
                "PHONE_NUMBER",
                held[0].arn,
            )
        tx.uow.tdgs.save(tdg.deleted(tx.now, tx.config.settle_seconds))
        tx.uow.tags.clear(tdg.arn)
        tx.uow.commit()


def get_traffic_distribution(
    services: Services, caller: Caller, id_or_arn: str
) -> TrafficDistributionGroup:
    with transaction(services, write=False) as tx:
        return find_tdg(tx, caller, id_or_arn)


def update_traffic_distribution(
    services: Services,
    caller: Caller,
    id_or_arn: str,
    telephony: Sequence[tuple[str, int]] | None,
    sign_in: Sequence[tuple[str, bool]] | None,
    agent: Sequence[tuple[str, int]] | None,
) -> None:
    with transaction(services, write=True) as tx:
        tdg = find_tdg(tx, caller, id_or_arn)
        status = tdg.status(tx.now)
        if status != ACTIVE:
            raise Conflict(f"Traffic distribution group {tdg.id} is {status}")
        changed = tdg.redistributed(telephony, sign_in, agent, tx.now, tx.config.settle_seconds)
        tx.uow.tdgs.save(changed)
        tx.uow.commit()
