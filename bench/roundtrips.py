"""A TCP proxy between the server and PostgreSQL that counts round trips.

Every byte goes through unchanged. The proxy reads the messages PostgreSQL sends and
counts its ReadyForQuery messages: PostgreSQL sends one at the end of each exchange
the client waits for (a simple query such as ``BEGIN``, one statement of the extended
protocol ending in Sync, or a whole pipelined batch ending in one Sync), and the
client cannot go on with what depends on it before it arrives. So the count is the
number of round trips, however many statements each holds; counting statements (as
``pg_stat_statements`` does) would count each statement of a batch as one.

The client must connect without TLS or GSSAPI encryption (``sslmode=disable``,
``gssencmode=disable``: :func:`plain_url`), so that the server's bytes are messages.
"""

from __future__ import annotations

import selectors
import socket
import threading

__all__ = ["RoundTripProxy", "plain_url"]

_READY = ord("Z")  # ReadyForQuery


def plain_url(url: str, port: int) -> str:
    """``url`` (postgresql://user@127.0.0.1:PORT/db) to ``port``, unencrypted."""
    head, _, tail = url.rpartition(":")
    database = tail.split("/", 1)[1]
    separator = "&" if "?" in database else "?"
    return f"{head}:{port}/{database}{separator}sslmode=disable&gssencmode=disable"


class RoundTripProxy:
    """``RoundTripProxy(port_of_postgres)``; connect to ``.port`` instead; ``.reset()``."""

    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.round_trips = 0
        self._target = (host, target_port)
        self._listener = socket.create_server((host, 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, name="round-trip-proxy", daemon=True).start()

    def reset(self) -> int:
        """The round trips counted so far; counting starts again from zero."""
        with self._lock:
            counted, self.round_trips = self.round_trips, 0
        return counted

    def close(self) -> None:
        self._stopped = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        """Copy both ways until either side closes; count the server's ReadyForQuery."""
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        messages = _Messages()
        try:
            while True:
                for key, _ in selector.select():
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    if source is server:
                        ready = messages.count_ready(data)
                        if ready:
                            with self._lock:
                                self.round_trips += ready
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            client.close()
            server.close()


class _Messages:
    """The server's byte stream cut into messages (a type byte, a 4-byte length)."""

    def __init__(self) -> None:
        self._buffer = b""

    def count_ready(self, data: bytes) -> int:
        buffer = self._buffer + data
        ready = at = 0
        while len(buffer) - at >= 5:
            length = int.from_bytes(buffer[at + 1 : at + 5], "big")
            if len(buffer) - at < 1 + length:
                break
            ready += buffer[at] == _READY
            at += 1 + length
        self._buffer = buffer[at:]
        return ready
