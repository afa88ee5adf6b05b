"""The service clock: wall time plus an offset, or a frozen instant; the wall clock is passed in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connect_numbers.domain.clock import ClockState, advanced, frozen, now, set_to

WALL = 1_800_000_000.0
DAY = 86_400


def test_a_fresh_clock_reads_the_wall_clock() -> None:
    assert now(ClockState(), WALL) == WALL
    assert not ClockState().frozen


def test_advancing_adds_to_the_offset_and_the_clock_keeps_running() -> None:
    state = advanced(ClockState(), 181 * DAY)
    assert now(state, WALL) == WALL + 181 * DAY
    assert now(state, WALL + 5) == WALL + 181 * DAY + 5


def test_advancing_by_a_negative_amount_goes_back() -> None:
    assert now(advanced(ClockState(), -60), WALL) == WALL - 60


def test_advances_accumulate() -> None:
    state = advanced(advanced(ClockState(), 10), 20)
    assert state.offset_seconds == 30


def test_setting_the_clock_reads_that_instant_now_and_runs_on() -> None:
    state = set_to(ClockState(), 2_000_000_000, WALL)
    assert now(state, WALL) == 2_000_000_000
    assert now(state, WALL + 3) == 2_000_000_003


def test_a_frozen_clock_does_not_move_with_the_wall() -> None:
    state = frozen(advanced(ClockState(), 100), True, WALL)
    assert state.frozen
    assert now(state, WALL) == WALL + 100
    assert now(state, WALL + 3600) == WALL + 100


def test_advancing_a_frozen_clock_moves_it_and_keeps_it_frozen() -> None:
    state = advanced(frozen(ClockState(), True, WALL), DAY)
    assert state.frozen
    assert now(state, WALL + 999) == WALL + DAY


def test_setting_a_frozen_clock_keeps_it_frozen_at_that_instant() -> None:
    state = set_to(frozen(ClockState(), True, WALL), 2_000_000_000, WALL)
    assert state.frozen
    assert now(state, WALL + 50) == 2_000_000_000


def test_unfreezing_runs_on_from_the_frozen_reading() -> None:
    stopped = frozen(ClockState(), True, WALL)
    running = frozen(stopped, False, WALL + 600)
    assert not running.frozen
    assert now(running, WALL + 600) == WALL
    assert now(running, WALL + 610) == WALL + 10


def test_freezing_twice_keeps_the_first_reading() -> None:
    once = frozen(ClockState(), True, WALL)
    assert now(frozen(once, True, WALL + 30), WALL + 60) == WALL


def test_unfreezing_a_running_clock_changes_nothing() -> None:
    state = advanced(ClockState(), 42)
    assert frozen(state, False, WALL) == state


@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("advance"), st.floats(-1e6, 1e6)),
            st.tuples(st.just("freeze"), st.booleans()),
        ),
        max_size=8,
    ),
    elapsed=st.floats(0, 1e6),
)
def test_the_clock_moves_with_the_wall_exactly_when_it_is_not_frozen(
    steps: list[tuple[str, float | bool]], elapsed: float
) -> None:
    state = ClockState()
    for kind, value in steps:
        state = (
            advanced(state, float(value)) if kind == "advance" else frozen(state, bool(value), WALL)
        )
    moved = now(state, WALL + elapsed) - now(state, WALL)
    assert moved == pytest.approx(0 if state.frozen else elapsed, abs=1e-3)
