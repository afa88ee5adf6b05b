"""Turn an operation's result, or an error, into an HTTP response.

Results are walked along the output shape: only modeled members leave the
server, ``None`` is omitted, timestamps become epoch seconds (JSON numbers,
as rest-json requires) and blobs base64 text. Errors carry their modeled
status, ``x-amzn-ErrorType`` and a JSON body.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

__all__ = ["Response", "Rows", "error_response", "success_response", "success_writer"]

JSON = "application/json"


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to hold the answer back (an injected latency)


@dataclass(frozen=True, slots=True)
class Rows:
    """A list of structures given as rows: each row holds the values of ``members``
    (the structure's member names) in that order. Written exactly as the same list of
    dicts would be, member order included, without a dict made for each item first."""

    members: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


def success_response(
    op: OperationModel, result: dict[str, Any] | None, request_id: str
) -> Response:
    """200 with the result serialized along the operation's output shape.

    An operation the model gives no output shape (ReleasePhoneNumber, TagResource,
    ...) answers an empty body, as the API reference says; an empty output
    structure answers ``{}``.
    """
    respond = _responders.get(op.name)
    if respond is None:
        respond = _responders[op.name] = success_writer(op)
    return respond(result, request_id)


_responders: dict[str, Callable[[dict[str, Any] | None, str], Response]] = {}


def success_writer(op: OperationModel) -> Callable[[dict[str, Any] | None, str], Response]:
    """``success_response`` for one operation, with its output's writer looked up once."""
    shape = op.output_shape
    if shape is None:
        return lambda result, request_id: Response(200, b"", _headers(request_id))
    write = _writer(shape)
    floats = _may_hold_floats(shape)

    def respond(result: dict[str, Any] | None, request_id: str) -> Response:
        return Response(200, _dumps(write(result or {}), floats), _headers(request_id))

    return respond


def error_response(code: str, status: int, body: dict[str, Any], request_id: str) -> Response:
    """An error: the modeled status, ``x-amzn-ErrorType`` and the JSON body."""
    headers = [*_headers(request_id), ("x-amzn-ErrorType", code)]
    return Response(status, _dumps(body), headers)


def _headers(request_id: str) -> list[tuple[str, str]]:
    return [("Content-Type", JSON), ("x-amzn-RequestId", request_id)]


def _dumps(document: dict[str, Any], floats: bool = True) -> bytes:
    """Compact UTF-8 JSON, byte for byte what ``json.dumps(separators=(",", ":"),
    ensure_ascii=False).encode()`` writes, by orjson where the two agree.

    They differ only on floats written with an exponent (``1e-05`` and ``0.00001``),
    non-finite floats, integers beyond 64 bits, non-text keys and lone surrogates;
    a document holding any of those is written by ``json`` as before. ``floats``
    False: the document's shape has no float member (timestamps are written as
    integers or with three decimals, never with an exponent). Text that UTF-8 cannot
    hold (a lone surrogate) is written as a JSON escape instead, so that writing an
    answer never fails, whatever a message echoes.
    """
    try:
        if not (floats and _has_unusual_float(document)):
            return orjson.dumps(document)
    except (orjson.JSONEncodeError, RecursionError):
        pass
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode()


def _has_unusual_float(value: Any) -> bool:
    if type(value) is dict:
        return any(_has_unusual_float(item) for item in value.values())
    if type(value) is list:
        return any(_has_unusual_float(item) for item in value)
    if isinstance(value, float):
        return value != 0.0 and not _SAME_FLOATS[0] <= abs(value) < _SAME_FLOATS[1]
    return False


# Floats both write alike: Python's repr uses an exponent outside this range.
_SAME_FLOATS = (1e-4, 1e16)

Writer = Callable[[Any], Any]
_SCALARS = frozenset({"string", "integer", "long", "boolean", "float", "double"})
_writers: dict[str, Writer] = {}


def _writer(shape: Shape) -> Writer:
    """The function that writes a value of ``shape`` for the wire, built once per shape."""
    found = _writers.get(shape.name)
    if found is None:
        found = _writers[shape.name] = _build(shape)
    return found


def _build(shape: Shape) -> Writer:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _structure_writer(shape)
    if kind == "list":
        assert isinstance(shape, ListShape)
        return _list_writer(shape.member)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return _map_writer(shape.value)
    if kind == "timestamp":
        return _epoch
    if kind == "blob":
        return _blob
    return _as_is


def _structure_writer(
    shape: StructureShape, position: Callable[[str], int] | None = None
) -> Writer:
    """A function written for this shape: one look-up and test per member, in order.

    Member names and wire names come from the botocore model and are written into
    the source as string literals (``repr``); a member that is not a scalar calls
    the writer of its own shape, looked up when first needed (shapes may recurse).
    With ``position`` the value is a row, each member read at its position there
    (members it does not hold are left out).
    """
    lines = ["def write(value):", "    out = {}"]
    if position is None:
        lines.append("    get = value.get")
    members: list[Shape] = []
    for name, member in shape.members.items():
        if position is None:
            lines.append(f"    item = get({name!r})")
        else:
            try:
                lines.append(f"    item = value[{position(name)}]")
            except ValueError:  # not among the row's members
                continue
        wire = member.serialization.get("name", name)
        lines.append("    if item is not None:")
        if member.type_name in _SCALARS:
            lines.append(f"        out[{wire!r}] = item")
        else:
            lines.append(f"        out[{wire!r}] = writer(members[{len(members)}])(item)")
            members.append(member)
    lines.append("    return out")
    namespace: dict[str, Any] = {"writer": _writer, "members": tuple(members)}
    exec("\n".join(lines), namespace)  # the source is built above from the model
    write: Writer = namespace["write"]
    return write


def _list_writer(member: Shape) -> Writer:
    if member.type_name in _SCALARS:
        return list

    def write(value: list[Any] | Rows) -> list[Any]:
        if isinstance(value, Rows):
            assert isinstance(member, StructureShape)
            each_row = _row_writer(member, value.members)
            return [each_row(row) for row in value.rows]
        each = _writer(member)
        return [each(item) for item in value]

    return write


_row_writers: dict[tuple[str, tuple[str, ...]], Writer] = {}


def _row_writer(shape: StructureShape, members: tuple[str, ...]) -> Writer:
    """The function that writes a row of ``members``' values as a ``shape`` structure,
    built once per shape and order: the structure writer's code, reading by position."""
    key = (shape.name, members)
    found = _row_writers.get(key)
    if found is None:
        unknown = set(members) - set(shape.members)
        if unknown:
            raise ValueError(f"{shape.name} has no member {sorted(unknown)[0]!r}")
        found = _row_writers[key] = _structure_writer(shape, members.index)
    return found


def _map_writer(member: Shape) -> Writer:
    if member.type_name in _SCALARS:
        return dict

    def write(value: dict[str, Any]) -> dict[str, Any]:
        each = _writer(member)
        return {key: each(item) for key, item in value.items()}

    return write


@cache
def _may_hold_floats(shape: Shape) -> bool:
    return _reaches_float(shape, set())


def _reaches_float(shape: Shape, seen: set[str]) -> bool:
    if shape.name in seen:
        return False
    seen.add(shape.name)
    kind = shape.type_name
    if kind in ("float", "double"):
        return True
    if isinstance(shape, StructureShape):
        return any(_reaches_float(member, seen) for member in shape.members.values())
    if isinstance(shape, ListShape):
        return _reaches_float(shape.member, seen)
    if isinstance(shape, MapShape):
        return _reaches_float(shape.value, seen)
    return False


def _as_is(value: Any) -> Any:
    return value


def _blob(value: Any) -> Any:
    return base64.b64encode(value).decode() if isinstance(value, bytes) else value


def _epoch(value: Any) -> float | int:
    if isinstance(value, datetime):
        value = value.timestamp()
    number = float(value)
    return int(number) if number.is_integer() else round(number, 3)
