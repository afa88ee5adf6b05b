"""Repositories: load and save domain objects with SQLAlchemy Core."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..domain.accounts import Credential
from ..domain.clock import ClockState
from ..domain.config import Config
from ..domain.idempotency import IdempotencyRecord
from ..domain.instances import Instance
from ..domain.traffic import Replica
from ._fast import FastQuery, FastStatement, insert_all
from .faults import bump_version
from .tables import access_keys, accounts, idempotency, instance_replicas, instances, settings
from .tables import tags as table_tags
from .traffic import replica_in, replica_of

if TYPE_CHECKING:
    from .versions import Versions, Watch

__all__ = [
    "SqlAccessKeyRepository",
    "SqlAccountRepository",
    "SqlIdempotencyRepository",
    "SqlInstanceRepository",
    "SqlSettingsRepository",
    "SqlTagRepository",
]


class SqlSettingsRepository:
    """The settings row (clock and configuration).

    Every change to the row bumps the shared state version in the same transaction,
    and every unit of work reads that version first (store/unit_of_work.py), so the row
    is read again only when the version moved. Each process keeps it with the version
    it was read at (``kept``, store/versions.py): on SQLite the transaction has read the
    version right after ``BEGIN``; on PostgreSQL the row comes in the same round trip as
    the version.
    """

    def __init__(
        self, connection: sa.Connection, version: int | None, watch: Watch | None, kept: Versions
    ) -> None:
        self._db = connection
        self._version = version  # SQLite: what the transaction read first
        self._watch = watch  # PostgreSQL: checked by the version read with the row
        self._kept = kept
        self.changed = False  # this transaction wrote the row: read it, do not keep it

    def load(self) -> tuple[ClockState, Config]:
        if self.changed:
            return self._read()
        if self._watch is not None:
            return self._watch.settings(self._db)
        kept, version = self._kept, self._version
        if version is None:  # not read first (a unit of work always reads it)
            return self._read()
        held = kept.settings
        if held is not None and held[0] == version:
            return held[1], held[2]
        clock, config = self._read()
        kept.settings = (version, clock, config)
        return clock, config

    def _read(self) -> tuple[ClockState, Config]:
        row = _SETTINGS.first(self._db)
        if row is None:
            return ClockState(), Config()
        clock = ClockState(row["clock_offset"], row["clock_frozen_at"])
        return clock, config_of(row["config"])

    def save_clock(self, state: ClockState) -> None:
        self._upsert(clock_offset=state.offset_seconds, clock_frozen_at=state.frozen_at)
        bump_version(self._db)

    def save_config(self, config: Config) -> None:
        self._upsert(config=config.to_document())
        bump_version(self._db)

    def maintenance_turn(self) -> bool:
        """Whether this transaction may do the background maintenance now.

        PostgreSQL: one transaction at a time, of any node, holds the turn (an advisory
        lock until it ends); the others are told no and skip their pass. SQLite: yes
        (write transactions take turns on the database lock anyway).
        """
        if self._db.dialect.name != "postgresql":
            return True
        taken = self._db.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _MAINTENANCE_LOCK}
        )
        return bool(taken.scalar())

    def _upsert(self, **values: Any) -> None:
        self.changed = True
        done = self._db.execute(sa.update(settings).where(settings.c.id == 1).values(**values))
        if done.rowcount == 0:
            row: dict[str, Any] = {"id": 1, "clock_offset": 0.0, "clock_frozen_at": None}
            row["config"] = Config().to_document()
            self._db.execute(sa.insert(settings).values({**row, **values}))


_SETTINGS = FastQuery(sa.select(settings).where(settings.c.id == 1))
_MAINTENANCE_LOCK = 0x636E6D61696E  # the advisory lock of the background maintenance ("cnmain")


@lru_cache(maxsize=64)
def _parsed_config(document: str) -> Config:
    return Config.from_document(json.loads(document))


def config_of(document: str | dict[str, Any]) -> Config:
    """The configuration in ``document`` (JSON text or parsed), parsed once per distinct one."""
    if isinstance(document, str):
        return _parsed_config(document)
    return _parsed_config(json.dumps(document, sort_keys=True))


class SqlInstanceRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, instance: Instance) -> None:
        row = _instance_row(instance)
        self._db.execute(sa.insert(instances).values(row))

    def get(self, account_id: str, region: str, instance_id: str) -> Instance | None:
        """The instance created in ``region``, or its replica there."""
        row = _INSTANCE.first(self._db, id=instance_id, account_id=account_id, region=region)
        if row is not None:
            return _instance(row)
        row = _REPLICA.first(self._db, id=instance_id, account_id=account_id, region=region)
        return _replica_instance(row) if row is not None else None

    def ahead_get(
        self, account_id: str, region: str, instance_id: str
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_INSTANCE, {"id": instance_id, "account_id": account_id, "region": region})]

    def described(
        self, account_id: str, region: str, instance_id: str
    ) -> tuple[Instance, dict[str, str], Replica | None] | None:
        """The instance (or its replica), the tags of its ARN and the instance's replica;
        an instance created in ``region``, the common case, with both in one query."""
        rows = _DESCRIBED.rows(self._db, id=instance_id, account_id=account_id, region=region)
        if rows:
            tags = {row["tag_key"]: row["tag_value"] for row in rows if row["tag_key"] is not None}
            return _instance(rows[0]), tags, replica_in(rows[0], _REPLICA_PREFIX)
        replica = self.get(account_id, region, instance_id)
        if replica is None:
            return None
        tags = {row["key"]: row["value"] for row in _TAGS.rows(self._db, arn=replica.arn)}
        return replica, tags, replica_of(self._db, replica.id)

    def alias_taken(self, alias: str) -> bool:
        """Whether an instance or a replica has ``alias``.

        Called by the write transactions that give an alias out. On PostgreSQL
        the alias is locked first (until the transaction ends), so two of them
        giving out the same alias at once, to an instance and to a replica, are
        decided one after the other.
        """
        key = alias.lower()
        if self._db.dialect.name == "postgresql":
            self._db.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"alias\x1f{key}"},
            )
        for alias_key in (instances.c.alias_key, instance_replicas.c.alias_key):
            if self._db.execute(sa.select(alias_key).where(alias_key == key)).first():
                return True
        return False

    def page(
        self, account_id: str, region: str, after: tuple[float, str] | None, limit: int
    ) -> list[Instance]:
        """Instances created in ``region`` and replicas there, in (created_at, id) order."""
        created = sa.select(instances).where(
            instances.c.account_id == account_id, instances.c.region == region
        )
        replicated = _REPLICA_COLUMNS.where(
            instance_replicas.c.account_id == account_id, instance_replicas.c.region == region
        )
        found = [_instance(row) for row in self._db.execute(_after(created, after, limit))]
        found += [
            _replica_instance(row)
            for row in self._db.execute(_after(replicated, after, limit, replica=True))
        ]
        return sorted(found, key=lambda i: (i.created_at, i.id))[:limit]

    def remove(self, instance_id: str) -> None:
        self._db.execute(sa.delete(instances).where(instances.c.id == instance_id))

    def set_calls(self, instance_id: str, *, inbound: bool, outbound: bool) -> None:
        """Set the instance's INBOUND_CALLS and OUTBOUND_CALLS flags."""
        self._db.execute(
            sa.update(instances)
            .where(instances.c.id == instance_id)
            .values(inbound_calls_enabled=inbound, outbound_calls_enabled=outbound)
        )


