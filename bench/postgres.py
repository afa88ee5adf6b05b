"""``claim_release_postgresql``: the claim/release loop on PostgreSQL, with its round trips.

One server (``--workers 1``) on a throwaway cluster (``TemporaryPostgres``, as the tests
use) started with ``pg_stat_statements`` loaded and tracking utility statements too
(``BEGIN``, ``COMMIT``, ``ROLLBACK``). The server reaches the cluster through a proxy
that counts round trips (bench/roundtrips.py: PostgreSQL's ReadyForQuery messages, one
per exchange the client waits for, however many pipelined statements it holds). Both
counters are reset after the setup and read after the loop: statements per request
(``pg_stat_statements``) and round trips per request (the proxy) are both reported.
The cluster's processes (the postmaster and its backends) are timed from /proc like
the server: the backends' CPU per request is reported next to the server's.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from .fixtures import prepare_instance
from .processes import ServerProcess, connect_numbers_argv, free_port, tree_cpu_seconds
from .report import ScenarioResult, brief
from .roundtrips import RoundTripProxy, plain_url
from .scenarios import Settings, run_churn_scenario

__all__ = ["NAME", "run_claim_release_postgresql"]

NAME = "claim_release_postgresql"
_OPTIONS = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on"
_OURS = "%pg_stat_statements%"  # the bench's own queries of the counters


def run_claim_release_postgresql(
    settings: Settings, tmp: Path, stack: contextlib.ExitStack
) -> ScenarioResult:
    try:
        from connect_numbers.testing.postgres import TemporaryPostgres

        postgres = stack.enter_context(TemporaryPostgres(options=_OPTIONS))
    except Exception as error:
        print(f"  {NAME} skipped: {brief(error)}", flush=True)
        return ScenarioResult(name=NAME, target="-", error=brief(error))
    port = free_port()
    proxy = RoundTripProxy(postgres.port)
    stack.callback(proxy.close)
    server = ServerProcess(
        "postgresql-1w",
        connect_numbers_argv(port, plain_url(postgres.url, proxy.port), "NORMAL"),
        port,
        "/_connect-numbers/health",
        tmp,
    )
    try:
        server.start()
        fixture = prepare_instance(server.url)
        _execute(postgres.url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        _execute(postgres.url, "SELECT pg_stat_statements_reset()")
        proxy.reset()
        backend_before = tree_cpu_seconds(_postmaster(postgres.data))
        result = run_churn_scenario(NAME, server, fixture, settings, "postgresql,1w")
        backend = tree_cpu_seconds(_postmaster(postgres.data)) - backend_before
        statements = _execute(
            postgres.url,
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query NOT LIKE %s",
            (_OURS,),
        )
        round_trips = proxy.reset()
    except Exception as error:
        return ScenarioResult(name=NAME, target="postgresql", error=brief(error))
    finally:
        server.stop()
    _add_round_trips(result, int(statements), round_trips, backend)
    return result


def _add_round_trips(
    result: ScenarioResult, statements: int, round_trips: int, backend_seconds: float
) -> None:
    if not result.requests:
        return
    per_request = round_trips / result.requests
    statements_per_request = statements / result.requests
    backend_us = backend_seconds * 1e6 / result.requests
    result.extra["statements"] = statements
    result.extra["statements_per_request"] = statements_per_request
    result.extra["round_trips"] = round_trips
    result.extra["round_trips_per_request"] = per_request
    result.extra["backend_us_per_request"] = backend_us
    result.extra["note"] = (
        f"{result.extra.get('note', '')}, {per_request:.1f} round trips/request "
        f"({statements_per_request:.1f} statements), backends {backend_us:,.0f} µs/request"
    ).lstrip(", ")


def _postmaster(data: Path) -> int:
    return int((data / "postmaster.pid").read_text().split("\n", 1)[0])


def _execute(url: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None
