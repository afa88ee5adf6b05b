"""Where numbers are claimed to: an instance (or, later, a traffic distribution group)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.arns import parse_arn
from ..domain.errors import InvalidParameter, NotFound
from ..domain.instances import Instance
from .context import Caller, Tx

__all__ = ["Target", "find_instance", "resolve_target"]


@dataclass(frozen=True, slots=True)
class Target:
    arn: str
    instance_id: str | None


def resolve_target(
    tx: Tx, caller: Caller, target_arn: str | None, instance_id: str | None
) -> Target:
    """The caller's ACTIVE target named by TargetArn or InstanceId (exactly one of them)."""
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
    raise NotFound(f"Target not found: {target_arn}")


def _instance_target(tx: Tx, caller: Caller, instance_id_or_arn: str) -> Target:
    instance = find_instance(tx, caller, instance_id_or_arn)
    if not instance.is_active(tx.now):
        raise NotFound(f"Instance {instance.id} is not active yet")
    return Target(instance.arn, instance.id)


def find_instance(tx: Tx, caller: Caller, instance_id_or_arn: str) -> Instance:
    """The caller's instance in the caller's region, by id or ARN; NotFound otherwise."""
    instance_id = instance_id_or_arn
    if instance_id_or_arn.startswith("arn:"):
        instance_id = instance_id_or_arn.rsplit("/", 1)[-1]
        if not instance_id_or_arn.endswith(f":instance/{instance_id}"):
            raise NotFound(f"Instance not found: {instance_id_or_arn}")
    instance = tx.uow.instances.get(caller.account_id, caller.region, instance_id)
    if instance is None or (
        instance_id_or_arn.startswith("arn:") and instance.arn != instance_id_or_arn
    ):
        raise NotFound(f"Instance not found: {instance_id_or_arn}")
    return instance
