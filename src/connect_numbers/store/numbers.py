"""Repositories for phone numbers, releases, events, quotas and loaded inventory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..domain.churn import IndexedTimes
from ..domain.config import DEFAULT_PHONE_NUMBERS_PER_INSTANCE
from ..domain.cooldown import Release
from ..domain.events import Event
from ..domain.phone_numbers import CLAIM, IMPORT, NumberFilter, NumberListing, PhoneNumber
from ._fast import FastQuery, FastStatement, insert_all
from .tables import churn_days, events, inventory, phone_numbers, quotas, releases, tags

__all__ = [
    "SqlEventRepository",
    "SqlInventoryRepository",
    "SqlLockedPhoneNumberRepository",
    "SqlPhoneNumberRepository",
    "SqlQuotaRepository",
    "SqlReleaseRepository",
]

_COLUMNS = [c.name for c in phone_numbers.columns]
_FAILED_CLAIM = sa.and_(  # OR rather than IN: compiled once, with no expanding parameter
    phone_numbers.c.failure.is_not(None),
    sa.or_(phone_numbers.c.operation == CLAIM, phone_numbers.c.operation == IMPORT),
)


# The record's fields, in its order: a row selected in this order is its arguments.
_FIELDS = tuple(f.name for f in dataclasses.fields(PhoneNumber))
_IN_FIELD_ORDER = [phone_numbers.c[name] for name in _FIELDS]
_WIDTH = len(_FIELDS)
_LISTED = [phone_numbers.c[name] for name in NumberListing._fields]


def _number(row: Any) -> PhoneNumber:
    """A number from a row of ``select(phone_numbers)`` (columns in table order)."""
    return PhoneNumber(**dict(zip(_COLUMNS, row, strict=True)))


def _number_from(row: dict[str, Any]) -> PhoneNumber:
    return PhoneNumber(*[row[name] for name in _FIELDS])


_BY_ID = FastQuery(sa.select(phone_numbers).where(phone_numbers.c.id == sa.bindparam("id")))
_BY_ID_WITH_TAGS = FastQuery(  # the number's columns in field order (_IN_FIELD_ORDER)
    sa.select(*_IN_FIELD_ORDER, tags.c.key, tags.c.value)
    .select_from(phone_numbers.outerjoin(tags, tags.c.resource_arn == phone_numbers.c.arn))
    .where(phone_numbers.c.id == sa.bindparam("id"))
)
_TAGS_OF = FastQuery(
    sa.select(tags.c.key, tags.c.value).where(tags.c.resource_arn == sa.bindparam("arn"))
)
_BY_E164 = FastQuery(sa.select(phone_numbers).where(phone_numbers.c.e164 == sa.bindparam("e164")))


def _numbered(values: Sequence[str]) -> dict[str, str]:
    return {f"v{i}": value for i, value in enumerate(values)}


def _placeholders(count: int) -> list[sa.BindParameter[str]]:
    return [sa.bindparam(f"v{i}") for i in range(count)]


@lru_cache(maxsize=256)
def _among_numbers(count: int) -> FastQuery:
    """The numbers among ``count`` given E.164 numbers (one compiled query per count)."""
    return FastQuery(sa.select(phone_numbers).where(phone_numbers.c.e164.in_(_placeholders(count))))


@lru_cache(maxsize=256)
def _among_cooling(count: int) -> FastQuery:
    """Which of ``count`` given E.164 numbers are cooling at ``now``."""
    return FastQuery(
        sa.select(releases.c.e164).where(
            releases.c.e164.in_(_placeholders(count)),
            releases.c.cooldown_until > sa.bindparam("now"),
            releases.c.restored_at.is_(None),
        )
    )


def _row(number: PhoneNumber) -> dict[str, Any]:
    return {name: getattr(number, name) for name in _COLUMNS}


_INSERT = insert_all(phone_numbers)
_SAVE = FastStatement(
    sa.update(phone_numbers)
    .where(phone_numbers.c.id == sa.bindparam("key"))
    .values({name: sa.bindparam(name) for name in _COLUMNS})
)
_REMOVE = FastStatement(sa.delete(phone_numbers).where(phone_numbers.c.id == sa.bindparam("id")))
_COUNT_ON_TARGET = FastQuery(
    sa.select(sa.func.count()).where(
        phone_numbers.c.target_arn == sa.bindparam("target_arn"), sa.not_(_FAILED_CLAIM)
    )
)


class SqlPhoneNumberRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def get(self, number_id: str) -> PhoneNumber | None:
        row = _BY_ID.first(self._db, id=number_id)
        return _number_from(row) if row is not None else None

    def get_with_tags(self, number_id: str) -> tuple[PhoneNumber, dict[str, str]] | None:
        """The number and the tags of its ARN, in one query."""
        rows = _BY_ID_WITH_TAGS.tuples(self._db, id=number_id)
        if not rows:
            return None
        width = _WIDTH
        number = PhoneNumber(*rows[0][:width])
        return number, {row[width]: row[width + 1] for row in rows if row[width] is not None}

    def by_e164(self, e164: str) -> PhoneNumber | None:
        row = _BY_E164.first(self._db, e164=e164)
        return _number_from(row) if row is not None else None

    def among(self, e164s: Sequence[str]) -> list[PhoneNumber]:
        if not e164s:
            return []
        query = _among_numbers(len(e164s))
        return [_number_from(row) for row in query.rows(self._db, **_numbered(e164s))]

    def add(self, number: PhoneNumber) -> None:
        _INSERT.defer(self._db, **_row(number))

    def save(self, number: PhoneNumber) -> None:
        _SAVE.run(self._db, key=number.id, **_row(number))

    def remove(self, number_id: str) -> None:
        _REMOVE.defer(self._db, id=number_id)

    def count_on_target(self, target_arn: str) -> int:
        return int(_COUNT_ON_TARGET.tuples(self._db, target_arn=target_arn)[0][0])

    # the reads ahead (SqlUnitOfWork.read_ahead): the queries a method will send

    def ahead_get(self, number_id: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_BY_ID, {"id": number_id})]

    def ahead_by_e164(self, e164: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_BY_E164, {"e164": e164})]

    def ahead_count_on_target(self, target_arn: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_COUNT_ON_TARGET, {"target_arn": target_arn})]

    def on_target(self, target_arn: str) -> list[PhoneNumber]:
        query = sa.select(phone_numbers).where(phone_numbers.c.target_arn == target_arn)
        return [_number(row) for row in self._db.execute(query)]

    def page(self, where: NumberFilter, after: str | None, limit: int) -> list[NumberListing]:
        """Held (not failed) numbers matching ``where``, in E.164 order after ``after``:
        only the columns a listing shows, each row made a record as it is."""
        query = _page_query(
            where.target_arn is not None,
            where.instance_id is not None,
            len(where.countries),
            len(where.types),
            bool(where.prefix),
            after is not None,
        )
        params: dict[str, Any] = {
            "account_id": where.account_id,
            "region": where.region,
            "limit": limit,
            **{f"c{i}": country for i, country in enumerate(where.countries)},
            **{f"t{i}": kind for i, kind in enumerate(where.types)},
        }
        if where.target_arn is not None:
            params["target_arn"] = where.target_arn
        if where.instance_id is not None:
            params["instance_id"] = where.instance_id
        if where.prefix:
            params["prefix"] = _like_prefix(where.prefix)
        if after is not None:
            params["after"] = after
        listing = tuple.__new__  # a NamedTuple made from its row as it is, without _make's call
        return [listing(NumberListing, row) for row in query.tuples(self._db, **params)]


@lru_cache(maxsize=128)
def _page_query(
    target: bool, instance: bool, countries: int, types: int, prefix: bool, after: bool
) -> FastQuery:
    """A page of held numbers, for one combination of filters (compiled once each)."""
    c = phone_numbers.c
    query = sa.select(*_LISTED).where(
        c.account_id == sa.bindparam("account_id"),
        c.region == sa.bindparam("region"),
        sa.not_(_FAILED_CLAIM),
    )
    if target:
        query = query.where(c.target_arn == sa.bindparam("target_arn"))
    if instance:
        query = query.where(c.instance_id == sa.bindparam("instance_id"))
    if countries:
        query = query.where(c.country.in_([sa.bindparam(f"c{i}") for i in range(countries)]))
    if types:
        query = query.where(c.type.in_([sa.bindparam(f"t{i}") for i in range(types)]))
    if prefix:
        query = query.where(c.e164.like(sa.bindparam("prefix"), escape="/"))
    if after:
        query = query.where(c.e164 > sa.bindparam("after"))
    return FastQuery(query.order_by(c.e164).limit(sa.bindparam("limit")))


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern (escape character ``/``) matching what starts with ``prefix``."""
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return escaped + "%"


