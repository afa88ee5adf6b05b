"""Opaque NextToken values: a position in a listing, checked when it comes back."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import InvalidParameter

__all__ = ["decode_key", "decode_time_and_id", "decode_token", "encode_token", "page_of"]

_VERSION = 1

_Item = TypeVar("_Item")


def encode_token(kind: str, position: list[Any]) -> str:
    """A NextToken for ``kind`` (the listing) that resumes after ``position``."""
    document = json.dumps([_VERSION, kind, position], separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def decode_token(kind: str, token: str) -> list[Any]:
    """The position a NextToken of ``kind`` stands for; InvalidParameter if it is not one."""
    try:
        padded = token + "=" * (-len(token) % 4)
        version, found_kind, position = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, RecursionError):
        raise InvalidParameter("The NextToken is not valid") from None
    if version != _VERSION or found_kind != kind or not isinstance(position, list):
        raise InvalidParameter("The NextToken is not valid for this request")
    return position


def decode_key(kind: str, token: str) -> str:
    """The one string key a NextToken of ``kind`` resumes after."""
    position = decode_token(kind, token)
    if len(position) != 1 or not isinstance(position[0], str):
        raise InvalidParameter("The NextToken is not valid for this request")
    return position[0]


def decode_time_and_id(kind: str, token: str) -> tuple[float, str]:
    """The (created_at, id) a NextToken of ``kind`` resumes after."""
    position = decode_token(kind, token)
    if len(position) == 2:
        created_at, resource_id = position
        number = isinstance(created_at, int | float) and not isinstance(created_at, bool)
        if number and isinstance(resource_id, str):
            return float(created_at), resource_id
    raise InvalidParameter("The NextToken is not valid for this request")


def page_of(
    found: Sequence[_Item], limit: int, kind: str, position: Callable[[_Item], list[Any]]
) -> tuple[list[_Item], str | None]:
    """A page of ``found`` (read with ``limit + 1`` rows) and its NextToken, if more remain.

    ``position`` gives the position of an item, which the token resumes after.
    """
    shown = list(found[:limit])
    return shown, encode_token(kind, position(shown[-1])) if len(found) > limit else None
