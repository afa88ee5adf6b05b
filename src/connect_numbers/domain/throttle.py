"""Token buckets: a steady ``rate`` of requests per second with bursts up to ``burst``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TokenBucket"]


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
        if tokens >= 1.0:
            return True, TokenBucket(tokens - 1.0, now)
        return False, TokenBucket(tokens, now)
