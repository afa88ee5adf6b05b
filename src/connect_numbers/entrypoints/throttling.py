"""Throttling: a token bucket per account, region and operation, shared by every
server process and node.

The rate and burst come from the configuration (``throttling``), current at every
request (entrypoints/shared_state.py). While throttling is on, the buckets live
in the database and each request takes its token in a short write transaction,
so ``--workers N`` and several nodes together allow the configured rate, not N
times it. Buckets measure wall-clock time, not the service clock, which tests
may freeze or move by months.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..domain.config import Throttling
from ..domain.errors import Throttled
from ..service.context import Services, retried
from ..service.throttling import take_token

__all__ = ["Throttle"]

Key = tuple[str, str, str]
Take = Callable[[Key, Throttling, float], bool]


class Throttle:
    def __init__(self, take: Take, *, wall: Callable[[], float] = time.time) -> None:
        self._take = take
        self._wall = wall

    @classmethod
    def shared(cls, services: Services) -> Throttle:
        """Buckets in the database of ``services``."""
        return cls(
            lambda key, settings, now: retried(lambda: take_token(services, key, settings, now))
        )

    def check(self, settings: Throttling, account_id: str, region: str, operation: str) -> None:
        if not settings.enabled:
            return
        if not self._take((account_id, region, operation), settings, self._wall()):
            raise Throttled("Rate exceeded")
