"""The background maintenance of a server process: a thread that runs purge passes.

A pass (service/maintenance.py) runs every ``interval`` seconds; while a pass
deletes a full batch there is more to do, and the next one follows after a short
pause (so requests get the database in between) until the backlog is gone. The
thread starts and stops with the application (ASGI lifespan). A failure is
logged as one line and the next pass comes an interval later.
"""

from __future__ import annotations

import logging
import threading

from ..domain.errors import StorageFailure
from ..service.context import Services, retried
from ..service.maintenance import Purged, purge_pass

__all__ = ["BATCH", "Maintenance"]

BATCH = 1000  # rows of each kind one pass deletes at most
PAUSE = 0.05  # seconds between two passes while a backlog lasts
log = logging.getLogger("connect_numbers.maintenance")


class Maintenance:
    def __init__(self, services: Services, interval: float, *, batch: int = BATCH) -> None:
        self.services = services
        self.interval = interval
        self.batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="maintenance", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._next_wait()):
            pass

    def _next_wait(self) -> float:
        """Run one pass; how long to wait before the next."""
        purged = self.run_once()
        return PAUSE if purged is not None and purged.most() >= self.batch else self.interval

    def run_once(self) -> Purged | None:
        try:
            purged = retried(lambda: purge_pass(self.services, self.batch))
        except StorageFailure as failure:
            log.warning("maintenance pass failed: %s", failure)
            return None
        except Exception as error:  # the next pass may succeed; the server goes on
            log.warning("maintenance pass failed: %s: %s", type(error).__name__, error)
            return None
        if purged.most():
            log.info(
                "maintenance: deleted %d expired client tokens, %d events, %d releases",
                purged.tokens,
                purged.events,
                purged.releases,
            )
        return purged
