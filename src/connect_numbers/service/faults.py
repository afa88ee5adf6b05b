"""Use cases of fault rules: add, list, remove, clear, and strike a request."""

from __future__ import annotations

import uuid
from typing import Any

from ..domain.arns import parse_arn
from ..domain.config import Throttling
from ..domain.errors import NotFound
from ..domain.faults import Catalog, FaultRule, chosen, parse_rule
from .context import Caller, Services, transaction

__all__ = [
    "add_fault",
    "clear_faults",
    "list_faults",
    "phone_number_named",
    "remove_fault",
    "shared_settings",
    "strike",
]


def add_fault(
    services: Services, document: Any, catalog: Catalog, regions: frozenset[str]
) -> FaultRule:
    """Store the rule in ``document`` (validated first: a bad one stores nothing)."""
    spec = parse_rule(document, catalog, regions)
    rule = FaultRule(str(uuid.uuid4()), spec, 0, spec.count)
    with transaction(services, write=True) as tx:
        tx.uow.faults.add(rule, tx.now)
        tx.uow.commit()
    return rule


def list_faults(services: Services) -> list[FaultRule]:
    with services.uow(write=False) as uow:
        return uow.faults.all()


def remove_fault(services: Services, rule_id: str) -> None:
    with services.uow(write=True) as uow:
        if not uow.faults.remove(rule_id):
            raise NotFound(f"No fault rule {rule_id}")
        uow.commit()


def clear_faults(services: Services) -> int:
    with services.uow(write=True) as uow:
        removed = uow.faults.clear()
        uow.commit()
    return removed


def strike(services: Services, rule: FaultRule) -> bool:
    """Whether ``rule`` hits the request it matched: its probability says yes and it
    has a hit left, which is then taken (decided by the database, so that counts
    stay exact across processes and nodes)."""
    spec = rule.spec
    with services.uow(write=True) as uow:
        position = (
            uow.faults.see(rule.id)
            if spec.probability is not None and spec.seed is not None
            else None
        )
        hit = chosen(spec.probability, spec.seed, position) and uow.faults.hit(rule.id)
        uow.commit()
    return hit


def phone_number_named(services: Services, caller: Caller, params: dict[str, Any]) -> str | None:
    """The E.164 number a request is about: the one it claims, or the caller's number
    its PhoneNumberId names, or the source number it imports; None if none."""
    if isinstance(params.get("PhoneNumber"), str):
        return str(params["PhoneNumber"])
    with services.uow(write=False) as uow:
        number_id = params.get("PhoneNumberId")
        if isinstance(number_id, str):
            parsed = parse_arn(number_id) if number_id.startswith("arn:") else None
            number = uow.numbers.get(parsed.resource_id if parsed else number_id)
            return number.e164 if number and number.account_id == caller.account_id else None
        source_arn = params.get("SourcePhoneNumberArn")
        if isinstance(source_arn, str):
            source = uow.source_numbers.by_arn(source_arn)
            return source.e164 if source else None
    return None


def shared_settings(services: Services) -> tuple[int, Throttling, list[FaultRule]]:
    """What every process keeps between changes: the state version they are of, the
    throttling settings and the rules."""
    with services.uow(write=False) as uow:
        config = uow.settings.load()[1]
        return uow.version, config.throttling, uow.faults.all()
