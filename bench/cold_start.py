"""``--cold-start``: seconds from starting ``connect-numbers serve`` to its first answered
Connect request, on a new database file (created and migrated by the server) and on an
existing one; the median of three starts each.

The clock starts just before the process is spawned and stops when a signed
ListInstances (botocore's SigV4, the local test key) is answered 200: interpreter
start-up, imports, the botocore model, migrations, the synthetic inventory and
uvicorn's start are all inside it. The server is polled every 20 ms.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .processes import HOST, ROOT, connect_numbers_argv, free_port
from .report import ScenarioResult, brief
from .signing import botocore_signed

__all__ = ["run_cold_start"]

_STARTS = 3
_TIMEOUT = 30.0


def run_cold_start(tmp: Path) -> list[ScenarioResult]:
    """One result per kind of database: ``cold_start[new database]`` and ``[existing]``."""
    existing = tmp / "cold-existing.db"
    results = []
    for name, database in (("new database", None), ("existing", existing)):
        result = ScenarioResult(name=f"cold_start[{name}]", target="connect-numbers[NORMAL]")
        try:
            if database is not None and not database.exists():
                _first_answer(tmp, database)  # made once, then reused
            times = [
                _first_answer(tmp, database or tmp / f"cold-new-{i}.db") for i in range(_STARTS)
            ]
        except Exception as error:
            result.error = brief(error)
            results.append(result)
            continue
        result.ok = True
        result.p50_ms = statistics.median(times) * 1000
        result.extra["seconds"] = times
        result.extra["note"] = (
            f"first answer after {statistics.median(times):.2f} s "
            f"(median of {_STARTS}: {', '.join(f'{t:.2f}' for t in times)})"
        )
        results.append(result)
    return results


def _first_answer(tmp: Path, database: Path) -> float:
    port = free_port()
    argv = connect_numbers_argv(port, database, "NORMAL")
    log = (tmp / "cold-start.log").open("ab")
    started = time.monotonic()
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    try:
        while time.monotonic() - started < _TIMEOUT:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode}")
            if _answered(f"http://{HOST}:{port}"):
                return time.monotonic() - started
            time.sleep(0.02)
        raise RuntimeError(f"no answer within {_TIMEOUT:.0f} s")
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def _answered(base_url: str) -> bool:
    signed = botocore_signed(base_url, "GET", "/instance")
    request = urllib.request.Request(base_url + signed.path, headers=signed.headers)
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False
