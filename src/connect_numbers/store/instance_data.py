"""Repositories for what an instance holds besides numbers and flows: attributes, data sets."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..domain.analytics import DataSetAssociation
from .tables import analytics_data_associations as shares
from .tables import instance_attributes

__all__ = ["SqlDataSetAssociationRepository", "SqlInstanceAttributeRepository"]


class SqlInstanceAttributeRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self, instance_id: str) -> dict[str, str]:
        """The attributes set on the instance, by type."""
        query = sa.select(instance_attributes.c.attribute_type, instance_attributes.c.value).where(
            instance_attributes.c.instance_id == instance_id
        )
        return {kind: value for kind, value in self._db.execute(query)}

    def put(self, instance_id: str, attribute_type: str, value: str) -> None:
        where = sa.and_(
            instance_attributes.c.instance_id == instance_id,
            instance_attributes.c.attribute_type == attribute_type,
        )
        done = self._db.execute(sa.update(instance_attributes).where(where).values(value=value))
        if done.rowcount == 0:
            row = {"instance_id": instance_id, "attribute_type": attribute_type, "value": value}
            self._db.execute(sa.insert(instance_attributes).values(row))

    def clear(self, instance_id: str) -> None:
        self._db.execute(
            sa.delete(instance_attributes).where(instance_attributes.c.instance_id == instance_id)
        )


_COLUMNS = [c.name for c in shares.columns]


def _association(row: Any) -> DataSetAssociation:
    return DataSetAssociation(**{name: row._mapping[name] for name in _COLUMNS})


class SqlDataSetAssociationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, association: DataSetAssociation) -> None:
        row = {name: getattr(association, name) for name in _COLUMNS}
        self._db.execute(sa.insert(shares).values(row))

    def get(
        self, region: str, instance_id: str, data_set_id: str, target_account_id: str
    ) -> DataSetAssociation | None:
        row = self._db.execute(
            sa.select(shares).where(
                *_scope(region, instance_id),
                shares.c.data_set_id == data_set_id,
                shares.c.target_account_id == target_account_id,
            )
        ).first()
        return _association(row) if row is not None else None

    def remove(
        self, region: str, instance_id: str, data_set_id: str, target_account_id: str
    ) -> bool:
        """Delete the association; whether there was one."""
        done = self._db.execute(
            sa.delete(shares).where(
                *_scope(region, instance_id),
                shares.c.data_set_id == data_set_id,
                shares.c.target_account_id == target_account_id,
            )
        )
        return bool(done.rowcount)

    def page(
        self,
        region: str,
        instance_id: str,
        data_set_id: str | None,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[DataSetAssociation]:
        """The instance's associations in (data set, account) order, after ``after``."""
        query = sa.select(shares).where(*_scope(region, instance_id))
        if data_set_id is not None:
            query = query.where(shares.c.data_set_id == data_set_id)
        if after is not None:
            position = sa.tuple_(shares.c.data_set_id, shares.c.target_account_id)
            query = query.where(position > sa.tuple_(*after))
        query = query.order_by(shares.c.data_set_id, shares.c.target_account_id).limit(limit)
        return [_association(row) for row in self._db.execute(query)]

    def remove_for_instance(self, region: str, instance_id: str) -> None:
        self._db.execute(sa.delete(shares).where(*_scope(region, instance_id)))


def _scope(region: str, instance_id: str) -> tuple[sa.ColumnElement[bool], ...]:
    return (shares.c.instance_id == instance_id, shares.c.region == region)
