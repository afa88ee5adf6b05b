"""Token buckets at their exact edges, and the Throttle step that takes their tokens."""

from __future__ import annotations

import pytest

from connect_numbers.domain.config import Throttling
from connect_numbers.domain.errors import Throttled
from connect_numbers.domain.throttle import TokenBucket
from connect_numbers.entrypoints.throttling import Throttle


def takes(bucket: TokenBucket, times: list[float], rate: float, burst: int) -> list[bool]:
    """Whether each request at ``times`` passes, the bucket carried from one to the next."""
    answers = []
    for now in times:
        allowed, bucket = bucket.take(now, rate, burst)
        answers.append(allowed)
    return answers


def test_a_full_bucket_lets_exactly_burst_requests_pass_at_one_instant() -> None:
    assert takes(TokenBucket.full(5, 0.0), [0.0] * 6, rate=2, burst=5) == [True] * 5 + [False]


def test_a_token_is_back_exactly_one_over_rate_seconds_later_and_not_before() -> None:
    bucket = TokenBucket.full(1, 0.0)
    assert takes(bucket, [0.0, 0.4999999, 0.5], rate=2, burst=1) == [True, False, True]


def test_a_refused_request_takes_no_token() -> None:
    bucket = TokenBucket.full(1, 100.0)
    times = [100.0, 100.25, 100.5, 100.75, 101.0]
    assert takes(bucket, times, rate=1, burst=1) == [True, False, False, False, True]


def test_the_refill_stops_at_the_burst() -> None:
    _, empty = TokenBucket.full(3, 0.0).take(0.0, 1, 3)
    assert takes(empty, [3600.0] * 4, rate=1, burst=3) == [True, True, True, False]


def test_a_fractional_rate_refills_one_token_every_two_seconds() -> None:
    bucket = TokenBucket.full(1, 0.0)
    assert takes(bucket, [0.0, 1.0, 1.999, 2.0], rate=0.5, burst=1) == [True, False, False, True]


@pytest.mark.parametrize("rate", [3, 7, 10, 0.3])
def test_a_client_pacing_itself_exactly_at_the_rate_is_never_throttled(rate: float) -> None:
    # i / rate is rarely exact in binary: 0.3 - 0.2 is 0.09999999999999998
    times = [i / rate for i in range(2000)]
    assert all(takes(TokenBucket.full(1, 0.0), times, rate=rate, burst=1))


def test_a_client_going_faster_than_the_rate_is_throttled_in_proportion() -> None:
    times = [i * 0.05 for i in range(200)]  # 20 per second against 10 per second
    passed = sum(takes(TokenBucket.full(1, 0.0), times, rate=10, burst=1))
    assert passed == 100


def test_a_clock_that_steps_back_credits_nothing_twice() -> None:
    # Throttle reads the clock before it takes its lock, so two threads may arrive out of order.
    bucket = TokenBucket.full(1, 0.0)
    assert takes(bucket, [10.0, 9.0, 10.0, 10.5], rate=1, burst=1) == [True, False, False, False]


def test_a_lower_burst_caps_a_fuller_bucket() -> None:
    bucket = TokenBucket.full(5, 0.0)
    assert takes(bucket, [0.0, 0.0, 0.0], rate=1, burst=2) == [True, True, False]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Buckets:
    """The buckets as the database keeps them, in a dict."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str, str], TokenBucket] = {}

    def __call__(self, key: tuple[str, str, str], settings: Throttling, now: float) -> bool:
        bucket = self.kept.get(key) or TokenBucket.full(settings.burst, now)
        allowed, self.kept[key] = bucket.take(now, settings.rate, settings.burst)
        return allowed


def passes(throttle: Throttle, settings: Throttling, account: str, region: str, op: str) -> bool:
    try:
        throttle.check(settings, account, region, op)
        return True
    except Throttled:
        return False


ON = Throttling(True, 1, 2)


def make() -> tuple[Throttle, Buckets, Clock]:
    buckets, clock = Buckets(), Clock()
    return Throttle(buckets, wall=clock), buckets, clock


def test_buckets_are_per_account_region_and_operation() -> None:
    throttle, _, _ = make()
    assert [passes(throttle, ON, "a", "us-east-1", "Op") for _ in range(3)] == [True, True, False]
    assert passes(throttle, ON, "b", "us-east-1", "Op")
    assert passes(throttle, ON, "a", "us-west-2", "Op")
    assert passes(throttle, ON, "a", "us-east-1", "Other")


def test_disabled_throttling_lets_everything_pass_and_keeps_no_bucket() -> None:
    throttle, buckets, _ = make()
    off = Throttling(False, 1, 1)
    assert all(passes(throttle, off, "a", "us-east-1", "Op") for _ in range(100))
    assert buckets.kept == {}


def test_the_settings_of_each_request_apply_to_it() -> None:
    throttle, _, _ = make()
    assert [passes(throttle, ON, "a", "us-east-1", "Op") for _ in range(3)] == [True, True, False]
    assert passes(throttle, Throttling(True, 1, 5), "a", "us-east-1", "Op") is False
    assert passes(throttle, Throttling(False, 1, 2), "a", "us-east-1", "Op")


def test_the_throttle_refills_with_the_wall_clock() -> None:
    throttle, _, clock = make()
    one = Throttling(True, 1, 1)
    assert passes(throttle, one, "a", "us-east-1", "Op")
    assert not passes(throttle, one, "a", "us-east-1", "Op")
    clock.now += 1.0
    assert passes(throttle, one, "a", "us-east-1", "Op")
