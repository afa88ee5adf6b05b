"""Admin read use cases: every number, the cooldowns, the churn budget, counts per scope.

The churn budget is computed from the same inputs, by the same rule
(``domain.churn.claims_resume_at``), as the check that refuses a claim
(``phone_numbers.check_claims_allowed``): what it says about a second is what
ClaimPhoneNumber does in that second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..domain.churn import ChurnBudget, GroupedTimes, churn_budget
from ..domain.cooldown import Release
from ..domain.errors import InvalidParameter
from ..domain.listings import CooldownQuery, ListedRow, NumberQuery, ScopeCounts
from ..domain.pagination import decode_key, decode_token, page_of
from .context import Services, transaction

__all__ = [
    "SCHEDULE_LIMIT",
    "ListedNumber",
    "count_scopes",
    "list_cooldowns",
    "list_numbers",
    "read_churn_budget",
]

SCHEDULE_LIMIT = 1000  # distinct release times a budget's schedule shows, soonest first
_NUMBERS = "admin-numbers"
_COOLDOWNS = "admin-cooldowns"


class ListedNumber(NamedTuple):
    number: ListedRow
    status: str
    tags: dict[str, str]
    claimed_at: float | None


def list_numbers(
    services: Services, where: NumberQuery, limit: int, token: str | None
) -> tuple[list[ListedNumber], str | None]:
    """A page of numbers in E.164 order, and the token of the next page if more remain."""
    after = decode_key(_NUMBERS, token) if token is not None else None
    with transaction(services, write=False) as tx:
        found = tx.uow.listings.numbers(where, after, limit + 1, tx.now)
        shown, following = page_of(found, limit, _NUMBERS, lambda n: [n.e164])
        tags = tx.uow.listings.tags_of([n.arn for n in shown])
        claimed = tx.uow.listings.claimed_at(shown)
        listed = [
            ListedNumber(n, n.status(tx.now), tags.get(n.arn, {}), claimed.get(n.id)) for n in shown
        ]
    return listed, following


def list_cooldowns(
    services: Services, where: CooldownQuery, limit: int, token: str | None
) -> tuple[list[Release], str | None]:
    """Releases still cooling, soonest end first, and the next page's token."""
    after = _cooldown_position(token) if token is not None else None
    with transaction(services, write=False) as tx:
        found = tx.uow.listings.cooldowns(where, after, limit + 1, tx.now)
    shown, following = page_of(found, limit, _COOLDOWNS, lambda r: [r[1].cooldown_until, r[0]])
    return [release for _, release in shown], following


def _cooldown_position(token: str) -> tuple[float, int]:
    position = decode_token(_COOLDOWNS, token)
    if len(position) == 2:
        until, row_id = position
        numbers = isinstance(until, int | float) and isinstance(row_id, int)
        if numbers and not isinstance(until, bool) and not isinstance(row_id, bool):
            return float(until), row_id
    raise InvalidParameter("The next_token is not valid for this request")


def read_churn_budget(
    services: Services, account_id: str, region: str
) -> tuple[ChurnBudget, float]:
    """The account's churn budget in the region now, and that now.

    The release times come from one grouped read; when they fall in more groups than the
    schedule shows, from the same lazy sequence the claim check reads.
    """
    with transaction(services, write=False) as tx:
        quota = tx.uow.quotas.phone_numbers_per_instance(account_id, region)
        window = tx.config.churn_window_seconds
        since = tx.now - window
        together = tx.uow.listings.released_together(account_id, region, since, SCHEDULE_LIMIT + 1)
        times: Sequence[float] = GroupedTimes(together)
        if len(together) > SCHEDULE_LIMIT:
            times = tx.uow.releases.times_since(account_id, region, since)
            together = together[:SCHEDULE_LIMIT]
        budget = churn_budget(times, quota, tx.config.churn_percent, window, together)
        return budget, tx.now


def count_scopes(services: Services) -> tuple[list[ScopeCounts], float]:
    """Numbers by status and cooling releases for every account and region, and now."""
    with transaction(services, write=False) as tx:
        return tx.uow.listings.counts(tx.now), tx.now
