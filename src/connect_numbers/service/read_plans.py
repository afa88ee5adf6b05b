"""What a claim and a release will read, said before they read it.

A write use case hands this list to ``run_once``, which announces it to the unit of
work (``read_ahead``): on PostgreSQL the reads go to the database together, in this
order, in one round trip, and each read the use case then makes is answered from it.
The order is the order in which the use case reads, so the locks are taken in the
order every transaction takes them (store/unit_of_work.py). A read planned with
arguments the use case does not use in the end (a name that turns out not to be the
caller's) simply costs a round trip of its own later: the plan is an optimisation,
never a decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.arns import instance_arn, parse_arn, phone_number_arn
from .context import Caller, Read, Tx

if TYPE_CHECKING:
    from .phone_numbers import ClaimPhoneNumber

__all__ = ["claim_reads", "release_reads"]


def claim_reads(tx: Tx, caller: Caller, command: ClaimPhoneNumber) -> list[Read]:
    """The reads a claim makes, in its order: the quota row, the churn window, the target
    instance, the inventory, the number, its cooldown, what the target holds."""
    scope = (caller.account_id, caller.region)
    since = tx.now - tx.config.churn_window_seconds
    reads: list[Read] = [("quotas", "lock", scope), ("releases", "times_since", (*scope, since))]
    instance_id = _named_instance(command.target_arn, command.instance_id)
    if instance_id is not None:
        reads.append(("instances", "get", (*scope, instance_id)))
    e164 = command.phone_number
    reads.append(("inventory", "contains", (e164,)))
    key = tx.inventory.locate(e164)
    if key is not None:
        reads.append(("inventory", "loaded", (key.country, key.number_type.value)))
    reads += [("numbers", "by_e164", (e164,)), ("releases", "cooling_among", ([e164], tx.now))]
    if instance_id is not None:
        target = instance_arn(caller.region, caller.account_id, instance_id)
        reads.append(("numbers", "count_on_target", (target,)))
    return reads


def _named_instance(target_arn: str | None, instance_id: str | None) -> str | None:
    """The id of the instance a claim names (by TargetArn or InstanceId), if it names one."""
    if target_arn is not None and instance_id is None:
        parsed = parse_arn(target_arn)
        return parsed.resource_id if parsed is not None and parsed.kind == "instance" else None
    if instance_id is not None and target_arn is None:
        return instance_id.rsplit("/", 1)[-1] if instance_id.startswith("arn:") else instance_id
    return None


def release_reads(caller: Caller, id_or_arn: str) -> list[Read]:
    """The reads a release makes, in its order: the quota row, the number, its tags."""
    reads: list[Read] = [("quotas", "lock", (caller.account_id, caller.region))]
    if not id_or_arn.startswith("arn:"):
        arn = phone_number_arn(caller.region, caller.account_id, id_or_arn)
        return [*reads, ("numbers", "get", (id_or_arn,)), ("tags", "get", (arn,))]
    parsed = parse_arn(id_or_arn)
    if parsed is None or parsed.kind != "phone-number":
        return reads
    return [*reads, ("numbers", "get", (parsed.resource_id,)), ("tags", "get", (id_or_arn,))]
