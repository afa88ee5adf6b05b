"""Where numbers are claimed to: an instance or a traffic distribution group (TDG)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..domain.arns import parse_arn
from ..domain.errors import InvalidParameter, NotFound
from ..domain.instances import Instance
from ..domain.traffic import TrafficDistributionGroup
from .context import Caller, Tx

__all__ = ["Target", "find_instance", "find_tdg", "resolve_target"]

TDG_KIND = "traffic-distribution-group"


@dataclass(frozen=True, slots=True)
class Target:
    arn: str
    instance_id: str | None
    region: str  # where numbers claimed to it live


def resolve_target(
    tx: Tx,
    caller: Caller,
    target_arn: str | None,
    instance_id: str | None,
    *,
    home_only: bool = True,
) -> Target:
    """The caller's ACTIVE target named by TargetArn or InstanceId (exactly one of them).

    A TDG is found from both of its regions; with ``home_only`` (claims and
    moves) a TDG of another home region is InvalidParameter.
    """
    if target_arn is None and instance_id is None:
        raise InvalidParameter("Either TargetArn or InstanceId is required")
    if target_arn is not None and instance_id is not None:
        raise InvalidParameter("Provide either TargetArn or InstanceId, not both")
    if instance_id is not None:
        return _instance_target(tx, caller, instance_id)
    assert target_arn is not None
    parsed = parse_arn(target_arn)
    if parsed is None:
        raise InvalidParameter(f"TargetArn is not an Amazon Connect ARN: {target_arn}")
    if parsed.kind == "instance":
        return _instance_target(tx, caller, target_arn)
    if parsed.kind == TDG_KIND:
        return _tdg_target(tx, caller, target_arn, home_only)
    raise NotFound(f"Target not found: {target_arn}")


def _instance_target(tx: Tx, caller: Caller, instance_id_or_arn: str) -> Target:
    instance = find_instance(tx, caller, instance_id_or_arn)
    if not instance.is_active(tx.now):
        raise NotFound(f"Instance {instance.id} is not active yet")
    return Target(instance.arn, instance.id, instance.region)


def _tdg_target(tx: Tx, caller: Caller, arn: str, home_only: bool) -> Target:
    tdg = find_tdg(tx, caller, arn)
    if not tdg.is_active(tx.now):
        raise NotFound(f"Traffic distribution group {tdg.id} is not ACTIVE")
    if home_only and tdg.region != caller.region:
        raise InvalidParameter(
            f"The endpoint you are calling is not in the same Region where the traffic "
            f"distribution group was created ({tdg.region}); call it in {tdg.region}"
        )
    return Target(tdg.arn, tdg.instance_id, tdg.region)


def find_instance(
    tx: Tx,
    caller: Caller,
    instance_id_or_arn: str,
    lookup: Callable[[str, str, str], Instance | None] | None = None,
) -> Instance:
    """The caller's instance in the caller's region, by id or ARN; NotFound otherwise.

    ``lookup`` reads an instance by account, region and id (default:
    ``tx.uow.instances.get``).
    """
    instance_id = instance_id_or_arn
    if instance_id_or_arn.startswith("arn:"):
        instance_id = instance_id_or_arn.rsplit("/", 1)[-1]
        if not instance_id_or_arn.endswith(f":instance/{instance_id}"):
            raise NotFound(f"Instance not found: {instance_id_or_arn}")
    instance = (lookup or tx.uow.instances.get)(caller.account_id, caller.region, instance_id)
    if instance is None or (
        instance_id_or_arn.startswith("arn:") and instance.arn != instance_id_or_arn
    ):
        raise NotFound(f"Instance not found: {instance_id_or_arn}")
    return instance


def find_tdg(tx: Tx, caller: Caller, id_or_arn: str) -> TrafficDistributionGroup:
    """The caller's TDG, not yet deleted, seen from the caller's region; NotFound otherwise.

    In its home region a TDG is named by id or ARN; in its other region only
    by ARN.
    """
    missing = NotFound(f"Traffic distribution group not found: {id_or_arn}")
    by_arn = id_or_arn.startswith("arn:")
    tdg_id = id_or_arn
    if by_arn:
        parsed = parse_arn(id_or_arn)
        if parsed is None or parsed.kind != TDG_KIND:
            raise missing
        tdg_id = parsed.resource_id
    tdg = tx.uow.tdgs.get(tdg_id)
    if tdg is None or tdg.account_id != caller.account_id or not tdg.exists(tx.now):
        raise missing
    if by_arn and tdg.arn != id_or_arn:
        raise missing
    if caller.region != tdg.region and not (by_arn and caller.region == tdg.other_region):
        raise missing
    return tdg
