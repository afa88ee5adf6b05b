"""Admin reads across every account and region: numbers, cooldowns, churn budget, summary.

``GET numbers``, ``GET cooldowns``, ``GET churn/{account}/{region}`` and ``GET summary``
take their filters from the query string (a GET's document, see admin.py). An unknown
parameter, a bad value, a ``limit`` outside 1..1000 or a malformed ``next_token`` is a
400 whose message names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..domain.churn import ChurnBudget
from ..domain.cooldown import Release
from ..domain.errors import InvalidParameter
from ..domain.listings import MAX_PAGE, CooldownQuery, NumberQuery
from ..domain.phone_numbers import CLAIMED, FAILED, IN_PROGRESS
from ..protocol.model import known_regions
from ..service import listings
from ..service.context import Services
from ..service.listings import ListedNumber

__all__ = ["read_routes"]

Answer = dict[str, Any]
Route = Callable[[Services, Any, dict[str, str]], Answer]

DEFAULT_PAGE = 100
_STATUSES = (CLAIMED, IN_PROGRESS, FAILED)
_ACCOUNT = re.compile(r"[0-9]{12}")
_PREFIX = re.compile(r"\+[0-9]{0,15}")


def read_routes() -> list[tuple[str, str, Route]]:
    return [
        ("GET", "numbers", _numbers),
        ("GET", "cooldowns", _cooldowns),
        ("GET", "churn/(?P<account>[^/]+)/(?P<region>[^/]+)", _churn),
        ("GET", "summary", _summary),
    ]


def _numbers(services: Services, query: Any, labels: dict[str, str]) -> Answer:
    given = _params(
        query, {"account_id", "region", "status", "instance_id", "prefix", "limit", "next_token"}
    )
    where = NumberQuery(
        account_id=_account(given.get("account_id")),
        region=_region(given.get("region")),
        status=_status(given.get("status")),
        instance_id=_instance(given.get("instance_id")),
        prefix=_prefix(given.get("prefix")),
    )
    found, token = listings.list_numbers(
        services, where, _limit(given.get("limit")), _token(given.get("next_token"))
    )
    return {"numbers": [_number_document(n) for n in found], "next_token": token}


def _cooldowns(services: Services, query: Any, labels: dict[str, str]) -> Answer:
    given = _params(query, {"account_id", "region", "limit", "next_token"})
    where = CooldownQuery(_account(given.get("account_id")), _region(given.get("region")))
    found, token = listings.list_cooldowns(
        services, where, _limit(given.get("limit")), _token(given.get("next_token"))
    )
    return {"cooldowns": [_cooldown_document(r) for r in found], "next_token": token}


def _churn(services: Services, query: Any, labels: dict[str, str]) -> Answer:
    _params(query, set())
    account = _account(labels["account"])
    region = _region(labels["region"])
    assert account is not None and region is not None
    budget, now = listings.read_churn_budget(services, account, region)
    return {"account_id": account, "region": region, "now": now, **_budget_document(budget)}


def _summary(services: Services, query: Any, labels: dict[str, str]) -> Answer:
    _params(query, set())
    found, now = listings.count_scopes(services)
    scopes = [
        {
            "account_id": s.account_id,
            "region": s.region,
            "claimed": s.claimed,
            "in_progress": s.in_progress,
            "failed": s.failed,
            "cooling": s.cooling,
        }
        for s in found
    ]
    return {"now": now, "scopes": scopes}


def _params(query: Any, allowed: set[str]) -> dict[str, str]:
    """The query parameters, every one known and given once (the GET's document)."""
    given: dict[str, str] = query if isinstance(query, dict) else {}
    unknown = sorted(set(given) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise InvalidParameter(f"Unknown parameter {', '.join(unknown)} (known: {known})")
    return given


def _account(value: str | None) -> str | None:
    if value is None:
        return None
    if not _ACCOUNT.fullmatch(value):
        raise InvalidParameter(f"account_id must be 12 digits, not {value!r}")
    return value


def _region(value: str | None) -> str | None:
    if value is not None and value not in known_regions():
        raise InvalidParameter(f"Unknown region: {value!r}")
    return value


def _status(value: str | None) -> str | None:
    if value is not None and value not in _STATUSES:
        raise InvalidParameter(f"status must be one of {', '.join(_STATUSES)}, not {value!r}")
    return value


def _instance(value: str | None) -> str | None:
    if value is not None and not 1 <= len(value) <= 100:
        raise InvalidParameter("instance_id must be 1 to 100 characters")
    return value


def _prefix(value: str | None) -> str | None:
    if value is None:
        return None
    if value.startswith(" "):  # a '+' left unencoded in a query string reads as a space
        value = "+" + value[1:]
    if not _PREFIX.fullmatch(value):
        raise InvalidParameter(f"prefix must be '+' and up to 15 digits, not {value!r}")
    return value


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidParameter(f"limit must be a whole number from 1 to {MAX_PAGE}, not {value!r}")
    return int(value)


def _token(value: str | None) -> str | None:
    if value is not None and not value:
        raise InvalidParameter("next_token must not be empty")
    return value


def _number_document(listed: ListedNumber) -> Answer:
    n = listed.number
    return {
        "phone_number": n.e164,
        "phone_number_id": n.id,
        "phone_number_arn": n.arn,
        "account_id": n.account_id,
        "region": n.region,
        "status": listed.status,
        "target_arn": n.target_arn,
        "instance_id": n.instance_id,
        "type": n.type,
        "country": n.country,
        "description": n.description,
        "tags": listed.tags,
        "claimed_at": listed.claimed_at,
    }


def _cooldown_document(release: Release) -> Answer:
    return {
        "phone_number": release.e164,
        "phone_number_id": release.phone_number_id,
        "account_id": release.account_id,
        "region": release.region,
        "released_at": release.released_at,
        "cooldown_until": release.cooldown_until,
    }


def _budget_document(budget: ChurnBudget) -> Answer:
    resume = budget.claims_resume_at
    return {
        "quota": budget.quota,
        "churn_percent": budget.churn_percent,
        "limit": budget.limit,
        "window_days": budget.window_seconds / 86_400,
        "releases_in_window": budget.releases_in_window,
        "claims_allowed": budget.claims_allowed,
        "claims_resume_at": None if resume is None or math.isinf(resume) else resume,
        "claims_never_resume": resume is not None and math.isinf(resume),
        "releases_left_before_lockout": budget.releases_left_before_lockout,
        "schedule": [{"at": at, "releases_leaving_window": count} for at, count in budget.schedule],
    }
