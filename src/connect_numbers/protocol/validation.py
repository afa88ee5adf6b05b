"""Server-side enforcement of every constraint in the Connect model.

botocore checks only some constraints on the client (required, types,
minimums) and other clients check none, so the server walks the input shape
itself and enforces required, type, min, max, pattern and enum for strings,
numbers, lists and maps. Violations are reported the way AWS's request
validation words them: ``Value '…' at 'Member' failed to satisfy constraint:
Member must …``.

Patterns are the model's: Smithy patterns are ECMA-style and not anchored, so
they are searched, not fully matched; they use ``\\p{L}``-style classes, so
the ``regex`` module compiles them. Some model patterns carry a doubled
escape (``\\\\+[1-9]\\\\d{1,14}$`` for PhoneNumber) which, taken literally,
would demand a backslash; it is read as the single escape it means.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape

__all__ = ["describe", "has_lone_surrogate", "safe_text", "violations"]

_MAX_REPORTED = 10


def violations(shape: StructureShape, params: dict[str, Any]) -> list[str]:
    """Every constraint of ``shape`` that ``params`` breaks, as messages.

    Each shape's check is built once, with its constraints read from the model
    then (limits, the enum as a set, the compiled pattern)."""
    found: list[str] = []
    _checker(shape).check(params, "", found)
    return found


def describe(found: list[str]) -> str:
    """One message for a list of violations, AWS style."""
    count = len(found)
    noun = "error" if count == 1 else "errors"
    shown = "; ".join(found[:_MAX_REPORTED])
    more = f"; and {count - _MAX_REPORTED} more" if count > _MAX_REPORTED else ""
    return f"{count} validation {noun} detected: {shown}{more}"


def _where(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shown(value: Any) -> str:
    """``value`` as printable text for a message, whatever it holds: lone surrogates and
    other characters that cannot be written as UTF-8 are shown as ``\\ud800`` escapes."""
    text = safe_text(value)
    return text if len(text) <= 100 else text[:97] + "..."


def safe_text(value: Any) -> str:
    """``str(value)`` that can always be encoded as UTF-8 (never raises)."""
    try:
        text = str(value)
    except Exception:  # a value whose __str__ fails cannot come from JSON, but be safe
        text = object.__repr__(value)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a UTF-16 surrogate on its own (JSON's ``"\\ud800"``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _fail(found: list[str], path: str, value: Any, rule: str) -> None:
    shown = "null" if value is None else f"'{_shown(value)}'"
    where = safe_text(path)  # a map key is part of the path
    found.append(f"Value {shown} at '{where}' failed to satisfy constraint: Member must {rule}")


Check = Callable[[Any, str, list[str]], None]  # (value, path, found)


def _check_structure(shape: Shape) -> Check:
    assert isinstance(shape, StructureShape)
    required = tuple(shape.required_members)
    members = tuple((name, _checker(member)) for name, member in shape.members.items())

    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, dict):
            _fail(found, path or "body", value, "be a structure (a JSON object)")
            return
        get = value.get
        for name in required:
            if get(name) is None:
                _fail(found, _where(path, name), None, "not be null")
        for name, member in members:
            item = get(name)
            if item is not None:
                member.check(item, _where(path, name), found)

    return check


def _check_list(shape: Shape) -> Check:
    assert isinstance(shape, ListShape)
    length = _length_check(shape)
    member = _checker(shape.member)

    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, list):
            _fail(found, path, value, "be a list (a JSON array)")
            return
        length(len(value), value, path, found)
        for index, item in enumerate(value):
            if item is None:
                _fail(found, f"{path}.{index + 1}", None, "not be null")
            else:
                member.check(item, f"{path}.{index + 1}", found)

    return check


def _check_map(shape: Shape) -> Check:
    assert isinstance(shape, MapShape)
    length = _length_check(shape)
    keys, values = _checker(shape.key), _checker(shape.value)

    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, dict):
            _fail(found, path, value, "be a map (a JSON object)")
            return
        length(len(value), value, path, found)
        for key, item in value.items():
            keys.check(key, f"{path}.key", found)
            if item is None:
                _fail(found, f"{path}.{key}", None, "not be null")
            else:
                values.check(item, f"{path}.{key}", found)

    return check


def _check_string(shape: Shape) -> Check:
    enum = shape.metadata.get("enum")
    allowed = frozenset(enum) if enum else None
    listed = f"satisfy enum value set: [{', '.join(enum)}]" if enum else ""
    length = _length_check(shape)
    high = shape.metadata.get("max")
    pattern = shape.metadata.get("pattern")
    search = _compiled(pattern).search if pattern else None
    unmatched = f"satisfy regular expression pattern: {_meant(pattern)}" if pattern else ""

    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, str):
            _fail(found, path, value, "be a string")
            return
        if "\x00" in value:
            _fail(found, path, value.replace("\x00", "\\0"), "not contain the NUL character")
            return
        if has_lone_surrogate(value):
            _fail(found, path, value, "be valid Unicode (a lone UTF-16 surrogate is not)")
            return
        if allowed is not None and value not in allowed:
            _fail(found, path, value, listed)
        length(len(value), value, path, found)
        if high is not None and len(value) > high:
            return  # a pattern may backtrack badly on text far over its length limit
        if search is not None and search(value) is None:
            _fail(found, path, value, unmatched)

    return check


def _length_check(shape: Shape) -> Callable[[int, Any, str, list[str]], None]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(size: int, value: Any, path: str, found: list[str]) -> None:
        if low is not None and size < low:
            _fail(found, path, value, f"have length greater than or equal to {low}")
        if high is not None and size > high:
            _fail(found, path, value, f"have length less than or equal to {high}")

    return check


def _check_integer(shape: Shape) -> Check:
    in_range = _range_check(shape)

    def check(value: Any, path: str, found: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(found, path, value, "be an integer")
            return
        in_range(value, path, found)

    return check


def _check_float(shape: Shape) -> Check:
    in_range = _range_check(shape)

    def check(value: Any, path: str, found: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail(found, path, value, "be a number")
            return
        in_range(value, path, found)

    return check


def _range_check(shape: Shape) -> Callable[[float, str, list[str]], None]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: float, path: str, found: list[str]) -> None:
        if low is not None and value < low:
            _fail(found, path, value, f"have value greater than or equal to {low}")
        if high is not None and value > high:
            _fail(found, path, value, f"have value less than or equal to {high}")

    return check


def _check_boolean(shape: Shape) -> Check:
    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, bool):
            _fail(found, path, value, "be a boolean")

    return check


def _check_timestamp(shape: Shape) -> Check:
    def check(value: Any, path: str, found: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail(found, path, value, "be a timestamp in epoch seconds")

    return check


def _check_blob(shape: Shape) -> Check:
    def check(value: Any, path: str, found: list[str]) -> None:
        if not isinstance(value, str):
            _fail(found, path, value, "be base64-encoded binary data")

    return check


def _no_check(value: Any, path: str, found: list[str]) -> None:
    pass


_BUILDERS: dict[str, Callable[[Shape], Check]] = {
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
    "string": _check_string,
    "integer": _check_integer,
    "long": _check_integer,
    "float": _check_float,
    "double": _check_float,
    "boolean": _check_boolean,
    "timestamp": _check_timestamp,
    "blob": _check_blob,
}


class _Checker:
    """The check of one shape, built when first run: shapes may contain themselves."""

    __slots__ = ("_shape", "check")

    def __init__(self, shape: Shape) -> None:
        self._shape = shape
        self.check: Check = self._first

    def _first(self, value: Any, path: str, found: list[str]) -> None:
        build = _BUILDERS.get(self._shape.type_name)
        self.check = build(self._shape) if build is not None else _no_check
        self.check(value, path, found)


_checkers: dict[str, _Checker] = {}


def _checker(shape: Shape) -> _Checker:
    """The one checker of a named shape (members of the same shape share it)."""
    key = f"{shape.name}:{shape.type_name}"
    found = _checkers.get(key)
    if found is None:
        found = _checkers[key] = _Checker(shape)
    return found


def _meant(pattern: str) -> str:
    return pattern.replace("\\\\", "\\")


@cache
def _compiled(pattern: str) -> Any:
    return regex.compile(_meant(pattern))
