"""The admin API under ``/_connect-numbers/``: JSON in, JSON out.

Every call but ``GET health`` requires ``Authorization: Bearer <token>`` when an
admin token is configured (health answers anyone, so a load balancer can probe it).
Errors are ``{"code": ..., "message": ...}`` with a 4xx status. Every call that
changes something is logged (logger ``connect_numbers.admin``, see ``_audit``).
A route answers a JSON object (200), or a whole ``Response`` (the 201 of a new
fault rule, the metrics' text format).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl, unquote

from .. import __version__
from ..domain.errors import DomainError, NotFound, StorageFailure
from ..domain.source_numbers import SourceNumber
from ..protocol.model import known_regions
from ..protocol.serializer import Response
from ..service import admin, inventory, maintenance, numbers_admin, source_numbers
from ..service.context import Services, retried
from ..service.credentials import KeyRing
from .admin_accounts import account_routes
from .admin_reads import read_routes
from .failure_log import storage_failures
from .faults import fault_routes
from .maintenance import BATCH as MAINTENANCE_BATCH
from .metrics import Metrics
from .operations import number_summary

__all__ = ["PREFIX", "AdminApi"]

PREFIX = "/_connect-numbers/"
log = logging.getLogger("connect_numbers.admin")

Body = Any
Answer = dict[str, Any]
Route = Callable[[Services, Body, dict[str, str]], Answer | Response]


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class AdminApi:
    def __init__(
        self,
        services: Services,
        token: str | None,
        *,
        keys: KeyRing,
        metrics: Metrics | None = None,
    ) -> None:
        self.services = services
        self.token = token
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        routes = [*_ROUTES, *account_routes(keys, _object), *fault_routes(), *read_routes()]
        for method, pattern, route in routes:
            self.add(method, pattern, route)
        if metrics is not None:
            self.add("GET", "metrics", lambda services, body, labels: metrics.scrape())

    def add(self, method: str, pattern: str, route: Route) -> None:
        """Serve ``route`` for ``method`` on paths matching ``pattern`` (after the prefix)."""
        self.routes.append((method, re.compile(f"^{pattern}$"), route))

    def handle(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        peer: str = "-",
        query: str = "",
    ) -> Response:
        """Answer one admin call; ``peer`` is the caller's address, for the audit log; a
        GET's query parameters are its document."""
        try:
            self._check_token(headers, method, path)
        except AdminError as error:
            return _error(error.status, error.code, error.message)
        response = self._answer(method, path, body, query)
        if method != "GET":
            _audit(method, path, body, response, peer, self.token is not None)
        return response

    def _answer(self, method: str, path: str, body: bytes, query: str) -> Response:
        try:
            route, labels = self._route(method, path.removeprefix(PREFIX))
            labels = {k: unquote(v) for k, v in labels.items()}
            document = _query(query) if method == "GET" else _json(body)
            answer = retried(lambda: route(self.services, document, labels))
            return answer if isinstance(answer, Response) else _response(200, answer)
        except AdminError as error:
            return _error(error.status, error.code, error.message)
        except NotFound as error:
            return _error(404, "NotFound", error.message)
        except DomainError as error:
            return _error(400, "InvalidParameter", error.message)
        except StorageFailure as failure:
            request_id = str(uuid.uuid4())
            storage_failures.failed(failure, request_id)
            message = (
                f"The database cannot be used right now ({failure.kind}); "
                f"retry later ({request_id})"
            )
            return _error(503, "ServiceUnavailable", message)

    def _check_token(self, headers: dict[str, str], method: str, path: str) -> None:
        if self.token is None or (method == "GET" and path == f"{PREFIX}health"):
            return
        given = headers.get("authorization", "")
        if not given:
            log.warning("admin call without a token: %s %s", method, path)
            raise AdminError(401, "Unauthorized", "This admin API requires a bearer token")
        expected = f"Bearer {self.token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("admin call with a wrong token: %s %s", method, path)
            raise AdminError(403, "Forbidden", "The admin token is not valid")

    def _route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed = False
        for route_method, pattern, route in self.routes:
            found = pattern.match(path)
            if found is None:
                continue
            if route_method == method:
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise AdminError(405, "MethodNotAllowed", f"{method} is not allowed on {PREFIX}{path}")
        raise AdminError(404, "NotFound", f"No admin call at {PREFIX}{path}")


