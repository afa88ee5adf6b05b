"""The Claim+Release scenario: claim a searched number, release it, as fast as possible.

Every request differs (new number, new id, new ClientToken), so each is signed as it
is sent (:class:`FastSigner`). 32 workers each own a keep-alive connection; a shared
pool of searched numbers is refilled by whichever worker finds it empty (one
SearchAvailablePhoneNumbers page of 10 per refill, counted as requests too).

With several tenants (``--workers-scaling``), connection ``i`` works for tenant
``i mod n``: its own access key, instance and pool of numbers, as independent
customers of one server would.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from .httpclient import Connection, HttpError
from .signing import ACCESS_KEY, SECRET_KEY, FastSigner

__all__ = ["ChurnResult", "Tenant", "run_churn"]

_SEARCH_PATH = "/phone-number/search-available"
_CLAIM_PATH = "/phone-number/claim"


class ChurnFailure(Exception):
    pass


@dataclass(frozen=True)
class Tenant:
    """One account's access key and the instance its numbers are claimed to."""

    access_key: str
    secret_key: str
    target_arn: str


@dataclass
class ChurnResult:
    cycles: int = 0
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    client_cpu_seconds: float = 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, q: float, op: str | None = None) -> float:
        values = sorted(
            self.latencies_ms.get(op, [])
            if op
            else [v for vs in self.latencies_ms.values() for v in vs]
        )
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q / 100 * len(values)))]


class _Client:
    """Signs, sends and times one operation; records failures by kind."""

    def __init__(self, signer: FastSigner, result: ChurnResult) -> None:
        self.signer = signer
        self.result = result
        self.last_error = ""

    async def call(
        self,
        conn: Connection,
        op: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
    ) -> dict[str, Any] | None:
        data = b"" if body is None else json.dumps(body).encode()
        request = self.signer.sign(method, path, query or {}, data)
        started = time.perf_counter()
        try:
            status, headers, answer = await conn.send(request)
        except HttpError as error:
            self.result.requests += 1
            self.last_error = f"{op}: {error}"[:200]
            self.result.errors[self.last_error] += 1
            return None
        self.result.requests += 1
        self.result.latencies_ms.setdefault(op, []).append((time.perf_counter() - started) * 1e3)
        if 200 <= status < 300:
            parsed: dict[str, Any] = json.loads(answer or b"{}")
            return parsed
        kind = headers.get("x-amzn-errortype", "")
        message = _message(answer)
        self.last_error = f"{op}: {status} {kind} {message}"[:200]
        self.result.errors[self.last_error] += 1
        return None


def _message(body: bytes) -> str:
    try:
        decoded = json.loads(body)
    except ValueError:
        return body[:120].decode(errors="replace")
    if isinstance(decoded, dict):
        return str(decoded.get("Message") or decoded.get("message") or "")[:120]
    return ""


class _NumberPool:
    """Searched numbers not yet taken; refilled one search page at a time."""

    def __init__(self, client: _Client, target_arn: str) -> None:
        self.client = client
        self.target_arn = target_arn
        self.numbers: deque[str] = deque()
        self.seen: set[str] = set()
        self.next_token: str | None = None
        self.lock = asyncio.Lock()
        self.empty_pages = 0

    async def take(self, conn: Connection) -> str:
        for _ in range(100):  # bounded: each pass either pops or searches a page
            if self.numbers:
                return self.numbers.popleft()
            async with self.lock:
                if not self.numbers:
                    await self._refill(conn)
        raise ChurnFailure("could not obtain a number to claim")

    async def _refill(self, conn: Connection) -> None:
        body: dict[str, Any] = {
            "TargetArn": self.target_arn,
            "PhoneNumberCountryCode": "US",
            "PhoneNumberType": "DID",
            "MaxResults": 10,
        }
        if self.next_token:
            body["NextToken"] = self.next_token
        found = await self.client.call(conn, "search", "POST", _SEARCH_PATH, body)
        if found is None:
            raise ChurnFailure(f"SearchAvailablePhoneNumbers failed: {self.client.last_error}")
        self.next_token = found.get("NextToken")
        fresh = [
            n["PhoneNumber"]
            for n in found.get("AvailableNumbersList", [])
            if n["PhoneNumber"] not in self.seen
        ]
        self.seen.update(fresh)
        self.numbers.extend(fresh)
        self.empty_pages = 0 if fresh else self.empty_pages + 1
        if self.empty_pages >= 5:
            raise ChurnFailure("SearchAvailablePhoneNumbers returned no new number 5 times")


async def _cycle(client: _Client, pool: _NumberPool, conn: Connection) -> bool:
    number = await pool.take(conn)
    claim = {"TargetArn": pool.target_arn, "PhoneNumber": number, "ClientToken": str(uuid.uuid4())}
    claimed = await client.call(conn, "claim", "POST", _CLAIM_PATH, claim)
    if claimed is None:
        return False
    path = "/phone-number/" + claimed["PhoneNumberId"]
    token = {"clientToken": str(uuid.uuid4())}
    return await client.call(conn, "release", "DELETE", path, query=token) is not None


async def _worker(client: _Client, pool: _NumberPool, conn: Connection, until: float) -> None:
    try:
        while time.monotonic() < until:
            if await _cycle(client, pool, conn):
                client.result.cycles += 1
            elif client.result.error_count > 10_000 and not client.result.cycles:
                return  # nothing works: stop hammering
    finally:
        await conn.close()


async def _run(
    host: str, port: int, tenants: list[Tenant], seconds: float, connections: int
) -> ChurnResult:
    result = ChurnResult()
    clients = [
        _Client(FastSigner(f"{host}:{port}", t.access_key, t.secret_key), result) for t in tenants
    ]
    pools = [_NumberPool(c, t.target_arn) for c, t in zip(clients, tenants, strict=True)]
    for client, pool in zip(clients, pools, strict=True):
        probe_conn = Connection(host, port)
        try:
            if not await _cycle(client, pool, probe_conn):  # one cycle, untimed, must work
                raise ChurnFailure("probe cycle failed: " + "; ".join(result.errors))
        finally:
            await probe_conn.close()
    result = ChurnResult()
    for client in clients:
        client.result = result
    conns = [Connection(host, port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    cpu_before = _cpu()
    started = time.monotonic()
    n = len(tenants)
    tasks = [
        asyncio.create_task(_worker(clients[i % n], pools[i % n], c, started + seconds))
        for i, c in enumerate(conns)
    ]
    try:
        done, pending = await asyncio.wait(tasks, timeout=seconds + 60)
    finally:
        for task in tasks:
            task.cancel()  # no-op for finished ones
    if pending:
        raise ChurnFailure("workers did not stop within 60 s of the end of the run")
    failures = [e for t in done if (e := t.exception()) is not None]
    if failures:
        raise failures[0]
    result.seconds = time.monotonic() - started
    result.client_cpu_seconds = _cpu() - cpu_before
    return result


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_churn(
    host: str,
    port: int,
    target_arn: str,
    seconds: float,
    connections: int,
    tenants: list[Tenant] | None = None,
) -> ChurnResult:
    """Run the loop for ``seconds`` (cycles in flight finish); uvloop when available.

    Without ``tenants``, every connection claims to ``target_arn`` with the local key.
    """
    if not tenants:
        tenants = [Tenant(ACCESS_KEY, SECRET_KEY, target_arn)]
    try:
        import uvloop

        factory: Any = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(_run(host, port, tenants, seconds, connections))
