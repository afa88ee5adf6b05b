"""Prometheus metrics: what the requests did, and the state of the inventory.

One pipeline step records every Connect request (``observe``); an injected
fault is counted by the fault step (``fault``). The state gauges are read from
the database when scraped, one grouped query each. Under ``--workers N`` the
counters and histograms live in prometheus-client's multiprocess files
(``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` creates and empties at start)
and every worker's scrape sums them; a single process keeps them in memory and
adds the library's process metrics.

In a single process the request counter and the duration histogram are plain
numbers (``_Tally``) that a collector writes out as the same two families at each
scrape: a request then costs a dictionary update and a bisection rather than three
locked increments. Requests are answered on the event loop's thread only, so the
numbers need no lock.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from .. import __version__
from ..protocol.serializer import Response
from ..service.context import Services
from ..service.gauges import state_gauges

__all__ = ["MULTIPROC_ENV", "Metrics"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self, services: Services) -> None:
        self._services = services
        # the library chose in-memory or file-backed values when it was imported
        multiprocess_values = values.ValueClass is not values.MutexValue
        self._directory = os.environ.get(MULTIPROC_ENV) if multiprocess_values else None
        self._registry = CollectorRegistry()
        own = None if self._directory else self._registry
        if self._directory is None:
            self._tally: _Tally | None = _Tally()
            self._registry.register(self._tally)
        else:  # the library's classes write the workers' files
            self._tally = None
            self.requests = Counter(_REQUESTS, _REQUESTS_HELP, ["operation", "code"], registry=own)
            self.duration = Histogram(
                _DURATION, _DURATION_HELP, ["operation"], buckets=_BUCKETS, registry=own
            )
        self.faults = Counter(
            "connect_numbers_faults_injected",
            "Faults injected by fault rules, by operation and kind (error, latency, outcome)",
            ["operation", "kind"],
            registry=own,
        )
        self.churn_refusals = Counter(
            "connect_numbers_churn_refusals",
            "Claims and imports refused by the churn rule, by operation",
            ["operation"],
            registry=own,
        )
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._register_scrape_time(self._registry)

    def observe(self, operation: str, code: str, seconds: float, churn: bool = False) -> None:
        """Count one answered request and its duration (and whether the churn rule
        refused it)."""
        tally = self._tally
        if tally is not None:
            tally.observe(operation, code, seconds)
            if churn:
                self.churn_refusals.labels(operation).inc()
            return
        key = (operation, code)
        children = self._children.get(key)
        if children is None:
            children = (self.requests.labels(*key), self.duration.labels(operation))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
        if churn:
            self.churn_refusals.labels(operation).inc()

    def fault(self, operation: str, kind: str) -> None:
        self.faults.labels(operation, kind).inc()

    def scrape(self) -> Response:
        """The metrics in Prometheus' text format."""
        registry = self._registry
        if self._directory is not None:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=self._directory)  # type: ignore[no-untyped-call]
            self._register_scrape_time(registry, process=False)
        # the text format every Prometheus version reads (what generate_latest writes)
        return Response(
            200, generate_latest(registry), [("Content-Type", CONTENT_TYPE_PLAIN_0_0_4)]
        )

    def _register_scrape_time(self, registry: CollectorRegistry, *, process: bool = True) -> None:
        if process and self._directory is None:
            ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        registry.register(_StateCollector(self._services))


_REQUESTS = "connect_numbers_requests"
_REQUESTS_HELP = "Connect requests answered, by operation and code (OK or the error code)"
_DURATION = "connect_numbers_request_duration_seconds"
_DURATION_HELP = "Time to answer a Connect request, by operation"
_BOUNDS = (*(floatToGoString(b) for b in _BUCKETS), "+Inf")  # type: ignore[no-untyped-call]


class _Tally(Collector):
    """The request counter and duration histogram of one process, as plain numbers,
    written as prometheus-client's Counter and Histogram would write them."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], list[float]] = {}  # [count, created]
        self._durations: dict[str, list[float]] = {}  # one count per bucket, then the sum

    def observe(self, operation: str, code: str, seconds: float) -> None:
        count = self._counts.get((operation, code))
        if count is None:
            count = self._counts[operation, code] = [0, time.time()]
        count[0] += 1
        duration = self._durations.get(operation)
        if duration is None:
            duration = self._durations[operation] = [0.0] * (len(_BOUNDS) + 1)
        duration[bisect_left(_BUCKETS, seconds)] += 1
        duration[-1] += seconds

    def collect(self) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
        requests = CounterMetricFamily(_REQUESTS, _REQUESTS_HELP, labels=["operation", "code"])
        for (operation, code), (count, created) in list(self._counts.items()):
            requests.add_metric([operation, code], count, created=created)
        yield requests
        duration = HistogramMetricFamily(_DURATION, _DURATION_HELP, labels=["operation"])
        for operation, counts in list(self._durations.items()):
            cumulative, buckets = 0.0, []
            for bound, count in zip(_BOUNDS, counts, strict=False):
                cumulative += count
                buckets.append((bound, cumulative))
            duration.add_metric([operation], buckets, sum_value=counts[-1])
        yield duration


class _StateCollector(Collector):
    """Gauges read from the database at each scrape, and the build info."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        build = GaugeMetricFamily(
            "connect_numbers_build_info", "The running connect-numbers", labels=["version"]
        )
        build.add_metric([__version__], 1)
        yield build
        state = state_gauges(self._services)
        numbers = GaugeMetricFamily(
            "connect_numbers_phone_numbers",
            "Phone numbers by account, region and status (claimed, in_progress, failed, cooling)",
            labels=["account_id", "region", "status"],
        )
        for account, region, status, count in state.numbers:
            numbers.add_metric([account, region, status], count)
        yield numbers
        yield from _churn(state.churn)


def _churn(churn: list[Any]) -> Iterator[GaugeMetricFamily]:
    scope = ["account_id", "region"]
    releases = GaugeMetricFamily(
        "connect_numbers_churn_releases_in_window",
        "Releases that count toward the churn rule now",
        labels=scope,
    )
    limit = GaugeMetricFamily(
        "connect_numbers_churn_limit",
        "Releases in the window at which claims are refused (churn_percent of the quota)",
        labels=scope,
    )
    for gauge in churn:
        releases.add_metric([gauge.account_id, gauge.region], gauge.releases_in_window)
        limit.add_metric([gauge.account_id, gauge.region], gauge.limit)
    yield releases
    yield limit
