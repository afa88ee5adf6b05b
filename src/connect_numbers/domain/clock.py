"""The one clock every rule reads.

The clock is the wall clock plus an offset, or a frozen instant. Tests move
it (advance, set, freeze) instead of sleeping; its state is persisted so that
a restart keeps it. The wall clock itself is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = ["ClockState", "advanced", "frozen", "now", "set_to"]

WallClock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class ClockState:
    """How service time relates to wall time."""

    offset_seconds: float = 0.0
    frozen_at: float | None = None

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


def now(state: ClockState, wall: float) -> float:
    """Service time in epoch seconds, given the wall time."""
    return state.frozen_at if state.frozen_at is not None else wall + state.offset_seconds


def advanced(state: ClockState, seconds: float) -> ClockState:
    """The clock moved forward (or back, for a negative amount) by ``seconds``."""
    if state.frozen_at is not None:
        return replace(state, frozen_at=state.frozen_at + seconds)
    return replace(state, offset_seconds=state.offset_seconds + seconds)


def set_to(state: ClockState, epoch: float, wall: float) -> ClockState:
    """The clock set to read ``epoch`` now (and to run on from there unless frozen)."""
    if state.frozen_at is not None:
        return replace(state, frozen_at=epoch)
    return replace(state, offset_seconds=epoch - wall)


def frozen(state: ClockState, freeze: bool, wall: float) -> ClockState:
    """The clock stopped at its current reading, or running again from it."""
    current = now(state, wall)
    if freeze:
        return ClockState(offset_seconds=current - wall, frozen_at=current)
    return ClockState(offset_seconds=current - wall, frozen_at=None)
