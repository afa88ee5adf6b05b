"""The rolling churn quota.

Let Q be the account's phone-number quota in a region and R the releases it
made there in the last ``churn_window`` seconds. While R >= ``churn_percent``
% of Q every claim and import is refused; claims resume the moment enough
old releases leave the window for R to fall below that limit. Releases are
never refused.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload

from .errors import ChurnLimited

__all__ = ["ChurnBudget", "check_churn", "churn_budget", "churn_limit", "claims_resume_at"]


def churn_limit(quota: int, percent: float) -> float:
    return quota * percent / 100


def claims_resume_at(release_times: Sequence[float], limit: float, window: float) -> float | None:
    """When claims resume, given the release times in the window (oldest first); None if now.

    With a limit of zero (a quota of zero) no release can leave the window for
    the count to fall below it: claims never resume (``math.inf``).
    """
    if _certainly_below(release_times, limit):
        return None
    count = len(release_times)
    if count < limit:
        return None
    if limit <= 0:
        return math.inf
    must_leave = math.floor(count - limit) + 1
    return release_times[must_leave - 1] + window


def _certainly_below(release_times: Sequence[float], limit: float) -> bool:
    """Whether fewer than ``limit`` releases are in the window, from a cheap upper bound
    of their count when the sequence offers one (``at_most()``; a store can count
    releases restored since as well, faster than it counts them exactly)."""
    at_most = getattr(release_times, "at_most", None)
    return at_most is not None and int(at_most()) < limit


def check_churn(release_times: Sequence[float], quota: int, percent: float, window: float) -> None:
    """ChurnLimited (an InvalidParameter) if the releases in the window (oldest first)
    block claims now."""
    limit = churn_limit(quota, percent)
    resume = claims_resume_at(release_times, limit, window)
    if resume is None:
        return
    raise ChurnLimited(
        f"Phone number claim limit exceeded: {len(release_times)} numbers were released in "
        f"the last {window / 86_400:g} days, and the limit is {limit:g} "
        f"({percent:g}% of the quota of {quota} phone numbers). {_resuming(resume)}"
    )


def _resuming(resume: float) -> str:
    if math.isinf(resume):
        return "Claims stay refused until the limit is raised."
    second = math.ceil(resume)  # the first whole second at which a claim succeeds
    when = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"Claims resume at {when} ({second})."


@dataclass(frozen=True, slots=True)
class ChurnBudget:
    """Where an account stands against the churn rule in one region, at one instant.

    ``limit`` is the release count at which claims stop (the rule's limit rounded up
    to a whole count); ``claims_resume_at`` is None while claims are allowed, and
    ``math.inf`` when no release leaving the window can let them resume (a limit of
    zero). ``schedule`` pairs each time at which releases leave the window with how
    many leave then, soonest first.
    """

    quota: int
    churn_percent: float
    limit: int
    window_seconds: float
    releases_in_window: int
    claims_resume_at: float | None
    schedule: tuple[tuple[float, int], ...]

    @property
    def claims_allowed(self) -> bool:
        return self.claims_resume_at is None

    @property
    def releases_left_before_lockout(self) -> int:
        """How many more releases stop claims (the last of them reaches the limit)."""
        return max(0, self.limit - self.releases_in_window)


def churn_budget(
    release_times: Sequence[float],
    quota: int,
    percent: float,
    window: float,
    released_together: Sequence[tuple[float, int]] = (),
) -> ChurnBudget:
    """The budget ``check_churn`` enforces, from the same release times (oldest first).

    ``released_together`` groups the same releases by time (a release time and how
    many releases share it, oldest first); it becomes the schedule of the times they
    leave the window.
    """
    limit = churn_limit(quota, percent)
    return ChurnBudget(
        quota=quota,
        churn_percent=percent,
        limit=math.ceil(limit),
        window_seconds=window,
        releases_in_window=len(release_times),
        claims_resume_at=claims_resume_at(release_times, limit, window),
        schedule=tuple((at + window, count) for at, count in released_together),
    )


class GroupedTimes(Sequence[float]):
    """Release times (oldest first) given as (time, how many releases share it) groups."""

    def __init__(self, groups: Sequence[tuple[float, int]]) -> None:
        self._times = [at for at, _ in groups]
        self._ends = list(itertools.accumulate(count for _, count in groups))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, index: int) -> float: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[float]: ...
    def __getitem__(self, index: int | slice) -> float | Sequence[float]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._times[bisect.bisect_right(self._ends, index)]
