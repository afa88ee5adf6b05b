"""What the admin listings ask for and answer: filters over every account and region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .phone_numbers import CLAIM, IMPORT, status_at

__all__ = ["MAX_PAGE", "CooldownQuery", "ListedRow", "NumberQuery", "ScopeCounts"]

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


class ListedRow(NamedTuple):
    """A held number as the admin listing reads it: a plain row, cheap by the thousand."""

    id: str
    arn: str
    e164: str
    country: str
    type: str
    account_id: str
    region: str
    target_arn: str
    instance_id: str | None
    description: str | None
    operation: str
    started_at: float
    settles_at: float
    failure: str | None

    def status(self, now: float) -> str:
        return status_at(self.settles_at, self.failure, now)

    @property
    def claimed_when_started(self) -> bool:
        """Its last operation is the claim (or import, or restore) that made it its account's."""
        return self.operation in (CLAIM, IMPORT)
