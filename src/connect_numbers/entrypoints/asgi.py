"""The ASGI application: reads the HTTP request, runs the pipeline, writes the response.

Requests are answered by a plain ASGI callable (no framework): the pipeline
does all routing from the Connect model. The pipeline is synchronous and
runs on the event loop's thread: database work is short, and on SQLite
writes are serialized by the database anyway. Several processes
(``--workers``) give parallelism.

Limits before any work is done: the request line and headers together at
most ``MAX_HEADER_BYTES`` (431 beyond), the body at most ``MAX_BODY_BYTES``
(413 beyond). An unexpected failure in the admin API is a JSON 500 whose
traceback goes to the log only, as in the Connect pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..protocol.serializer import Response, error_response
from . import console
from .admin import PREFIX, AdminApi
from .maintenance import Maintenance
from .pipeline import HttpRequest, Pipeline

__all__ = ["MAX_BODY_BYTES", "MAX_HEADER_BYTES", "ConnectNumbersApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 1 << 20  # 1 MiB; Connect's own requests are far smaller
MAX_HEADER_BYTES = 64 << 10  # path, query and headers; an SDK sends about 1 KiB
log = logging.getLogger("connect_numbers")


_DRAIN_LIMIT = 4 * MAX_BODY_BYTES


class BodyTooLarge(Exception):
    pass


class ConnectNumbersApp:
    def __init__(
        self, pipeline: Pipeline, admin: AdminApi, maintenance: Maintenance | None = None
    ) -> None:
        self.pipeline = pipeline
        self.admin = admin
        self.maintenance = maintenance  # started and stopped with the application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, self.maintenance)
            return
        if scope["type"] != "http":
            return
        if _header_bytes(scope) > MAX_HEADER_BYTES:
            await _send(send, _headers_too_large())
            return
        try:
            body = await _read_body(scope, receive)
        except BodyTooLarge:
            await _send(send, _too_large(scope))
            return
        response = self._respond(scope, body)
        if response.delay > 0:  # an injected latency: the loop serves others meanwhile
            await asyncio.sleep(response.delay)
        await _send(send, response)

    def _respond(self, scope: Scope, body: bytes) -> Response:
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        raw_path = raw_path.split("?", 1)[0]
        headers = _headers(scope)
        query = scope["query_string"].decode("latin-1")
        if console.serves(raw_path):
            return console.page(scope["method"], raw_path)
        if raw_path.startswith(PREFIX):
            return self._admin(scope["method"], raw_path, headers, body, _peer(scope), query)
        if console.browser_visit(scope["method"], raw_path, query, headers):
            return console.redirect()
        request = HttpRequest(scope["method"], raw_path, query, headers, body)
        return self.pipeline.handle(request)

    def _admin(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        peer: str,
        query: str,
    ) -> Response:
        try:
            return self.admin.handle(method, path, headers, body, peer, query)
        except Exception:
            request_id = str(uuid.uuid4())
            log.exception("admin request %s failed", request_id)
            answer = {"code": "InternalError", "message": f"Admin request failed ({request_id})"}
            return error_response("InternalError", 500, answer, request_id)


def _peer(scope: Scope) -> str:
    """The caller's address as ``host:port`` (``-`` when the server does not know it)."""
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


def _header_bytes(scope: Scope) -> int:
    size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return size + sum(len(name) + len(value) for name, value in scope["headers"])


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    declared = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        await _drain(receive, int(declared))
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            await _drain(receive, size if message.get("more_body", False) else 0)
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _drain(receive: Receive, expected: int) -> None:
    """Read and drop a refused body of moderate size, so the client, still sending it,
    gets the 413 rather than a reset connection; a larger one is cut off."""
    if expected > _DRAIN_LIMIT:
        return
    received = 0
    more = expected > 0
    while more and received <= _DRAIN_LIMIT:
        message = await receive()
        received += len(message.get("body", b""))
        more = bool(message.get("more_body", False))


def _too_large(scope: Scope) -> Response:
    """413 naming the limit; on the admin API with its ``code`` in the body too."""
    message = (
        f"Request body larger than the limit of {MAX_BODY_BYTES} bytes "
        f"({MAX_BODY_BYTES >> 20} MiB): send it in smaller parts"
    )
    body: dict[str, str] = {"message": message}
    if scope["path"].startswith(PREFIX):
        body = {"code": "RequestEntityTooLarge", **body}
    return error_response("RequestEntityTooLarge", 413, body, str(uuid.uuid4()))


def _headers_too_large() -> Response:
    body = {"message": f"Request line and headers larger than {MAX_HEADER_BYTES} bytes"}
    return error_response("RequestHeaderFieldsTooLarge", 431, body, str(uuid.uuid4()))


async def _send(send: Send, response: Response) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _lifespan(receive: Receive, send: Send, maintenance: Maintenance | None) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if maintenance is not None:
                maintenance.start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if maintenance is not None:
                maintenance.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
