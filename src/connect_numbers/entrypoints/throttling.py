"""Throttling: a token bucket per account, region and operation, in this process.

The rate and burst come from the configuration (``throttling``), read at
most once a second. Buckets measure real elapsed time (a monotonic clock),
not the service clock, which tests may freeze or move by months. With
several server processes each keeps its own buckets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..domain.config import Throttling
from ..domain.errors import Throttled
from ..domain.throttle import TokenBucket

__all__ = ["Throttle"]


class Throttle:
    def __init__(
        self,
        settings: Callable[[], Throttling],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_seconds: float = 1.0,
    ) -> None:
        self._settings = settings
        self._monotonic = monotonic
        self._refresh = refresh_seconds
        self._current: Throttling | None = None
        self._read_at = 0.0
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def forget_settings(self) -> None:
        """Read the configuration again on the next request."""
        self._current = None

    def check(self, account_id: str, region: str, operation: str) -> None:
        now = self._monotonic()
        settings = self._read(now)
        if not settings.enabled:
            return
        key = (account_id, region, operation)
        with self._lock:
            bucket = self._buckets.get(key) or TokenBucket.full(settings.burst, now)
            allowed, self._buckets[key] = bucket.take(now, settings.rate, settings.burst)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
        if not allowed:
            raise Throttled("Rate exceeded")

    def _read(self, now: float) -> Throttling:
        if self._current is None or now - self._read_at >= self._refresh:
            self._current = self._settings()
            self._read_at = now
        return self._current
