"""A real connect-numbers server on a free port, in a thread of this process."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from ..entrypoints.admin_client import AdminClient
from ..entrypoints.server import ServerSettings, build_app

__all__ = ["RunningServer", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class RunningServer:
    """``with RunningServer(db_url) as server:`` serves until the block ends."""

    def __init__(
        self,
        db: str,
        *,
        admin_token: str | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.settings = ServerSettings(
            host=host,
            port=port or free_port(host),
            db=db,
            admin_token=admin_token,
            log_level="warning",
        )
        self.endpoint = f"http://{host}:{self.settings.port}"
        self.admin = AdminClient(self.endpoint, admin_token)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> RunningServer:
        app = build_app(self.settings)
        config = uvicorn.Config(
            app,
            host=self.settings.host,
            port=self.settings.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("connect-numbers server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._server = None

    def __enter__(self) -> RunningServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def call_admin(self, method: str, path: str, body: Any = None) -> Any:
        return self.admin.call(method, path, body)
