"""Read-only listings for the admin API: every number, cooldowns, counts, churn schedule.

Unlike the Connect listings these span every account and region. Each page is one
query ordered on an index (E.164 for numbers, the end of the cooldown for releases)
and cut with ``LIMIT``, so a page costs the same with a thousand numbers stored or a
million.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from ..domain.cooldown import Release
from ..domain.listings import CooldownQuery, NumberQuery, ScopeCounts
from ..domain.phone_numbers import (
    CLAIM,
    CLAIMED,
    FAILED,
    FAILED_CLAIM_GRACE_SECONDS,
    IMPORT,
    IN_PROGRESS,
    PhoneNumber,
)
from ._fast import FastQuery
from .tables import events, phone_numbers, releases, tags

__all__ = ["SqlListingRepository"]

_N = phone_numbers.c
_R = releases.c
_FAILED_CLAIM = sa.and_(
    _N.failure.is_not(None), sa.or_(_N.operation == CLAIM, _N.operation == IMPORT)
)
_NOW: sa.BindParameter[float] = sa.bindparam("now")
# a failed claim past its day of grace is gone (phone_numbers.py): never listed
_PRESENT = sa.or_(sa.not_(_FAILED_CLAIM), _N.settles_at > _NOW - FAILED_CLAIM_GRACE_SECONDS)
_STATUS = {
    IN_PROGRESS: _N.settles_at > _NOW,
    CLAIMED: sa.and_(_N.settles_at <= _NOW, _N.failure.is_(None)),
    FAILED: sa.and_(_N.settles_at <= _NOW, _N.failure.is_not(None)),
}
_IN_FIELD_ORDER = [_N[f.name] for f in dataclasses.fields(PhoneNumber)]
_COOLING = sa.and_(_R.restored_at.is_(None), _R.cooldown_until > _NOW)


@lru_cache(maxsize=64)
def _numbers_query(
    account: bool, region: bool, status: str | None, instance: bool, prefix: bool, after: bool
) -> FastQuery:
    query = sa.select(*_IN_FIELD_ORDER).where(_PRESENT)
    if account:
        query = query.where(_N.account_id == sa.bindparam("account_id"))
    if region:
        query = query.where(_N.region == sa.bindparam("region"))
    if status is not None:
        query = query.where(_STATUS[status])
    if instance:
        query = query.where(_N.instance_id == sa.bindparam("instance_id"))
    if prefix:
        query = query.where(_N.e164.like(sa.bindparam("prefix"), escape="/"))
    if after:
        query = query.where(_N.e164 > sa.bindparam("after"))
    return FastQuery(query.order_by(_N.e164).limit(sa.bindparam("limit")))


@lru_cache(maxsize=16)
def _cooldowns_query(account: bool, region: bool, after: bool) -> FastQuery:
    query = sa.select(
        _R.id,
        _R.phone_number_id,
        _R.e164,
        _R.account_id,
        _R.region,
        _R.released_at,
        _R.cooldown_until,
        _R.restored_at,
    ).where(_COOLING)
    if account:
        query = query.where(_R.account_id == sa.bindparam("account_id"))
    if region:
        query = query.where(_R.region == sa.bindparam("region"))
    if after:
        later = _R.cooldown_until > sa.bindparam("after_until")
        same = sa.and_(
            _R.cooldown_until == sa.bindparam("after_until"), _R.id > sa.bindparam("after_id")
        )
        query = query.where(sa.or_(later, same))
    return FastQuery(query.order_by(_R.cooldown_until, _R.id).limit(sa.bindparam("limit")))


_RELEASED_TOGETHER = FastQuery(
    sa.select(_R.released_at, sa.func.count().label("n"))
    .where(
        _R.account_id == sa.bindparam("account_id"),
        _R.region == sa.bindparam("region"),
        _R.released_at > sa.bindparam("since"),
        _R.restored_at.is_(None),
    )
    .group_by(_R.released_at)
    .order_by(_R.released_at)
    .limit(sa.bindparam("limit"))
)

_STATUS_CASE = sa.case(
    (_N.settles_at > _NOW, IN_PROGRESS), (_N.failure.is_not(None), FAILED), else_=CLAIMED
)
_NUMBER_COUNTS = FastQuery(
    sa.select(_N.account_id, _N.region, _STATUS_CASE.label("status"), sa.func.count().label("n"))
    .where(_PRESENT)
    .group_by(_N.account_id, _N.region, _STATUS_CASE)
)
_COOLING_COUNTS = FastQuery(
    sa.select(_R.account_id, _R.region, sa.func.count().label("n"))
    .where(_COOLING)
    .group_by(_R.account_id, _R.region)
)


def _release(row: tuple[Any, ...]) -> Release:
    number_id, e164, account_id, region, released_at, cooldown_until, restored_at = row
    return Release(
        number_id, e164, account_id, region, released_at, cooldown_until, {}, restored_at
    )


class SqlListingRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def numbers(
        self, where: NumberQuery, after: str | None, limit: int, now: float
    ) -> list[PhoneNumber]:
        """Numbers matching ``where`` at ``now``, in E.164 order after ``after``."""
        query = _numbers_query(
            where.account_id is not None,
            where.region is not None,
            where.status,
            where.instance_id is not None,
            bool(where.prefix),
            after is not None,
        )
        params: dict[str, Any] = {"now": now, "limit": limit}
        for name in ("account_id", "region", "instance_id"):
            if getattr(where, name) is not None:
                params[name] = getattr(where, name)
        if where.prefix:
            params["prefix"] = where.prefix.replace("/", "//").replace("%", "/%") + "%"
        if after is not None:
            params["after"] = after
        return [PhoneNumber(*row) for row in query.tuples(self._db, **params)]

    def tags_of(self, arns: Sequence[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        if arns:
            query = sa.select(tags).where(tags.c.resource_arn.in_(list(arns)))
            for row in self._db.execute(query):
                found.setdefault(row.resource_arn, {})[row.key] = row.value
        return found

    def claimed_at(self, numbers: Sequence[PhoneNumber]) -> dict[str, float]:
        """When each number (by id) was claimed or imported, from the event log."""
        found: dict[str, float] = {}
        if numbers:
            query = sa.select(events.c.phone_number_id, events.c.time).where(
                events.c.e164.in_([n.e164 for n in numbers]),
                sa.or_(events.c.event == CLAIM, events.c.event == IMPORT),
            )
            for number_id, time in self._db.execute(query):
                found[number_id] = min(time, found.get(number_id, time))
        return found

    def cooldowns(
        self, where: CooldownQuery, after: tuple[float, int] | None, limit: int, now: float
    ) -> list[tuple[int, Release]]:
        """Releases cooling at ``now``, soonest end first, with their row ids."""
        query = _cooldowns_query(
            where.account_id is not None, where.region is not None, after is not None
        )
        params: dict[str, Any] = {"now": now, "limit": limit}
        if where.account_id is not None:
            params["account_id"] = where.account_id
        if where.region is not None:
            params["region"] = where.region
        if after is not None:
            params["after_until"], params["after_id"] = after
        return [(row[0], _release(row[1:])) for row in query.tuples(self._db, **params)]

    def released_together(
        self, account_id: str, region: str, since: float, limit: int
    ) -> list[tuple[float, int]]:
        """Release times after ``since`` with how many releases share each, oldest first."""
        rows = _RELEASED_TOGETHER.tuples(
            self._db, account_id=account_id, region=region, since=since, limit=limit
        )
        return [(float(at), int(n)) for at, n in rows]

    def counts(self, now: float) -> list[ScopeCounts]:
        """Numbers by status, and cooling releases, per account and region."""
        scopes: dict[tuple[str, str], dict[str, int]] = {}
        for account, region, status, n in _NUMBER_COUNTS.tuples(self._db, now=now):
            scopes.setdefault((account, region), {})[status] = int(n)
        for account, region, n in _COOLING_COUNTS.tuples(self._db, now=now):
            scopes.setdefault((account, region), {})["cooling"] = int(n)
        return [
            ScopeCounts(
                account,
                region,
                claimed=found.get(CLAIMED, 0),
                in_progress=found.get(IN_PROGRESS, 0),
                failed=found.get(FAILED, 0),
                cooling=found.get("cooling", 0),
            )
            for (account, region), found in sorted(scopes.items())
        ]