def _after(
    query: sa.Select[Any], after: tuple[float, str] | None, limit: int, *, replica: bool = False
) -> sa.Select[Any]:
    created_at = instance_replicas.c.created_at if replica else instances.c.created_at
    position = sa.tuple_(created_at, instances.c.id)
    if after is not None:
        query = query.where(position > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
    return query.order_by(created_at, instances.c.id).limit(limit)


def _instance_row(instance: Instance) -> dict[str, Any]:
    return {
        "id": instance.id,
        "account_id": instance.account_id,
        "region": instance.region,
        "arn": instance.arn,
        "identity_management_type": instance.identity_management_type,
        "alias": instance.alias,
        "alias_key": instance.alias.lower() if instance.alias else None,
        "directory_id": instance.directory_id,
        "inbound_calls_enabled": instance.inbound_calls_enabled,
        "outbound_calls_enabled": instance.outbound_calls_enabled,
        "created_at": instance.created_at,
        "settles_at": instance.settles_at,
    }


_INSTANCE = FastQuery(
    sa.select(instances).where(
        instances.c.id == sa.bindparam("id"),
        instances.c.account_id == sa.bindparam("account_id"),
        instances.c.region == sa.bindparam("region"),
    )
)
_REPLICA_PREFIX = "replica_"
_DESCRIBED = FastQuery(  # the instance, one row per tag, with its replica's columns
    sa.select(
        instances,
        table_tags.c.key.label("tag_key"),
        table_tags.c.value.label("tag_value"),
        *[c.label(f"{_REPLICA_PREFIX}{c.name}") for c in instance_replicas.c],
    )
    .select_from(
        instances.outerjoin(table_tags, table_tags.c.resource_arn == instances.c.arn).outerjoin(
            instance_replicas, instance_replicas.c.instance_id == instances.c.id
        )
    )
    .where(
        instances.c.id == sa.bindparam("id"),
        instances.c.account_id == sa.bindparam("account_id"),
        instances.c.region == sa.bindparam("region"),
    )
)


_REPLICA_COLUMNS = sa.select(
    *[
        c
        for c in instances.c
        if c.name not in ("arn", "alias", "region", "created_at", "settles_at")
    ],
    instance_replicas.c.arn,
    instance_replicas.c.alias,
    instance_replicas.c.region,
    instance_replicas.c.created_at,
    instance_replicas.c.settles_at,
    instances.c.region.label("source_region"),
).join_from(instances, instance_replicas, instance_replicas.c.instance_id == instances.c.id)

_REPLICA = FastQuery(
    _REPLICA_COLUMNS.where(
        instance_replicas.c.instance_id == sa.bindparam("id"),
        instance_replicas.c.account_id == sa.bindparam("account_id"),
        instance_replicas.c.region == sa.bindparam("region"),
    )
)


def _replica_instance(row: Any) -> Instance:
    """The replica of an instance, as an instance of the replica's region."""
    mapping = row if isinstance(row, dict) else row._mapping
    return replace(_instance(row), source_region=mapping["source_region"])


def _instance(row: Any) -> Instance:
    """An instance from a row (a SQLAlchemy Row or a FastQuery dict)."""
    value = row.__getitem__ if isinstance(row, dict) else row._mapping.__getitem__
    return Instance(
        id=value("id"),
        arn=value("arn"),
        account_id=value("account_id"),
        region=value("region"),
        identity_management_type=value("identity_management_type"),
        alias=value("alias"),
        directory_id=value("directory_id"),
        inbound_calls_enabled=bool(value("inbound_calls_enabled")),
        outbound_calls_enabled=bool(value("outbound_calls_enabled")),
        created_at=value("created_at"),
        settles_at=value("settles_at"),
    )


class SqlTagRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self, resource_arn: str) -> dict[str, str]:
        return {row["key"]: row["value"] for row in _TAGS.rows(self._db, arn=resource_arn)}

    def ahead_get(self, resource_arn: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_TAGS, {"arn": resource_arn})]

    def put(self, resource_arn: str, tags: dict[str, str]) -> None:
        self.remove(resource_arn, list(tags))
        rows = [{"resource_arn": resource_arn, "key": k, "value": v} for k, v in tags.items()]
        if rows:
            self._db.execute(sa.insert(table_tags), rows)

    def remove(self, resource_arn: str, keys: list[str]) -> None:
        self._db.execute(
            sa.delete(table_tags).where(
                table_tags.c.resource_arn == resource_arn, table_tags.c.key.in_(keys)
            )
        )

    def clear(self, resource_arn: str) -> None:
        _CLEAR_TAGS.defer(self._db, arn=resource_arn)


