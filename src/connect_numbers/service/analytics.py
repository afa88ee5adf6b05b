"""Use cases of the analytics data sets an instance shares with accounts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..domain.analytics import DataSetAssociation, check_account, new_association
from ..domain.errors import DomainError, InvalidParameter, NotFound
from ..domain.pagination import decode_token, page_of
from .context import Caller, Services, Tx, transaction
from .targets import find_instance

__all__ = [
    "BatchOutcome",
    "DataSetPage",
    "associate",
    "associate_many",
    "disassociate",
    "disassociate_many",
    "list_associations",
]

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class DataSetPage:
    associations: list[DataSetAssociation]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    done: list[DataSetAssociation]
    errors: list[DomainError]  # one per data set that could not be done


def _target(caller: Caller, target_account_id: str | None) -> str:
    return check_account(target_account_id) if target_account_id else caller.account_id


def _associate_one(
    tx: Tx, caller: Caller, instance_id: str, data_set_id: str, target: str
) -> DataSetAssociation:
    shares = tx.uow.data_set_associations
    if shares.get(caller.region, instance_id, data_set_id, target) is not None:
        raise InvalidParameter(
            f"The data set {data_set_id} is already associated with account {target}"
        )
    association = new_association(
        instance_id, caller.region, caller.account_id, data_set_id, target, tx.now
    )
    shares.add(association)
    return association


def _disassociate_one(
    tx: Tx, caller: Caller, instance_id: str, data_set_id: str, target: str
) -> DataSetAssociation:
    shares = tx.uow.data_set_associations
    found = shares.get(caller.region, instance_id, data_set_id, target)
    # a concurrent disassociation may remove it between the read and the delete
    if found is None or not shares.remove(caller.region, instance_id, data_set_id, target):
        raise NotFound(f"The data set {data_set_id} is not associated with account {target}")
    return found


def associate(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_id: str,
    target_account_id: str | None,
) -> DataSetAssociation:
    target = _target(caller, target_account_id)
    with transaction(services, write=True) as tx:
        instance = find_instance(tx, caller, instance_id)
        association = _associate_one(tx, caller, instance.id, data_set_id, target)
        tx.uow.commit()
        return association


def disassociate(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_id: str,
    target_account_id: str | None,
) -> None:
    target = _target(caller, target_account_id)
    with transaction(services, write=True) as tx:
        instance = find_instance(tx, caller, instance_id)
        _disassociate_one(tx, caller, instance.id, data_set_id, target)
        tx.uow.commit()


def associate_many(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_ids: Sequence[str],
    target_account_id: str | None,
) -> BatchOutcome:
    """Associate each data set; one that cannot be is reported in ``errors``, not raised."""
    return _batch(services, caller, instance_id, data_set_ids, target_account_id, _associate_one)


def disassociate_many(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_ids: Sequence[str],
    target_account_id: str | None,
) -> BatchOutcome:
    return _batch(services, caller, instance_id, data_set_ids, target_account_id, _disassociate_one)


_One = Callable[[Tx, Caller, str, str, str], DataSetAssociation]


def _batch(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_ids: Sequence[str],
    target_account_id: str | None,
    one: _One,
) -> BatchOutcome:
    target = _target(caller, target_account_id)
    done: list[DataSetAssociation] = []
    errors: list[DomainError] = []
    with transaction(services, write=True) as tx:
        instance = find_instance(tx, caller, instance_id)
        for data_set_id in data_set_ids:
            try:
                done.append(one(tx, caller, instance.id, data_set_id, target))
            except (InvalidParameter, NotFound) as error:
                errors.append(error)
        tx.uow.commit()
    return BatchOutcome(done, errors)


def list_associations(
    services: Services,
    caller: Caller,
    instance_id: str,
    data_set_id: str | None,
    max_results: int | None,
    next_token: str | None,
) -> DataSetPage:
    limit = max_results or PAGE_SIZE
    after = _position(next_token) if next_token else None
    with transaction(services, write=False) as tx:
        instance = find_instance(tx, caller, instance_id)
        found = tx.uow.data_set_associations.page(
            caller.region, instance.id, data_set_id, after, limit + 1
        )
    return DataSetPage(*page_of(found, limit, "data-sets", _key))


def _key(association: DataSetAssociation) -> list[str]:
    return [association.data_set_id, association.target_account_id]


def _position(token: str) -> tuple[str, str]:
    position = decode_token("data-sets", token)
    if len(position) == 2 and all(isinstance(part, str) for part in position):
        return position[0], position[1]
    raise InvalidParameter("The NextToken is not valid for this request")
