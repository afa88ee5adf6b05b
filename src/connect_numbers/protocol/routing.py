"""Map a raw HTTP method and path to a Connect operation.

Routes come from each operation's ``requestUri`` in the model. Matching is
done on the raw, still percent-encoded path: it is split on ``/`` first and
each segment decoded afterwards, so an ARN sent as ``arn%3A...%2Fuuid`` stays
one label. A client that sends an ARN unencoded (``/tags/arn:aws:...:x/y``)
still reaches its route: one label takes the extra segments (the most literal
route wins, so ``/phone-number/arn:...:phone-number/id/metadata`` is
UpdatePhoneNumberMetadata).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

from .model import connect_model

__all__ = ["Match", "Router", "router"]


_UNROUTABLE = frozenset({"", ".", ".."})


class _Route:
    """One route: its literal segments are compared first, then its labels decoded."""

    __slots__ = ("labels", "literal_count", "literals", "operation", "segments")

    def __init__(self, operation: str, segments: tuple[str, ...]) -> None:
        self.operation = operation
        self.segments = segments  # literal text, or "{Label}"
        self.literals = tuple((i, s) for i, s in enumerate(segments) if not s.startswith("{"))
        self.labels = tuple((i, s[1:-1]) for i, s in enumerate(segments) if s.startswith("{"))
        self.literal_count = len(self.literals)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        for index, text in self.literals:
            if parts[index] != text:
                return None
        labels: dict[str, str] = {}
        for index, name in self.labels:
            part = parts[index]
            label = _decoded(part) if "%" in part else part
            if not label:
                return None
            labels[name] = label
        return labels


@dataclass(frozen=True, slots=True)
class Match:
    operation: str
    labels: dict[str, str]


class Router:
    """Routes built from the model, grouped by method and segment count."""

    def __init__(self, routes: list[tuple[str, str, str]]) -> None:
        table: dict[tuple[str, int], list[_Route]] = defaultdict(list)
        for method, uri, name in routes:
            segments = tuple(uri.split("?")[0].strip("/").split("/"))
            table[method, len(segments)].append(_Route(name, segments))
        for candidates in table.values():
            candidates.sort(key=lambda r: -r.literal_count)
        self._table = dict(table)

    def match(self, method: str, raw_path: str) -> Match | None:
        parts = _segments(raw_path)
        if parts is None or not _UNROUTABLE.isdisjoint(parts):
            return None  # dot segments and '//' would let one signature stand for two paths
        found = self._exact(method, parts)
        return found if found is not None else self._spanning_label(method, parts)

    def _exact(self, method: str, parts: list[str]) -> Match | None:
        for route in self._table.get((method, len(parts)), ()):
            labels = route.match(parts)
            if labels is not None:
                return Match(route.operation, labels)
        return None

    def _spanning_label(self, method: str, parts: list[str]) -> Match | None:
        """A route where one label takes several segments (an unencoded ARN), most literal first."""
        best: tuple[int, Match] | None = None
        for (m, size), routes in self._table.items():
            if m != method or size >= len(parts):
                continue
            for route in routes:
                labels = _spanned(route, parts, len(parts) - size)
                if labels is not None and (best is None or route.literal_count > best[0]):
                    best = (route.literal_count, Match(route.operation, labels))
        return best[1] if best is not None else None


def _decoded(part: str) -> str | None:
    """A percent-decoded label; None (not routed) unless it decodes to valid UTF-8."""
    try:
        return unquote(part, errors="strict")
    except UnicodeDecodeError:
        return None


def _segments(raw_path: str) -> list[str] | None:
    """The path's segments: it starts with one ``/``; one trailing ``/`` is dropped
    (``/instance/`` is ``/instance``). Empty segments stay, for ``match`` to refuse."""
    if not raw_path.startswith("/"):
        return None
    inner = raw_path[1:]
    return (inner[:-1] if inner.endswith("/") else inner).split("/")


def _spanned(route: _Route, parts: list[str], extra: int) -> dict[str, str] | None:
    for index, segment in enumerate(route.segments):
        if segment.startswith("{"):
            end = index + extra + 1
            labels = route.match([*parts[:index], "/".join(parts[index:end]), *parts[end:]])
            if labels is not None:
                return labels
    return None


@cache
def router() -> Router:
    """The router for every operation of the Connect model."""
    model = connect_model()
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        routes.append((http["method"], http["requestUri"], name))
    return Router(routes)
