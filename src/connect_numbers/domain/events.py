"""The lifecycle event log of a phone number.

Requests append events (CLAIM, IMPORT, UPDATE, UPDATE_METADATA, RELEASE, RESTORE). What happens
by the passage of time alone — an operation settling, a cooldown ending — is
derived from the stored times when history is read, so nothing needs a
background thread and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CLAIM",
    "COOLDOWN_END",
    "FAIL",
    "IMPORT",
    "RELEASE",
    "RESTORE",
    "SETTLE",
    "UPDATE",
    "UPDATE_METADATA",
    "Event",
    "history",
]

CLAIM = "CLAIM"
IMPORT = "IMPORT"
UPDATE = "UPDATE"
UPDATE_METADATA = "UPDATE_METADATA"
RELEASE = "RELEASE"
RESTORE = "RESTORE"
SETTLE = "SETTLE"
FAIL = "FAIL"
COOLDOWN_END = "COOLDOWN_END"

_SETTLING = (CLAIM, IMPORT, UPDATE, UPDATE_METADATA)


@dataclass(frozen=True, slots=True)
class Event:
    time: float
    event: str
    e164: str
    phone_number_id: str | None
    account_id: str
    region: str
    principal: str
    request_id: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_document(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "event": self.event,
            "phone_number": self.e164,
            "phone_number_id": self.phone_number_id,
            "account_id": self.account_id,
            "region": self.region,
            "principal": self.principal,
            "request_id": self.request_id,
            **self.detail,
        }


def history(recorded: list[Event], now: float) -> list[Event]:
    """Recorded events plus the settles and cooldown ends that have happened by ``now``.

    In time order; at equal times (a frozen clock, ``settle_seconds`` 0) an event that
    follows from another comes right after its cause, before what was recorded later.
    """
    keyed: list[tuple[float, int, int, Event]] = []
    for index, event in enumerate(recorded):
        keyed.append((event.time, index, 0, event))
        later = recorded[index + 1 :]
        keyed.extend((e.time, index, 1, e) for e in _consequences(event, later, now))
    return [event for *_, event in sorted(keyed, key=lambda item: item[:3])]


def _consequences(event: Event, later: list[Event], now: float) -> list[Event]:
    if event.event in _SETTLING:
        settles_at = event.detail.get("settles_at")
        # a number released while its operation was in progress (its instance was
        # deleted) never settles
        released = any(e.event == RELEASE and e.time < (settles_at or 0) for e in later)
        if settles_at is not None and settles_at <= now and not released:
            failure = event.detail.get("failure")
            kind, detail = (FAIL, {"message": failure}) if failure else (SETTLE, {})
            return [_derived(event, kind, settles_at, detail)]
    if event.event == RELEASE:
        ends = event.detail.get("cooldown_until")
        restored = any(e.event == RESTORE and e.time < (ends or 0) for e in later)
        if ends is not None and ends <= now and not restored:
            return [_derived(event, COOLDOWN_END, ends, {})]
    return []


def _derived(cause: Event, kind: str, time: float, detail: dict[str, Any]) -> Event:
    return Event(
        time,
        kind,
        cause.e164,
        cause.phone_number_id,
        cause.account_id,
        cause.region,
        "connect-numbers",
        cause.request_id,
        {"caused_by": cause.event, **detail},
    )
