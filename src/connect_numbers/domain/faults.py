"""Fault rules: which requests fail on purpose, and how.

A rule names an operation (or ``*``) and optionally an account, a region and a
phone number; a request it matches is answered with a modeled error, delayed,
or (for a claim, a move or an import) accepted and settled as FAILED. A rule
with a ``count`` hits that many matching requests; with a ``probability`` each
matching request is hit with that chance (decided from ``seed`` and the
request's position among the rule's matches when a seed is given, so a run is
repeatable). Validation names the field at fault; matching is pure.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InvalidParameter

__all__ = [
    "FAILED_OUTCOME",
    "MAX_LATENCY_MS",
    "OUTCOME_OPERATIONS",
    "RETRYABLE_ERRORS",
    "FaultError",
    "FaultRule",
    "FaultSpec",
    "chosen",
    "failure_message",
    "in_scope",
    "parse_rule",
]

MAX_LATENCY_MS = 60_000
FAILED_OUTCOME = "FAILED"
OUTCOME_OPERATIONS = frozenset({"ClaimPhoneNumber", "UpdatePhoneNumber", "ImportPhoneNumber"})
# Errors any operation may be made to answer: what an SDK retries. The first two are
# modeled by Connect; a 503 comes from AWS's front door, outside the model.
RETRYABLE_ERRORS: Mapping[str, int] = {
    "ThrottlingException": 429,
    "InternalServiceException": 500,
    "ServiceUnavailableException": 503,
}
_FIELDS = frozenset(
    {
        "operation",
        "account_id",
        "region",
        "phone_number",
        "error",
        "latency_ms",
        "outcome",
        "count",
        "probability",
        "seed",
    }
)
_ERROR_FIELDS = frozenset({"code", "status", "message"})
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_MAX_MESSAGE = 1024

# operation name -> {error code it models: HTTP status}
Catalog = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class FaultError:
    code: str
    status: int
    message: str | None = None


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A rule as an operator wrote it, validated."""

    operation: str
    account_id: str | None = None
    region: str | None = None
    phone_number: str | None = None
    error: FaultError | None = None
    latency_ms: int | None = None
    outcome: str | None = None
    count: int | None = None
    probability: float | None = None
    seed: int | None = None

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"operation": self.operation}
        for key in ("account_id", "region", "phone_number", "latency_ms", "outcome", "count"):
            if getattr(self, key) is not None:
                document[key] = getattr(self, key)
        if self.probability is not None:
            document["probability"] = self.probability
        if self.seed is not None:
            document["seed"] = self.seed
        if self.error is not None:
            error = {"code": self.error.code, "status": self.error.status}
            document["error"] = error | (
                {"message": self.error.message} if self.error.message else {}
            )
        return document


@dataclass(frozen=True, slots=True)
class FaultRule:
    """A stored rule: its spec, its id, and how often it has hit."""

    id: str
    spec: FaultSpec
    hits: int = 0
    remaining: int | None = None

    def to_document(self) -> dict[str, Any]:
        return {
            **self.spec.to_document(),
            "id": self.id,
            "hits": self.hits,
            "remaining": self.remaining,
        }

    def matches(self, operation: str, account_id: str, region: str) -> bool:
        """Whether a request of ``operation`` by ``account_id`` in ``region`` is in scope
        (the phone number, when the rule names one, is compared by the caller)."""
        spec = self.spec
        return (
            (spec.operation in ("*", operation))
            and (spec.account_id is None or spec.account_id == account_id)
            and (spec.region is None or spec.region == region)
            and (spec.outcome is None or operation in OUTCOME_OPERATIONS)
        )


def in_scope(
    rules: list[FaultRule], operation: str, account_id: str, region: str
) -> list[FaultRule]:
    """The rules in scope for a request, in the order they were added."""
    return [rule for rule in rules if rule.matches(operation, account_id, region)]


def chosen(probability: float | None, seed: int | None, position: int | None) -> bool:
    """Whether a matching request is hit: always without a probability; with a seed,
    decided by the seed and the request's ``position`` among the rule's matches."""
    if probability is None:
        return True
    if seed is None or position is None:
        return random.random() < probability
    return random.Random(f"{seed}:{position}").random() < probability


def failure_message(rule: FaultRule) -> str:
    """The FAILED status message of a number an outcome rule settled."""
    return f"Failed by fault rule {rule.id}"


