"""The admin API under ``/_connect-numbers/``: JSON in, JSON out.

Every call requires ``Authorization: Bearer <token>`` when an admin token is
configured. Errors are ``{"code": ..., "message": ...}`` with a 4xx status.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from .. import __version__
from ..domain.errors import DomainError, NotFound
from ..protocol.serializer import Response
from ..service import admin
from ..service.context import Services

__all__ = ["PREFIX", "AdminApi"]

PREFIX = "/_connect-numbers/"
log = logging.getLogger("connect_numbers.admin")

Body = Any
Answer = dict[str, Any]
Route = Callable[[Services, Body, dict[str, str]], Answer]


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class AdminApi:
    def __init__(self, services: Services, token: str | None) -> None:
        self.services = services
        self.token = token
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        for method, pattern, route in _ROUTES:
            self.add(method, pattern, route)

    def add(self, method: str, pattern: str, route: Route) -> None:
        """Serve ``route`` for ``method`` on paths matching ``pattern`` (after the prefix)."""
        self.routes.append((method, re.compile(f"^{pattern}$"), route))

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        try:
            self._check_token(headers, method, path)
            route, labels = self._route(method, path.removeprefix(PREFIX))
            answer = route(self.services, _json(body), labels)
            return _response(200, answer)
        except AdminError as error:
            return _response(error.status, {"code": error.code, "message": error.message})
        except NotFound as error:
            return _response(404, {"code": "NotFound", "message": error.message})
        except DomainError as error:
            return _response(400, {"code": "InvalidParameter", "message": error.message})

    def _check_token(self, headers: dict[str, str], method: str, path: str) -> None:
        if self.token is None:
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
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise AdminError(400, "InvalidJson", "The request body is not valid JSON") from None


def _response(status: int, answer: Answer) -> Response:
    body = json.dumps(answer).encode()
    return Response(status, body, [("Content-Type", "application/json")])


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


_ROUTES: list[tuple[str, str, Route]] = [
    ("GET", "health", _health),
    ("GET", "clock", _get_clock),
    ("POST", "clock", _post_clock),
    ("GET", "config", _get_config),
    ("PUT", "config", _put_config),
    ("POST", "reset", _reset),
]
