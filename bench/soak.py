"""``python -m bench.soak``: claim + release as fast as possible for a few minutes while
the service clock runs fast, then report how big the tables are.

Every claim and release carries a ClientToken (as boto3 sends), so without the
background maintenance the idempotency table would grow by two rows per cycle forever.
The clock is advanced ``--clock-hours-per-second`` service hours per wall second, so a
24-hour token expires after ``24 / that`` wall seconds and the purge has work to do.
With ``--retention-days`` the history beyond it (and beyond the cooldown and the churn
window, both set to one day here) goes too.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .churn import run_churn
from .fixtures import BENCH_CONFIG, admin, prepare_instance
from .processes import ServerProcess, connect_numbers_argv, free_port

TABLES = ("idempotency", "events", "releases", "phone_numbers")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--db", default="", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--clock-hours-per-second", type=float, default=1.0)
    parser.add_argument("--retention-days", type=float, default=None)
    parser.add_argument("--maintenance-interval", type=float, default=60.0)
    return parser.parse_args()


def main() -> None:
    options = parse_args()
    with tempfile.TemporaryDirectory(prefix="connect-numbers-soak-") as folder:
        db = options.db or f"sqlite:///{Path(folder) / 'soak.db'}"
        port = free_port()
        argv = connect_numbers_argv(port, db, "NORMAL")
        argv += ["--maintenance-interval", str(options.maintenance_interval)]
        server = ServerProcess("soak", argv, port, "/_connect-numbers/health", Path(folder))
        server.start()
        try:
            print(json.dumps(soak(server.url, db, options), indent=2))
        finally:
            server.stop()


def soak(url: str, db: str, options: argparse.Namespace) -> dict[str, Any]:
    fixture = prepare_instance(url)
    config: dict[str, Any] = {**BENCH_CONFIG}
    if options.retention_days is not None:
        config |= {"cooldown_days": 1, "churn_window_days": 1}
        config["history_retention_days"] = options.retention_days
    admin(url, "PUT", "config", config)
    stop = threading.Event()
    ticker = threading.Thread(target=_run_clock, args=(url, options, stop), daemon=True)
    ticker.start()
    address = urlsplit(url)
    assert address.hostname is not None and address.port is not None
    cycles = requests = errors = 0
    rows_over_time: list[dict[str, int]] = []  # every 30 s: the rows of each table
    started = time.monotonic()
    try:
        while time.monotonic() - started < options.minutes * 60:
            result = run_churn(
                address.hostname, address.port, fixture.instance_arn, 30, options.connections
            )
            cycles, requests = cycles + result.cycles, requests + result.requests
            errors += result.error_count
            rows_over_time.append({t: size["rows"] for t, size in sizes(db).items()})
    finally:
        stop.set()
        ticker.join()
    seconds = time.monotonic() - started
    return {
        "minutes": round(seconds / 60, 2),
        "cycles": cycles,
        "requests_per_second": round(requests / seconds),
        "errors": errors,
        "service_days_passed": round(seconds * options.clock_hours_per_second / 24, 1),
        "history_retention_days": options.retention_days,
        "tables": sizes(db),
        "rows_every_30_seconds": rows_over_time,
    }


def _run_clock(url: str, options: argparse.Namespace, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        admin(url, "POST", "clock", {"advance_seconds": options.clock_hours_per_second * 3600})


def sizes(db: str) -> dict[str, dict[str, int]]:
    """Rows and bytes (table and its indexes) of each table."""
    if db.startswith("sqlite"):
        with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
            return {t: _sqlite_size(connection, t) for t in TABLES}
    import psycopg

    with psycopg.connect(db) as connection:
        found: dict[str, dict[str, int]] = {}
        for table in TABLES:
            row = connection.execute(
                f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}"
            ).fetchone()
            assert row is not None
            found[table] = {"rows": int(row[0]), "bytes": int(row[1])}
        return found


def _sqlite_size(connection: sqlite3.Connection, table: str) -> dict[str, int]:
    rows = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    used = connection.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ? "
        "OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = ? AND type = 'index')",
        (table, table),
    ).fetchone()[0]
    return {"rows": int(rows), "bytes": int(used)}


if __name__ == "__main__":
    main()
