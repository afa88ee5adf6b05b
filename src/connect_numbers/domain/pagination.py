"""Opaque NextToken values: a position in a listing, checked when it comes back."""

from __future__ import annotations

import base64
import json
from typing import Any

from .errors import InvalidParameter

__all__ = ["decode_token", "encode_token"]

_VERSION = 1


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
