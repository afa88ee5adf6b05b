"""The throttling rule's token buckets, shared by every process and node."""

from __future__ import annotations

from ..domain.config import Throttling
from ..domain.throttle import TokenBucket
from .context import Services

__all__ = ["take_token"]


def take_token(
    services: Services, key: tuple[str, str, str], settings: Throttling, now: float
) -> bool:
    """Whether a request of ``key`` (account, region, operation) may pass at wall time
    ``now``; its bucket is read under a lock and written back in one transaction."""
    with services.uow(write=True) as uow:
        bucket = uow.throttle.get(*key) or TokenBucket.full(settings.burst, now)
        allowed, bucket = bucket.take(now, settings.rate, settings.burst)
        uow.throttle.put(*key, bucket)
        uow.commit()
    return allowed
