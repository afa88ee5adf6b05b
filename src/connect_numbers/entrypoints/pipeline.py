"""The request pipeline: one HTTP request in, one response out.

The steps, in order (each a small method below):

1. ``_route``        raw method and path -> Connect operation (404 if none)
2. shared state     one read tells whether this process's cached keys, throttling
                     settings and fault rules are current (entrypoints/shared_state.py)
3. ``_authenticate`` SigV4 against stored credentials -> the caller (403)
4. ``_handler``      the operation must be implemented here (400 naming it)
5. throttle         a token bucket per account, region and operation (429)
6. ``_parameters``   members read from path, query, headers and body, every
                     modeled constraint checked (400)
7. authorize         the key's policy must allow the action on what it touches (403)
8. ``_inject``       fault rules: an injected error, a delay, or a FAILED outcome
                     handed to the use case (entrypoints/faults.py)
9. the handler       the use case runs
10. serialize        the output shape, or the error, as rest-json
11. metrics          the request counted, and its duration, by ``handle``

Steps 5, 7 and 9 run through ``_guarded``, which turns a domain error into
the operation's modeled error.

Anything unexpected becomes a 500 InternalServiceException carrying the
request id; the traceback goes to the log only. A database that cannot serve
(a full disk, no answer in time) is a 500 too, logged as one line per interval
(entrypoints/failure_log.py).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.model import OperationModel

from ..domain.accounts import Credential
from ..domain.errors import ChurnLimited, DomainError, StateMoved, StorageFailure
from ..domain.faults import FaultRule
from ..protocol import validation
from ..protocol.errors import AwsError, FrontDoorError, unimplemented_operation
from ..protocol.model import known_regions, operation
from ..protocol.parser import RawRequest, parse_params, validation_error_code
from ..protocol.routing import router
from ..protocol.serializer import Response, error_response, success_response
from ..protocol.sigv4 import IncomingRequest, SigV4Error, SigV4Verifier
from ..service.context import Caller, Services, retried
from ..service.credentials import KeyRing
from .authorization import authorize
from .errors import to_aws_error
from .failure_log import storage_failures
from .faults import FaultStep
from .metrics import Metrics
from .operations import HANDLERS, Handler
from .shared_state import SharedState
from .throttling import Throttle

__all__ = ["HttpRequest", "Pipeline", "new_request_id"]

Result = TypeVar("Result")
_ANSWERS = 4  # times a request is answered at most while the shared state keeps moving
log = logging.getLogger("connect_numbers")
access_log = logging.getLogger("connect_numbers.access")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass(slots=True)
class _Exchange:
    """What the pipeline learns about one request as it goes."""

    request: HttpRequest
    request_id: str
    started: float
    operation: str = "-"
    account_id: str = "-"
    principal: str = "-"
    delay: float = 0.0  # seconds an injected latency holds the answer
    churn_limited: bool = False  # refused by the churn rule


class Pipeline:
    def __init__(
        self,
        services: Services,
        keys: KeyRing,
        throttle: Throttle,
        *,
        shared: SharedState,
        faults: FaultStep,
        metrics: Metrics,
    ) -> None:
        self.services = services
        self.keys = keys
        self.throttle = throttle
        self.shared = shared
        self.faults = faults
        self.metrics = metrics
        self.verifier = SigV4Verifier(keys.secret, regions=known_regions())

    def handle(self, request: HttpRequest) -> Response:
        exchange = _Exchange(request, new_request_id(), time.perf_counter())
        try:
            response = self._answer_current(exchange)
        except (AwsError, FrontDoorError) as error:
            response = error_response(error.code, error.status, error.body(), exchange.request_id)
            exchange.churn_limited = isinstance(error.__cause__, ChurnLimited)
        except StorageFailure as failure:  # one line per interval, no traceback
            storage_failures.failed(failure, exchange.request_id)
            response = _internal(
                f"The service cannot use its database right now ({failure.kind}); retry later "
                f"(request id {exchange.request_id})",
                exchange.request_id,
            )
        except Exception:
            log.exception("request %s failed", exchange.request_id)
            response = _internal(
                f"Request processing failed (request id {exchange.request_id})",
                exchange.request_id,
            )
        else:
            storage_failures.succeeded()
        response.delay = exchange.delay
        _log_access(exchange, response)
        self._measure(exchange, response)
        return response

    def _answer_current(self, exchange: _Exchange) -> Response:
        """``_answer``, again when the shared state turned out to have moved (on
        PostgreSQL the request's own transactions tell: entrypoints/shared_state.py)."""
        try:
            for _ in range(_ANSWERS - 1):
                try:
                    response = self._answer(exchange)
                except StateMoved as moved:
                    self.shared.moved(moved.version)
                    continue
                except (AwsError, FrontDoorError):
                    if self.shared.was_current():
                        raise
                    continue
                if self.shared.was_current():
                    return response
            return self._answer(exchange)
        finally:
            self.shared.done()

    def _answer(self, exchange: _Exchange) -> Response:
        request = exchange.request
        name, labels = self._route(request)
        exchange.operation = name
        shared = self.shared.current()
        caller, credential = self._authenticate(request, exchange)
        op = operation(name)
        handler = self._handler(name)
        throttling = shared.throttling
        self._guarded(
            op, lambda: self.throttle.check(throttling, caller.account_id, caller.region, name)
        )
        params = self._parameters(op, request, labels)
        self._guarded(op, lambda: authorize(credential, caller, name, params))
        caller = self._inject(exchange, shared.faults, caller, params)
        result = self._guarded(op, lambda: retried(lambda: handler(self.services, caller, params)))
        return success_response(op, result, exchange.request_id)

    def _route(self, request: HttpRequest) -> tuple[str, dict[str, str]]:
        found = router().match(request.method, request.raw_path)
        if found is None:
            raise FrontDoorError(
                "UnknownOperationException",
                404,
                f"No Amazon Connect operation matches {request.method} {request.raw_path}",
            )
        return found.operation, found.labels

    def _authenticate(self, request: HttpRequest, exchange: _Exchange) -> tuple[Caller, Credential]:
        incoming = IncomingRequest(
            request.method, request.raw_path, request.raw_query, request.headers, request.body
        )
        try:
            verified = self.verifier.verify(incoming, self.services.wall())
        except SigV4Error as error:
            raise FrontDoorError(error.code, error.status, error.message) from None
        credential = self.keys.find(verified.access_key_id)
        if credential is None:  # revoked between the two look-ups
            raise FrontDoorError(
                "UnrecognizedClientException",
                403,
                "The security token included in the request is invalid.",
            )
        exchange.account_id = credential.account_id
        exchange.principal = credential.principal
        caller = Caller(
            credential.account_id, credential.principal, verified.region, exchange.request_id
        )
        return caller, credential

    def _handler(self, name: str) -> Handler:
        handler = HANDLERS.get(name)
        if handler is None:
            raise unimplemented_operation(name)
        return handler

    def _parameters(
        self, op: OperationModel, request: HttpRequest, labels: dict[str, str]
    ) -> dict[str, Any]:
        raw = RawRequest(labels, request.raw_query, request.headers, request.body)
        params = parse_params(op, raw)
        if op.input_shape is not None:
            found = validation.violations(op.input_shape, params)
            if found:
                raise AwsError(validation_error_code(op), validation.describe(found))
        return params

    def _inject(
        self,
        exchange: _Exchange,
        rules: tuple[FaultRule, ...],
        caller: Caller,
        params: dict[str, Any],
    ) -> Caller:
        """Apply the fault rules: raise the injected error, note the delay; the caller
        the use case sees (it carries an injected FAILED outcome)."""
        effect = self.faults.apply(rules, exchange.operation, caller, params)
        exchange.delay = effect.delay_seconds
        if effect.error is not None:
            raise effect.error
        return effect.caller

    def _measure(self, exchange: _Exchange, response: Response) -> None:
        code = "OK" if response.status < 400 else _error_type(response)
        seconds = time.perf_counter() - exchange.started + exchange.delay
        self.metrics.observe(exchange.operation, code, seconds, exchange.churn_limited)

    def _guarded(self, op: OperationModel, step: Callable[[], Result]) -> Result:
        """Run one step; a domain error becomes the operation's modeled error."""
        try:
            return step()
        except DomainError as error:
            raise to_aws_error(error, op) from error  # the cause tells the metrics why


def _internal(message: str, request_id: str) -> Response:
    """500 InternalServiceException: the modeled error that SDKs retry."""
    internal = AwsError("InternalServiceException", message)
    return error_response(internal.code, internal.status, internal.body(), request_id)


def new_request_id() -> str:
    """A random (version 4) UUID as text: what ``str(uuid.uuid4())`` gives, for less."""
    digits = os.urandom(16).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def _error_type(response: Response) -> str:
    for name, value in response.headers:
        if name == "x-amzn-ErrorType":
            return value
    return str(response.status)


def _log_access(exchange: _Exchange, response: Response) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    fields = {
        "request_id": exchange.request_id,
        "operation": exchange.operation,
        "status": response.status,
        "error": _error_code(response),
        "latency_ms": round((time.perf_counter() - exchange.started) * 1000, 2),
        "account": exchange.account_id,
        "principal": exchange.principal,
    }
    text = " ".join(
        f"{name}={value if value is not None else '-'}" for name, value in fields.items()
    )
    access_log.info(text, extra={"fields": fields})


def _error_code(response: Response) -> str | None:
    """The error a response carries (its ``x-amzn-ErrorType``), None for a success."""
    return next((v for k, v in response.headers if k == "x-amzn-ErrorType"), None)