def parse_rule(document: Any, catalog: Catalog, regions: frozenset[str]) -> FaultSpec:
    """A rule from its JSON document; InvalidParameter names the first bad field."""
    if not isinstance(document, dict):
        raise InvalidParameter("A fault rule must be a JSON object")
    unknown = sorted(set(document) - _FIELDS)
    if unknown:
        raise InvalidParameter(f"Unknown field in the fault rule: {unknown[0]!r}")
    operation = _operation(document.get("operation"), catalog)
    outcome = _outcome(document.get("outcome"), operation)
    spec = FaultSpec(
        operation=operation,
        account_id=_optional(document, "account_id", _account),
        region=_optional(document, "region", lambda v: _region(v, regions)),
        phone_number=_optional(document, "phone_number", _phone_number),
        error=_optional(document, "error", lambda v: _error(v, operation, catalog)),
        latency_ms=_optional(document, "latency_ms", _latency),
        outcome=outcome,
        count=_optional(document, "count", _count),
        probability=_optional(document, "probability", _probability),
        seed=_optional(document, "seed", _seed),
    )
    return _complete(spec)


def _complete(spec: FaultSpec) -> FaultSpec:
    if spec.error is None and spec.latency_ms is None and spec.outcome is None:
        raise InvalidParameter("A fault rule needs at least one of error, latency_ms or outcome")
    if spec.error is not None and spec.outcome is not None:
        raise InvalidParameter(
            "A fault rule gives error or outcome, not both: an answered error accepts nothing"
        )
    return spec


def _optional(document: dict[str, Any], key: str, parse: Callable[[Any], Any]) -> Any:
    value = document.get(key)
    return None if value is None else parse(value)


def _operation(value: Any, catalog: Catalog) -> str:
    if isinstance(value, str) and (value == "*" or value in catalog):
        return value
    if value is None:
        raise InvalidParameter("Field 'operation' is required: an operation name or '*'")
    raise InvalidParameter(f"Field 'operation': unknown operation {value!r}")


def _outcome(value: Any, operation: str) -> str | None:
    if value is None:
        return None
    if value != FAILED_OUTCOME:
        raise InvalidParameter(f"Field 'outcome' must be 'FAILED', not {value!r}")
    if operation not in OUTCOME_OPERATIONS:
        raise InvalidParameter(
            "Field 'outcome': only " + ", ".join(sorted(OUTCOME_OPERATIONS)) + " settle, "
            f"not {operation!r}"
        )
    return FAILED_OUTCOME


def _account(value: Any) -> str:
    if not isinstance(value, str) or not _ACCOUNT.fullmatch(value):
        raise InvalidParameter(f"Field 'account_id' must be 12 digits, not {value!r}")
    return value


def _region(value: Any, regions: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in regions:
        raise InvalidParameter(f"Field 'region': unknown region {value!r}")
    return value


def _phone_number(value: Any) -> str:
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise InvalidParameter(f"Field 'phone_number' must be an E.164 number, not {value!r}")
    return value


def _error(value: Any, operation: str, catalog: Catalog) -> FaultError:
    if isinstance(value, str):
        value = {"code": value}
    if not isinstance(value, dict):
        raise InvalidParameter("Field 'error' must be an object like {\"code\": ...} or a code")
    unknown = sorted(set(value) - _ERROR_FIELDS)
    if unknown:
        raise InvalidParameter(f"Unknown field in the fault rule: 'error.{unknown[0]}'")
    code = value.get("code")
    status = _allowed_errors(operation, catalog).get(code) if isinstance(code, str) else None
    if status is None or not isinstance(code, str):
        raise InvalidParameter(
            f"Field 'error.code': {operation} cannot answer {code!r}; use one of "
            + ", ".join(sorted(_allowed_errors(operation, catalog)))
        )
    given = value.get("status", status)
    if isinstance(given, bool) or given != status:
        raise InvalidParameter(f"Field 'error.status': {code} is answered with {status}")
    return FaultError(code, status, _message(value.get("message")))


def _allowed_errors(operation: str, catalog: Catalog) -> dict[str, int]:
    if operation == "*":
        common = set.intersection(*(set(errors) for errors in catalog.values()))
        modeled = {code: next(iter(catalog.values()))[code] for code in common}
    else:
        modeled = dict(catalog[operation])
    return {**modeled, **RETRYABLE_ERRORS}


def _message(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_MESSAGE:
        raise InvalidParameter(f"Field 'error.message' must be text of at most {_MAX_MESSAGE}")
    return value


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameter(f"Field {key!r} must be a whole number from {low} to {high}")
    return value


def _latency(value: Any) -> int:
    return _whole("latency_ms", value, 0, MAX_LATENCY_MS)


def _count(value: Any) -> int:
    return _whole("count", value, 1, 2**31 - 1)


def _seed(value: Any) -> int:
    return _whole("seed", value, 0, 2**63 - 1)


def _probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidParameter(f"Field 'probability' must be a number from 0 to 1, not {value!r}")
    if not 0 <= value <= 1:
        raise InvalidParameter(f"Field 'probability' must be from 0 to 1, not {value!r}")
    return float(value)
