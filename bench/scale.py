"""``--scale N``: the same requests on a database holding N claimed numbers, next to 1,000.

Filling a database through the API would take hours at N = 1,000,000, so the fixture
writes the rows itself, with the project's own table definitions
(``connect_numbers.store.tables``) and one executemany per 20,000 rows, into the
database of a running server (created and migrated by it). What it writes is what
claims would have left: N settled US DID numbers of the bench account in us-east-1,
taken evenly across the synthetic US DID space (so searches meet them at their real
density), held by 1,000 instances created the same way (so that no instance holds more
than a realistic share) — plus the bench instance, which the claim/release loop uses.
Each number has its CLAIM event, and N/10 more numbers were claimed and released (their
CLAIM and RELEASE events, and their releases still cooling), as a log that has seen churn.

Measured on each database (the 1,000-number one first, then N):

- ``describe``: DescribePhoneNumber over 100 of the filled numbers, wrk, 32 connections;
- ``release``: the claim/release loop (32 connections); its ReleasePhoneNumber p50;
- ``list1000``: ListPhoneNumbersV2 of the whole account, ``MaxResults`` 1000, with one
  connection, so that the latency is the server's time for a page plus the loopback;
- ``search``: SearchAvailablePhoneNumbers (US DID, 10), one connection;
- the admin read API (a page of 1000 numbers, filtered pages, 1000 cooldowns, the churn
  budget, the summary) and the console's page-load times in headless Chromium
  (bench/admin_reads.py);
- the server's resident memory (RSS) after the runs.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from .admin_reads import run_admin_reads, run_console_loads
from .fixtures import ACCOUNT, Fixture, prepare_instance
from .processes import ServerProcess, connect_numbers_argv, free_port
from .report import ScenarioResult, brief
from .scenarios import Settings, run_churn_scenario, run_wrk_scenario
from .signing import REGION, botocore_signed
from .wrk import probe, run_wrk

__all__ = ["BASELINE", "run_scale"]

BASELINE = 1_000
INSTANCES = 1_000
_CHUNK = 20_000


def run_scale(
    count: int, wrk: str | None, settings: Settings, tmp: Path, stack: contextlib.ExitStack
) -> list[ScenarioResult]:
    """Both databases' results; the N-number ones carry their ratio to the 1,000 ones."""
    results: list[ScenarioResult] = []
    by_size: dict[int, dict[str, ScenarioResult]] = {}
    for size in (BASELINE, count) if count != BASELINE else (count,):
        print(f"scale: filling a database with {size:,} claimed numbers ...", flush=True)
        measured = _measure_size(size, wrk, settings, tmp, stack)
        by_size[size] = {r.name.split("[", 1)[0]: r for r in measured}
        results.extend(measured)
    _compare(by_size.get(BASELINE, {}), by_size.get(count, {}), count)
    return results


def _measure_size(
    size: int, wrk: str | None, settings: Settings, tmp: Path, stack: contextlib.ExitStack
) -> list[ScenarioResult]:
    label = f"{size:,}"
    port = free_port()
    db = tmp / f"scale-{size}.db"
    server = ServerProcess(
        f"scale-{size}",
        connect_numbers_argv(port, db, "NORMAL"),
        port,
        "/_connect-numbers/health",
        tmp,
    )
    stack.callback(server.stop)
    try:
        server.start()
        fixture = prepare_instance(server.url)
        started = time.monotonic()
        sample, holder = fill(f"sqlite:///{db}", fixture, size)
        fill_seconds = time.monotonic() - started
        fixture = replace(fixture, phone_number_ids=sample)
    except Exception as error:
        return [ScenarioResult(name=f"scale[{label}]", target="scale", error=brief(error))]
    print(f"scale: {size:,} numbers written in {fill_seconds:.1f} s", flush=True)
    one = replace(settings, connections=1, threads=1)
    results = [
        _named(run_wrk_scenario("describe_phone_number", server, fixture, wrk, settings, label)),
        _named(_run_list_page(server, wrk, one, label), "list1000"),
        _named(run_wrk_scenario("search_available", server, fixture, wrk, one, label), "search"),
        *run_admin_reads(server, wrk, one, holder),
        run_console_loads(server),
        _named(run_churn_scenario("release", server, fixture, settings, label), "release"),
    ]
    rss = server.rss_bytes()
    server.stop()
    for r in results:
        r.name = f"{r.name}[{label}]"
        r.extra["numbers"] = size
        r.extra["fill_seconds"] = round(fill_seconds, 1)
        r.extra["server_rss_mb"] = round(rss / 2**20, 1)
    results[0].extra["note"] = f"server RSS {rss / 2**20:,.0f} MB"
    return results


