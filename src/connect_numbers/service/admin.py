"""Use cases of the admin API: the clock, the configuration, a full reset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import clock as domain_clock
from ..domain.clock import ClockState
from ..domain.config import Config, finite
from ..domain.errors import InvalidParameter
from .context import Services

__all__ = ["ClockReading", "change_clock", "read_clock", "read_config", "reset", "update_config"]


@dataclass(frozen=True, slots=True)
class ClockReading:
    now: float
    offset_seconds: float
    frozen: bool


def read_clock(services: Services) -> ClockReading:
    with services.uow(write=False) as uow:
        state, _ = uow.settings.load()
    return _reading(state, services.wall())


def change_clock(services: Services, change: dict[str, Any]) -> ClockReading:
    """Apply one of ``advance_seconds``, ``set``, ``freeze``, ``reset``."""
    with services.uow(write=True) as uow:
        state, _ = uow.settings.load()
        wall = services.wall()
        state = _changed(state, change, wall)
        uow.settings.save_clock(state)
        uow.commit()
    return _reading(state, wall)


def _changed(state: ClockState, change: dict[str, Any], wall: float) -> ClockState:
    if not isinstance(change, dict) or len(change) != 1:
        raise InvalidParameter("Give exactly one of advance_seconds, set, freeze or reset")
    ((key, value),) = change.items()
    if key == "reset" and value is True:
        return ClockState()
    if key == "freeze" and isinstance(value, bool):
        return domain_clock.frozen(state, value, wall)
    seconds = finite(value)
    if key in ("advance_seconds", "set") and seconds is not None:
        if key == "set":
            changed = domain_clock.set_to(state, seconds, wall)
        else:
            changed = domain_clock.advanced(state, seconds)
        if not 0 <= domain_clock.now(changed, wall) <= _LAST_EPOCH:
            raise InvalidParameter(
                f"The clock must stay between 1970 and 9999 (epoch 0 to {_LAST_EPOCH})"
            )
        return changed
    raise InvalidParameter(f"Invalid clock change: {key}={value!r}")


_LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z: later instants cannot be dates at all


def _reading(state: ClockState, wall: float) -> ClockReading:
    return ClockReading(domain_clock.now(state, wall), state.offset_seconds, state.frozen)


def read_config(services: Services) -> Config:
    with services.uow(write=False) as uow:
        return uow.settings.load()[1]


def update_config(services: Services, changes: dict[str, Any]) -> Config:
    with services.uow(write=True) as uow:
        config = uow.settings.load()[1].updated(changes)
        uow.settings.save_config(config)
        uow.commit()
    return config


def reset(services: Services) -> None:
    """Wipe all state: resources, tokens, history, clock and configuration."""
    with services.uow(write=True) as uow:
        uow.wipe()
        uow.commit()
