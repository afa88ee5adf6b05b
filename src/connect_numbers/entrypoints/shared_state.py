"""What every server process keeps of the shared state, current at every request.

The throttling settings, the fault rules and the access keys change only through
the admin API, which bumps the database's state version in the same transaction.
Each request reads that version (one primary-key read outside any transaction)
and reloads what the process keeps only when it moved (and empties the key
cache): a change answered by the admin API on any process or node applies from
the next request everywhere, and an idle rule table costs one small read.

On PostgreSQL that read costs no round trip of its own: every transaction reads the
version in its first round trip (store/versions.py), and one that reads another
version than the process's raises ``StateMoved`` before it commits; the pipeline
then reloads (``moved``) and answers the request again. A request that ran no
transaction reads the version once it is answered (``was_current``).
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
        """The settings as of now: reloaded if the version moved since the last request
        (on PostgreSQL: as the request's transactions will check)."""
        uow = self._services.uow
        snapshot = self._snapshot
        if snapshot is None or not uow.checks_versions:
            snapshot = self.moved(retried(uow.state_version))  # again on a lost connection
        if uow.checks_versions:
            uow.expect_version(snapshot.version)
        return snapshot

    def was_current(self) -> bool:
        """Whether the request just answered saw the current state; if not, it is
        reloaded now and the request must be answered again (never one that wrote: a
        change that landed in the middle of it applies from the next request)."""
        uow = self._services.uow
        if not uow.checks_versions:
            return True
        seen, wrote = uow.version_seen(), uow.committed_since_expected()
        uow.expect_version(None)
        if seen is None:  # no transaction read it
            seen = retried(uow.state_version)
        if self._snapshot is not None and self._snapshot.version == seen:
            return True
        self.moved(seen)
        return wrote

    def moved(self, version: int) -> Snapshot:
        """The state at ``version`` (or later), reloaded unless that is what is kept."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != version:
            self._services.uow.expect_version(None)
            self._on_change()
            throttling, rules = retried(lambda: shared_settings(self._services))
            snapshot = self._snapshot = Snapshot(version, throttling, tuple(rules))
        return snapshot

    def done(self) -> None:
        """The request is answered: the next transactions of this thread expect nothing."""
        if self._services.uow.checks_versions:
            self._services.uow.expect_version(None)
