"""IAM-shaped policies: which actions a key may take on which resources.

A policy is ``{"Statement": [{"Effect": "Allow"|"Deny", "Action": [...],
"Resource": [...]}]}``. Actions are ``connect:<Operation>`` names and
resources are ARNs, both with ``*`` and ``?`` wildcards (actions compare
case-insensitively, resources case-sensitively, as IAM does). An explicit Deny
wins over any Allow; without a matching Allow the action is denied. A key with
no policy may do everything within its own account.

Wildcards are matched by a two-pointer scan, never by a regular expression: a
pattern such as ``*a*a*a*a*b`` compiled to ``.*a.*a.*a.*a.*b`` backtracks
exponentially on a long resource that the caller chooses (a ``resourceArn``
has no length limit), while the scan costs at most pattern length times resource
length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import InvalidParameter

__all__ = ["Policy", "Statement", "glob_match"]

_EFFECTS = ("Allow", "Deny")
_VERSIONS = ("2012-10-17", "2008-10-17")


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def matches(self, action: str, resource: str) -> bool:
        lowered = action.lower()
        return any(glob_match(a.lower(), lowered) for a in self.actions) and any(
            glob_match(r, resource) for r in self.resources
        )


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]

    @classmethod
    def from_document(cls, document: Any) -> Policy:
        """The policy in ``document``; InvalidParameter says what is wrong with it."""
        if not isinstance(document, dict) or set(document) - {"Version", "Statement"}:
            raise InvalidParameter("A policy is an object with a Statement list (and Version)")
        if "Version" in document and document["Version"] not in _VERSIONS:
            raise InvalidParameter(f"A policy Version must be one of {', '.join(_VERSIONS)}")
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


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` whole, ``*`` being any run and ``?`` one character."""
    p = t = 0
    star, resume = -1, 0  # the last ``*`` seen, and where its run would end next
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, resume, p = p, t, p + 1
        elif p < len(pattern) and pattern[p] in ("?", text[t]):
            p, t = p + 1, t + 1
        elif star >= 0:
            resume += 1
            p, t = star + 1, resume
        else:
            return False
    return all(c == "*" for c in pattern[p:])