class SqlLockedPhoneNumberRepository(SqlPhoneNumberRepository):
    """Numbers read FOR UPDATE, for write transactions (see store/unit_of_work.py)."""

    def get(self, number_id: str) -> PhoneNumber | None:
        found = _LOCK_BY_ID.rows(self._db, id=number_id)
        return _number_from(found[0]) if found else None

    def by_e164(self, e164: str) -> PhoneNumber | None:
        found = _LOCK_BY_E164.rows(self._db, e164=e164)
        return _number_from(found[0]) if found else None

    def get_with_tags(self, number_id: str) -> tuple[PhoneNumber, dict[str, str]] | None:
        number = self.get(number_id)  # the number locked; its tags read after
        if number is None:
            return None
        return number, {row["key"]: row["value"] for row in _TAGS_OF.rows(self._db, arn=number.arn)}

    def on_target(self, target_arn: str) -> list[PhoneNumber]:
        return [_number_from(row) for row in _LOCK_ON_TARGET.rows(self._db, target_arn=target_arn)]

    def ahead_get(self, number_id: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_LOCK_BY_ID, {"id": number_id})]

    def ahead_by_e164(self, e164: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_LOCK_BY_E164, {"e164": e164})]


def _locking(column: Any) -> FastQuery:
    """Numbers whose ``column`` equals the bound parameter of that name, locked."""
    where = column == sa.bindparam(column.name)
    return FastQuery(
        sa.select(phone_numbers).where(where).order_by(phone_numbers.c.id).with_for_update()
    )