def _json(body: bytes) -> Body:
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
        json.dumps(document, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # "\ud800": JSON can spell it, no database can store it
        raise AdminError(
            400, "InvalidJson", "The request body holds a lone UTF-16 surrogate (not valid Unicode)"
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AdminError(400, "InvalidJson", "The request body is not valid JSON") from None
    return document


def _query(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except (ValueError, UnicodeDecodeError):
        raise AdminError(400, "InvalidParameter", "The query string is malformed") from None
    document = dict(pairs)
    if len(document) != len(pairs):
        raise AdminError(400, "InvalidParameter", "A query parameter is given more than once")
    return document


def _response(status: int, answer: Answer) -> Response:
    body = json.dumps(answer).encode()
    return Response(status, body, [("Content-Type", "application/json")])


def _error(status: int, code: str, message: str) -> Response:
    return _response(status, {"code": code, "message": message})


_AUDIT_CHARS = 300  # of the request body and of the answer, in an audit line


def _audit(method: str, path: str, body: bytes, response: Response, peer: str, token: bool) -> None:
    """Log a call that changes something: what (method, path, body), the outcome (status,
    answer, secrets left out) and who: the caller's address and whether it held the token
    (``auth=token``) or the server has none (``auth=none``)."""
    action = f"{method} {path.removeprefix(PREFIX)}"
    auth = "token" if token else "none"
    request, answer = _clip(body), _clip(_without_secrets(response.body))
    log.info(
        "admin %s by %s auth=%s status=%d request=%s answer=%s",
        action,
        peer,
        auth,
        response.status,
        request,
        answer,
        extra={"fields": {"action": action, "by": peer, "auth": auth, "status": response.status}},
    )


def _without_secrets(body: bytes) -> bytes:
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if isinstance(document, dict) and "secret_access_key" in document:
        document["secret_access_key"] = "***"
    return json.dumps(document).encode()


def _clip(body: bytes) -> str:
    text = body.decode("utf-8", "replace").replace("\n", " ").strip() or "-"
    return text if len(text) <= _AUDIT_CHARS else text[:_AUDIT_CHARS] + "…"


def _object(body: Body) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise AdminError(400, "InvalidParameter", "The request body must be a JSON object")
    return body


def _health(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return {"status": "ok", "version": __version__}


def _get_clock(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return asdict(admin.read_clock(services))


def _post_clock(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return asdict(admin.change_clock(services, _object(body)))


def _get_config(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return admin.read_config(services).to_document()


def _put_config(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return admin.update_config(services, _object(body)).to_document()


def _reset(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    admin.reset(services)
    return {}


def _maintenance(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    """One background-maintenance pass now (service/maintenance.py), for tests and operators."""
    limit = _object(body).get("limit", MAINTENANCE_BATCH)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100_000:
        raise AdminError(400, "InvalidParameter", "limit must be a whole number from 1 to 100000")
    return asdict(maintenance.purge_pass(services, limit))


def _scope(labels: dict[str, str]) -> tuple[str, str]:
    account, region = labels["account"], labels["region"]
    if not re.fullmatch(r"[0-9]{12}", account):
        raise AdminError(400, "InvalidParameter", f"Not an account id (12 digits): {account}")
    if region not in known_regions():
        raise AdminError(400, "InvalidParameter", f"Unknown region: {region}")
    return account, region


def _get_quota(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    value = numbers_admin.read_quota(services, *_scope(labels))
    return {"phone_numbers_per_instance": value}


def _put_quota(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    account, region = _scope(labels)
    changes = _object(body)
    unknown = set(changes) - {"phone_numbers_per_instance"}
    if unknown:
        raise AdminError(400, "InvalidParameter", f"Unknown quota: {sorted(unknown)}")
    value = changes.get("phone_numbers_per_instance")
    if value is None:
        return _get_quota(services, body, labels)
    numbers_admin.set_quota(services, account, region, value)
    return {"phone_numbers_per_instance": value}


def _history(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    found = numbers_admin.number_history(services, labels["e164"])
    return {"events": [event.as_document() for event in found]}


def _restore(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    number, tags = numbers_admin.restore_number(services, labels["e164"], str(uuid.uuid4()))
    summary = {k: v for k, v in number_summary(number).items() if v is not None}
    return {**summary, "Tags": tags, "PhoneNumberStatus": {"Status": "CLAIMED"}}


def _load_inventory(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    return inventory.load_inventory(services, _object(body))


def _register_source(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    document = _object(body)
    unknown = set(document) - {"account_id", "region", "phone_number"}
    if unknown:
        raise AdminError(400, "InvalidParameter", f"Unknown keys: {sorted(unknown)}")
    region = document.get("region")
    if not isinstance(region, str) or region not in known_regions():
        raise AdminError(400, "InvalidParameter", f"Unknown region: {region}")
    source = source_numbers.register_source_number(
        services, document.get("account_id"), region, document.get("phone_number")
    )
    return _source_document(source, None)


def _list_sources(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    found = source_numbers.list_source_numbers(services)
    return {"source_numbers": [_source_document(s, held) for s, held in found]}


def _remove_source(services: Services, body: Body, labels: dict[str, str]) -> Answer:
    source_numbers.remove_source_number(services, labels["source"])
    return {}


def _source_document(source: SourceNumber, imported_as: str | None) -> Answer:
    return {
        "id": source.id,
        "arn": source.arn,
        "account_id": source.account_id,
        "region": source.region,
        "phone_number": source.e164,
        "country": source.country,
        "type": source.type,
        "created_at": source.created_at,
        "imported_as": imported_as,
    }


_ROUTES: list[tuple[str, str, Route]] = [
    ("GET", "health", _health),
    ("GET", "clock", _get_clock),
    ("POST", "clock", _post_clock),
    ("GET", "config", _get_config),
    ("PUT", "config", _put_config),
    ("POST", "reset", _reset),
    ("POST", "maintenance", _maintenance),
    ("GET", "quotas/(?P<account>[^/]+)/(?P<region>[^/]+)", _get_quota),
    ("PUT", "quotas/(?P<account>[^/]+)/(?P<region>[^/]+)", _put_quota),
    ("GET", "numbers/(?P<e164>[^/]+)/history", _history),
    ("POST", "numbers/(?P<e164>[^/]+)/restore", _restore),
    ("POST", "inventory", _load_inventory),
    ("POST", "source-numbers", _register_source),
    ("GET", "source-numbers", _list_sources),
    ("DELETE", "source-numbers/(?P<source>[^/]+)", _remove_source),
]
