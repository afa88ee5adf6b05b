"""The rolling churn quota.

Let Q be the account's phone-number quota in a region and R the releases it
made there in the last ``churn_window`` seconds. While R >= ``churn_percent``
% of Q every claim and import is refused; claims resume the moment enough
old releases leave the window for R to fall below that limit. Releases are
never refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from .errors import ChurnLimited

__all__ = ["check_churn", "churn_limit", "claims_resume_at"]


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