def _named(result: ScenarioResult, name: str | None = None) -> ScenarioResult:
    if name is not None:
        result.name = name
    elif result.name == "describe_phone_number":
        result.name = "describe"
    return result


def _run_list_page(
    server: ServerProcess, wrk: str | None, settings: Settings, label: str
) -> ScenarioResult:
    """ListPhoneNumbersV2 of the whole account (no target), 1000 numbers a page."""
    result = ScenarioResult(name="list1000", target=label)
    try:
        if wrk is None:
            raise RuntimeError("wrk is not available")
        body = {"MaxResults": 1000}
        requests = [botocore_signed(server.url, "POST", "/phone-number/list", body)]
        failure = probe("127.0.0.1", server.port, requests[0])
        if failure:
            raise RuntimeError(f"probe failed: {failure}")
        run = run_wrk(wrk, server.url, requests, settings.seconds, 1, 1)
    except Exception as error:
        result.error = brief(error)
        return result
    result.rps, result.p50_ms, result.p99_ms = run.rps, run.p50_ms, run.p99_ms
    result.requests, result.errors, result.seconds = run.requests, run.errors, run.seconds
    result.ok = run.errors == 0
    result.extra = {"client": "wrk -t1 -c1", "p90_ms": run.p90_ms}
    return result


def _compare(small: dict[str, ScenarioResult], large: dict[str, ScenarioResult], n: int) -> None:
    """Notes on the N-number results: p50 against the 1,000-number database."""
    for name, key in (("describe", "p50"), ("release", "release_p50_ms")):
        a, b = small.get(name), large.get(name)
        if a is None or b is None or not (a.ok and b.ok):
            continue
        base = a.p50_ms if key == "p50" else a.extra.get(key, 0.0)
        value = b.p50_ms if key == "p50" else b.extra.get(key, 0.0)
        if base:
            b.extra["p50_vs_1000"] = value / base
            b.extra["note"] = (
                f"{b.extra.get('note', '')} p50 {value:.2f} ms = {value / base:.2f}x "
                f"the {BASELINE:,}-number database"
            ).strip()
    for name in ("list1000", "search", "admin_numbers1000"):
        r = large.get(name)
        if r is not None and r.ok:
            r.extra["note"] = f"1 connection: p50 {r.p50_ms:.2f} ms per request"


