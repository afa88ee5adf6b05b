"""Token buckets: a steady ``rate`` of requests per second with bursts up to ``burst``.

Refills are computed in floating point from elapsed times, which are rarely
exact: three requests at 10 per second arriving 0.1 s apart see gaps of
0.1 and 0.09999999999999998, and 0.09999999999999998 * 10 falls short of a
whole token. A shortfall below ``TOLERANCE`` of a token is therefore
forgiven, so that a client pacing itself exactly at the rate is never
throttled for a rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TOLERANCE", "TokenBucket"]

TOLERANCE = 1e-9  # of a token


@dataclass(frozen=True, slots=True)
class TokenBucket:
    tokens: float
    updated_at: float

    @classmethod
    def full(cls, burst: int, now: float) -> TokenBucket:
        return cls(float(burst), now)

    def take(self, now: float, rate: float, burst: int) -> tuple[bool, TokenBucket]:
        """Whether a request may pass now, and the bucket after it."""
        elapsed = max(0.0, now - self.updated_at)
        tokens = min(float(burst), self.tokens + elapsed * rate)
        updated_at = max(now, self.updated_at)
        if tokens >= 1.0 - TOLERANCE:
            return True, TokenBucket(max(0.0, tokens - 1.0), updated_at)
        return False, TokenBucket(tokens, updated_at)
