"""The registry of source numbers that ImportPhoneNumber takes (the admin API's calls)."""

from __future__ import annotations

from ..domain.errors import InvalidParameter, InvalidRequest, NotFound
from ..domain.source_numbers import SourceNumber, new_source_number
from .context import Services, transaction

__all__ = ["list_source_numbers", "register_source_number", "remove_source_number"]


def register_source_number(
    services: Services, account_id: object, region: str, e164: object
) -> SourceNumber:
    """Register ``e164`` as a number ``account_id`` holds in ``region`` outside Connect."""
    if not isinstance(account_id, str) or not isinstance(e164, str):
        raise InvalidParameter("account_id and phone_number must be strings")
    with transaction(services, write=True) as tx:
        source = new_source_number(account_id, region, e164, tx.now)
        if tx.uow.source_numbers.by_e164(e164) is not None:
            raise InvalidRequest(f"{e164} is already a registered source number")
        tx.uow.source_numbers.add(source)
        tx.uow.commit()
        return source


def list_source_numbers(services: Services) -> list[tuple[SourceNumber, str | None]]:
    """Every registered source number, with the id of the phone number imported from it."""
    with transaction(services, write=False) as tx:
        found = []
        for source in tx.uow.source_numbers.all():
            held = tx.uow.numbers.by_e164(source.e164)
            imported = held is not None and held.source_arn == source.arn
            found.append((source, held.id if held is not None and imported else None))
        return found


def remove_source_number(services: Services, source_id: str) -> None:
    """Unregister a source number; refused while a number imported from it is held."""
    with transaction(services, write=True) as tx:
        source = tx.uow.source_numbers.get(source_id)
        if source is None:
            raise NotFound(f"No source number {source_id}")
        # imports take this lock before they read the source: one of the two waits
        tx.uow.quotas.lock(source.account_id, source.region)
        held = tx.uow.numbers.by_e164(source.e164)
        if held is not None and held.source_arn == source.arn and not held.expired(tx.now):
            raise InvalidRequest(
                f"{source.e164} is imported as phone number {held.id}; release it first"
            )
        tx.uow.source_numbers.remove(source_id)
        tx.uow.commit()