def fill(db_url: str, fixture: Fixture, count: int) -> tuple[list[str], str]:
    """Write ``count`` settled claims (their instances, events, and count/10 released
    numbers); answers 100 of the claims' ids and the id of one instance."""
    import sqlalchemy as sa

    from connect_numbers.store.engine import create_engine
    from connect_numbers.store.tables import events, instances, phone_numbers, releases

    engine = create_engine(db_url)
    now = time.time() - 3600
    holders = [_instance_row(now) for _ in range(INSTANCES)]
    sample: list[str] = []
    stride = max(1, count // 100)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(instances), holders)
            for start in range(0, count, _CHUNK):
                rows = [
                    _number_row(i, count, holders[i % INSTANCES], now)
                    for i in range(start, min(count, start + _CHUNK))
                ]
                connection.execute(sa.insert(phone_numbers), rows)
                connection.execute(sa.insert(events), [_claim_event(r) for r in rows])
                sample.extend(r["id"] for k, r in enumerate(rows, start) if k % stride == 0)
            _fill_releases(connection, count, now, events, releases)
        # outside any transaction; no ANALYZE: the server never runs one, and statistics
        # taken while the idempotency table is nearly empty make SQLite scan it from then on
        driver = engine.raw_connection()
        try:
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
        finally:
            driver.close()
    finally:
        engine.dispose()
    return sample[:100], holders[0]["id"]


def _claim_event(row: dict[str, Any], event: str = "CLAIM") -> dict[str, Any]:
    return {
        "time": row["started_at"],
        "event": event,
        "e164": row["e164"],
        "phone_number_id": row["id"],
        "account_id": row["account_id"],
        "region": row["region"],
        "principal": "bench",
        "request_id": str(uuid.uuid4()),
        "detail": {},
    }


def _fill_releases(connection: Any, count: int, now: float, events: Any, releases: Any) -> None:
    """count/10 numbers claimed and released before ``now``, still cooling, with events;
    taken from the odd positions of the space the held numbers leave free."""
    import sqlalchemy as sa

    from connect_numbers.store.tables import churn_days

    space = _us_did_space()
    step = space.count // count
    released = count // 10
    per_day: dict[int, int] = {}  # what each release bumps in churn_days, as the server does
    for start in range(0, released, _CHUNK):
        rows = []
        for i in range(start, min(released, start + _CHUNK)):
            number_id = str(uuid.uuid4())
            at = now - 86_400 * (1 + i % 170)
            rows.append(
                {
                    "id": number_id,
                    "e164": space.number_at(i * 10 * step + step // 2),
                    "account_id": ACCOUNT,
                    "region": REGION,
                    "started_at": at - 3600,
                    "released_at": at,
                }
            )
        connection.execute(sa.insert(events), [_claim_event(r) for r in rows])
        connection.execute(
            sa.insert(events),
            [{**_claim_event(r, "RELEASE"), "time": r["released_at"]} for r in rows],
        )
        connection.execute(sa.insert(releases), [_release_row(r) for r in rows])
        for r in rows:
            day = int(r["released_at"] // 86_400)
            per_day[day] = per_day.get(day, 0) + 1
    days = [
        {"account_id": ACCOUNT, "region": REGION, "day": day, "releases": n}
        for day, n in per_day.items()
    ]
    if days:
        connection.execute(sa.insert(churn_days), days)


def _release_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "phone_number_id": row["id"],
        "e164": row["e164"],
        "account_id": row["account_id"],
        "region": row["region"],
        "released_at": row["released_at"],
        "cooldown_until": row["released_at"] + 180 * 86_400,
        "restored_at": None,
        "snapshot": {},
    }


def _instance_row(now: float) -> dict[str, Any]:
    instance_id = str(uuid.uuid4())
    return {
        "id": instance_id,
        "account_id": ACCOUNT,
        "region": REGION,
        "arn": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{instance_id}",
        "identity_management_type": "CONNECT_MANAGED",
        "alias": None,
        "alias_key": None,
        "directory_id": None,
        "inbound_calls_enabled": True,
        "outbound_calls_enabled": True,
        "created_at": now,
        "settles_at": now,
    }


_SPACE: list[Any] = []


def _us_did_space() -> Any:
    if not _SPACE:
        from connect_numbers.domain.inventory import NumberType, SyntheticInventory

        bucket = SyntheticInventory(["US"]).bucket("US", NumberType.DID)
        assert bucket is not None
        _SPACE.append(bucket.space())
    return _SPACE[0]


def _number_row(i: int, count: int, holder: dict[str, Any], now: float) -> dict[str, Any]:
    space = _us_did_space()
    number_id = str(uuid.uuid4())
    return {
        "id": number_id,
        "e164": space.number_at(i * (space.count // count)),
        "arn": f"arn:aws:connect:{REGION}:{ACCOUNT}:phone-number/{number_id}",
        "country": "US",
        "type": "DID",
        "account_id": ACCOUNT,
        "region": REGION,
        "target_arn": holder["arn"],
        "instance_id": holder["id"],
        "description": None,
        "source_arn": None,
        "operation": "CLAIM",
        "started_at": now,
        "settles_at": now,
        "failure": None,
    }
