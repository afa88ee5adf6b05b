"""``python -m bench.overhead``: the per-request cost of the metrics step, the shared
state read, fault rule evaluation and shared throttling, measured in process.

The pipeline answers the same signed ListInstances request many times on a real
database (a temporary SQLite file, or ``--db postgresql://...``); each figure is
CPU time (``time.process_time``) and wall time per request, the median of
``--rounds`` rounds, with one step swapped for a no-op where a difference is
the figure. No HTTP server: these are the steps' own costs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connect_numbers.domain.config import Throttling
from connect_numbers.domain.faults import FaultRule, FaultSpec
from connect_numbers.entrypoints.faults import FaultStep
from connect_numbers.entrypoints.pipeline import HttpRequest, Pipeline
from connect_numbers.entrypoints.server import ServerSettings, build_app
from connect_numbers.service.context import Caller
from connect_numbers.testing.postgres import TemporaryPostgres

from .signing import botocore_signed

__all__ = ["main"]

Timing = dict[str, float]


class _NoMetrics:
    def observe(self, operation: str, code: str, seconds: float, churn: bool = False) -> None:
        pass


def _timed(run: Callable[[], Any], count: int, rounds: int) -> Timing:
    cpu, wall = [], []
    for _ in range(count // 10):  # warm up: caches, compiled statements, the branch predictor
        run()
    for _ in range(rounds):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for _ in range(count):
            run()
        cpu.append((time.process_time() - cpu_start) / count * 1e6)
        wall.append((time.perf_counter() - wall_start) / count * 1e6)
    return {
        "cpu_us": round(statistics.median(cpu), 2),
        "wall_us": round(statistics.median(wall), 2),
    }


def _request() -> HttpRequest:
    signed = botocore_signed("http://127.0.0.1:4590", "GET", "/instance")
    headers = {k.lower(): v for k, v in signed.headers.items()}
    return HttpRequest("GET", "/instance", "", headers, b"")


def _rules(count: int) -> tuple[FaultRule, ...]:
    """Rules in scope of other operations and accounts: evaluated, never hitting."""
    return tuple(
        FaultRule(
            f"rule-{i}",
            FaultSpec(
                "DescribePhoneNumber" if i % 2 else "*",
                account_id="111111111111" if i % 2 == 0 else None,
                latency_ms=1,
            ),
        )
        for i in range(count)
    )


def measure(db: str, count: int, rounds: int) -> dict[str, Timing]:
    app = build_app(ServerSettings(db=db, log_level="warning"))
    pipeline: Pipeline = app.pipeline
    request = _request()
    handle = lambda: pipeline.handle(request)  # noqa: E731
    results: dict[str, Timing] = {"request (ListInstances)": _timed(handle, count, rounds)}
    metrics = pipeline.metrics
    pipeline.metrics = _NoMetrics()  # type: ignore[assignment]
    results["request without the metrics step"] = _timed(handle, count, rounds)
    pipeline.metrics = metrics
    results["metrics step alone (observe)"] = _timed(
        lambda: metrics.observe("ListInstances", "OK", 0.001), count * 10, rounds
    )
    # what a request paid before its first unit of work checked the version instead
    results["shared state version read"] = _timed(pipeline.shared.moved, count, rounds)
    results.update(_fault_rules(pipeline.faults, count, rounds))
    results.update(_throttling(app, handle, count, rounds))
    return results


def _fault_rules(step: FaultStep, count: int, rounds: int) -> dict[str, Timing]:
    caller = Caller("000000000000", "bench", "us-east-1", "request-id")
    found = {}
    for size in (0, 100):
        rules = _rules(size)
        found[f"fault rule evaluation, {size} rules"] = _timed(
            lambda rules=rules: step.apply(rules, "ListInstances", caller, {}), count, rounds
        )
    return found


def _throttling(app: Any, handle: Callable[[], Any], count: int, rounds: int) -> dict[str, Timing]:
    admin = app.admin
    body = json.dumps(
        {"throttling": {"enabled": True, "rate": 1e9, "burst": 1_000_000_000}}
    ).encode()
    admin.handle("PUT", "/_connect-numbers/config", {}, body)
    found = {"request with throttling on (shared bucket)": _timed(handle, count, rounds)}
    throttle, on = app.pipeline.throttle, Throttling(True, 1e9, 1_000_000_000)
    found["throttling step alone, on"] = _timed(
        lambda: throttle.check(on, "000000000000", "us-east-1", "ListInstances"), count, rounds
    )
    off_settings = Throttling(False, 2, 5)
    found["throttling step alone, off"] = _timed(
        lambda: throttle.check(off_settings, "000000000000", "us-east-1", "ListInstances"),
        count,
        rounds,
    )
    off = json.dumps({"throttling": {"enabled": False}}).encode()
    admin.handle("PUT", "/_connect-numbers/config", {}, off)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.overhead", description=__doc__)
    parser.add_argument(
        "--db",
        default="",
        help="a database URL, or 'postgresql' for a throwaway cluster [default: a temporary "
        "SQLite file]",
    )
    parser.add_argument("--count", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        db = options.db
        if db == "postgresql":
            db = stack.enter_context(TemporaryPostgres()).url
        elif not db:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            db = f"sqlite:///{Path(folder) / 'overhead.db'}"
        results = measure(db, options.count, options.rounds)
    width = max(len(name) for name in results)
    print(f"{'':{width}}  {'CPU µs':>8}  {'wall µs':>8}")
    for name, timing in results.items():
        print(f"{name:{width}}  {timing['cpu_us']:>8.2f}  {timing['wall_us']:>8.2f}")


if __name__ == "__main__":
    main()
