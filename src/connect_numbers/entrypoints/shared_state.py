"""What every server process keeps of the shared state, current at every request.

The throttling settings, the fault rules, the access keys, the configuration and
the clock change only through the admin API, which bumps the database's state
version in the same transaction. A request is answered with what the process
keeps (its snapshot), and checked against the database without a read of its own:

- the first unit of work the request begins reads the version in its transaction
  (store/unit_of_work.py) and, when it moved, raises ``StaleState`` having done
  nothing; the pipeline then reloads the snapshot (and empties the key cache) and
  answers the request again from the start;
- a request answered without any unit of work (an error found before the use case
  ran: a bad signature, a throttled caller, an injected error) reads the version once
  before its answer leaves, and is answered again if it moved.

So a change answered by the admin API on any process or node applies from the next
request everywhere, and a request costs no read beyond those of its use case.
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

    def snapshot(self) -> Snapshot:
        """What this process keeps (read now if it has nothing yet)."""
        snapshot = self._snapshot
        return snapshot if snapshot is not None else self.reload()

    def reload(self) -> Snapshot:
        """Read the shared state again (the key cache is emptied first)."""
        self._on_change()
        version, throttling, rules = retried(lambda: shared_settings(self._services))
        snapshot = self._snapshot = Snapshot(version, throttling, tuple(rules))
        return snapshot

    def moved(self) -> bool:
        """Whether the database's version differs from the snapshot's (one read)."""
        snapshot = self._snapshot
        return snapshot is None or retried(self._services.uow.state_version) != snapshot.version
