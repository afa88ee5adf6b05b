"""Which records may go: expired client tokens, and history beyond the retention that no
rule (cooldown, churn window) can still read."""

from __future__ import annotations

from connect_numbers.domain.config import DAY, HOUR, Config
from connect_numbers.domain.idempotency import IdempotencyRecord
from connect_numbers.domain.retention import history_horizon, tokens_expired_before

NOW = 1_800_000_000.0


def test_a_token_purged_is_one_that_already_acts_as_unknown() -> None:
    config = Config(idempotency_hours=24)
    before = tokens_expired_before(config, NOW)
    assert before == NOW - 24 * HOUR
    expired = IdempotencyRecord("1", "r", "op", "t", "f", {}, before - 0.001)
    at_the_edge = IdempotencyRecord("1", "r", "op", "t", "f", {}, before)
    assert expired.expired(NOW, config.idempotency_seconds)
    assert at_the_edge.expired(NOW, config.idempotency_seconds)  # kept by a strict "<" anyway


def test_history_is_kept_forever_by_default() -> None:
    assert history_horizon(Config(), NOW) is None


def test_the_horizon_is_never_nearer_than_the_cooldown_or_the_churn_window() -> None:
    short = Config(history_retention_days=1, cooldown_days=30, churn_window_days=90)
    assert history_horizon(short, NOW) == NOW - 90 * DAY
    cooling = Config(history_retention_days=1, cooldown_days=200, churn_window_days=90)
    assert history_horizon(cooling, NOW) == NOW - 200 * DAY
    long = Config(history_retention_days=400, cooldown_days=180, churn_window_days=180)
    assert history_horizon(long, NOW) == NOW - 400 * DAY
    nothing_extra = Config(history_retention_days=0, cooldown_days=0, churn_window_days=0)
    assert history_horizon(nothing_extra, NOW) == NOW
