"""The state the metrics report, read when they are scraped: one grouped query each,
bounded by the number of accounts and regions."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.phone_numbers import CLAIM, FAILED_CLAIM_GRACE_SECONDS, IMPORT
from .tables import phone_numbers, quotas, releases

__all__ = ["SqlGaugeRepository"]

_STATUS = sa.case(
    (phone_numbers.c.settles_at > sa.bindparam("now"), "in_progress"),
    (phone_numbers.c.failure.is_not(None), "failed"),
    else_="claimed",
).label("status")

# a failed claim whose day of grace is over is gone (domain/phone_numbers.py)
_EXPIRED = sa.and_(
    phone_numbers.c.failure.is_not(None),
    phone_numbers.c.operation.in_([CLAIM, IMPORT]),
    phone_numbers.c.settles_at + FAILED_CLAIM_GRACE_SECONDS <= sa.bindparam("now"),
)

_BY_STATUS = (
    sa.select(phone_numbers.c.account_id, phone_numbers.c.region, _STATUS, sa.func.count())
    .where(sa.not_(_EXPIRED))
    .group_by(phone_numbers.c.account_id, phone_numbers.c.region, _STATUS)
)

_COOLING = (
    sa.select(releases.c.account_id, releases.c.region, sa.func.count())
    .where(releases.c.restored_at.is_(None), releases.c.cooldown_until > sa.bindparam("now"))
    .group_by(releases.c.account_id, releases.c.region)
)

# every account and region that ever claimed or released has a quota row
_CHURN = (
    sa.select(
        quotas.c.account_id,
        quotas.c.region,
        quotas.c.phone_numbers_per_instance,
        sa.func.count(releases.c.released_at),
    )
    .select_from(
        quotas.outerjoin(
            releases,
            sa.and_(
                releases.c.account_id == quotas.c.account_id,
                releases.c.region == quotas.c.region,
                releases.c.restored_at.is_(None),
                releases.c.released_at > sa.bindparam("since"),
            ),
        )
    )
    .group_by(quotas.c.account_id, quotas.c.region, quotas.c.phone_numbers_per_instance)
)

Count = tuple[str, str, str, int]


class SqlGaugeRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._db = connection

    def numbers_by_status(self, now: float) -> list[Count]:
        """(account, region, status, count): claimed, in_progress, failed and cooling."""
        found = [(a, r, s, int(n)) for a, r, s, n in self._db.execute(_BY_STATUS, {"now": now})]
        cooling = self._db.execute(_COOLING, {"now": now})
        return found + [(a, r, "cooling", int(n)) for a, r, n in cooling]

    def churn(self, since: float) -> list[tuple[str, str, int, int]]:
        """(account, region, quota, releases in the window since ``since``)."""
        rows = self._db.execute(_CHURN, {"since": since})
        return [(a, r, int(q), int(n)) for a, r, q, n in rows]
