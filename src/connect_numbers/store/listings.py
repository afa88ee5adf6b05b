"""Read-only listings for the admin API: every number, cooldowns, counts, churn schedule.

Unlike the Connect listings these span every account and region. Each page is one
query ordered on an index (E.164 for numbers, the end of the cooldown for releases)
and cut with ``LIMIT``, so a page costs the same with a thousand numbers stored or a
million.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from ..domain.cooldown import Release
from ..domain.events import RESTORE
from ..domain.listings import CooldownQuery, ListedRow, NumberQuery, ScopeCounts
from ..domain.phone_numbers import (
    CLAIM,
    CLAIMED,
    FAILED,
    FAILED_CLAIM_GRACE_SECONDS,
    IMPORT,
    IN_PROGRESS,
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
_PRESENT = sa.or_(sa.not_(_FAILED_CLAIM), _N.settles_at > sa.bindparam("graced"))
_STATUS = {
    IN_PROGRESS: _N.settles_at > _NOW,
    CLAIMED: sa.and_(_N.settles_at <= _NOW, _N.failure.is_(None)),
    # settled, compared as an expression: SQLite then finds the few failing numbers on
    # their partial index rather than walking every settled one
    FAILED: sa.and_((_N.settles_at + 0) <= _NOW, _N.failure.is_not(None)),
}
_RARE = (IN_PROGRESS, FAILED)
_EMPTY: sa.ColumnClause[str] = sa.literal_column("''")
_LISTED = [_N[name] for name in ListedRow._fields]
_COOLING = sa.and_(_R.restored_at.is_(None), _R.cooldown_until > _NOW)


@lru_cache(maxsize=64)
def _numbers_query(
    account: bool, region: bool, status: str | None, instance: bool, prefix: bool, after: bool
) -> FastQuery:
    query = sa.select(*_LISTED).where(_PRESENT)
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
    # the few numbers in progress or failing are found on their own indexes, then sorted;
    # ordering by an expression keeps SQLite from walking every number in E.164 order
    order = _N.e164.op("||")(_EMPTY) if status in _RARE else _N.e164
    return FastQuery(query.order_by(order).limit(sa.bindparam("limit")))


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
    # the scope compared as expressions: the cooling index (which holds it) is walked in
    # order, rather than every release of the account sorted
    if account:
        query = query.where(_R.account_id.op("||")(_EMPTY) == sa.bindparam("account_id"))
    if region:
        query = query.where(_R.region.op("||")(_EMPTY) == sa.bindparam("region"))
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

# The summary counts from indexes: every number per scope (ix_phone_numbers_scope), the
# unsettled ones (ix_phone_numbers_settles) and the few that fail (ix_phone_numbers_failed),
# never reading the table row by row.
_SCOPE = (_N.account_id, _N.region)
_TOTALS = FastQuery(sa.select(*_SCOPE, sa.func.count()).group_by(*_SCOPE))
_UNSETTLED = FastQuery(sa.select(*_SCOPE).where(_N.settles_at > _NOW, _N.failure.is_(None)))
_FAILING = FastQuery(sa.select(*_SCOPE, _N.operation, _N.settles_at).where(_N.failure.is_not(None)))
_COOLING_SCOPES = FastQuery(sa.select(_R.account_id, _R.region).where(_COOLING))


def _numbered(values: Sequence[str]) -> dict[str, str]:
    return {f"v{i}": value for i, value in enumerate(values)}


def _among(column: Any, count: int) -> Any:
    return column.in_([sa.bindparam(f"v{i}") for i in range(count)])


@lru_cache(maxsize=64)
def _tags_of(count: int) -> FastQuery:
    """The tags of ``count`` given ARNs (compiled once per count)."""
    return FastQuery(
        sa.select(tags.c.resource_arn, tags.c.key, tags.c.value).where(
            _among(tags.c.resource_arn, count)
        )
    )


@lru_cache(maxsize=64)
def _claims_of(count: int) -> FastQuery:
    """(number id, time) of the claims, imports and restores of ``count`` given numbers."""
    e = events.c
    kinds = sa.or_(e.event == CLAIM, e.event == IMPORT, e.event == RESTORE)
    return FastQuery(sa.select(e.phone_number_id, e.time).where(_among(e.e164, count), kinds))


def _graced(now: float) -> float:
    """Failed claims that settled after this are still listed (their day of grace)."""
    return now - FAILED_CLAIM_GRACE_SECONDS


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
    ) -> list[ListedRow]:
        """Numbers matching ``where`` at ``now``, in E.164 order after ``after``."""
        query = _numbers_query(
            where.account_id is not None,
            where.region is not None,
            where.status,
            where.instance_id is not None,
            bool(where.prefix),
            after is not None,
        )
        params: dict[str, Any] = {"now": now, "graced": _graced(now), "limit": limit}
        for name in ("account_id", "region", "instance_id"):
            if getattr(where, name) is not None:
                params[name] = getattr(where, name)
        if where.prefix:
            params["prefix"] = where.prefix.replace("/", "//").replace("%", "/%") + "%"
        if after is not None:
            params["after"] = after
        return list(map(ListedRow._make, query.tuples(self._db, **params)))

    def tags_of(self, arns: Sequence[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        if arns:
            rows = _tags_of(len(arns)).tuples(self._db, **_numbered(arns))
            for arn, key, value in rows:
                found.setdefault(arn, {})[key] = value
        return found

    def claimed_at(self, numbers: Sequence[ListedRow]) -> dict[str, float]:
        """When each number (by id) was claimed, imported or restored by its account.

        A number whose last operation is its claim (or import, or restore) started then;
        only a number moved or described since is looked up in the event log.
        """
        found = {n.id: n.started_at for n in numbers if n.claimed_when_started}
        later = [n for n in numbers if n.id not in found]
        if later:
            rows = _claims_of(len(later)).tuples(self._db, **_numbered([n.e164 for n in later]))
            wanted = {n.id for n in later}
            for number_id, time in rows:
                if number_id in wanted:
                    found[number_id] = max(time, found.get(number_id, time))
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
        for account, region, n in _TOTALS.tuples(self._db):
            scopes[(account, region)] = {CLAIMED: int(n)}
        for scope, n in Counter(_UNSETTLED.tuples(self._db, now=now)).items():
            _move(scopes[scope], IN_PROGRESS, n)
        for account, region, operation, settles_at in _FAILING.tuples(self._db):
            _move(scopes[(account, region)], _failing_status(operation, settles_at, now), 1)
        for scope, n in Counter(_COOLING_SCOPES.tuples(self._db, now=now)).items():
            scopes.setdefault(scope, {})["cooling"] = n
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
            if any(found.values())
        ]


def _move(counts: dict[str, int], status: str | None, n: int) -> None:
    """Count ``n`` of the scope's numbers, counted as CLAIMED so far, as ``status``
    (None: gone, a failed claim past its day of grace)."""
    counts[CLAIMED] -= n
    if status is not None:
        counts[status] = counts.get(status, 0) + n


def _failing_status(operation: str, settles_at: float, now: float) -> str | None:
    if settles_at > now:
        return IN_PROGRESS
    if operation in (CLAIM, IMPORT) and settles_at <= _graced(now):
        return None
    return FAILED
