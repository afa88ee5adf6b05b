"""What every use case receives: who calls, and the transaction it runs in."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from types import TracebackType
from typing import Any, TypeVar

from ..domain.clock import now as clock_now
from ..domain.config import Config
from ..domain.errors import ConnectionLost, Contention
from ..domain.faults import FaultRule
from ..domain.idempotency import IdempotencyRecord, fingerprint, replayable
from ..domain.inventory import SyntheticInventory
from .ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "Caller",
    "Read",
    "Services",
    "Tx",
    "as_document",
    "idempotent",
    "parameters_of",
    "retried",
    "run_once",
    "transaction",
]

Result = TypeVar("Result")

log = logging.getLogger("connect_numbers")


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of one request."""

    account_id: str
    principal: str
    region: str
    request_id: str
    fault: FaultRule | None = None  # an outcome rule that makes this operation settle FAILED


@dataclass(slots=True)
class Services:
    """What use cases are wired to: storage, the synthetic inventory, the wall clock."""

    uow: UnitOfWorkFactory
    inventory: SyntheticInventory
    wall: Callable[[], float] = field(default=time.time)


@dataclass(frozen=True, slots=True)
class Tx:
    """An open unit of work with the service time and configuration it read."""

    uow: UnitOfWork
    now: float
    config: Config
    inventory: SyntheticInventory


class transaction:  # lower case: used as ``with transaction(...) as tx``, like a function
    """Open a unit of work and read the clock and configuration inside it.

    (A class rather than a generator: entering and leaving cost less, on every request.)
    """

    __slots__ = ("_services", "_unit", "_write")

    def __init__(self, services: Services, *, write: bool) -> None:
        self._services = services
        self._write = write

    def __enter__(self) -> Tx:
        services = self._services
        unit = self._unit = services.uow(write=self._write)
        uow = unit.__enter__()
        try:
            clock, config = uow.settings.load()
            return Tx(uow, clock_now(clock, services.wall()), config, services.inventory)
        except BaseException as error:
            unit.__exit__(type(error), error, error.__traceback__)
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._unit.__exit__(kind, error, trace)


def parameters_of(command: Any) -> dict[str, Any]:
    """A command's parameters as an idempotency fingerprint sees them: all but the token."""
    return {k: v for k, v in as_document(command).items() if k != "client_token"}


def as_document(value: Any) -> Any:
    """What ``dataclasses.asdict`` gives for a dataclass of plain values (text, numbers,
    ``None``, lists, tuples and dicts of them, other dataclasses), for less: the field
    names are looked up once per class and immutable values are not copied."""
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {
            name: v if isinstance(v := getattr(value, name), _IMMUTABLE) else as_document(v)
            for name in names
        }
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, list):
        return [as_document(item) for item in value]
    if isinstance(value, dict):
        return {as_document(k): as_document(v) for k, v in value.items()}
    if type(value) is tuple:
        return tuple(as_document(item) for item in value)
    return asdict_leaf(value)


def asdict_leaf(value: Any) -> Any:
    """Anything else, as ``asdict`` treats it (a deep copy; a named tuple field by field)."""
    return asdict(_Leaf(value))["value"]


@dataclass(slots=True)
class _Leaf:
    value: Any


_FIELDS: dict[type, tuple[str, ...]] = {}
_IMMUTABLE = (str, int, float, bool, type(None))


def idempotent(
    tx: Tx,
    caller: Caller,
    operation: str,
    token: str | None,
    parameters: dict[str, Any],
    result_type: type[Result],
    run: Callable[[], Result],
) -> Result:
    """Run ``run`` once per client token; a retry gets the first result back.

    The record is written in ``tx``, the mutation's own transaction.
    """
    if token is None:
        return run()
    digest = fingerprint(parameters)
    record = tx.uow.idempotency.get(caller.account_id, caller.region, operation, token)
    outcome = replayable(record, digest, tx.now, tx.config.idempotency_seconds)
    if outcome is not None:
        return result_type(**outcome)
    if record is not None:  # expired: it acts as unknown, and makes way for this one
        tx.uow.idempotency.forget(record)
    result = run()
    document = as_document(result)
    tx.uow.idempotency.put(
        IdempotencyRecord(
            caller.account_id, caller.region, operation, token, digest, document, tx.now
        )
    )
    return result


Read = tuple[str, str, tuple[Any, ...]]  # (repository, method, arguments): UnitOfWork.read_ahead


def run_once(
    services: Services,
    caller: Caller,
    operation: str,
    token: str | None,
    parameters: dict[str, Any],
    result_type: type[Result],
    run: Callable[[Tx], Result],
    reads: Callable[[Tx], list[Read]] | None = None,
) -> Result:
    """A mutation in a write transaction of its own, run once per client token.

    ``reads`` names the reads ``run`` will make, announced together with the client
    token's (``UnitOfWork.read_ahead``: one round trip on PostgreSQL).
    """
    with transaction(services, write=True) as tx:
        if reads is not None:
            scope = (caller.account_id, caller.region)
            token_read = [("idempotency", "get", (*scope, operation, token))] if token else []
            tx.uow.read_ahead(lambda: token_read + reads(tx))
        result = idempotent(tx, caller, operation, token, parameters, result_type, lambda: run(tx))
        tx.uow.commit()
        return result


def retried(run: Callable[[], Result], attempts: int = 4) -> Result:
    """Run a use case again when a concurrent change got in its way, or its database
    connection was lost before it committed (its whole transaction was rolled back, so
    running it again is safe)."""
    for _ in range(attempts - 1):
        try:
            return run()
        except ConnectionLost as lost:
            log.warning(
                "database connection lost (%s); running the request again on a new one",
                _reason(lost),
            )
        except Contention:
            log.info("contention; running the request again")
    return run()


def _reason(error: BaseException) -> str:
    """The first line of what the driver said about ``error``."""
    cause = getattr(error.__cause__, "orig", None) or error.__cause__ or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__
