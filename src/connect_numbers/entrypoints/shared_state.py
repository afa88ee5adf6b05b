"""What every server process keeps of the shared state, current at every request.

The throttling settings, the fault rules and the access keys change only through
the admin API, which bumps the database's state version in the same transaction.
Each request reads that version (one primary-key read outside any transaction)
and reloads what the process keeps only when it moved (and empties the key
cache): a change answered by the admin API on any process or node applies from
the next request everywhere, and an idle rule table costs one small read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..domain.config import Throttling
from ..domain.faults import FaultRule
from ..service.context import Services, retried
from ..service.faults import shared_settings

__all__ = ["SharedState", "Snapshot"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    throttling: Throttling
    faults: tuple[FaultRule, ...]


class SharedState:
    def __init__(self, services: Services, *, on_change: Callable[[], None] = lambda: None) -> None:
        self._services = services
        self._on_change = on_change
        self._snapshot: Snapshot | None = None

    def current(self) -> Snapshot:
        """The settings as of now: reloaded if the version moved since the last request."""
        version = retried(self._services.uow.state_version)  # again on a lost connection
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != version:
            self._on_change()
            throttling, rules = retried(lambda: shared_settings(self._services))
            snapshot = self._snapshot = Snapshot(version, throttling, tuple(rules))
        return snapshot