_TAGS = FastQuery(
    sa.select(table_tags.c.key, table_tags.c.value).where(
        table_tags.c.resource_arn == sa.bindparam("arn")
    )
)


_CLEAR_TAGS = FastStatement(
    sa.delete(table_tags).where(table_tags.c.resource_arn == sa.bindparam("arn"))
)


class SqlIdempotencyRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(
        self, account_id: str, region: str, operation: str, token: str
    ) -> IdempotencyRecord | None:
        key = {"account_id": account_id, "region": region, "operation": operation}
        row = _TOKEN.first(self._db, token=token, **key)
        if row is None:
            return None
        return IdempotencyRecord(
            row["account_id"],
            row["region"],
            row["operation"],
            row["token"],
            row["fingerprint"],
            _json(row["outcome"]),
            row["created_at"],
        )

    def ahead_get(
        self, account_id: str, region: str, operation: str, token: str
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        key = {"account_id": account_id, "region": region, "operation": operation}
        return [(_TOKEN, {"token": token, **key})]

    def put(self, record: IdempotencyRecord) -> None:
        """Record a token that has no record (``forget`` an expired one first)."""
        _RECORD_TOKEN.defer(
            self._db,
            fingerprint=record.fingerprint,
            outcome=record.outcome,
            created_at=record.created_at,
            **_key(record),
        )

    def forget(self, record: IdempotencyRecord) -> None:
        _FORGET_TOKEN.defer(self._db, **_key(record))

    def purge(self, before: float, limit: int) -> int:
        """Delete at most ``limit`` records created before ``before``, oldest first."""
        return _PURGE_TOKENS.run(self._db, before=before, limit=limit)


def _key(record: IdempotencyRecord) -> dict[str, str]:
    return {
        "account_id": record.account_id,
        "region": record.region,
        "operation": record.operation,
        "token": record.token,
    }


_TOKEN_KEY = sa.and_(
    idempotency.c.account_id == sa.bindparam("account_id"),
    idempotency.c.region == sa.bindparam("region"),
    idempotency.c.operation == sa.bindparam("operation"),
    idempotency.c.token == sa.bindparam("token"),
)
_TOKEN = FastQuery(sa.select(idempotency).where(_TOKEN_KEY))
_FORGET_TOKEN = FastStatement(sa.delete(idempotency).where(_TOKEN_KEY))
_RECORD_TOKEN = insert_all(idempotency)
_TOKEN_COLUMNS = (
    idempotency.c.account_id,
    idempotency.c.region,
    idempotency.c.operation,
    idempotency.c.token,
)
_PURGE_TOKENS = FastStatement(
    sa.delete(idempotency).where(
        sa.tuple_(*_TOKEN_COLUMNS).in_(
            sa.select(*_TOKEN_COLUMNS)
            .where(idempotency.c.created_at < sa.bindparam("before"))
            .order_by(idempotency.c.created_at)
            .limit(sa.bindparam("limit"))
        )
    )
)


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite's driver gives text, PostgreSQL's the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


class SqlAccessKeyRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self, access_key_id: str) -> Credential | None:
        query = sa.select(access_keys).where(
            access_keys.c.access_key_id == access_key_id, access_keys.c.revoked_at.is_(None)
        )
        row = self._db.execute(query).first()
        return _credential(row) if row is not None else None

    def add(self, credential: Credential, now: float) -> None:
        self._db.execute(
            sa.insert(access_keys).values(
                access_key_id=credential.access_key_id,
                secret_access_key=credential.secret_access_key,
                account_id=credential.account_id,
                principal=credential.principal,
                policy=credential.policy,
                created_at=now,
                revoked_at=None,
            )
        )
        bump_version(self._db)  # every process forgets the unknown key it may have cached

    def for_account(self, account_id: str) -> list[tuple[Credential, float, float | None]]:
        """The account's keys with when each was created and revoked."""
        query = (
            sa.select(access_keys)
            .where(access_keys.c.account_id == account_id)
            .order_by(access_keys.c.created_at, access_keys.c.access_key_id)
        )
        return [(_credential(r), r.created_at, r.revoked_at) for r in self._db.execute(query)]

    def revoke(self, account_id: str, access_key_id: str, now: float) -> bool:
        done = self._db.execute(
            sa.update(access_keys)
            .where(
                access_keys.c.account_id == account_id,
                access_keys.c.access_key_id == access_key_id,
                access_keys.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        bump_version(self._db)  # every process forgets the key at its next request
        return bool(done.rowcount)


def _credential(row: Any) -> Credential:
    return Credential(
        row.access_key_id, row.secret_access_key, row.account_id, row.principal, row.policy
    )


class SqlAccountRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def exists(self, account_id: str) -> bool:
        query = sa.select(accounts.c.account_id).where(accounts.c.account_id == account_id)
        return self._db.execute(query).first() is not None

    def add(self, account_id: str, now: float) -> None:
        self._db.execute(sa.insert(accounts).values(account_id=account_id, created_at=now))

    def all(self) -> list[str]:
        query = sa.select(accounts.c.account_id).order_by(accounts.c.account_id)
        return list(self._db.execute(query).scalars())
