"""What the admin listings ask for and answer: filters over every account and region."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_PAGE", "CooldownQuery", "NumberQuery", "ScopeCounts"]

MAX_PAGE = 1000  # the most items one admin listing page holds


@dataclass(frozen=True, slots=True)
class NumberQuery:
    """Which numbers a listing shows; None (or empty) matches everything."""

    account_id: str | None = None
    region: str | None = None
    status: str | None = None  # CLAIMED, IN_PROGRESS or FAILED at the time of the read
    instance_id: str | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class CooldownQuery:
    account_id: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class ScopeCounts:
    """How many numbers an account holds in a region, by status, and how many cool there."""

    account_id: str
    region: str
    claimed: int
    in_progress: int
    failed: int
    cooling: int
