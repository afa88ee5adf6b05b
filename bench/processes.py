"""Start, watch and stop the server processes; CPU time of a process from /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = [
    "CLK_TCK",
    "ServerProcess",
    "busy_seconds",
    "cpu_seconds",
    "free_port",
    "moto_argv",
    "rss_bytes",
]

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]  # so that ``-m bench.trivial`` imports
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (Linux /proc)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (uvicorn's worker processes under ``--workers N``)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and of its direct children (still running)."""
    total = cpu_seconds(pid)
    for child in _children(pid):
        with contextlib.suppress(OSError):  # exited meanwhile
            total += cpu_seconds(child)
    return total


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` and its direct children, in bytes (Linux /proc)."""
    total = 0
    for one in (pid, *_children(pid)):
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def busy_seconds() -> float:
    """CPU seconds all cores spent in processes so far, and stolen by the hypervisor.

    Interrupt time is left out: under load it is mostly the bench's own loopback
    traffic, which no process is charged for.
    """
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(int, fields[1:9])
    return (user + nice + system + steal) / CLK_TCK


class ServerProcess:
    """One server process, started in its own session, logging to a file."""

    def __init__(self, name: str, argv: list[str], port: int, health_path: str, logs: Path):
        self.name = name
        self.argv = argv
        self.port = port
        self.health_path = health_path
        self.log_path = logs / f"{name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._proc.pid

    def start(self, ready_timeout: float = 30.0) -> None:
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop it in order
            )
        self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with status {self._proc.returncode}:\n{self.log_tail(6)}"
                )
            try:
                with urllib.request.urlopen(self.url + self.health_path, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return rss_bytes(self.pid)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; always reaps the process."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def connect_numbers_argv(
    port: int, db: Path | str, synchronous: str, workers: int = 1
) -> list[str]:
    """``connect-numbers serve`` from this venv on a SQLite file (or a database URL),
    warnings only."""
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    script = Path(sys.executable).parent / "connect-numbers"
    command = [str(script)] if script.exists() else [sys.executable, "-m", _CLI_MODULE]
    return [
        *command,
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--db",
        url,
        "--synchronous",
        synchronous,
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def moto_argv(port: int) -> list[str]:
    """moto's standalone server (``moto_server``, from moto[server]) on 127.0.0.1."""
    script = Path(sys.executable).parent / "moto_server"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return [*command, "-H", HOST, "-p", str(port)]


def trivial_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "bench.trivial", "--host", HOST, "--port", str(port)]


def floor_argv(port: int, db: Path) -> list[str]:
    """bench/floor.py on the bench's SQLite database."""
    where = ["--host", HOST, "--port", str(port), "--db", str(db)]
    return [sys.executable, "-m", "bench.floor", *where]


_CLI_MODULE = "connect_numbers.entrypoints.cli"
