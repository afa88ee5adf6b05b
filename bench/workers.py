"""``--workers-scaling``: the claim/release loop on 1 and on 2 worker processes.

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

from .fixtures import prepare_instance
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


def _scaling(
    kind: str, url_for: Callable[[int], str], settings: Settings, tmp: Path
) -> list[ScenarioResult]:
    results: list[ScenarioResult] = []
    for workers in (1, 2):
        name = f"claim_release[{kind},{workers}w]"
        print(f"running {name} ...", flush=True)
        port = free_port()
        server = ServerProcess(
            f"{kind}-{workers}w",
            connect_numbers_argv(port, url_for(workers), "NORMAL", workers=workers),
            port,
            "/_connect-numbers/health",
            tmp,
        )
        try:
            server.start()
            fixture = prepare_instance(server.url)
            result = run_churn_scenario(name, server, fixture, settings, f"{kind},{workers}w")
        except Exception as error:
            result = ScenarioResult(name=name, target=kind, error=brief(error))
        finally:
            server.stop()
        results.append(result)
    one, two = results
    if one.ok and two.ok and one.extra.get("cycles_per_s"):
        scaling = two.extra["cycles_per_s"] / one.extra["cycles_per_s"]
        two.extra["workers_2_vs_1"] = scaling
        two.extra["note"] += f" ({scaling:.2f}x 1 worker)"
    return results
