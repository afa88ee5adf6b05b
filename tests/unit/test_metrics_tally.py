"""A single process's request metrics, kept as plain numbers, are written out exactly as
prometheus-client's own Counter and Histogram write the same observations."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from connect_numbers.entrypoints.metrics import (
    _BUCKETS,
    _DURATION,
    _DURATION_HELP,
    _REQUESTS,
    _REQUESTS_HELP,
    _Tally,
)

OPERATIONS = ("DescribePhoneNumber", "ClaimPhoneNumber", "-")
CODES = ("OK", "ThrottlingException", "InvalidParameterException")
# every bucket edge, just below and just above it, and the far ends
DURATIONS = st.one_of(
    st.sampled_from(_BUCKETS),
    st.sampled_from([b * 0.999 for b in _BUCKETS] + [b * 1.001 for b in _BUCKETS]),
    st.floats(min_value=0.0, max_value=1000.0, allow_nan=False),
)
OBSERVATIONS = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.sampled_from(CODES), DURATIONS), max_size=60
)


def _without_created(text: bytes) -> list[str]:
    return [line for line in text.decode().splitlines() if "_created" not in line]


@settings(max_examples=200, deadline=None)
@given(OBSERVATIONS)
def test_the_tally_writes_what_the_library_would(
    observations: list[tuple[str, str, float]],
) -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    tally = _Tally()
    ours.register(tally)
    requests = Counter(_REQUESTS, _REQUESTS_HELP, ["operation", "code"], registry=theirs)
    duration = Histogram(
        _DURATION, _DURATION_HELP, ["operation"], buckets=_BUCKETS, registry=theirs
    )
    for operation, code, seconds in observations:
        tally.observe(operation, code, seconds)
        requests.labels(operation, code).inc()
        duration.labels(operation).observe(seconds)
    assert _without_created(generate_latest(ours)) == _without_created(generate_latest(theirs))


def test_the_counter_carries_when_each_series_began() -> None:
    registry = CollectorRegistry()
    tally = _Tally()
    registry.register(tally)
    tally.observe("DescribePhoneNumber", "OK", 0.002)
    text = generate_latest(registry).decode()
    assert 'connect_numbers_requests_created{code="OK",operation="DescribePhoneNumber"}' in text
