"""A minimal HTTP/1.1 keep-alive client on raw asyncio streams (for the churn loop)."""

from __future__ import annotations

import asyncio
import contextlib

from .signing import SignedRequest

__all__ = ["Connection", "HttpError"]


class HttpError(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


class Connection:
    """One persistent connection; one request at a time."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout
        )

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def send(self, request: SignedRequest) -> tuple[int, dict[str, str], bytes]:
        """Status, lower-cased headers and body; reconnects once if the socket was closed."""
        if self._writer is None:
            await self.open()
        try:
            return await asyncio.wait_for(self._exchange(request), self.timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            await self.close()
            raise HttpError(f"{request.method} {request.path}: {error!r}") from error

    async def _exchange(self, request: SignedRequest) -> tuple[int, dict[str, str], bytes]:
        assert self._reader is not None and self._writer is not None
        lines = [f"{request.method} {request.path} HTTP/1.1"]
        lines.extend(f"{k}: {v}" for k, v in request.headers.items())
        lines.append(f"Content-Length: {len(request.body)}")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"not an HTTP status line: {status_line!r}")
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = await self._reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return int(parts[1]), headers, body
