"""``python -m bench``: run the scenarios, print the table, write bench/results/*.json."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from .cold_start import run_cold_start
from .fixtures import BENCH_CONFIG, BENCH_QUOTA, Fixture, prepare_instance, prepare_numbers
from .moto import run_moto_comparison
from .postgres import NAME as POSTGRES_SCENARIO
from .postgres import run_claim_release_postgresql
from .processes import ServerProcess, connect_numbers_argv, floor_argv, free_port, trivial_argv
from .report import ScenarioResult, as_json, brief, machine_info, render_table, write_results
from .scale import run_scale
from .scenarios import (
    ALL,
    NEEDS_NUMBERS,
    WRK_SCENARIOS,
    Settings,
    run_churn_scenario,
    run_wrk_scenario,
)
from .workers import run_workers_scaling
from .wrk import ensure_wrk, wrk_version

MAX_SECONDS = 120  # pre-signed requests must stay inside SigV4's 5-minute window


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput and latency of connect-numbers next to a trivial endpoint "
        "on the same ASGI stack.",
    )
    parser.add_argument("--seconds", type=int, default=5, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per wrk scenario")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--scenarios",
        default=",".join(ALL),
        help=f"comma-separated subset of: {', '.join(ALL)}",
    )
    parser.add_argument(
        "--synchronous",
        choices=("NORMAL", "FULL"),
        default="NORMAL",
        help="SQLite durability of the server (its --synchronous)",
    )
    parser.add_argument(
        "--durability",
        action="store_true",
        help="also run claim_release on a server with the other --synchronous mode",
    )
    parser.add_argument(
        "--moto",
        action="store_true",
        help="also run describe_instance against moto's server (moto_server) and compare",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also measure describe, release, a list page of 1000, search and RSS on a "
        "database of N claimed numbers next to one of 1,000 (e.g. --scale 1000000)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run describe_phone_number, list_phone_numbers_v2, search_available and "
        "claim_release against bench/floor.py, the least such answers cost in CPython on "
        "this machine (a reference, not the server)",
    )
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="also time serve's start to its first answered request, on a new and on an "
        "existing database (median of three starts each)",
    )
    parser.add_argument(
        "--workers-scaling",
        action="store_true",
        help="also run claim_release with --workers 1 and 2, on SQLite and PostgreSQL",
    )
    args = parser.parse_args(argv)
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = sorted(set(args.scenario_list) - set(ALL))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    if args.scale and not 1_000 <= args.scale <= 10_000_000:
        parser.error("--scale must be between 1000 and 10000000")
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be between 1 and {MAX_SECONDS}")
    if not 0 <= args.warmup <= 30 or not 1 <= args.threads <= args.connections <= 10_000:
        parser.error("need 0 <= --warmup <= 30 and 1 <= --threads <= --connections <= 10000")
    return args


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _start_connect_numbers(tmp: Path, synchronous: str, stack: contextlib.ExitStack) -> Any:
    port = free_port()
    db = tmp / f"bench-{synchronous.lower()}.db"
    server = ServerProcess(
        f"connect-numbers-{synchronous.lower()}",
        connect_numbers_argv(port, db, synchronous),
        port,
        "/_connect-numbers/health",
        tmp,
    )
    stack.callback(server.stop)
    server.start()
    return server


def _setup(server: ServerProcess, scenarios: list[str]) -> tuple[Fixture, str | None]:
    try:
        fixture = prepare_instance(server.url)
    except Exception as error:
        return Fixture(), f"setup failed: {brief(error)}"
    if NEEDS_NUMBERS & set(scenarios) or "trivial" in scenarios:
        prepare_numbers(server.url, fixture)
        if fixture.numbers_error:
            print(f"  {fixture.numbers_error}", flush=True)
    return fixture, None


def _run(args: argparse.Namespace, tmp: Path, stack: contextlib.ExitStack) -> dict[str, Any]:
    settings = Settings(args.seconds, args.warmup, args.connections, args.threads)
    wrk: str | None = None
    wrk_error: str | None = None
    if set(args.scenario_list) & set(WRK_SCENARIOS):
        try:
            wrk = ensure_wrk()
        except Exception as error:
            wrk_error = str(error)
            print(f"  {wrk_error}", flush=True)
    print("starting the trivial endpoint and connect-numbers ...", flush=True)
    trivial = ServerProcess("trivial", trivial_argv(free_port()), 0, "/", tmp)
    trivial.port = int(trivial.argv[-1])
    stack.callback(trivial.stop)
    trivial.start()
    server = _start_connect_numbers(tmp, args.synchronous, stack)
    label = f"connect-numbers[{args.synchronous}]"
    print(f"setting up (boto3 against {server.url}) ...", flush=True)
    fixture, setup_error = _setup(server, args.scenario_list)
    results: list[ScenarioResult] = []
    for name in args.scenario_list:
        print(f"running {name} ...", flush=True)
        if name == POSTGRES_SCENARIO:
            result = run_claim_release_postgresql(settings, tmp, stack)
        elif name != "trivial" and setup_error:
            result = ScenarioResult(name=name, target=label, error=setup_error)
        else:
            target = trivial if name == "trivial" else server
            label_of = "trivial" if name == "trivial" else label
            result = (
                run_churn_scenario(name, server, fixture, settings, label)
                if name == "claim_release"
                else run_wrk_scenario(name, target, fixture, wrk, settings, label_of)
            )
        if wrk_error and result.error == "RuntimeError: wrk is not available":
            result.error = wrk_error
        results.append(result)
    results.extend(_optional(args, results, fixture, wrk, settings, tmp, stack))
    _ratios(results)
    return {"fixture_config": BENCH_CONFIG, "quota": BENCH_QUOTA, "results": results}


def _optional(
    args: argparse.Namespace,
    results: list[ScenarioResult],
    fixture: Fixture,
    wrk: str | None,
    settings: Settings,
    tmp: Path,
    stack: contextlib.ExitStack,
) -> list[ScenarioResult]:
    """The scenarios the options add (--floor, --durability, --moto, ...)."""
    more: list[ScenarioResult] = []
    if args.floor:
        more.extend(_floor(args, fixture, wrk, settings, tmp, stack))
    if args.durability and "claim_release" in args.scenario_list:
        more.extend(_durability(args, tmp, stack, settings, results))
    if args.moto:
        print("running describe_instance against moto_server ...", flush=True)
        ours = next((r for r in results if r.name == "describe_instance"), None)
        more.append(run_moto_comparison(wrk, settings, tmp, ours))
    if args.workers_scaling:
        more.extend(run_workers_scaling(settings, tmp, stack))
    if args.scale:
        more.extend(run_scale(args.scale, wrk, settings, tmp, stack))
    if args.cold_start:
        print("timing cold starts ...", flush=True)
        more.extend(run_cold_start(tmp))
    return more


_FLOOR_SCENARIOS = (
    "describe_phone_number",
    "list_phone_numbers_v2",
    "search_available",
    "claim_release",
)


def _floor(
    args: argparse.Namespace,
    fixture: Fixture,
    wrk: str | None,
    settings: Settings,
    tmp: Path,
    stack: contextlib.ExitStack,
) -> list[ScenarioResult]:
    """The scenarios bench/floor.py answers that this run has, against it on the server's
    database (describe_phone_number always)."""
    port = free_port()
    db = tmp / f"bench-{args.synchronous.lower()}.db"
    floor = ServerProcess("floor", floor_argv(port, db), port, "/", tmp)
    stack.callback(floor.stop)
    try:
        floor.start()
    except RuntimeError as error:
        return [
            ScenarioResult(name="describe_phone_number[floor]", target="floor", error=brief(error))
        ]
    results: list[ScenarioResult] = []
    for scenario in _FLOOR_SCENARIOS:
        if scenario != "describe_phone_number" and scenario not in args.scenario_list:
            continue
        name = f"{scenario}[floor]"
        print(f"running {name} ...", flush=True)
        result = (
            run_churn_scenario(name, floor, fixture, settings, "floor")
            if scenario == "claim_release"
            else run_wrk_scenario(scenario, floor, fixture, wrk, settings, "floor")
        )
        result.name = name
        note = result.extra.get("note")
        floor_note = "bench/floor.py: the least this costs here (a reference)"
        result.extra["note"] = f"{note}; {floor_note}" if note else floor_note
        results.append(result)
    floor.stop()
    return results


def _durability(
    args: argparse.Namespace,
    tmp: Path,
    stack: contextlib.ExitStack,
    settings: Settings,
    results: list[ScenarioResult],
) -> list[ScenarioResult]:
    other = "FULL" if args.synchronous == "NORMAL" else "NORMAL"
    label = f"connect-numbers[{other}]"
    name = f"claim_release[{other}]"
    print(f"running {name} on a second server (--synchronous {other}) ...", flush=True)
    try:
        server = _start_connect_numbers(tmp, other, stack)
        fixture = prepare_instance(server.url)
    except Exception as error:
        return [ScenarioResult(name=name, target=label, error=f"setup failed: {brief(error)}")]
    result = run_churn_scenario(name, server, fixture, settings, label)
    server.stop()
    base = next((r for r in results if r.name == "claim_release" and r.ok), None)
    if base is not None and base.extra.get("cycles_per_s") and result.ok:
        vs = result.extra["cycles_per_s"] / base.extra["cycles_per_s"]
        result.extra[f"cycles_vs_{args.synchronous}"] = vs
        result.extra["note"] += f" ({vs:.2f}x {args.synchronous})"
    for r in results:
        if r.name == "claim_release":
            r.name = f"claim_release[{args.synchronous}]"
    return [result]


def _ratios(results: list[ScenarioResult]) -> None:
    trivial = next((r for r in results if r.name == "trivial" and r.ok and r.rps), None)
    for r in results:
        if trivial is not None and r.rps:
            r.ratio = r.rps / trivial.rps
        if trivial is not None and trivial.server_us and r.server_us:
            r.cpu_ratio = trivial.server_us / r.server_us


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):  # also inside the asyncio runner
        signal.signal(signum, _terminate)
    started = datetime.now(UTC)
    clock = time.monotonic()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cn-")))
        try:
            outcome = _run(args, tmp, stack)
        except KeyboardInterrupt:
            print("\ninterrupted: stopping the servers", file=sys.stderr)
            return 130
        except RuntimeError as error:  # a server that would not start
            print(f"bench failed: {error}", file=sys.stderr)
            return 2
    results: list[ScenarioResult] = outcome["results"]
    document = {
        "started_at": started.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - clock, 1),
        "machine": machine_info(wrk_version(w) if (w := _which_wrk()) else None),
        "options": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "synchronous": args.synchronous,
            "durability": args.durability,
            "moto": args.moto,
            "scale": args.scale,
            "workers_scaling": args.workers_scaling,
            "cold_start": args.cold_start,
            "floor": args.floor,
            "server_config": outcome["fixture_config"],
            "quota_phone_numbers_per_instance": outcome["quota"],
        },
        "scenarios": as_json(results),
    }
    print()
    print(render_table(results))
    path = write_results(document, started)
    print(f"\nresults: {path} (and {path.parent / 'latest.json'})")
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(f"FAILED or with errors: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _which_wrk() -> str | None:
    import shutil

    return shutil.which("wrk")


if __name__ == "__main__":
    sys.exit(main())
