"""``--workers-scaling``: the claim/release loop on 1 and on 2 worker processes.

Twice per database: with one account (every claim and release of one account and
region takes the same quota row lock, so they run one at a time whatever the number of
processes), and with 8 accounts, each with its own key and instance (the load that
several processes can share).

Each database (SQLite, then PostgreSQL when its server binaries are installed) gets a
server with ``--workers 1`` and then one with ``--workers 2``; the claim/release loop
(32 connections) runs against each. The figure of interest is the 2-worker cycles/s
over the 1-worker cycles/s. PostgreSQL is a throwaway cluster
(``connect_numbers.testing.postgres.TemporaryPostgres``, as the tests use; install it
with ``scripts/ensure-postgres``) running on the same machine, so its CPU time is part
of the ``other`` column.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from .fixtures import prepare_instance, prepare_tenants
from .processes import ServerProcess, connect_numbers_argv, free_port
from .report import ScenarioResult, brief
from .scenarios import Settings, run_churn_scenario

__all__ = ["run_workers_scaling"]


def run_workers_scaling(
    settings: Settings, tmp: Path, stack: contextlib.ExitStack
) -> list[ScenarioResult]:
    results = _scaling("sqlite", lambda w: f"sqlite:///{tmp / f'workers-{w}.db'}", settings, tmp)
    try:
        from connect_numbers.testing.postgres import TemporaryPostgres

        postgres = stack.enter_context(TemporaryPostgres())
    except Exception as error:
        print(f"  workers scaling on PostgreSQL skipped: {brief(error)}", flush=True)
        return [
            *results,
            ScenarioResult(name="claim_release[postgresql]", target="-", error=brief(error)),
        ]
    return [*results, *_scaling("postgresql", lambda w: postgres.url, settings, tmp)]


TENANTS = 8


def _scaling(
    kind: str, url_for: Callable[[int], str], settings: Settings, tmp: Path
) -> list[ScenarioResult]:
    results: list[ScenarioResult] = []
    for tenants in (0, TENANTS):
        pair = [_one(kind, workers, tenants, url_for, settings, tmp) for workers in (1, 2)]
        one, two = pair
        if one.ok and two.ok and one.extra.get("cycles_per_s"):
            scaling = two.extra["cycles_per_s"] / one.extra["cycles_per_s"]
            two.extra["workers_2_vs_1"] = scaling
            two.extra["note"] += f" ({scaling:.2f}x 1 worker)"
        results.extend(pair)
    return results


def _one(
    kind: str,
    workers: int,
    tenants: int,
    url_for: Callable[[int], str],
    settings: Settings,
    tmp: Path,
) -> ScenarioResult:
    accounts = f",{tenants} accounts" if tenants else ""
    name = f"claim_release[{kind},{workers}w{accounts}]"
    print(f"running {name} ...", flush=True)
    port = free_port()
    server = ServerProcess(
        f"{kind}-{workers}w-{tenants}",
        connect_numbers_argv(port, url_for(workers), "NORMAL", workers=workers),
        port,
        "/_connect-numbers/health",
        tmp,
    )
    try:
        server.start()
        fixture = prepare_instance(server.url)
        several = prepare_tenants(server.url, tenants) if tenants else None
        label = f"{kind},{workers}w"
        return run_churn_scenario(name, server, fixture, settings, label, several)
    except Exception as error:
        return ScenarioResult(name=name, target=kind, error=brief(error))
    finally:
        server.stop()
