"""IAM-shaped policies: which actions a key may take on which resources.

A policy is ``{"Statement": [{"Effect": "Allow"|"Deny", "Action": [...],
"Resource": [...]}]}``. Actions are ``connect:<Operation>`` names and
resources are ARNs, both with ``*`` and ``?`` wildcards (actions compare
case-insensitively, resources case-sensitively, as IAM does). An explicit Deny
wins over any Allow; without a matching Allow the action is denied. A key with
no policy may do everything within its own account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import InvalidParameter

__all__ = ["Policy", "Statement"]

_EFFECTS = ("Allow", "Deny")


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def matches(self, action: str, resource: str) -> bool:
        return any(_pattern(a, True).fullmatch(action) for a in self.actions) and any(
            _pattern(r, False).fullmatch(resource) for r in self.resources
        )


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]

    @classmethod
    def from_document(cls, document: Any) -> Policy:
        """The policy in ``document``; InvalidParameter says what is wrong with it."""
        if not isinstance(document, dict) or set(document) - {"Version", "Statement"}:
            raise InvalidParameter("A policy is an object with a Statement list (and Version)")
        statements = document.get("Statement")
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list) or not statements:
            raise InvalidParameter("A policy needs at least one Statement")
        return cls(tuple(_statement(s, i) for i, s in enumerate(statements, start=1)))

    def allows(self, action: str, resource: str) -> bool:
        matching = [s for s in self.statements if s.matches(action, resource)]
        if any(s.effect == "Deny" for s in matching):
            return False
        return any(s.effect == "Allow" for s in matching)


def _statement(raw: Any, number: int) -> Statement:
    if not isinstance(raw, dict):
        raise InvalidParameter(f"Statement {number} is not an object")
    unknown = set(raw) - {"Sid", "Effect", "Action", "Resource"}
    if unknown:
        raise InvalidParameter(f"Statement {number}: unsupported keys {sorted(unknown)}")
    effect = raw.get("Effect")
    if effect not in _EFFECTS:
        raise InvalidParameter(f"Statement {number}: Effect must be Allow or Deny")
    actions = _strings(raw.get("Action"), f"Statement {number}: Action")
    for action in actions:
        if action != "*" and not action.lower().startswith("connect:"):
            raise InvalidParameter(f"Statement {number}: {action!r} is not a connect: action")
    resources = _strings(raw.get("Resource"), f"Statement {number}: Resource")
    return Statement(effect, actions, resources)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidParameter(f"{where} must be a string or a non-empty list of strings")
    return tuple(value)


@cache
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)
