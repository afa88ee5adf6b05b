"""The least a request can cost on this machine: a reference, not the server.

``python -m bench.floor --port N --db PATH`` serves four Connect requests from the
bench's SQLite database on the same ASGI stack as the server (uvicorn with httptools and
uvloop, the options ``connect-numbers serve`` uses), doing only what each answer itself
needs, with the route by (method, one compiled pattern) and SigV4 for the usual
``Authorization`` form with the signing key's HMAC keyed once (the signature, the signed
headers, the query and the body hash checked; not the scope or the clock):

- ``GET /phone-number/{id}`` (DescribePhoneNumber): one transaction with ``PRAGMA
  data_version`` (the settings read again only when it moved), the number and its tags
  in one query, and ``ROLLBACK``; the answer written with orjson.
- ``POST /phone-number/list`` (ListPhoneNumbersV2 of an instance): the same
  transaction, the instance read, then the page as the server reads it (the same query,
  the nine columns a summary shows); the summaries and the next token written with
  orjson.
- ``POST /phone-number/search-available``: the same transaction, the instance read, and
  ten random US numbers, the ones held or cooling left out by one query.
- ``POST /phone-number/claim`` and ``DELETE /phone-number/{id}`` (ClaimPhoneNumber and
  ReleasePhoneNumber, with their client tokens): one ``BEGIN IMMEDIATE`` transaction each
  that reads what the rules need (the token, the quota and churn rows, the instance, the
  number, its cooldown, what the target holds; for a release the number with its tags)
  and writes what the server writes (the number, the quota count, the event and the
  token; the release, the churn day, the event and the token), then ``COMMIT``.

No modeled validation, throttling, authorization, fault rules, metrics, error handling,
status rules, inventory or flow associations. ``--floor`` runs describe_phone_number,
list_phone_numbers_v2, search_available and claim_release (those of them the run has)
against it next to the server, so that each run shows how far the real
request path is from what any implementation in CPython would pay on the same machine.
Any other request answers 200 ``{}`` (the readiness probe).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

import orjson

__all__ = ["FloorApp"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Answer = tuple[int, bytes]

_NUMBER_PATH = re.compile(r"/phone-number/([^/]+)")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^,\s=]+), SignedHeaders=([^,\s=]+), Signature=([^,\s=]+)"
)
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
_TOKEN = (
    "SELECT fingerprint, outcome FROM idempotency "
    "WHERE account_id = ? AND region = ? AND operation = ? AND token = ?"
)
_QUOTA = "SELECT phone_numbers_per_instance FROM quotas WHERE account_id = ? AND region = ?"
_CHURN = (
    "SELECT coalesce(sum(releases), 0) FROM churn_days "
    "WHERE account_id = ? AND region = ? AND day >= ?"
)
_INSTANCE = "SELECT id FROM instances WHERE id = ? AND account_id = ? AND region = ?"
_HELD = "SELECT id FROM phone_numbers WHERE e164 = ?"
_COOLING = (
    "SELECT e164 FROM releases "
    "WHERE e164 = ? AND cooldown_until > ? AND restored_at IS NULL LIMIT 1"
)
_ON_TARGET = (
    "SELECT count(*) FROM phone_numbers "
    "WHERE target_arn = ? AND NOT (failure IS NOT NULL AND operation IN ('CLAIM', 'IMPORT'))"
)
_ADD_NUMBER = (
    "INSERT INTO phone_numbers (id, e164, arn, country, type, account_id, region, "
    "target_arn, instance_id, description, source_arn, operation, started_at, settles_at, "
    "failure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'CLAIM', ?, ?, NULL)"
)
_COUNT_CLAIM = "UPDATE quotas SET claims_made = claims_made + 1 WHERE account_id = ? AND region = ?"
_ADD_EVENT = (
    "INSERT INTO events (time, event, e164, phone_number_id, account_id, region, principal, "
    "request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ADD_TOKEN = (
    "INSERT INTO idempotency (account_id, region, operation, token, fingerprint, outcome, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_RELEASED = (
    "SELECT p.id, p.e164, p.arn, p.account_id, p.region, p.target_arn, p.instance_id, "
    "p.settles_at, t.key, t.value FROM phone_numbers AS p "
    "LEFT JOIN tags AS t ON t.resource_arn = p.arn WHERE p.id = ?"
)
_REMOVE_NUMBER = "DELETE FROM phone_numbers WHERE id = ?"
_REMOVE_TAGS = "DELETE FROM tags WHERE resource_arn = ?"
_ADD_RELEASE = (
    "INSERT INTO releases (phone_number_id, e164, account_id, region, released_at, "
    "cooldown_until, restored_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
)
_CHURN_DAY = (
    "INSERT INTO churn_days (account_id, region, day, releases) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (account_id, region, day) DO UPDATE SET releases = releases + 1"
)
_PAGE = (
    "SELECT id, arn, e164, country, type, target_arn, instance_id, description, source_arn "
    "FROM phone_numbers WHERE account_id = ? AND region = ? AND target_arn = ? "
    "AND NOT (failure IS NOT NULL AND operation IN ('CLAIM', 'IMPORT')) ORDER BY e164 LIMIT ?"
)
_LISTED = (
    "PhoneNumberId",
    "PhoneNumberArn",
    "PhoneNumber",
    "PhoneNumberCountryCode",
    "PhoneNumberType",
    "TargetArn",
    "InstanceId",
    "PhoneNumberDescription",
    "SourcePhoneNumberArn",
)
_SECRET = "test"  # the local key's
_DAY = 86_400.0
_COOLDOWN = 180 * _DAY
_CHURN_WINDOW = 180 * _DAY  # the server's defaults, both
_DEFAULT_QUOTA = 10


class FloorApp:
    def __init__(self, database: str) -> None:
        self._db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=5000")
        self._signers: dict[tuple[str, str], Any] = {}
        self._data_version: int | None = None
        self._settings: list[Any] = []

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        message = await receive()
        body = message.get("body", b"")
        while message.get("more_body", False):
            message = await receive()
            body += message.get("body", b"")
        request_id = f"{random.getrandbits(128):032x}"
        status, answer = self._answer(scope, body, request_id)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"x-amzn-requestid", request_id.encode()),
                    (b"content-length", b"%d" % len(answer)),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def _answer(self, scope: Message, body: bytes, request_id: str) -> Answer:
        method, path = scope["method"], scope["path"]
        found = _NUMBER_PATH.fullmatch(path)
        if (method, path) not in _ROUTED and (found is None or method not in _BY_ID):
            return 200, b"{}"
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        query = scope["query_string"].decode()
        credential = self._signed(method, path, query, headers, body)
        if credential is None:
            return 403, b'{"message":"The request signature we calculated does not match"}'
        number_id = found.group(1) if found is not None else ""  # GET and DELETE have one
        if method == "GET":
            return self._describe(number_id)
        if method == "DELETE":
            token = query.partition("clientToken=")[2].partition("&")[0] or None
            return self._release(number_id, token, credential, request_id)
        if path.endswith("/claim"):
            return self._claim(orjson.loads(body), credential, request_id)
        if path.endswith("/list"):
            return self._list(orjson.loads(body))
        return self._search(orjson.loads(body))

    def _describe(self, number_id: str) -> Answer:
        db = self._db
        db.execute("BEGIN")
        self._read_settings()
        rows = db.execute(_NUMBER, (number_id,)).fetchall()
        db.execute("ROLLBACK")
        if not rows:
            return 404, b'{"message":"Phone number not found"}'
        summary = {k: v for k, v in zip(_MEMBERS, rows[0][:9], strict=True) if v is not None}
        summary["Tags"] = {row[9]: row[10] for row in rows if row[9] is not None}
        summary["PhoneNumberStatus"] = {"Status": "CLAIMED"}
        return 200, orjson.dumps({"ClaimedPhoneNumberSummary": summary})

    def _read_settings(self) -> None:
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._settings = self._db.execute("SELECT * FROM settings").fetchall()
            self._data_version = version

    def _list(self, params: dict[str, Any]) -> Answer:
        target = params["TargetArn"]
        _, _, _, region, account, resource = target.split(":", 5)
        limit = int(params.get("MaxResults", 10))
        db = self._db
        db.execute("BEGIN")
        self._read_settings()
        known = self._instance(resource.partition("/")[2], account, region)
        rows = db.execute(_PAGE, (account, region, target, limit + 1)).fetchall() if known else []
        db.execute("ROLLBACK")
        if not known:
            return 404, b'{"Message":"Instance not found"}'
        page: dict[str, Any] = {}
        if len(rows) > limit:
            rows = rows[:limit]
            page["NextToken"] = base64.urlsafe_b64encode(orjson.dumps([rows[-1][2]])).decode()
        page["ListPhoneNumbersSummaryList"] = [
            {k: v for k, v in zip(_LISTED, row, strict=True) if v is not None} for row in rows
        ]
        return 200, orjson.dumps(page)

    def _instance(self, instance_id: str, account: str, region: str) -> bool:
        return self._db.execute(_INSTANCE, (instance_id, account, region)).fetchone() is not None

    def _search(self, params: dict[str, Any]) -> Answer:
        _, _, _, region, account, resource = params["TargetArn"].split(":", 5)
        wanted = [
            f"+1{random.randint(2, 9)}{random.randint(10, 99)}{random.randint(2, 9)}"
            f"{random.randint(100_000, 999_999)}"
            for _ in range(min(int(params.get("MaxResults", 10)), 10))
        ]
        marks = ", ".join("?" * len(wanted))
        db = self._db
        db.execute("BEGIN")
        self._read_settings()
        if not self._instance(resource.partition("/")[2], account, region):
            db.execute("ROLLBACK")
            return 404, b'{"Message":"Instance not found"}'
        taken = db.execute(
            f"SELECT e164 FROM phone_numbers WHERE e164 IN ({marks}) UNION ALL "
            f"SELECT e164 FROM releases WHERE e164 IN ({marks}) AND cooldown_until > ? "
            "AND restored_at IS NULL",
            (*wanted, *wanted, time.time()),
        ).fetchall()
        db.execute("ROLLBACK")
        gone = {row[0] for row in taken}
        available = [
            {"PhoneNumber": e164, "PhoneNumberCountryCode": "US", "PhoneNumberType": "DID"}
            for e164 in wanted
            if e164 not in gone
        ]
        return 200, orjson.dumps({"AvailableNumbersList": available})

    def _claim(self, params: dict[str, Any], key: str, request_id: str) -> Answer:
        target, e164 = params["TargetArn"], params["PhoneNumber"]
        _, _, _, region, account, resource = target.split(":", 5)
        instance_id = resource.partition("/")[2]
        token = params.get("ClientToken")
        fingerprint = _fingerprint({k: v for k, v in params.items() if k != "ClientToken"})
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._read_settings()
            now = time.time()
            replay = self._replay(account, region, "ClaimPhoneNumber", token, fingerprint)
            if replay is not None:
                db.execute("ROLLBACK")
                return replay
            quota = db.execute(_QUOTA, (account, region)).fetchone()
            db.execute(_CHURN, (account, region, int((now - _CHURN_WINDOW) // _DAY))).fetchone()
            if not self._instance(instance_id, account, region):
                db.execute("ROLLBACK")
                return 404, b'{"Message":"Instance not found"}'
            held = db.execute(_HELD, (e164,)).fetchone()
            if held is not None or db.execute(_COOLING, (e164, now)).fetchone() is not None:
                db.execute("ROLLBACK")
                return 400, b'{"Message":"The number is not available"}'
            on_target = db.execute(_ON_TARGET, (target,)).fetchone()[0]
            if on_target >= (quota[0] if quota else _DEFAULT_QUOTA):
                db.execute("ROLLBACK")
                return 400, b'{"Message":"The target holds its quota of numbers"}'
            number_id = str(uuid.uuid4())
            arn = f"arn:aws:connect:{region}:{account}:phone-number/{number_id}"
            country = "US" if e164.startswith("+1") else "ZZ"
            db.execute(
                _ADD_NUMBER,
                (
                    number_id,
                    e164,
                    arn,
                    country,
                    "DID",
                    account,
                    region,
                    target,
                    instance_id,
                    now,
                    now,
                ),
            )
            db.execute(_COUNT_CLAIM, (account, region))
            detail = orjson.dumps({"target_arn": target, "settles_at": now, "failure": None})
            db.execute(
                _ADD_EVENT,
                (now, "CLAIM", e164, number_id, account, region, key, request_id, detail),
            )
            answer = orjson.dumps({"PhoneNumberId": number_id, "PhoneNumberArn": arn})
            self._remember(account, region, "ClaimPhoneNumber", token, fingerprint, answer, now)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return 200, answer

    def _release(self, number_id: str, token: str | None, key: str, request_id: str) -> Answer:
        fingerprint = _fingerprint({"id": number_id})
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._read_settings()
            now = time.time()
            rows = db.execute(_RELEASED, (number_id,)).fetchall()
            if not rows:
                db.execute("ROLLBACK")
                return 404, b'{"Message":"Phone number not found"}'
            number_id, e164, arn, account, region, target, instance_id, settles_at = rows[0][:8]
            replay = self._replay(account, region, "ReleasePhoneNumber", token, fingerprint)
            if replay is not None:
                db.execute("ROLLBACK")
                return replay
            tags = {row[8]: row[9] for row in rows if row[8] is not None}
            db.execute(_REMOVE_NUMBER, (number_id,))
            if tags:
                db.execute(_REMOVE_TAGS, (arn,))
            snapshot = {
                "id": number_id,
                "e164": e164,
                "arn": arn,
                "target_arn": target,
                "instance_id": instance_id,
                "settles_at": settles_at,
                "tags": tags,
            }
            db.execute(
                _ADD_RELEASE,
                (number_id, e164, account, region, now, now + _COOLDOWN, orjson.dumps(snapshot)),
            )
            db.execute(_CHURN_DAY, (account, region, int(now // _DAY)))
            detail = orjson.dumps({"cooldown_until": now + _COOLDOWN, "target_arn": target})
            db.execute(
                _ADD_EVENT,
                (now, "RELEASE", e164, number_id, account, region, key, request_id, detail),
            )
            self._remember(account, region, "ReleasePhoneNumber", token, fingerprint, b"{}", now)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return 200, b"{}"

    def _replay(
        self, account: str, region: str, operation: str, token: str | None, fingerprint: str
    ) -> Answer | None:
        if token is None:
            return None
        found = self._db.execute(_TOKEN, (account, region, operation, token)).fetchone()
        if found is None:
            return None
        if found[0] != fingerprint:
            return 400, b'{"Message":"The client token was used with other parameters"}'
        return 200, found[1].encode()

    def _remember(
        self,
        account: str,
        region: str,
        operation: str,
        token: str | None,
        fingerprint: str,
        answer: bytes,
        now: float,
    ) -> None:
        if token is not None:
            row = (account, region, operation, token, fingerprint, answer.decode(), now)
            self._db.execute(_ADD_TOKEN, row)

    def _signed(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> str | None:
        """The access key that signed the request, None if the signature does not match."""
        claim = _AUTHORIZATION.fullmatch(headers.get("authorization", ""))
        if claim is None:
            return None
        credential, signed, signature = claim.groups()
        key, date, region, _, _ = credential.split("/")
        lines = "\n".join(f"{name}:{headers.get(name, '').strip()}" for name in signed.split(";"))
        canonical_query = "&".join(sorted(query.split("&"))) if query else ""
        canonical = (
            f"{method}\n{quote(path, safe='/~')}\n{canonical_query}\n{lines}\n\n{signed}\n"
            f"{hashlib.sha256(body).hexdigest()}"
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        stamp = headers.get("x-amz-date", "")
        to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{date}/{region}/connect/aws4_request\n{digest}"
        mac = self._signer(date, region).copy()
        mac.update(to_sign.encode())
        return key if hmac.compare_digest(mac.hexdigest(), signature) else None

    def _signer(self, date: str, region: str) -> Any:
        found = self._signers.get((date, region))
        if found is None:
            key = hmac.digest(f"AWS4{_SECRET}".encode(), date.encode(), "sha256")
            for part in (region, "connect", "aws4_request"):
                key = hmac.digest(key, part.encode(), "sha256")
            found = self._signers[date, region] = hmac.new(key, digestmod=hashlib.sha256)
        return found


_ROUTED = {
    ("POST", "/phone-number/claim"),
    ("POST", "/phone-number/list"),
    ("POST", "/phone-number/search-available"),
}
_BY_ID = ("GET", "DELETE")


def _fingerprint(parameters: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(parameters, option=orjson.OPT_SORT_KEYS)).hexdigest()


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
