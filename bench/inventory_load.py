"""``python -m bench.inventory_load``: ``connect-numbers inventory load`` of a large CSV file.

Writes a file of N valid US DID rows (whole exchanges of Seattle-area codes, each
exchange checked against the inventory rules once), starts a server on a fresh
SQLite file (or uses ``--db``), and times the command as a user runs it, twice: the
first load adds every number, the second finds them all already present.

    python -m bench.inventory_load --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from connect_numbers.domain.inventory import NumberType, conforms

from .processes import ServerProcess, connect_numbers_argv, free_port

__all__ = ["main", "valid_rows"]

AREA_CODES = ("206", "253", "360", "425", "509", "212", "312", "415", "503", "617")


def valid_rows(count: int) -> Iterator[str]:
    """``count`` CSV rows of distinct valid US DID numbers."""
    made = 0
    for area in AREA_CODES:
        for exchange in range(200, 1000):
            first, last = f"+1{area}{exchange}0000", f"+1{area}{exchange}9999"
            if not (conforms(first, "US", NumberType.DID) and conforms(last, "US", NumberType.DID)):
                continue
            for line in range(10_000):
                yield f"+1{area}{exchange}{line:04d},US,DID\n"
                made += 1
                if made == count:
                    return
    raise ValueError(f"fewer than {count} numbers in the chosen area codes")


def timed_load(endpoint: str, csv_path: Path) -> tuple[float, float, str]:
    """Wall time of the command, its own CPU time (the client's share), and its summary."""
    script = Path(sys.executable).with_name("connect-numbers")
    before = _children_cpu()
    started = time.monotonic()
    done = subprocess.run(
        [str(script), "--endpoint", endpoint, "inventory", "load", str(csv_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"inventory load failed ({done.returncode}): {done.stderr}")
    return elapsed, _children_cpu() - before, done.stdout.strip()


def _children_cpu() -> float:
    """CPU seconds of the children waited for so far (the server is still running)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inventory_load")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "numbers.csv"
        with csv_path.open("w") as out:
            out.writelines(valid_rows(options.rows))
        size = csv_path.stat().st_size
        print(f"{options.rows:,} rows, {size / 2**20:.1f} MiB")
        port = free_port()
        db = options.db or work / "inventory.db"
        server = ServerProcess(
            "server",
            connect_numbers_argv(port, db, "NORMAL"),
            port,
            "/_connect-numbers/health",
            work,
        )
        server.start()
        try:
            for run in ("first load", "same file again"):
                elapsed, client_cpu, summary = timed_load(server.url, csv_path)
                print(
                    f"{run}: {elapsed:.1f} s, {options.rows / elapsed:,.0f} rows/s, "
                    f"client CPU {client_cpu:.1f} s\n  {summary}"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
