"""The least a DescribePhoneNumber can cost on this machine: a reference, not the server.

``python -m bench.floor --port N --db PATH`` serves ``GET /phone-number/{id}`` from the
bench's SQLite database on the same ASGI stack as the server (uvicorn with httptools and
uvloop, the options ``connect-numbers serve`` uses), doing only what the answer itself
needs: the route by one compiled pattern; SigV4 for the usual ``Authorization`` form with
the signing key's HMAC keyed once (the signature, the signed headers and the body hash
checked; not the scope or the clock); one transaction with ``PRAGMA data_version`` (the
settings read again only when it moved), the number and its tags in one query, and
``ROLLBACK``; the answer written with orjson. No modeled validation, throttling,
authorization, fault rules, metrics, error handling or status rules.

``--floor`` runs the describe_phone_number requests against it next to the server, so
that each run shows how far the real request path is from what any implementation in
CPython would pay on the same machine. Any other path answers 200 ``{}`` (the readiness
probe).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import random
import re
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

import orjson

__all__ = ["FloorApp"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ROUTE = re.compile(r"/phone-number/([^/]+)")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^,\s=]+), SignedHeaders=([^,\s=]+), Signature=([^,\s=]+)"
)
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_NUMBER = (
    "SELECT p.id, p.arn, p.e164, p.country, p.type, p.description, p.target_arn, "
    "p.instance_id, p.source_arn, t.key, t.value FROM phone_numbers AS p "
    "LEFT JOIN tags AS t ON t.resource_arn = p.arn WHERE p.id = ?"
)
_MEMBERS = (
    "PhoneNumberId",
    "PhoneNumberArn",
    "PhoneNumber",
    "PhoneNumberCountryCode",
    "PhoneNumberType",
    "PhoneNumberDescription",
    "TargetArn",
    "InstanceId",
    "SourcePhoneNumberArn",
)
_SECRET = "test"  # the local key's


class FloorApp:
    def __init__(self, database: str) -> None:
        self._db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._signers: dict[tuple[str, str], Any] = {}
        self._data_version: int | None = None
        self._settings: list[Any] = []

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await receive()
        found = _ROUTE.fullmatch(scope["path"])
        if found is None:
            status, body = 200, b"{}"
        else:
            headers = {name.decode(): value.decode() for name, value in scope["headers"]}
            status, body = self._describe(scope["path"], headers, found.group(1))
        request_id = f"{random.getrandbits(128):032x}".encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"x-amzn-requestid", request_id),
                    (b"content-length", b"%d" % len(body)),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _describe(self, path: str, headers: dict[str, str], number_id: str) -> tuple[int, bytes]:
        if not self._signed(path, headers):
            return 403, b'{"message":"The request signature we calculated does not match"}'
        db = self._db
        db.execute("BEGIN")
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._settings = db.execute("SELECT * FROM settings").fetchall()
            self._data_version = version
        rows = db.execute(_NUMBER, (number_id,)).fetchall()
        db.execute("ROLLBACK")
        if not rows:
            return 404, b'{"message":"Phone number not found"}'
        summary = {k: v for k, v in zip(_MEMBERS, rows[0][:9], strict=True) if v is not None}
        summary["Tags"] = {row[9]: row[10] for row in rows if row[9] is not None}
        summary["PhoneNumberStatus"] = {"Status": "CLAIMED"}
        return 200, orjson.dumps({"ClaimedPhoneNumberSummary": summary})

    def _signed(self, path: str, headers: dict[str, str]) -> bool:
        claim = _AUTHORIZATION.fullmatch(headers.get("authorization", ""))
        if claim is None:
            return False
        credential, signed, signature = claim.groups()
        _, date, region, _, _ = credential.split("/")
        lines = "\n".join(f"{name}:{headers.get(name, '').strip()}" for name in signed.split(";"))
        canonical = f"GET\n{quote(path, safe='/~')}\n\n{lines}\n\n{signed}\n{_EMPTY_SHA256}"
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        stamp = headers.get("x-amz-date", "")
        to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{date}/{region}/connect/aws4_request\n{digest}"
        mac = self._signer(date, region).copy()
        mac.update(to_sign.encode())
        return hmac.compare_digest(mac.hexdigest(), signature)

    def _signer(self, date: str, region: str) -> Any:
        found = self._signers.get((date, region))
        if found is None:
            key = hmac.digest(f"AWS4{_SECRET}".encode(), date.encode(), "sha256")
            for part in (region, "connect", "aws4_request"):
                key = hmac.digest(key, part.encode(), "sha256")
            found = self._signers[date, region] = hmac.new(key, digestmod=hashlib.sha256)
        return found


def main() -> None:
    from .trivial import run_like_the_server

    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True, help="the bench's SQLite database file")
    options = parser.parse_args()
    run_like_the_server(FloorApp(options.db), options.host, options.port)


if __name__ == "__main__":
    main()
