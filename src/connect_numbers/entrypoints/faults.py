"""Fault injection: the pipeline step that applies fault rules, and their admin calls.

The step runs right after authorization. With no rules it costs nothing more
than the shared state read every request makes. A request in a rule's scope is
hit when the rule's probability says so and it has a hit left (taken by a
conditional UPDATE in the database, exact across processes and nodes); the
first rule that hits decides. Its error is raised as the real error would be
(the same classes, the same serializer), its latency delays the answer, and its
outcome rides on the caller to the use case, which settles the number FAILED.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import Any

from ..domain.faults import Catalog, FaultRule, in_scope
from ..protocol.errors import AwsError, FrontDoorError
from ..protocol.model import known_regions, operation
from ..protocol.serializer import Response
from ..service import faults
from ..service.context import Caller, Services, retried
from .metrics import Metrics
from .operations import HANDLERS

__all__ = ["Effect", "FaultStep", "catalog", "fault_routes"]

log = logging.getLogger("connect_numbers.faults")

# the real answers' messages, so that an injected error reads like one
_MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "ServiceUnavailableException": "Service Unavailable",
}
# answered by AWS's front door, outside Connect's model: a lower-case "message" body
_FRONT_DOOR = frozenset({"ServiceUnavailableException"})


@dataclass(frozen=True, slots=True)
class Effect:
    """What the fault step does to a request: who the use case sees calling (with an
    outcome rule), how long the answer waits, and the error it answers instead."""

    caller: Caller
    delay_seconds: float = 0.0
    error: Exception | None = None


class FaultStep:
    def __init__(self, services: Services, metrics: Metrics) -> None:
        self._services = services
        self._metrics = metrics

    def apply(
        self, rules: Sequence[FaultRule], name: str, caller: Caller, params: dict[str, Any]
    ) -> Effect:
        if not rules:
            return Effect(caller)
        rule = self._hitting(rules, name, caller, params)
        if rule is None:
            return Effect(caller)
        return self._effect(rule, name, caller)

    def _hitting(
        self, rules: Sequence[FaultRule], name: str, caller: Caller, params: dict[str, Any]
    ) -> FaultRule | None:
        named: list[str | None] = []  # the request's phone number, looked up once if needed
        for rule in in_scope(list(rules), name, caller.account_id, caller.region):
            if rule.spec.phone_number is not None:
                if not named:
                    named.append(
                        retried(lambda: faults.phone_number_named(self._services, caller, params))
                    )
                if named[0] != rule.spec.phone_number:
                    continue
            if retried(partial(faults.strike, self._services, rule)):
                return rule
        return None

    def _effect(self, rule: FaultRule, name: str, caller: Caller) -> Effect:
        spec = rule.spec
        log.info(
            "fault rule %s hits %s, request %s (account %s)",
            rule.id,
            name,
            caller.request_id,
            caller.account_id,
        )
        effects = {"error": spec.error, "latency": spec.latency_ms, "outcome": spec.outcome}
        for kind, present in effects.items():
            if present is not None:
                self._metrics.fault(name, kind)
        delay = (spec.latency_ms or 0) / 1000
        if spec.outcome is not None:
            return Effect(replace(caller, fault=rule), delay)
        return Effect(caller, delay, _error(rule, caller))


def _error(rule: FaultRule, caller: Caller) -> Exception | None:
    error = rule.spec.error
    if error is None:
        return None
    message = error.message or _MESSAGES.get(error.code)
    if message is None:  # InternalServiceException, as the pipeline words a real one
        message = f"Request processing failed (request id {caller.request_id})"
    if error.code in _FRONT_DOOR:
        return FrontDoorError(error.code, error.status, message)
    return AwsError(error.code, message)


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """Each implemented operation's modeled errors and their statuses."""
    return {
        name: {
            shape.name: shape.metadata["error"]["httpStatusCode"]
            for shape in operation(name).error_shapes
        }
        for name in HANDLERS
    }


Route = Callable[[Services, Any, dict[str, str]], "dict[str, Any] | Response"]


def fault_routes() -> list[tuple[str, str, Route]]:
    """POST/GET/DELETE faults and DELETE faults/{id} (docs/faults.md)."""

    def add(services: Services, body: Any, labels: dict[str, str]) -> Response:
        rule = faults.add_fault(services, body, catalog(), frozenset(known_regions()))
        log.info("fault rule %s added: %s", rule.id, rule.spec.to_document())
        document = json.dumps(rule.to_document()).encode()
        return Response(201, document, [("Content-Type", "application/json")])

    def listed(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        return {"faults": [rule.to_document() for rule in faults.list_faults(services)]}

    def remove(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        faults.remove_fault(services, labels["fault"])
        return {}

    def clear(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        return {"removed": faults.clear_faults(services)}

    return [
        ("POST", "faults", add),
        ("GET", "faults", listed),
        ("DELETE", "faults", clear),
        ("DELETE", "faults/(?P<fault>[^/]+)", remove),
    ]
