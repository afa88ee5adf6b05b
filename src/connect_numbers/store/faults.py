"""Fault rules, the shared state version, and the shared throttling buckets."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ..domain.faults import FaultError, FaultRule, FaultSpec
from ..domain.throttle import TokenBucket
from ._fast import FastQuery, FastStatement
from .tables import fault_rules, state_version, throttle_buckets

__all__ = ["SqlFaultRepository", "SqlThrottleRepository", "bump_version"]

_BUMP = FastStatement(
    sa.update(state_version)
    .where(state_version.c.id == 1)
    .values(version=state_version.c.version + 1)
)


def bump_version(connection: sa.Connection) -> None:
    """Tell every process that the configuration or the fault rules changed."""
    if _BUMP.run(connection) == 0:  # a database migrated before the row existed
        connection.execute(sa.insert(state_version).values(id=1, version=1))


class SqlFaultRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, rule: FaultRule, now: float) -> None:
        self._db.execute(
            sa.insert(fault_rules).values(
                id=rule.id,
                rule=rule.spec.to_document(),
                remaining=rule.remaining,
                hits=0,
                seen=0,
                created_at=now,
            )
        )
        bump_version(self._db)

    def all(self) -> list[FaultRule]:
        query = sa.select(fault_rules).order_by(fault_rules.c.seq)
        return [_rule(row._mapping) for row in self._db.execute(query)]

    def remove(self, rule_id: str) -> bool:
        done = self._db.execute(sa.delete(fault_rules).where(fault_rules.c.id == rule_id))
        bump_version(self._db)
        return bool(done.rowcount)

    def clear(self) -> int:
        done = self._db.execute(sa.delete(fault_rules))
        bump_version(self._db)
        return int(done.rowcount)

    def see(self, rule_id: str) -> int | None:
        """Count one more matching request of the rule; its position (1, 2, ...), or None
        if the rule is gone."""
        row = _SEE.first(self._db, id=rule_id)
        return int(row["seen"]) if row else None

    def hit(self, rule_id: str) -> bool:
        """Take one hit of the rule if it has one left (a conditional UPDATE: exact
        under any concurrency); whether it hit."""
        return _HIT.run(self._db, id=rule_id) == 1


_SEE = FastQuery(
    sa.update(fault_rules)  # type: ignore[arg-type]
    .where(fault_rules.c.id == sa.bindparam("id"))
    .values(seen=fault_rules.c.seen + 1)
    .returning(fault_rules.c.seen)
)
_HIT = FastStatement(
    sa.update(fault_rules)
    .where(
        fault_rules.c.id == sa.bindparam("id"),
        sa.or_(fault_rules.c.remaining.is_(None), fault_rules.c.remaining > 0),
    )
    .values(
        hits=fault_rules.c.hits + 1,
        remaining=sa.case(
            (fault_rules.c.remaining.is_(None), None), else_=fault_rules.c.remaining - 1
        ),
    )
)


def _rule(row: Any) -> FaultRule:
    document = row["rule"]
    document = json.loads(document) if isinstance(document, str) else dict(document)
    error = document.pop("error", None)
    spec = FaultSpec(**document, error=FaultError(**error) if error else None)
    return FaultRule(row["id"], spec, int(row["hits"]), row["remaining"])


class SqlThrottleRepository:
    """Token buckets per account, region and operation, read under a row lock."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self, account_id: str, region: str, operation: str) -> TokenBucket | None:
        row = _BUCKET.first(self._db, account_id=account_id, region=region, operation=operation)
        return TokenBucket(row["tokens"], row["updated_at"]) if row else None

    def put(self, account_id: str, region: str, operation: str, bucket: TokenBucket) -> None:
        key = {"account_id": account_id, "region": region, "operation": operation}
        values = {"new_tokens": bucket.tokens, "new_updated_at": bucket.updated_at}
        if _SAVE_BUCKET.run(self._db, **values, **key):
            return
        _ADD_BUCKET.run(self._db, tokens=bucket.tokens, updated_at=bucket.updated_at, **key)


_BUCKET_KEY = sa.and_(
    throttle_buckets.c.account_id == sa.bindparam("account_id"),
    throttle_buckets.c.region == sa.bindparam("region"),
    throttle_buckets.c.operation == sa.bindparam("operation"),
)
_BUCKET = FastQuery(sa.select(throttle_buckets).where(_BUCKET_KEY).with_for_update())
_SAVE_BUCKET = FastStatement(
    sa.update(throttle_buckets)
    .where(_BUCKET_KEY)
    .values(tokens=sa.bindparam("new_tokens"), updated_at=sa.bindparam("new_updated_at"))
)
_ADD_BUCKET = FastStatement(
    sa.insert(throttle_buckets).values(
        account_id=sa.bindparam("account_id"),
        region=sa.bindparam("region"),
        operation=sa.bindparam("operation"),
        tokens=sa.bindparam("tokens"),
        updated_at=sa.bindparam("updated_at"),
    )
)
