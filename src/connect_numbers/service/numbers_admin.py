"""Admin use cases for numbers: history, restore (the "contact Support" path), quotas."""

from __future__ import annotations

from ..domain import events
from ..domain.errors import InvalidParameter, InvalidRequest
from ..domain.events import Event, history
from ..domain.phone_numbers import CLAIM, PhoneNumber
from .context import Caller, Services, transaction
from .phone_numbers import record

__all__ = ["number_history", "read_quota", "restore_number", "set_quota"]

ADMIN = "connect-numbers-admin"
MAX_QUOTA = 2**31 - 1  # what the column holds on every database


def number_history(services: Services, e164: str) -> list[Event]:
    with transaction(services, write=False) as tx:
        return history(tx.uow.events.for_number(e164), tx.now)


def restore_number(
    services: Services, e164: str, request_id: str
) -> tuple[PhoneNumber, dict[str, str]]:
    """Give a cooling number back to its last owner, CLAIMED at once on its old target."""
    with transaction(services, write=True) as tx:
        release = tx.uow.releases.latest(e164)
        if release is None or not release.cooling(tx.now):
            raise InvalidRequest(f"Phone number {e164} is not in a cooldown")
        if tx.uow.numbers.by_e164(e164) is not None:
            raise InvalidRequest(f"Phone number {e164} is held again")
        snapshot = dict(release.snapshot)
        tags = snapshot.pop("tags", {}) or {}
        target = snapshot["target_arn"]
        if (
            target.split(":")[-1].startswith("instance/")
            and tx.uow.instances.get(
                release.account_id, release.region, snapshot["instance_id"] or ""
            )
            is None
        ):
            raise InvalidRequest(f"The number's last target {target} no longer exists")
        number = PhoneNumber(
            **{
                **snapshot,
                "operation": CLAIM,
                "started_at": tx.now,
                "settles_at": tx.now,
                "failure": None,
            }
        )
        tx.uow.numbers.add(number)
        tx.uow.tags.put(number.arn, tags)
        tx.uow.releases.mark_restored(release, tx.now)
        caller = Caller(release.account_id, ADMIN, release.region, request_id)
        record(tx, caller, events.RESTORE, number, {"target_arn": target})
        tx.uow.commit()
        return number, tags


def read_quota(services: Services, account_id: str, region: str) -> int:
    with transaction(services, write=False) as tx:
        return tx.uow.quotas.phone_numbers_per_instance(account_id, region)


def set_quota(services: Services, account_id: str, region: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUOTA:
        raise InvalidParameter(
            f"phone_numbers_per_instance must be a whole number from 0 to {MAX_QUOTA}"
        )
    with transaction(services, write=True) as tx:
        tx.uow.quotas.set_phone_numbers_per_instance(account_id, region, value)
        tx.uow.commit()
    return value