_LOCK_BY_ID = _locking(phone_numbers.c.id)
_LOCK_BY_E164 = _locking(phone_numbers.c.e164)
_LOCK_ON_TARGET = _locking(phone_numbers.c.target_arn)


def _release(row: Any) -> Release:
    return Release(
        row.phone_number_id,
        row.e164,
        row.account_id,
        row.region,
        row.released_at,
        row.cooldown_until,
        row.snapshot,
        row.restored_at,
    )


class SqlReleaseRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def add(self, release: Release) -> None:
        _INSERT_RELEASE.defer(
            self._db,
            phone_number_id=release.phone_number_id,
            e164=release.e164,
            account_id=release.account_id,
            region=release.region,
            released_at=release.released_at,
            cooldown_until=release.cooldown_until,
            restored_at=release.restored_at,
            snapshot=release.snapshot,
        )
        _COUNT_RELEASE_DAY.defer(
            self._db,
            account_id=release.account_id,
            region=release.region,
            day=service_day(release.released_at),
        )

    def ahead_cooling_among(
        self, e164s: Sequence[str], now: float
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_among_cooling(len(e164s)), {"now": now, **_numbered(e164s)})] if e164s else []

    def ahead_times_since(
        self, account_id: str, region: str, since: float
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        """The first query of the churn rule: the upper bound of the count."""
        return [(_AT_MOST_IN_WINDOW, _days_since(account_id, region, since))]

    def cooling_among(self, e164s: Sequence[str], now: float) -> set[str]:
        if not e164s:
            return set()
        rows = _among_cooling(len(e164s)).rows(self._db, now=now, **_numbered(e164s))
        return {row["e164"] for row in rows}

    def latest(self, e164: str) -> Release | None:
        query = (
            sa.select(releases)
            .where(releases.c.e164 == e164)
            .order_by(releases.c.released_at.desc(), releases.c.id.desc())
            .limit(1)
        )
        row = self._db.execute(query).first()
        return _release(row) if row is not None else None

    def mark_restored(self, release: Release, now: float) -> None:
        self._db.execute(
            sa.update(releases)
            .where(
                releases.c.e164 == release.e164,  # found on ix_releases_number
                releases.c.phone_number_id == release.phone_number_id,
                releases.c.released_at == release.released_at,
            )
            .values(restored_at=now)
        )

    def purge(self, before: float, now: float, limit: int) -> int:
        """Of the ``limit`` oldest releases, delete those from before ``before`` whose number
        no longer cools at ``now`` (the churn window is the caller's horizon:
        domain/retention.py)."""
        return _PURGE_RELEASES.run(self._db, before=before, now=now, limit=limit)

    def times_since(self, account_id: str, region: str, since: float) -> Sequence[float]:
        """Release times of the account in the region after ``since``, oldest first.

        A lazy sequence: its length is one COUNT, an item one indexed look-up, so the
        churn rule never loads every release in the window.
        """
        return _ReleaseTimes(self._db, {"account_id": account_id, "region": region, "since": since})


_INSERT_RELEASE = insert_all(releases, skip=("id",))
# The purges read the oldest rows by id (the order they were recorded in), so that a pass
# is bounded without an index by time, which every claim and release would pay to write.
_OLDEST_RELEASES = (
    sa.select(
        releases.c.id, releases.c.released_at, releases.c.cooldown_until, releases.c.restored_at
    )
    .order_by(releases.c.id)
    .limit(sa.bindparam("limit"))
    .subquery()
)
# among them, a release no rule reads any more: older than the horizon, and not cooling
_PURGE_RELEASES = FastStatement(
    sa.delete(releases).where(
        releases.c.id.in_(
            sa.select(_OLDEST_RELEASES.c.id).where(
                _OLDEST_RELEASES.c.released_at < sa.bindparam("before"),
                sa.or_(
                    _OLDEST_RELEASES.c.cooldown_until <= sa.bindparam("now"),
                    _OLDEST_RELEASES.c.restored_at.is_not(None),
                ),
            )
        )
    )
)


_IN_WINDOW = sa.and_(
    releases.c.account_id == sa.bindparam("account_id"),
    releases.c.region == sa.bindparam("region"),
    releases.c.released_at > sa.bindparam("since"),
    releases.c.restored_at.is_(None),
)
_COUNT_IN_WINDOW = FastQuery(sa.select(sa.func.count().label("n")).where(_IN_WINDOW))
# The upper bound: every release of the window's days, the first day whole, restored
# releases too (churn_days is never lowered); a few hundred rows at most, however many
# releases the window holds.
_AT_MOST_IN_WINDOW = FastQuery(
    sa.select(sa.func.coalesce(sa.func.sum(churn_days.c.releases), 0).label("n")).where(
        churn_days.c.account_id == sa.bindparam("account_id"),
        churn_days.c.region == sa.bindparam("region"),
        churn_days.c.day >= sa.bindparam("day"),
    )
)
_COUNT_RELEASE_DAY = FastStatement(
    postgresql.insert(churn_days)  # compiles for SQLite too: the same ON CONFLICT clause
    .values(
        account_id=sa.bindparam("account_id"),
        region=sa.bindparam("region"),
        day=sa.bindparam("day"),
        releases=1,
    )
    .on_conflict_do_update(
        index_elements=["account_id", "region", "day"],
        set_={"releases": churn_days.c.releases + 1},
    )
)
_DAY = 86_400


def service_day(at: float) -> int:
    """The service day of an instant (days since 1970-01-01, UTC)."""
    return int(at // _DAY)


def _days_since(account_id: str, region: str, since: float) -> dict[str, Any]:
    return {"account_id": account_id, "region": region, "day": service_day(since)}


_NTH_IN_WINDOW = FastQuery(
    sa.select(releases.c.released_at)
    .where(_IN_WINDOW)
    .order_by(releases.c.released_at)
    .limit(1)
    .offset(sa.bindparam("nth"))
)


class _ReleaseTimes(IndexedTimes):
    def __init__(self, connection: sa.Connection, window: dict[str, Any]) -> None:
        self._db = connection
        self._window = window
        self._count: int | None = None

    def at_most(self) -> int:
        """An upper bound of the length (restored releases counted too), cheaper to get."""
        if self._count is not None:
            return self._count
        window = self._window
        days = _days_since(window["account_id"], window["region"], window["since"])
        row = _AT_MOST_IN_WINDOW.first(self._db, **days)
        return int(row["n"]) if row else 0

    def __len__(self) -> int:
        if self._count is None:
            row = _COUNT_IN_WINDOW.first(self._db, **self._window)
            self._count = int(row["n"]) if row else 0
        return self._count

    def _time_at(self, index: int) -> float:
        row = _NTH_IN_WINDOW.first(self._db, nth=index, **self._window)
        if row is None:
            raise IndexError(index)
        return float(row["released_at"])


_APPEND_EVENT = insert_all(events, skip=("id",))
_OLDEST_EVENTS = (
    sa.select(events.c.id, events.c.time, events.c.e164)
    .order_by(events.c.id)
    .limit(sa.bindparam("limit"))
    .subquery()
)
_STILL_COOLING = (
    sa.select(releases.c.id)
    .where(
        releases.c.e164 == _OLDEST_EVENTS.c.e164,
        releases.c.cooldown_until > sa.bindparam("now"),
        releases.c.restored_at.is_(None),
    )
    .exists()
)
_PURGE_EVENTS = FastStatement(
    sa.delete(events).where(
        events.c.id.in_(
            sa.select(_OLDEST_EVENTS.c.id).where(
                _OLDEST_EVENTS.c.time < sa.bindparam("before"), sa.not_(_STILL_COOLING)
            )
        )
    )
)


class SqlEventRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def append(self, event: Event) -> None:
        _APPEND_EVENT.defer(
            self._db,
            time=event.time,
            event=event.event,
            e164=event.e164,
            phone_number_id=event.phone_number_id,
            account_id=event.account_id,
            region=event.region,
            principal=event.principal,
            request_id=event.request_id,
            detail=event.detail,
        )

    def purge(self, before: float, now: float, limit: int) -> int:
        """Of the ``limit`` oldest events, delete those from before ``before``, but none of
        a number that cools at ``now`` (its history stays whole while it can be restored)."""
        return _PURGE_EVENTS.run(self._db, before=before, now=now, limit=limit)

    def for_number(self, e164: str) -> list[Event]:
        query = sa.select(events).where(events.c.e164 == e164).order_by(events.c.id)
        return [
            Event(
                row.time,
                row.event,
                row.e164,
                row.phone_number_id,
                row.account_id,
                row.region,
                row.principal,
                row.request_id,
                row.detail,
            )
            for row in self._db.execute(query)
        ]


class SqlQuotaRepository:
    """Quota rows. A row locked in this transaction is read once: nothing else can
    change it until the transaction ends, and this repository sees its own changes."""

    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection
        self._locked: dict[tuple[str, str], dict[str, Any]] = {}

    def phone_numbers_per_instance(self, account_id: str, region: str) -> int:
        row = self._locked.get((account_id, region))
        if row is None:
            row = _QUOTA.first(self._db, account_id=account_id, region=region)
        if row is None:
            return DEFAULT_PHONE_NUMBERS_PER_INSTANCE
        return int(row["phone_numbers_per_instance"])

    def set_phone_numbers_per_instance(self, account_id: str, region: str, value: int) -> None:
        self._locked.pop((account_id, region), None)
        self._ensure(account_id, region)
        self._db.execute(
            sa.update(quotas)
            .where(quotas.c.account_id == account_id, quotas.c.region == region)
            .values(phone_numbers_per_instance=value)
        )

    def lock(self, account_id: str, region: str) -> int:
        """Serialize quota decisions of one account and region; returns claims made so far."""
        row = self._locked.get((account_id, region))
        if row is None:
            row = _LOCK_QUOTA.first(self._db, account_id=account_id, region=region)
            if row is None:
                self._ensure(account_id, region)
                row = _LOCK_QUOTA.first(self._db, account_id=account_id, region=region)
            assert row is not None
            self._locked[(account_id, region)] = row
        return int(row["claims_made"])

    def hold(self, account_id: str, region: str) -> None:
        """Serialize this transaction's quota decisions with the others', as ``lock``
        does, for a caller that needs nothing from the row (a release). SQLite already
        excludes every other write transaction from its ``BEGIN IMMEDIATE`` on."""
        if self._db.dialect.name != "sqlite":
            self.lock(account_id, region)

    def ahead_lock(self, account_id: str, region: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_LOCK_QUOTA, {"account_id": account_id, "region": region})]

    def count_claim(self, account_id: str, region: str) -> None:
        _COUNT_CLAIM.defer(self._db, account_id=account_id, region=region)
        row = self._locked.get((account_id, region))
        if row is not None:
            row["claims_made"] += 1

    def claims_made(self, account_id: str, region: str) -> int:
        row = _QUOTA.first(self._db, account_id=account_id, region=region)
        return int(row["claims_made"]) if row else 0

    def _ensure(self, account_id: str, region: str) -> None:
        if _QUOTA.first(self._db, account_id=account_id, region=region) is None:
            self._db.execute(
                sa.insert(quotas).values(
                    account_id=account_id,
                    region=region,
                    phone_numbers_per_instance=DEFAULT_PHONE_NUMBERS_PER_INSTANCE,
                    claims_made=0,
                )
            )


_QUOTA = FastQuery(
    sa.select(quotas).where(
        quotas.c.account_id == sa.bindparam("account_id"),
        quotas.c.region == sa.bindparam("region"),
    )
)
_LOCK_QUOTA = FastQuery(_QUOTA.statement.with_for_update())
_COUNT_CLAIM = FastStatement(
    sa.update(quotas)
    .where(
        quotas.c.account_id == sa.bindparam("account_id"),
        quotas.c.region == sa.bindparam("region"),
    )
    .values(claims_made=quotas.c.claims_made + 1)
)
_LOADED = FastQuery(
    sa.select(inventory.c.e164)
    .where(inventory.c.country == sa.bindparam("country"), inventory.c.type == sa.bindparam("type"))
    .limit(1)
)


_LOADED_NUMBER = FastQuery(sa.select(inventory).where(inventory.c.e164 == sa.bindparam("e164")))


class SqlInventoryRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def loaded(self, country: str, number_type: str) -> bool:
        return _LOADED.first(self._db, country=country, type=number_type) is not None

    def ahead_contains(self, e164: str) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_LOADED_NUMBER, {"e164": e164})]

    def ahead_loaded(
        self, country: str, number_type: str
    ) -> list[tuple[FastQuery, dict[str, Any]]]:
        return [(_LOADED, {"country": country, "type": number_type})]

    def contains(self, e164: str) -> tuple[str, str] | None:
        row = _LOADED_NUMBER.first(self._db, e164=e164)
        return (row["country"], row["type"]) if row is not None else None

    def known(self, e164s: Sequence[str]) -> dict[str, tuple[str, str]]:
        """The (country, type) of each of ``e164s`` already in the inventory."""
        if not e164s:
            return {}
        query = sa.select(inventory).where(inventory.c.e164.in_(list(e164s)))
        return {row.e164: (row.country, row.type) for row in self._db.execute(query)}

    def add(self, rows: list[tuple[str, str, str]]) -> int:
        """Add (e164, country, type) rows; returns how many were new."""
        known = self.known([r[0] for r in rows])
        fresh = [
            {"e164": e, "country": c, "type": t}
            for e, c, t in dict.fromkeys(rows)
            if e not in known
        ]
        if fresh:
            self._db.execute(sa.insert(inventory), fresh)
        return len(fresh)

    def scan(
        self,
        country: str,
        number_type: str,
        prefix: str | None,
        after: str | None,
        below: str | None,
        limit: int,
    ) -> list[str]:
        """Loaded numbers in E.164 order: after ``after`` (exclusive) and below ``below``."""
        query = sa.select(inventory.c.e164).where(
            inventory.c.country == country, inventory.c.type == number_type
        )
        if prefix:
            query = query.where(inventory.c.e164.startswith(prefix, autoescape=True))
        if after is not None:
            query = query.where(inventory.c.e164 > after)
        if below is not None:
            query = query.where(inventory.c.e164 < below)
        query = query.order_by(inventory.c.e164).limit(limit)
        return list(self._db.execute(query).scalars())
