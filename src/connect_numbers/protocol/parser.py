"""Turn an HTTP request into an operation's parameters by walking its input shape.

Each input member is read from where the model puts it: a path label, a
query-string key, a header, or the JSON body. Values read from text (labels,
query, headers) are converted to the member's type where they can be; a value
that cannot be converted is left as text so that validation reports it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, Shape

from . import validation
from .errors import AwsError

__all__ = ["ParseError", "RawRequest", "parse_params", "reader", "validation_error_code"]

_INTEGER = re.compile(r"-?[0-9]{1,4000}")  # past 4300 digits int() itself refuses


@dataclass(frozen=True, slots=True)
class RawRequest:
    labels: dict[str, str]
    raw_query: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes


class ParseError(Exception):
    """The request cannot be read as the operation's input at all."""


def validation_error_code(op: OperationModel) -> str:
    """InvalidParameterException where the operation models it, else InvalidRequestException."""
    modeled = {shape.name for shape in op.error_shapes}
    if "InvalidParameterException" in modeled:
        return "InvalidParameterException"
    return "InvalidRequestException"


def parse_params(op: OperationModel, request: RawRequest) -> dict[str, Any]:
    """The operation's input as a dict keyed by member name; AwsError if unreadable."""
    try:
        return _parse(op, request)
    except ParseError as error:
        raise AwsError(validation_error_code(op), str(error)) from None


def reader(op: OperationModel) -> Callable[[RawRequest], dict[str, Any]]:
    """The operation's input read and checked against every modeled constraint, as
    ``parse_params`` then ``validation.violations`` would; AwsError (the operation's
    validation error) otherwise. Where each member is read from, and its checks, are
    worked out here, once."""
    code = validation_error_code(op)
    plan = _plan(op)
    shape = op.input_shape
    if plan is None or shape is None:
        return lambda request: {}

    def read(request: RawRequest) -> dict[str, Any]:
        try:
            params = _parse_with(plan, request)
        except ParseError as error:
            raise AwsError(code, str(error)) from None
        found = validation.violations(shape, params)
        if found:
            raise AwsError(code, validation.describe(found))
        return params

    return read


def _parse(op: OperationModel, request: RawRequest) -> dict[str, Any]:
    plan = _plan(op)
    return {} if plan is None else _parse_with(plan, request)


def _parse_with(plan: _Plan, request: RawRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    query = _query(request.raw_query) if request.raw_query else []
    for name, location, wire, member in plan.located:
        if location == "uri":
            _put(params, name, _label(member, request.labels.get(wire)))
        elif location == "querystring":
            _put(params, name, _query_value(member, wire, query, plan.bound))
        else:
            _put(params, name, _text_value(member, request.headers.get(wire.lower())))
    if plan.body_members:
        params.update(_body(plan.body_members, request.body))
    return params


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where each member of an input shape is read from, worked out once per operation."""

    located: tuple[tuple[str, str, str, Shape], ...]  # (name, location, wire name, shape)
    bound: set[str]  # query keys of named members
    body_members: dict[str, str]  # wire name -> member name, for the JSON body


_plans: dict[str, _Plan | None] = {}


def _plan(op: OperationModel) -> _Plan | None:
    if op.name not in _plans:
        shape = op.input_shape
        _plans[op.name] = None if shape is None else _plan_of(shape)
    return _plans[op.name]


def _plan_of(shape: Shape) -> _Plan:
    located = []
    body_members: dict[str, str] = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location in ("uri", "querystring", "header"):
            located.append((name, location, wire, member))
        elif location is None:
            body_members[wire] = name
    return _Plan(tuple(located), _bound_query_keys(shape), body_members)


def _query(raw_query: str) -> list[tuple[str, str]]:
    """The query's pairs; an escape that is not UTF-8 (``%ED%A0%80``, ``%FF``) is refused
    rather than read as U+FFFD, which would turn two different values into one."""
    try:
        return parse_qsl(raw_query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ParseError("The query string is not valid UTF-8 once percent-decoded") from None


def _put(params: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        params[name] = value


def _label(member: Shape, value: str | None) -> Any:
    return _text_value(member, value)


def _bound_query_keys(shape: Shape) -> set[str]:
    """Query keys that belong to a named member (a query-string map takes the others)."""
    return {
        member.serialization.get("name", name)
        for name, member in shape.members.items()
        if member.serialization.get("location") == "querystring" and member.type_name != "map"
    }


def _query_value(member: Shape, wire: str, query: list[tuple[str, str]], bound: set[str]) -> Any:
    values = [v for k, v in query if k == wire]
    if member.type_name == "list":
        return [_text_value(member.member, v) for v in values] if values else None
    if member.type_name == "map":
        return {k: v for k, v in query if k not in bound} or None
    if len(values) > 1:
        raise ParseError(
            f"The query parameter {wire} takes one value; it was given {len(values)} times"
        )
    return _text_value(member, values[0]) if values else None


def _text_value(member: Shape, value: str | None) -> Any:
    if value is None:
        return None
    kind = member.type_name
    if kind in ("integer", "long"):
        return _to_int(value)
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    if kind in ("float", "double"):
        return _to_float(value)
    if kind == "timestamp":
        return _to_epoch(value)
    return value


def _to_int(value: str) -> int | str:
    """A plain decimal integer; ``1_000``, `` 5`` or non-ASCII digits stay text for validation."""
    return int(value) if _INTEGER.fullmatch(value) else value


def _to_float(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def _to_epoch(value: str) -> float | str:
    """Epoch seconds from a header or query timestamp: epoch, ISO 8601 or an HTTP-date.

    botocore sends header timestamps as HTTP-dates and query timestamps as ISO 8601.
    """
    number = _to_float(value)
    if isinstance(number, float):
        return number
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _body(by_wire: dict[str, str], body: bytes) -> dict[str, Any]:
    """The body members (``by_wire``: wire name -> member name) from the JSON body."""
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise ParseError(f"The request body is not valid JSON: {error}") from None
    except RecursionError:
        raise ParseError("The request body is nested too deeply") from None
    if not isinstance(document, dict):
        raise ParseError("The request body must be a JSON object")
    return {by_wire[key]: value for key, value in document.items() if key in by_wire}
