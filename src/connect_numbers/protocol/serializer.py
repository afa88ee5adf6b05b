"""Turn an operation's result, or an error, into an HTTP response.

Results are walked along the output shape: only modeled members leave the
server, ``None`` is omitted, timestamps become epoch seconds (JSON numbers,
as rest-json requires) and blobs base64 text. Errors carry their modeled
status, ``x-amzn-ErrorType`` and a JSON body.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

__all__ = ["Response", "error_response", "success_response"]

JSON = "application/json"


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to hold the answer back (an injected latency)


def success_response(
    op: OperationModel, result: dict[str, Any] | None, request_id: str
) -> Response:
    """200 with the result serialized along the operation's output shape.

    An operation the model gives no output shape (ReleasePhoneNumber, TagResource,
    ...) answers an empty body, as the API reference says; an empty output
    structure answers ``{}``.
    """
    shape = op.output_shape
    if shape is None:
        return Response(200, b"", _headers(request_id))
    return Response(200, _dumps(_structure(shape, result or {})), _headers(request_id))


def error_response(code: str, status: int, body: dict[str, Any], request_id: str) -> Response:
    """An error: the modeled status, ``x-amzn-ErrorType`` and the JSON body."""
    headers = [*_headers(request_id), ("x-amzn-ErrorType", code)]
    return Response(status, _dumps(body), headers)


def _headers(request_id: str) -> list[tuple[str, str]]:
    return [("Content-Type", JSON), ("x-amzn-RequestId", request_id)]


def _dumps(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON; text that UTF-8 cannot hold (a lone surrogate) is written as a JSON
    escape instead, so that writing an answer never fails, whatever a message echoes."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode()


def _value(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, value)
    if kind == "list":
        assert isinstance(shape, ListShape)
        return [_value(shape.member, item) for item in value]
    if kind == "map":
        assert isinstance(shape, MapShape)
        return {key: _value(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return _epoch(value)
    if kind == "blob":
        return base64.b64encode(value).decode() if isinstance(value, bytes) else value
    return value


_SCALARS = frozenset({"string", "integer", "long", "float", "double", "boolean"})
_Plan = tuple[tuple[str, str, Shape | None], ...]
_plans: dict[str, _Plan] = {}


def _plan(shape: StructureShape) -> _Plan:
    """(member, wire name, shape or None for a scalar written as is), once per shape."""
    found = _plans.get(shape.name)
    if found is None:
        found = tuple(
            (
                name,
                member.serialization.get("name", name),
                None if member.type_name in _SCALARS else member,
            )
            for name, member in shape.members.items()
        )
        _plans[shape.name] = found
    return found


def _structure(shape: Shape, value: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(shape, StructureShape)
    out: dict[str, Any] = {}
    for name, wire, member in _plan(shape):
        item = value.get(name)
        if item is not None:
            out[wire] = item if member is None else _value(member, item)
    return out


def _epoch(value: Any) -> float | int:
    if isinstance(value, datetime):
        value = value.timestamp()
    number = float(value)
    return int(number) if number.is_integer() else round(number, 3)
