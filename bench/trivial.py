"""A trivial endpoint on the server's own ASGI stack: every request gets 200 ``{}``.

It reads the whole request body, as the real app does, and runs under uvicorn with
the options ``connect-numbers serve`` uses (httptools, uvloop, no access log, no
``server`` header, lifespan on), so that the ratio of a scenario to this endpoint
is the cost of connect-numbers itself rather than of the HTTP stack.

Run: ``python -m bench.trivial --port 4599``.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_START: Message = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")],
}
_BODY: Message = {"type": "http.response.body", "body": b"{}"}


async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
    """Answer 200 ``{}`` to every HTTP request; complete the lifespan protocol."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    await send(_START)
    await send(_BODY)


def run_like_the_server(asgi_app: Any, host: str, port: int, log_level: str = "warning") -> None:
    """Serve ``asgi_app`` under uvicorn with the options ``connect-numbers serve`` uses."""
    import uvicorn

    uvicorn.run(
        asgi_app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        server_header=False,
        http="httptools",
        loop="uvloop",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    run_like_the_server(app, args.host, args.port, args.log_level)


if __name__ == "__main__":
    main()
