"""Released numbers: the cooldown, and the record that lets Support restore them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Release"]


@dataclass(frozen=True, slots=True)
class Release:
    """A release: the number cools until ``cooldown_until`` and counts toward churn."""

    phone_number_id: str
    e164: str
    account_id: str
    region: str
    released_at: float
    cooldown_until: float
    snapshot: dict[str, Any]  # the number as it was, for a restore
    restored_at: float | None = None

    def cooling(self, now: float) -> bool:
        """Not searchable or claimable by anyone until the exact second it ends."""
        return self.restored_at is None and now < self.cooldown_until
