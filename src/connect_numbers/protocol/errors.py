"""AWS errors as the Connect model defines them.

An :class:`AwsError` names a modeled error shape; its HTTP status and the
extra members it may carry are read from the model, never typed by hand.
Authentication errors of the front door (SigV4) are not in the model: they
are :class:`FrontDoorError` and use a lower-case ``message`` body key.
"""

from __future__ import annotations

from typing import Any

from .model import error_shape

__all__ = ["AwsError", "FrontDoorError", "unimplemented_operation"]


class AwsError(Exception):
    """A modeled Connect error: ``code`` is the error shape's name."""

    def __init__(self, code: str, message: str, **members: Any) -> None:
        shape = error_shape(code)
        unknown = set(members) - set(shape.members)
        if unknown:
            raise ValueError(f"{code} models no member {sorted(unknown)}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.members = members
        self.status: int = shape.metadata["error"]["httpStatusCode"]

    def body(self) -> dict[str, Any]:
        return {"Message": self.message, **self.members}


class FrontDoorError(Exception):
    """An error raised before a request reaches Connect (authentication, routing)."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"message": self.message}


def unimplemented_operation(name: str) -> AwsError:
    """The answer to a Connect operation that this server does not implement."""
    return AwsError("InvalidRequestException", f"{name} is not implemented by connect-numbers")
