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
import time
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
_OWN_PATHS = (console.CONSOLE.rstrip("/"), PREFIX)  # the console's pages, the admin API


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
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await _lifespan(receive, send, self.maintenance)
            return
        started = time.perf_counter()
        headers, size = _headers(scope)
        if size > MAX_HEADER_BYTES:
            await self._early(scope, send, _headers_too_large(), started)
            return
        try:
            body = await _read_body(headers.get("content-length"), receive)
        except BodyTooLarge:
            await self._early(scope, send, _too_large(scope), started)
            return
        response = self._respond(scope, headers, body)
        if response.delay > 0:  # an injected latency: the loop serves others meanwhile
            await asyncio.sleep(response.delay)
        await _send(send, response)

    async def _early(self, scope: Scope, send: Send, response: Response, started: float) -> None:
        """Send an answer given before the request was whole; one on the Connect API (not
        the console's pages or the admin API) is logged and counted as the pipeline's are."""
        if not scope["path"].startswith(_OWN_PATHS):
            request = HttpRequest(scope["method"], scope["path"], "", {}, b"")
            self.pipeline.answered_early(request, response, started)
        await _send(send, response)

    def _respond(self, scope: Scope, headers: dict[str, str], body: bytes) -> Response:
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if "?" in raw_path:
            raw_path = raw_path.split("?", 1)[0]
        query = scope["query_string"].decode("latin-1")
        method = scope["method"]
        if raw_path.startswith(_OWN_PATHS):
            if console.serves(raw_path):
                return console.page(method, raw_path)
            if raw_path.startswith(PREFIX):
                return self._admin(method, raw_path, headers, body, _peer(scope), query)
        if raw_path == "/" and console.browser_visit(method, raw_path, query, headers):
            return console.redirect()
        return self.pipeline.handle(HttpRequest(method, raw_path, query, headers, body))

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


def _headers(scope: Scope) -> tuple[dict[str, str], int]:
    """The headers by name (repeated ones joined with commas, as HTTP allows) and the
    size of the request line's path and query with every header, in one pass.

    Names arrive lower-cased (the ASGI specification requires it of the server)."""
    headers: dict[str, str] = {}
    size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    for raw_name, raw_value in scope["headers"]:
        size += len(raw_name) + len(raw_value)
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers, size


async def _read_body(declared: str | None, receive: Receive) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        await _drain(receive, int(declared))
        raise BodyTooLarge
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):  # the usual case: the whole body at once
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
        return body
    chunks = [body]
    size = len(body)
    while True:
        if size > MAX_BODY_BYTES:
            await _drain(receive, size)
            raise BodyTooLarge
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            if size > MAX_BODY_BYTES:
                raise BodyTooLarge
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
    headers.append((b"content-length", b"%d" % len(response.body)))
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
