"""The request pipeline: one HTTP request in, one response out.

Everything about an operation that does not depend on the request is worked out
once, at start-up, into its plan (``_Plan``): its model, its use case, how its
input is read and checked (protocol/parser.py ``reader``) and how its output is
written (protocol/serializer.py ``success_writer``). A request then takes these
steps, in order:

1. route           raw method and path -> Connect operation (404 if none)
2. authenticate    SigV4 against stored credentials -> the caller (403)
3. plan            the operation must be implemented here (400 naming it)
4. throttle        a token bucket per account, region and operation (429)
5. parameters      members read from path, query, headers and body, every
                   modeled constraint checked (400)
6. authorize       the key's policy must allow the action on what it touches (403)
7. inject          fault rules: an injected error, a delay, or a FAILED outcome
                   handed to the use case (entrypoints/faults.py)
8. the handler     the use case runs
9. serialize       the output shape, or the error, as rest-json
10. metrics        the request counted, and its duration, by ``handle``

Steps 4 to 8 turn a domain error into the operation's modeled error. The
shared state (throttling settings, fault rules, access keys) is the process's
snapshot, checked against the database by the request's first unit of work
(entrypoints/shared_state.py): a request that finds it moved is answered again.

Anything unexpected becomes a 500 InternalServiceException carrying the
request id; the traceback goes to the log only. A database that cannot serve
(a full disk, no answer in time) is a 500 too, logged as one line per interval
(entrypoints/failure_log.py).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from botocore.model import OperationModel

from ..domain.accounts import Credential
from ..domain.errors import ChurnLimited, DomainError, StaleState, StorageFailure
from ..domain.faults import FaultRule
from ..protocol.errors import AwsError, FrontDoorError, unimplemented_operation
from ..protocol.model import known_regions, operation
from ..protocol.parser import RawRequest, reader
from ..protocol.routing import router
from ..protocol.serializer import Response, error_response, success_writer
from ..protocol.sigv4 import IncomingRequest, SigV4Error, SigV4Verifier
from ..service.context import Caller, Services, retried
from ..service.credentials import KeyRing
from .authorization import authorize
from .errors import to_aws_error
from .failure_log import storage_failures
from .faults import FaultStep
from .metrics import Metrics
from .operations import HANDLERS, Handler
from .shared_state import SharedState, Snapshot
from .throttling import Throttle

__all__ = ["HttpRequest", "Pipeline", "new_request_id"]

log = logging.getLogger("connect_numbers")
access_log = logging.getLogger("connect_numbers.access")


# The request as the server read it is the request SigV4 verifies: method, raw path
# and query (still percent-encoded), lower-cased headers, body.
HttpRequest = IncomingRequest

# Answers of one request under moved shared state before it is answered as it stands.
_STALE_ATTEMPTS = 3


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """Answering one implemented operation, worked out once at start-up: its model,
    its use case, its input read and checked, its output written."""

    name: str
    op: OperationModel
    handler: Handler
    read: Callable[[RawRequest], dict[str, Any]]
    write: Callable[[dict[str, Any] | None, str], Response]


def _plans() -> dict[str, _Plan]:
    found = {}
    for name, handler in HANDLERS.items():
        op = operation(name)
        found[name] = _Plan(name, op, handler, reader(op), success_writer(op))
    return found


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
        self._router = router()
        self._plans = _plans()

    def handle(self, request: HttpRequest) -> Response:
        exchange = _Exchange(request, new_request_id(), time.perf_counter())
        try:
            response = self._current_answer(exchange)
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

    def answered_early(self, request: HttpRequest, response: Response, started: float) -> None:
        """Log and count an answer the HTTP layer gave before the request was whole (413,
        431): every answer on the Connect API has its access line and its metric."""
        exchange = _Exchange(request, _header(response, "x-amzn-RequestId") or "-", started)
        _log_access(exchange, response)
        self._measure(exchange, response)

    def _current_answer(self, exchange: _Exchange) -> Response:
        """The answer under the shared state as it is now (entrypoints/shared_state.py):
        answered again when the first unit of work finds the state moved, or, for an
        answer that needed none, when one read finds it moved."""
        uow = self.services.uow
        try:
            for _ in range(_STALE_ATTEMPTS - 1):  # the last one answers as the state stands
                snapshot = self.shared.snapshot()
                uow.expect(snapshot.version)
                try:
                    response = self._answer_or_error(exchange, snapshot)
                except StaleState:
                    uow.expect(None)
                    self.shared.reload()
                    continue
                unchecked = uow.expecting()
                uow.expect(None)
                if not (unchecked and self.shared.moved()):
                    return response
                self.shared.reload()
            return self._answer_or_error(exchange, self.shared.snapshot())  # as it stands
        finally:
            uow.expect(None)  # whatever happened, this thread's next work expects nothing

    def _answer_or_error(self, exchange: _Exchange, snapshot: Snapshot) -> Response:
        exchange.delay, exchange.churn_limited = 0.0, False
        try:
            return self._answer(exchange, snapshot)
        except (AwsError, FrontDoorError) as error:
            exchange.churn_limited = isinstance(error.__cause__, ChurnLimited)
            return error_response(error.code, error.status, error.body(), exchange.request_id)

    def _answer(self, exchange: _Exchange, snapshot: Snapshot) -> Response:
        request = exchange.request
        found = self._router.match(request.method, request.raw_path)
        if found is None:
            raise FrontDoorError(
                "UnknownOperationException",
                404,
                f"No Amazon Connect operation matches {request.method} {request.raw_path}",
            )
        name = exchange.operation = found.operation
        caller, credential = self._authenticate(request, exchange)
        plan = self._plans.get(name)
        if plan is None:
            raise unimplemented_operation(name)
        op = plan.op
        try:
            self.throttle.check(snapshot.throttling, caller.account_id, caller.region, name)
            params = plan.read(
                RawRequest(found.labels, request.raw_query, request.headers, request.body)
            )
            authorize(credential, caller, name, params)
            caller = self._inject(exchange, snapshot.faults, caller, params)
            result = retried(partial(plan.handler, self.services, caller, params))
        except DomainError as error:  # the operation's modeled error
            raise to_aws_error(error, op) from error  # the cause tells the metrics why
        return plan.write(result, exchange.request_id)

    def _authenticate(self, request: HttpRequest, exchange: _Exchange) -> tuple[Caller, Credential]:
        try:
            verified = self.verifier.verify(request, self.services.wall())
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

    def _inject(
        self,
        exchange: _Exchange,
        rules: tuple[FaultRule, ...],
        caller: Caller,
        params: dict[str, Any],
    ) -> Caller:
        """Apply the fault rules: raise the injected error, note the delay; the caller
        the use case sees (it carries an injected FAILED outcome)."""
        if not rules:
            return caller
        effect = self.faults.apply(rules, exchange.operation, caller, params)
        exchange.delay = effect.delay_seconds
        if effect.error is not None:
            raise effect.error
        return effect.caller

    def _measure(self, exchange: _Exchange, response: Response) -> None:
        code = "OK" if response.status < 400 else _error_type(response)
        seconds = time.perf_counter() - exchange.started + exchange.delay
        self.metrics.observe(exchange.operation, code, seconds, exchange.churn_limited)


def _internal(message: str, request_id: str) -> Response:
    """500 InternalServiceException: the modeled error that SDKs retry."""
    internal = AwsError("InternalServiceException", message)
    return error_response(internal.code, internal.status, internal.body(), request_id)


def new_request_id() -> str:
    """A random (version 4) UUID as text, as ``str(uuid.uuid4())`` writes it.

    The bits come from ``random`` (seeded from the system's entropy, and again in each
    forked worker) rather than ``os.urandom``: a request id names a request, it guards
    nothing, and a system call per request is a cost worth saving.
    """
    digits = f"{_random_bits(128):032x}"
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


_random_bits = random.getrandbits


def _error_type(response: Response) -> str:
    return _error_code(response) or str(response.status)


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
    return _header(response, "x-amzn-ErrorType")


def _header(response: Response, name: str) -> str | None:
    return next((value for key, value in response.headers if key == name), None)
