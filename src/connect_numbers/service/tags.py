"""Use cases for tags on any taggable resource, addressed by ARN."""

from __future__ import annotations

from collections.abc import Callable

from ..domain.arns import parse_arn
from ..domain.errors import NotFound
from ..domain.tags import merged
from ..domain.traffic import PENDING_DELETION, TrafficDistributionGroup
from .contact_flows import find_contact_flow_by_arn
from .context import Caller, Services, Tx, transaction
from .phone_numbers import find_number
from .targets import TDG_KIND, find_instance, find_tdg

__all__ = ["list_tags", "tag_resource", "untag_resource"]

# the resource type in the ARN (the part before the last id: ``instance/<id>``,
# ``instance/<id>/contact-flow/<id>``) -> a lookup by the exact ARN, NotFound otherwise
_Finder = Callable[[Tx, Caller, str], object]
_FINDERS: dict[str, _Finder] = {
    "instance": find_instance,
    "phone-number": find_number,
    "contact-flow": find_contact_flow_by_arn,
    TDG_KIND: lambda tx, caller, arn: _undeleted(tx, find_tdg(tx, caller, arn)),
}


def _undeleted(tx: Tx, tdg: TrafficDistributionGroup) -> TrafficDistributionGroup:
    """A group being deleted has no tags to change or list any more."""
    if tdg.status(tx.now) == PENDING_DELETION:
        raise NotFound(f"Resource not found: {tdg.arn}")
    return tdg


def tag_resource(services: Services, caller: Caller, arn: str, tags: dict[str, str]) -> None:
    with transaction(services, write=True) as tx:
        _check_resource(tx, caller, arn)
        tx.uow.tags.put(arn, merged(tx.uow.tags.get(arn), tags))
        tx.uow.commit()


def untag_resource(services: Services, caller: Caller, arn: str, keys: list[str]) -> None:
    with transaction(services, write=True) as tx:
        _check_resource(tx, caller, arn)
        tx.uow.tags.remove(arn, keys)
        tx.uow.commit()


def list_tags(services: Services, caller: Caller, arn: str) -> dict[str, str]:
    with transaction(services, write=False) as tx:
        _check_resource(tx, caller, arn)
        return tx.uow.tags.get(arn)


def _check_resource(tx: Tx, caller: Caller, arn: str) -> None:
    parsed = parse_arn(arn)
    missing = NotFound(f"Resource not found: {arn}")
    if parsed is None or parsed.account != caller.account_id or parsed.region != caller.region:
        raise missing
    parts = parsed.resource.split("/")
    finder = _FINDERS.get(parts[-2]) if len(parts) >= 2 else None
    if finder is None:
        raise missing
    finder(tx, caller, arn)
