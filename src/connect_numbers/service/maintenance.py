"""Background maintenance: delete what no rule and no retention keeps any more.

One pass is one short write transaction that deletes at most ``limit`` rows of
each kind, oldest first: expired client tokens always; events and release records
beyond the history horizon when a retention is set (domain/retention.py). On
PostgreSQL only one pass of any node runs at a time (``maintenance_turn``); a pass
that finds the turn taken does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.retention import history_horizon, tokens_expired_before
from .context import Services, transaction

__all__ = ["Purged", "purge_pass"]


@dataclass(frozen=True, slots=True)
class Purged:
    """What one pass deleted; ``ran`` is False when another node held the turn."""

    tokens: int = 0
    events: int = 0
    releases: int = 0
    ran: bool = True

    def most(self) -> int:
        return max(self.tokens, self.events, self.releases)


def purge_pass(services: Services, limit: int) -> Purged:
    with transaction(services, write=True) as tx:
        if not tx.uow.settings.maintenance_turn():
            return Purged(ran=False)
        tokens = tx.uow.idempotency.purge(tokens_expired_before(tx.config, tx.now), limit)
        events = releases = 0
        horizon = history_horizon(tx.config, tx.now)
        if horizon is not None:
            events = tx.uow.events.purge(horizon, tx.now, limit)
            releases = tx.uow.releases.purge(horizon, tx.now, limit)
        tx.uow.commit()
    return Purged(tokens, events, releases)
