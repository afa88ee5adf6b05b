"""The rules' configuration: AWS's defaults, and partial updates that name any bad key or value."""

from __future__ import annotations

from typing import Any

import pytest

from connect_numbers.domain.config import Config, Throttling
from connect_numbers.domain.errors import InvalidParameter

DEFAULTS = {
    "settle_seconds": 0.0,
    "cooldown_days": 180.0,
    "churn_window_days": 180.0,
    "churn_percent": 200.0,
    "idempotency_hours": 24.0,
    "search_results_limit": 1000,
    "throttling": {"enabled": False, "rate": 2.0, "burst": 5},
    "history_retention_days": None,
}


def test_the_defaults_are_aws_values_and_the_documented_document() -> None:
    assert Config().to_document() == DEFAULTS


def test_derived_durations_are_in_seconds() -> None:
    config = Config(cooldown_days=30, churn_window_days=2, idempotency_hours=1.5)
    assert (config.cooldown_seconds, config.churn_window_seconds) == (30 * 86400, 2 * 86400)
    assert config.idempotency_seconds == 5400


def test_a_partial_update_changes_only_what_it_names() -> None:
    config = Config().updated({"cooldown_days": 30})
    assert config.to_document() == {**DEFAULTS, "cooldown_days": 30.0}


def test_a_partial_throttling_update_keeps_the_other_throttling_values() -> None:
    config = Config().updated({"throttling": {"enabled": True}})
    assert config.throttling == Throttling(enabled=True, rate=2.0, burst=5)
    assert config.updated({"throttling": {"rate": 10}}).throttling.enabled is True


def test_the_document_round_trips() -> None:
    config = Config().updated({"settle_seconds": 2.5, "throttling": {"burst": 9}})
    assert Config.from_document(config.to_document()) == config


def test_the_search_limit_is_a_whole_number() -> None:
    config = Config().updated({"search_results_limit": 25.0})
    assert config.search_results_limit == 25
    assert isinstance(config.to_document()["search_results_limit"], int)


def test_zero_is_a_valid_setting() -> None:
    assert Config().updated({"cooldown_days": 0}).cooldown_seconds == 0


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"cooldown": 30}, "Unknown configuration key: 'cooldown'"),
        ({"throttling": {"speed": 1}}, "Unknown configuration key: 'throttling.speed'"),
        ({"cooldown_days": -1}, "'cooldown_days' must be a number >= 0"),
        ({"cooldown_days": "30"}, "'cooldown_days' must be a number >= 0"),
        ({"settle_seconds": True}, "'settle_seconds' must be a number >= 0"),
        ({"settle_seconds": None}, "'settle_seconds' must be a number >= 0"),
        ({"settle_seconds": float("nan")}, "'settle_seconds' must be a number >= 0"),
        ({"churn_percent": float("inf")}, "'churn_percent' must be a number >= 0"),
        ({"idempotency_hours": 10**400}, "'idempotency_hours' must be a number >= 0"),
        ({"search_results_limit": 0}, "'search_results_limit' must be a whole number >= 1"),
        ({"search_results_limit": 2.5}, "'search_results_limit' must be a whole number >= 1"),
        ({"search_results_limit": "9"}, "'search_results_limit' must be a whole number >= 1"),
        ({"search_results_limit": True}, "'search_results_limit' must be a whole number >= 1"),
        ({"throttling": 5}, "'throttling' must be a JSON object"),
        ({"throttling": {"enabled": "yes"}}, "'throttling.enabled' must be true or false"),
        ({"throttling": {"burst": 2.5}}, "'throttling.burst' must be a whole number"),
        ({"throttling": {"enabled": True, "rate": 0}}, "a rate > 0 and a burst >= 1"),
        ({"throttling": {"enabled": True, "burst": 0}}, "a rate > 0 and a burst >= 1"),
    ],
)
def test_bad_keys_and_values_are_refused_by_name(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        Config().updated(changes)
    assert words in raised.value.message


def test_a_configuration_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="JSON object"):
        Config().updated([1])  # type: ignore[arg-type]


def test_a_refused_update_changes_nothing() -> None:
    config = Config()
    with pytest.raises(InvalidParameter):
        config.updated({"cooldown_days": 30, "bogus": 1})
    assert config == Config()


def test_history_retention_is_forever_by_default_and_takes_days_or_null() -> None:
    assert Config().history_retention_seconds is None
    config = Config().updated({"history_retention_days": 365})
    assert config.history_retention_seconds == 365 * 86400
    assert config.updated({"history_retention_days": None}).history_retention_days is None
    for bad in (-1, "365", True):
        with pytest.raises(InvalidParameter, match="history_retention_days"):
            Config().updated({"history_retention_days": bad})
