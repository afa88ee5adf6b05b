"""Repositories for contact flows, flow associations and source numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ..domain.contact_flows import ContactFlow, FlowAssociation
from ..domain.source_numbers import SourceNumber
from ._fast import FastStatement
from .tables import contact_flows, flow_associations, source_numbers

__all__ = [
    "SqlContactFlowRepository",
    "SqlFlowAssociationRepository",
    "SqlSourceNumberRepository",
]


def _columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns]


_FLOW = _columns(contact_flows)
_ASSOCIATION = _columns(flow_associations)
_SOURCE = _columns(source_numbers)


def _row(item: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


def _flow(row: Any) -> ContactFlow:
    return ContactFlow(**{name: row._mapping[name] for name in _FLOW})


class SqlContactFlowRepository:
    """With ``lock`` (write transactions), a flow is read ``FOR UPDATE`` on PostgreSQL.

    An association, an edit and a deletion of one flow then run one after the other:
    none writes from a flow another has changed or deleted meanwhile.
    """

    def __init__(self, connection: sa.Connection, *, lock: bool = False) -> None:
        self._db = connection
        self._lock = lock and connection.dialect.name == "postgresql"

    def add(self, flow: ContactFlow) -> None:
        self._db.execute(sa.insert(contact_flows).values(_row(flow, _FLOW)))

    def get(
        self, account_id: str, region: str, instance_id: str, flow_id: str
    ) -> ContactFlow | None:
        query = sa.select(contact_flows).where(
            contact_flows.c.id == flow_id,
            contact_flows.c.account_id == account_id,
            contact_flows.c.region == region,
            contact_flows.c.instance_id == instance_id,
        )
        if self._lock:
            query = query.with_for_update()
        row = self._db.execute(query).first()
        return _flow(row) if row is not None else None

    def name_taken(self, region: str, instance_id: str, name: str) -> bool:
        query = sa.select(contact_flows.c.id).where(
            contact_flows.c.instance_id == instance_id,
            contact_flows.c.region == region,
            contact_flows.c.name == name,
        )
        return self._db.execute(query).first() is not None

    def page(
        self,
        region: str,
        instance_id: str,
        types: Sequence[str],
        after: str | None,
        limit: int,
    ) -> list[ContactFlow]:
        """The instance's flows in name order, after the name ``after``."""
        query = sa.select(contact_flows).where(
            contact_flows.c.instance_id == instance_id, contact_flows.c.region == region
        )
        if types:
            query = query.where(contact_flows.c.type.in_(list(types)))
        if after is not None:
            query = query.where(contact_flows.c.name > after)
        query = query.order_by(contact_flows.c.name).limit(limit)
        return [_flow(row) for row in self._db.execute(query)]

    def save(self, flow: ContactFlow) -> None:
        values = _row(flow, _FLOW)
        self._db.execute(
            sa.update(contact_flows).where(contact_flows.c.id == flow.id).values(values)
        )

    def remove(self, flow_id: str) -> None:
        self._db.execute(sa.delete(contact_flows).where(contact_flows.c.id == flow_id))

    def remove_for_instance(self, region: str, instance_id: str) -> list[str]:
        """Delete the instance's flows; returns their ARNs."""
        where = sa.and_(
            contact_flows.c.instance_id == instance_id, contact_flows.c.region == region
        )
        arns = list(self._db.execute(sa.select(contact_flows.c.arn).where(where)).scalars())
        self._db.execute(sa.delete(contact_flows).where(where))
        return arns


def _association(row: Any) -> FlowAssociation:
    return FlowAssociation(**{name: row._mapping[name] for name in _ASSOCIATION})


class SqlFlowAssociationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def put(self, association: FlowAssociation) -> None:
        """Associate, replacing the number's association in that region if it has one."""
        self.remove(association.phone_number_id, association.region)
        self._db.execute(sa.insert(flow_associations).values(_row(association, _ASSOCIATION)))

    def get(self, phone_number_id: str, region: str) -> FlowAssociation | None:
        query = sa.select(flow_associations).where(
            flow_associations.c.phone_number_id == phone_number_id,
            flow_associations.c.region == region,
        )
        row = self._db.execute(query).first()
        return _association(row) if row is not None else None

    def remove(self, phone_number_id: str, region: str) -> bool:
        done = self._db.execute(
            sa.delete(flow_associations).where(
                flow_associations.c.phone_number_id == phone_number_id,
                flow_associations.c.region == region,
            )
        )
        return bool(done.rowcount)

    def remove_for_number(self, phone_number_id: str) -> int:
        """Delete the number's associations in every region; returns how many there were."""
        return _REMOVE_FOR_NUMBER.run(self._db, phone_number_id=phone_number_id)

    def discard_for_number(self, phone_number_id: str) -> None:
        """Delete the number's associations in every region, not counting them (on
        PostgreSQL sent with the transaction's next round trip)."""
        _REMOVE_FOR_NUMBER.defer(self._db, phone_number_id=phone_number_id)

    def remove_for_flow(self, flow_id: str) -> int:
        """Delete every association with the flow; returns how many there were."""
        done = self._db.execute(
            sa.delete(flow_associations).where(flow_associations.c.contact_flow_id == flow_id)
        )
        return int(done.rowcount)

    def remove_for_instance(self, region: str, instance_id: str) -> None:
        self._db.execute(
            sa.delete(flow_associations).where(
                flow_associations.c.instance_id == instance_id,
                flow_associations.c.region == region,
            )
        )

    def page(
        self, region: str, instance_id: str, after: str | None, limit: int
    ) -> list[FlowAssociation]:
        """The instance's associations in phone-number ARN order, after ``after``."""
        query = sa.select(flow_associations).where(
            flow_associations.c.instance_id == instance_id,
            flow_associations.c.region == region,
        )
        if after is not None:
            query = query.where(flow_associations.c.phone_number_arn > after)
        query = query.order_by(flow_associations.c.phone_number_arn).limit(limit)
        return [_association(row) for row in self._db.execute(query)]


def _source(row: Any) -> SourceNumber:
    return SourceNumber(**{name: row._mapping[name] for name in _SOURCE})


class SqlSourceNumberRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, source: SourceNumber) -> None:
        self._db.execute(sa.insert(source_numbers).values(_row(source, _SOURCE)))

    def get(self, source_id: str) -> SourceNumber | None:
        query = sa.select(source_numbers).where(source_numbers.c.id == source_id)
        row = self._db.execute(query).first()
        return _source(row) if row is not None else None

    def by_arn(self, arn: str) -> SourceNumber | None:
        query = sa.select(source_numbers).where(source_numbers.c.arn == arn)
        row = self._db.execute(query).first()
        return _source(row) if row is not None else None

    def by_e164(self, e164: str) -> SourceNumber | None:
        query = sa.select(source_numbers).where(source_numbers.c.e164 == e164)
        row = self._db.execute(query).first()
        return _source(row) if row is not None else None

    def all(self) -> list[SourceNumber]:
        query = sa.select(source_numbers).order_by(
            source_numbers.c.account_id, source_numbers.c.region, source_numbers.c.e164
        )
        return [_source(row) for row in self._db.execute(query)]

    def remove(self, source_id: str) -> None:
        self._db.execute(sa.delete(source_numbers).where(source_numbers.c.id == source_id))


# run by every release and move: compiled once, like the other statements of those paths
_REMOVE_FOR_NUMBER = FastStatement(
    sa.delete(flow_associations).where(
        flow_associations.c.phone_number_id == sa.bindparam("phone_number_id")
    )
)
