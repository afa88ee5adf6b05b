"""Domain errors: plain exceptions, translated once to AWS errors at the edge."""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ChurnLimited",
    "Conflict",
    "ConnectionLost",
    "Contention",
    "DomainError",
    "Duplicate",
    "FlowNotPublished",
    "IdempotencyMismatch",
    "InvalidContactFlow",
    "InvalidParameter",
    "InvalidRequest",
    "NotFound",
    "NotReady",
    "QuotaExceeded",
    "ResourceInUse",
    "StaleState",
    "StorageFailure",
    "Throttled",
]


class DomainError(Exception):
    """A rule said no. ``message`` is meant for the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The resource does not exist for this caller (or belongs to another account)."""


class InvalidParameter(DomainError):
    """A parameter is well-formed but not acceptable (number not available, quota, region)."""


class ChurnLimited(InvalidParameter):
    """A claim or import refused by the rolling churn quota."""


class InvalidRequest(DomainError):
    """The request as a whole cannot be carried out in the resource's current state."""


class ResourceInUse(DomainError):
    """The resource is busy or still referenced."""

    def __init__(self, message: str, resource_type: str, resource_id: str) -> None:
        super().__init__(message)
        self.resource_type = resource_type
        self.resource_id = resource_id


class Conflict(DomainError):
    """The request conflicts with the resource's state (already done, or a name taken)."""


class NotReady(DomainError):
    """A resource the request needs is still being created."""


class Duplicate(DomainError):
    """A resource with that name already exists where names must be unique."""


class FlowNotPublished(DomainError):
    """A flow that has only been saved was asked for without its ``:$SAVED`` alias."""


class InvalidContactFlow(DomainError):
    """A flow's content is not valid; ``problems`` says why, one message each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The flow content is not valid: " + "; ".join(problems))
        self.problems = problems


class IdempotencyMismatch(DomainError):
    """A client token was reused with other parameters."""


class QuotaExceeded(DomainError):
    """A service quota is used up."""


class AccessDenied(DomainError):
    """The caller's policy does not allow the action on the resource."""


class Throttled(DomainError):
    """The caller sent requests faster than its rate allows."""


class Contention(Exception):
    """A concurrent change got in the way (a unique key taken, a deadlock, a
    serialization failure); the use case may simply be run again."""


class ConnectionLost(Contention):
    """The database connection was lost before the transaction committed (the database
    restarted, a proxy closed an idle connection): nothing was written, and the use case
    may run again on a new connection."""


class StaleState(Exception):
    """The shared state (configuration, clock, fault rules, access keys) changed since
    this process last read it: the transaction that found it did nothing, and the
    request is answered again once the process has read the new state."""

    def __init__(self, version: int) -> None:
        super().__init__(f"the shared state is at version {version} now")
        self.version = version


class StorageFailure(Exception):
    """The database cannot serve the request now: its disk is full, it does not answer in
    time, or it cannot be reached. ``kind`` and ``code`` (the database's own error code)
    name the failure for the log; the caller may retry later."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(f"{kind} ({code}): {message}")
        self.kind = kind
        self.code = code
        self.message = message
