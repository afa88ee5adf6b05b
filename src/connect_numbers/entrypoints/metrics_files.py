"""The directory of the metrics files that ``--workers N`` share (prometheus-client's
multiprocess mode).

``PROMETHEUS_MULTIPROC_DIR`` names it when set (it is created if missing);
otherwise a private temporary directory is made and removed at exit. Either way
it is emptied at start: files left by an earlier run would be summed into this
one's counters.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["metrics_directory"]

_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def metrics_directory(*, only_if_set: bool = False) -> Iterator[Path | None]:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` for the workers started in the block (with
    ``only_if_set``, only empty it if it is set: a single process keeps its metrics in
    memory unless told otherwise)."""
    given = os.environ.get(_ENV)
    if only_if_set and not given:
        yield None
        return
    folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="connect-numbers-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.db"):
        leftover.unlink()
    os.environ[_ENV] = str(folder)
    try:
        yield folder
    finally:
        if not given:
            os.environ.pop(_ENV, None)
            shutil.rmtree(folder, ignore_errors=True)
