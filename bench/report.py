"""Scenario results: the table on the terminal and the JSON files under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["ScenarioResult", "brief", "machine_info", "render_table", "write_results"]

RESULTS = Path(__file__).resolve().parent / "results"
BUSY_OTHER = 0.25  # other processes used more than a quarter core: figures are depressed


@dataclass
class ScenarioResult:
    name: str
    target: str  # "trivial" or "connect-numbers[NORMAL]" ...
    ok: bool = False
    error: str | None = None
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    ratio: float | None = None  # rps / trivial's rps in the same run
    client_cpu: float | None = None  # CPU seconds / wall seconds (1.0 = one core)
    server_cpu: float | None = None
    other_cpu: float | None = None  # the rest of the machine's busy CPU in the same window
    server_us: float | None = None  # server CPU µs per request (stable where req/s is not)
    cpu_ratio: float | None = None  # trivial's server_us / this server_us in the same run
    extra: dict[str, Any] = field(default_factory=dict)


def brief(error: BaseException, limit: int = 600) -> str:
    """One error as text: its type, the start and the end (a traceback's last line)."""
    text = f"{type(error).__name__}: {error}"
    if len(text) <= limit:
        return text
    return text[: limit // 3] + " ... " + text[-(limit - limit // 3) :]


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def render_table(results: list[ScenarioResult]) -> str:
    header = (
        f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'ratio':>8}{'µs/req':>8}{'µs rat':>8}{'client':>8}{'server':>8}{'other':>8}  notes"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if not r.ok and not r.requests:
            lines.append(f"{r.name:<28}{'FAILED':>9}  {r.error}")
            continue
        note = str(r.extra.get("note", ""))
        if (r.other_cpu or 0) > BUSY_OTHER:
            note = f"{note} [machine busy with other work]".strip()
        if r.error:
            note = f"{note} ERROR: {r.error}".strip()
        lines.append(
            f"{r.name:<28}{_num(r.rps):>9}{_num(r.p50_ms, 2):>9}{_num(r.p99_ms, 2):>9}"
            f"{r.errors:>8}{_pct(r.ratio):>8}{_num(r.server_us):>8}{_pct(r.cpu_ratio):>8}"
            f"{_pct(r.client_cpu):>8}{_pct(r.server_cpu):>8}"
            f"{_pct(r.other_cpu):>8}"
            f"  {note}"
        )
    lines.append(
        "ratio = req/s / trivial req/s in this run. µs/req = server CPU µs per request; "
        "µs rat = trivial's µs/req / this µs/req.\nclient, server, other = CPU time / wall "
        "time (100% = one core); other = the rest of the machine (other processes, steal)."
    )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
            cwd=RESULTS.parent.parent,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
            cwd=RESULTS.parent.parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine_info(wrk_version: str | None) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git_commit": _git_commit(),
        "wrk": wrk_version,
    }


def write_results(document: dict[str, Any], started: datetime) -> Path:
    """Write ``<UTC timestamp>.json`` and ``latest.json``; answer the timestamped path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    path = RESULTS / f"{started.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    for target in (path, RESULTS / "latest.json"):
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(text)
        tmp.replace(target)
    return path


def as_json(results: list[ScenarioResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def markdown_table(scenarios: list[dict[str, Any]]) -> str:
    """A results file's scenarios as a Markdown table (for docs/benchmarks.md)."""

    def pct(value: float | None) -> str:
        return _pct(value).replace("%", " %") if value is not None else "-"

    rows = [
        "| scenario | req/s | p50 ms | p99 ms | errors | ratio | server µs/req | µs ratio "
        "| client CPU | server CPU | other CPU | notes |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for s in scenarios:
        if not s["requests"]:
            rows.append(f"| {s['name']} | FAILED | | | | | | | | | | {_cell(s['error'])} |")
            continue
        note = s["extra"].get("note", "")
        if s["error"]:
            note = f"{note} {s['error']}".strip()
        rows.append(
            f"| {s['name']} | {s['rps']:,.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} "
            f"| {s['errors']} | {pct(s['ratio'])} | {_num(s.get('server_us'))} "
            f"| {pct(s.get('cpu_ratio'))} | {pct(s['client_cpu'])} "
            f"| {pct(s['server_cpu'])} | {pct(s.get('other_cpu'))} | {_cell(note)} |"
        )
    return "\n".join(rows)


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "latest.json"
    print(markdown_table(json.loads(path.read_text())["scenarios"]))
