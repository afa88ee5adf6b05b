"""The rules' tunable figures, with AWS's values as defaults.

``cooldown_days`` defaults to 180 (the current ReleasePhoneNumber text); 30
reproduces the older text. ``search_results_limit`` is how many numbers one
SearchAvailablePhoneNumbers walk (a first page and the pages its NextTokens
lead to) offers at most, so that a paginator without a limit of its own ends.
``history_retention_days`` (default None: forever) is how long the event history
and release records are kept beyond what the rules need (domain/retention.py).
The whole configuration is one document that the admin API reads and partially
updates.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .errors import InvalidParameter

__all__ = [
    "DEFAULT_PHONE_NUMBERS_PER_INSTANCE",
    "Config",
    "Throttling",
    "config_keys",
    "finite",
    "unknown_key_message",
]

DAY = 86_400
HOUR = 3_600
DEFAULT_PHONE_NUMBERS_PER_INSTANCE = 5


@dataclass(frozen=True, slots=True)
class Throttling:
    enabled: bool = False
    rate: float = 2.0
    burst: int = 5


@dataclass(frozen=True, slots=True)
class Config:
    settle_seconds: float = 0.0
    cooldown_days: float = 180.0
    churn_window_days: float = 180.0
    churn_percent: float = 200.0
    idempotency_hours: float = 24.0
    search_results_limit: int = 1000
    throttling: Throttling = field(default_factory=Throttling)
    history_retention_days: float | None = None  # None: keep history forever

    @property
    def cooldown_seconds(self) -> float:
        return self.cooldown_days * DAY

    @property
    def churn_window_seconds(self) -> float:
        return self.churn_window_days * DAY

    @property
    def idempotency_seconds(self) -> float:
        return self.idempotency_hours * HOUR

    @property
    def history_retention_seconds(self) -> float | None:
        days = self.history_retention_days
        return None if days is None else days * DAY

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Config:
        return cls().updated(document)

    def updated(self, changes: dict[str, Any]) -> Config:
        """A copy with ``changes`` applied; InvalidParameter names any bad key or value."""
        if not isinstance(changes, dict):
            raise InvalidParameter("The configuration must be a JSON object")
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "throttling":
                values[key] = _throttling(self.throttling, value)
            elif key == "search_results_limit":
                values[key] = _whole(key, value, minimum=1)
            elif key == "history_retention_days" and value is None:
                values[key] = None
            else:
                values[key] = _number(key, value, _CONFIG_FIELDS)
        return replace(self, **values)


_CONFIG_FIELDS = {f.name for f in fields(Config)} - {"throttling", "search_results_limit"}
_THROTTLING_FIELDS = {"rate", "burst"}


def _number(key: str, value: Any, allowed: set[str]) -> float:
    if key not in allowed:
        raise InvalidParameter(unknown_key_message(key))
    number = finite(value)
    if number is None or number < 0:
        raise InvalidParameter(f"Configuration {key!r} must be a number >= 0, not {value!r}")
    return number


def config_keys() -> list[str]:
    """Every key of the configuration, nested ones as ``throttling.rate``."""
    nested = [f"throttling.{f.name}" for f in fields(Throttling)]
    return [*(f.name for f in fields(Config) if f.name != "throttling"), *nested]


def unknown_key_message(key: str) -> str:
    """Names the valid keys, and the closest one when ``key`` looks like a misspelling."""
    keys = config_keys()
    if key in keys:  # "throttling.rate" given flat in JSON
        parent, _, leaf = key.partition(".")
        hint = f' It goes inside its object: {{"{parent}": {{"{leaf}": ...}}}}.'
    else:
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"Unknown configuration key: {key!r}.{hint} Valid keys: {', '.join(keys)}"


def _whole(key: str, value: Any, minimum: int) -> int:
    number = finite(value)
    if number is None or not number.is_integer() or number < minimum:
        raise InvalidParameter(
            f"Configuration {key!r} must be a whole number >= {minimum}, not {value!r}"
        )
    return int(number)


def finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (booleans, text, NaN, infinities, huge integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _throttling(current: Throttling, changes: Any) -> Throttling:
    if not isinstance(changes, dict):
        raise InvalidParameter("Configuration 'throttling' must be a JSON object")
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "enabled":
            if not isinstance(value, bool):
                raise InvalidParameter("Configuration 'throttling.enabled' must be true or false")
            values[key] = value
        else:
            allowed = {f"throttling.{k}" for k in _THROTTLING_FIELDS}
            values[key] = _number(f"throttling.{key}", value, allowed)
    if "burst" in values:
        if not values["burst"].is_integer():
            raise InvalidParameter(
                f"Configuration 'throttling.burst' must be a whole number, not {changes['burst']!r}"
            )
        values["burst"] = int(values["burst"])
    result = replace(current, **values)
    if result.enabled and (result.rate <= 0 or result.burst < 1):
        raise InvalidParameter("Throttling needs a rate > 0 and a burst >= 1")
    return result
