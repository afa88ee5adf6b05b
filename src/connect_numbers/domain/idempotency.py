"""Client tokens: a retry replays the first answer, other parameters are refused.

A token is scoped to (account, region, operation). Its record holds a
fingerprint of the request (every parameter but the token) and the outcome
the first request produced. Records are written in the same transaction as
the mutation and are kept ``idempotency_hours``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .errors import IdempotencyMismatch

__all__ = ["IdempotencyRecord", "fingerprint", "replayable"]


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    account_id: str
    region: str
    operation: str
    token: str
    fingerprint: str
    outcome: dict[str, Any]
    created_at: float

    def expired(self, now: float, keep_seconds: float) -> bool:
        return now >= self.created_at + keep_seconds


def fingerprint(parameters: dict[str, Any]) -> str:
    """A stable digest of a request's parameters (the caller leaves the token out)."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replayable(
    record: IdempotencyRecord | None, digest: str, now: float, keep_seconds: float
) -> dict[str, Any] | None:
    """The outcome to replay for a retry, None to go ahead; IdempotencyMismatch if reused."""
    if record is None or record.expired(now, keep_seconds):
        return None
    if record.fingerprint != digest:
        raise IdempotencyMismatch(
            f"The client token {record.token!r} was already used with other parameters "
            f"for {record.operation}"
        )
    return record.outcome
