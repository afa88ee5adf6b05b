"""Replicas of instances and traffic distribution groups."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from ..domain.traffic import Distribution, Replica, TrafficDistributionGroup
from ._fast import FastQuery
from .tables import instance_replicas as replicas
from .tables import traffic_distribution_groups as tdgs

__all__ = ["SqlReplicaRepository", "SqlTdgRepository", "replica_in", "replica_of"]


class SqlReplicaRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, replica: Replica) -> None:
        self._db.execute(
            sa.insert(replicas).values(
                instance_id=replica.instance_id,
                region=replica.region,
                account_id=replica.account_id,
                arn=replica.arn,
                alias=replica.alias,
                alias_key=replica.alias.lower() if replica.alias else None,
                created_at=replica.created_at,
                settles_at=replica.settles_at,
            )
        )

    def of(self, instance_id: str) -> Replica | None:
        """The replica of an instance (an instance has at most one)."""
        return replica_of(self._db, instance_id)

    def remove(self, instance_id: str) -> None:
        self._db.execute(sa.delete(replicas).where(replicas.c.instance_id == instance_id))


_REPLICA_OF = FastQuery(
    sa.select(replicas).where(replicas.c.instance_id == sa.bindparam("instance_id")).limit(1)
)


def replica_of(connection: sa.Connection, instance_id: str) -> Replica | None:
    """The replica of an instance (an instance has at most one)."""
    row = _REPLICA_OF.first(connection, instance_id=instance_id)
    return replica_in(row) if row is not None else None


def replica_in(row: dict[str, Any], prefix: str = "") -> Replica | None:
    """The replica whose columns ``row`` holds (each name led by ``prefix``); None when
    they are empty (an outer join that found none)."""
    if row[f"{prefix}instance_id"] is None:
        return None
    return Replica(
        instance_id=row[f"{prefix}instance_id"],
        account_id=row[f"{prefix}account_id"],
        region=row[f"{prefix}region"],
        arn=row[f"{prefix}arn"],
        alias=row[f"{prefix}alias"],
        created_at=row[f"{prefix}created_at"],
        settles_at=row[f"{prefix}settles_at"],
    )


class SqlTdgRepository:
    """With ``lock`` (write transactions), a group is read ``FOR UPDATE`` on PostgreSQL."""

    def __init__(self, connection: sa.Connection, *, lock: bool = False) -> None:
        self._db = connection
        self._lock = lock and connection.dialect.name == "postgresql"

    def add(self, tdg: TrafficDistributionGroup) -> None:
        self._db.execute(sa.insert(tdgs).values(_row(tdg)))

    def save(self, tdg: TrafficDistributionGroup) -> None:
        self._db.execute(sa.update(tdgs).where(tdgs.c.id == tdg.id).values(_row(tdg)))

    def get(self, tdg_id: str) -> TrafficDistributionGroup | None:
        query = sa.select(tdgs).where(tdgs.c.id == tdg_id)
        if self._lock:
            query = query.with_for_update()
        row = self._db.execute(query).first()
        return _tdg(row._mapping) if row is not None else None

    def for_instance(self, instance_id: str) -> list[TrafficDistributionGroup]:
        query = (
            sa.select(tdgs)
            .where(tdgs.c.instance_id == instance_id)
            .order_by(tdgs.c.created_at, tdgs.c.id)
        )
        return [_tdg(row._mapping) for row in self._db.execute(query)]

    def remove(self, tdg_id: str) -> None:
        self._db.execute(sa.delete(tdgs).where(tdgs.c.id == tdg_id))

    def purge_deleted(self, instance_id: str, now: float) -> None:
        """Drop the instance's groups whose deletion has settled."""
        self._db.execute(
            sa.delete(tdgs).where(
                tdgs.c.instance_id == instance_id,
                tdgs.c.delete_settles_at.is_not(None),
                tdgs.c.delete_settles_at <= now,
            )
        )

    def page(
        self,
        account_id: str,
        home_regions: Collection[str],
        instance_id: str | None,
        now: float,
        after: tuple[float, str] | None,
        limit: int,
    ) -> list[TrafficDistributionGroup]:
        """Groups whose home is one of ``home_regions``, not yet gone, in creation order."""
        query = sa.select(tdgs).where(
            tdgs.c.account_id == account_id,
            tdgs.c.region.in_(list(home_regions)),
            sa.or_(tdgs.c.delete_settles_at.is_(None), tdgs.c.delete_settles_at > now),
        )
        if instance_id is not None:
            query = query.where(tdgs.c.instance_id == instance_id)
        if after is not None:
            position = sa.tuple_(tdgs.c.created_at, tdgs.c.id)
            query = query.where(position > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        query = query.order_by(tdgs.c.created_at, tdgs.c.id).limit(limit)
        return [_tdg(row._mapping) for row in self._db.execute(query)]


def _row(tdg: TrafficDistributionGroup) -> dict[str, Any]:
    return {
        "id": tdg.id,
        "account_id": tdg.account_id,
        "region": tdg.region,
        "instance_id": tdg.instance_id,
        "arn": tdg.arn,
        "name": tdg.name,
        "description": tdg.description,
        "is_default": tdg.is_default,
        "created_at": tdg.created_at,
        "settles_at": tdg.settles_at,
        "distribution": tdg.distribution.as_json(),
        "updated_at": tdg.updated_at,
        "update_settles_at": tdg.update_settles_at,
        "deleted_at": tdg.deleted_at,
        "delete_settles_at": tdg.delete_settles_at,
    }


def _tdg(row: Any) -> TrafficDistributionGroup:
    return TrafficDistributionGroup(
        id=row["id"],
        arn=row["arn"],
        account_id=row["account_id"],
        region=row["region"],
        instance_id=row["instance_id"],
        name=row["name"],
        description=row["description"],
        is_default=bool(row["is_default"]),
        created_at=row["created_at"],
        settles_at=row["settles_at"],
        distribution=Distribution.from_json(row["distribution"]),
        updated_at=row["updated_at"],
        update_settles_at=row["update_settles_at"],
        deleted_at=row["deleted_at"],
        delete_settles_at=row["delete_settles_at"],
    )
