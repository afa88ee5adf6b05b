"""What stored records may be deleted, and from when: pure rules of the configuration
and the service time.

- An **idempotency record** acts as unknown once it is older than
  ``idempotency_hours`` (domain/idempotency.py): deleting it changes nothing.
- The **event history and release records** are kept forever unless
  ``history_retention_days`` is set. Even then a record is kept while a rule may
  still read it: a release is kept while its number cools (the cooldown, and a
  restore, read it) and while it is in the churn window (the churn rule counts
  it), and the events of a number in cooldown are kept with it. The horizon is
  therefore never nearer than the cooldown or the churn window, whatever the
  retention says; the store checks the stored cooldown end as well, since
  ``cooldown_days`` may have been lowered since a release.
"""

from __future__ import annotations

from .config import Config

__all__ = ["history_horizon", "tokens_expired_before"]


def tokens_expired_before(config: Config, now: float) -> float:
    """Records created before this time have expired (and act as unknown)."""
    return now - config.idempotency_seconds


def history_horizon(config: Config, now: float) -> float | None:
    """Events and releases from before this time may go; None keeps them all.

    A record exactly at the horizon is kept.
    """
    retention = config.history_retention_seconds
    if retention is None:
        return None
    return now - max(retention, config.cooldown_seconds, config.churn_window_seconds)
