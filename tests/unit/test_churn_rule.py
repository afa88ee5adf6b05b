"""The rolling churn quota as a pure rule: release times in, refusal and resume time out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connect_numbers.domain.churn import (
    GroupedTimes,
    check_churn,
    churn_budget,
    churn_limit,
    claims_resume_at,
)
from connect_numbers.domain.errors import InvalidParameter

DAY = 86_400
WINDOW = 180 * DAY
T = 1_900_000_000.0


def test_the_limit_is_the_percentage_of_the_quota() -> None:
    assert churn_limit(99, 200) == 198
    assert churn_limit(5, 200) == 10
    assert churn_limit(3, 150) == 4.5


def test_claims_go_ahead_below_the_limit() -> None:
    assert claims_resume_at([T] * 9, 10, WINDOW) is None
    check_churn([T] * 9, 5, 200, WINDOW)
    check_churn([], 5, 200, WINDOW)


class _Bounded(list[float]):
    """Release times whose exact count is dear and whose upper bound is cheap."""

    def __init__(self, times: list[float], bound: int) -> None:
        super().__init__(times)
        self.bound = bound
        self.counted = False

    def at_most(self) -> int:
        return self.bound

    def __len__(self) -> int:
        self.counted = True
        return super().__len__()


def test_an_upper_bound_below_the_limit_spares_the_exact_count() -> None:
    times = _Bounded([T] * 3, bound=9)
    assert claims_resume_at(times, 10, WINDOW) is None
    assert not times.counted


def test_an_upper_bound_at_the_limit_decides_on_the_exact_count() -> None:
    below = _Bounded([T] * 9, bound=12)  # 3 of the 12 were restored
    assert claims_resume_at(below, 10, WINDOW) is None
    assert below.counted
    assert claims_resume_at(_Bounded([T + i for i in range(10)], 12), 10, WINDOW) == T + WINDOW


def test_at_the_limit_claims_resume_when_the_oldest_release_leaves_the_window() -> None:
    times = [T + i for i in range(10)]
    assert claims_resume_at(times, 10, WINDOW) == T + WINDOW


def test_above_the_limit_claims_resume_when_enough_releases_have_left() -> None:
    times = [T + i for i in range(12)]  # 12 releases, limit 10: three must leave
    assert claims_resume_at(times, 10, WINDOW) == T + 2 + WINDOW


def test_a_fractional_limit_needs_the_count_strictly_below_it() -> None:
    times = [T + i for i in range(5)]  # limit 4.5: one must leave (4 < 4.5)
    assert claims_resume_at(times, 4.5, WINDOW) == T + WINDOW
    assert claims_resume_at(times[:4], 4.5, WINDOW) is None


def test_the_worked_example_resumes_when_the_first_99_releases_leave() -> None:
    first, second = T, T + 2 * DAY
    times = [first] * 99 + [second] * 99
    assert claims_resume_at(times, churn_limit(99, 200), WINDOW) == first + WINDOW
    assert claims_resume_at(times[:197], churn_limit(99, 200), WINDOW) is None


def test_a_refusal_states_the_count_the_limit_and_when_claims_resume() -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_churn([T] * 99 + [T + DAY] * 99, 99, 200, WINDOW)
    message = raised.value.message
    assert "198 numbers were released in the last 180 days" in message
    assert "the limit is 198 (200% of the quota of 99 phone numbers)" in message
    assert f"Claims resume at 2030-09-13T17:46:40Z ({T + WINDOW:.0f})" in message


def test_a_quota_of_zero_refuses_every_claim_for_good() -> None:
    assert claims_resume_at([], 0, WINDOW) == math.inf
    assert claims_resume_at([T, T + 1], 0, WINDOW) == math.inf
    with pytest.raises(InvalidParameter) as raised:
        check_churn([], 0, 200, WINDOW)
    assert "the limit is 0" in raised.value.message
    assert "until the limit is raised" in raised.value.message


def test_a_percentage_of_zero_refuses_every_claim_for_good() -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_churn([], 5, 0, WINDOW)
    assert "the limit is 0" in raised.value.message


def test_a_resume_time_between_seconds_is_stated_as_the_next_whole_second() -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_churn([T + 0.4] * 10, 5, 200, WINDOW)
    assert f"Claims resume at 2030-09-13T17:46:41Z ({T + WINDOW + 1:.0f})" in raised.value.message


def test_the_budget_of_the_worked_example() -> None:
    times = [T] * 99 + [T + 2 * DAY] * 99
    budget = churn_budget(times, 99, 200, WINDOW, [(T, 99), (T + 2 * DAY, 99)])
    assert budget.limit == 198
    assert budget.releases_in_window == 198
    assert not budget.claims_allowed
    assert budget.claims_resume_at == T + WINDOW
    assert budget.releases_left_before_lockout == 0
    assert budget.schedule == ((T + WINDOW, 99), (T + 2 * DAY + WINDOW, 99))


def test_a_fractional_limit_counts_whole_releases() -> None:
    budget = churn_budget([T] * 4, 3, 150, WINDOW)
    assert (budget.limit, budget.releases_left_before_lockout, budget.claims_allowed) == (
        5,
        1,
        True,
    )
    assert not churn_budget([T] * 5, 3, 150, WINDOW).claims_allowed


def test_a_quota_of_zero_never_resumes() -> None:
    budget = churn_budget([], 0, 200, WINDOW)
    assert not budget.claims_allowed
    assert budget.claims_resume_at == math.inf
    assert budget.releases_left_before_lockout == 0


@given(
    offsets=st.lists(st.integers(0, 10), max_size=30),
    quota=st.integers(0, 8),
    percent=st.sampled_from([50.0, 100.0, 150.0, 200.0, 333.0]),
)
def test_the_budget_allows_a_claim_exactly_when_check_churn_does(
    offsets: list[int], quota: int, percent: float
) -> None:
    times = sorted(T + offset for offset in offsets)
    budget = churn_budget(times, quota, percent, WINDOW)
    try:
        check_churn(times, quota, percent, WINDOW)
        refused = False
    except InvalidParameter:
        refused = True
    assert budget.claims_allowed is not refused
    assert (budget.releases_left_before_lockout == 0) is refused


@given(counts=st.lists(st.integers(1, 4), max_size=12), quota=st.integers(0, 6))
def test_grouped_times_are_the_release_times_they_group(counts: list[int], quota: int) -> None:
    groups = [(T + 10 * i, n) for i, n in enumerate(counts)]
    expanded = [at for at, n in groups for _ in range(n)]
    grouped = GroupedTimes(groups)
    assert list(grouped) == expanded
    assert len(grouped) == len(expanded)
    if expanded:
        assert grouped[-1] == expanded[-1]
    limit = churn_limit(quota, 200)
    assert claims_resume_at(grouped, limit, WINDOW) == claims_resume_at(expanded, limit, WINDOW)
