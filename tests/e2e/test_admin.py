"""The admin API under /_connect-numbers/: health, clock, config, reset, and its token."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from helpers import new_instance

from connect_numbers import __version__
from connect_numbers.testing.server import RunningServer

PREFIX = "/_connect-numbers/"
DAY = 86_400


def admin_raw(endpoint: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{endpoint}{PREFIX}{path}", timeout=10, **kwargs)


def test_health_says_ok_and_the_version(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers.endpoint, "GET", "health")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok", "version": __version__}


def test_a_fresh_clock_follows_the_wall_clock(connect_numbers: Any) -> None:
    reading = connect_numbers.clock()
    assert reading["offset_seconds"] == 0
    assert reading["frozen"] is False
    assert abs(reading["now"] - time.time()) < 5


def test_advance_moves_the_clock_and_accumulates(connect_numbers: Any) -> None:
    first = connect_numbers.advance(181 * DAY)
    assert first["offset_seconds"] == 181 * DAY
    assert abs(first["now"] - (time.time() + 181 * DAY)) < 5
    second = connect_numbers.advance(-DAY)
    assert second["offset_seconds"] == 180 * DAY
    assert connect_numbers.clock()["offset_seconds"] == 180 * DAY


def test_set_puts_the_clock_at_an_instant_and_it_runs_on(connect_numbers: Any) -> None:
    reading = connect_numbers.set_clock(2_000_000_000)
    assert abs(reading["now"] - 2_000_000_000) < 1
    assert reading["frozen"] is False
    later = connect_numbers.clock()["now"]
    assert 2_000_000_000 <= later < 2_000_000_005


def test_a_frozen_clock_stands_still_until_unfrozen(connect_numbers: Any) -> None:
    frozen = connect_numbers.freeze()
    assert frozen["frozen"] is True
    time.sleep(0.05)
    assert connect_numbers.clock()["now"] == frozen["now"]
    advanced = connect_numbers.advance(60)
    assert advanced["now"] == frozen["now"] + 60
    assert advanced["frozen"] is True
    running = connect_numbers.freeze(False)
    assert running["frozen"] is False
    assert running["now"] >= frozen["now"] + 60
    time.sleep(0.05)
    assert connect_numbers.clock()["now"] > running["now"]


def test_reset_returns_the_clock_to_the_wall(connect_numbers: Any) -> None:
    connect_numbers.advance(10 * DAY)
    connect_numbers.freeze()
    reading = connect_numbers.admin("POST", "clock", {"reset": True})
    assert (reading["offset_seconds"], reading["frozen"]) == (0, False)
    assert abs(reading["now"] - time.time()) < 5


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "exactly one"),
        ({"advance_seconds": 1, "set": 2}, "exactly one"),
        ({"advance_seconds": "1d"}, "advance_seconds"),
        ({"advance_seconds": True}, "advance_seconds"),
        ({"set": None}, "set"),
        ({"set": -1}, "between 1970 and 9999"),
        ({"advance_seconds": 1e300}, "between 1970 and 9999"),
        ({"freeze": "yes"}, "freeze"),
        ({"reset": False}, "reset"),
        ({"rewind": 5}, "rewind"),
        ([1], "JSON object"),
    ],
)
def test_a_bad_clock_change_is_a_400_that_says_why(
    connect_numbers: Any, body: Any, words: str
) -> None:
    response = admin_raw(connect_numbers.endpoint, "POST", "clock", json=body)
    assert response.status_code == 400
    assert words in response.json()["message"]
    assert connect_numbers.clock()["offset_seconds"] == 0


@pytest.mark.parametrize(
    "text", ['{"advance_seconds": NaN}', '{"set": Infinity}', "{oops", "\xff", "[" * 100_000]
)
def test_non_numbers_and_bad_json_never_reach_the_clock(connect_numbers: Any, text: str) -> None:
    response = admin_raw(connect_numbers.endpoint, "POST", "clock", content=text.encode("latin-1"))
    assert response.status_code == 400
    assert response.json()["message"]
    assert connect_numbers.clock()["offset_seconds"] == 0


def test_config_reads_the_defaults(connect_numbers: Any) -> None:
    assert connect_numbers.config() == {
        "settle_seconds": 0,
        "cooldown_days": 180,
        "churn_window_days": 180,
        "churn_percent": 200,
        "idempotency_hours": 24,
        "search_results_limit": 1000,
        "throttling": {"enabled": False, "rate": 2, "burst": 5},
        "history_retention_days": None,
    }


def test_config_update_is_partial_and_kept(connect_numbers: Any) -> None:
    answer = connect_numbers.config(cooldown_days=30, throttling={"rate": 7})
    assert answer["cooldown_days"] == 30
    assert answer["churn_window_days"] == 180
    assert answer["throttling"] == {"enabled": False, "rate": 7, "burst": 5}
    assert connect_numbers.config() == answer


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"cooldown": 30}, "Unknown configuration key: 'cooldown'"),
        ({"cooldown_days": -1}, "'cooldown_days' must be a number >= 0"),
        ({"cooldown_days": "30"}, "'cooldown_days' must be a number >= 0"),
        ({"throttling": {"enabled": "on"}}, "throttling.enabled"),
        ({"throttling": {"burst": 1.5}}, "throttling.burst"),
        ([], "JSON object"),
    ],
)
def test_a_bad_config_key_or_value_is_a_400_that_names_it(
    connect_numbers: Any, body: Any, words: str
) -> None:
    response = admin_raw(connect_numbers.endpoint, "PUT", "config", json=body)
    assert response.status_code == 400
    assert words in response.json()["message"]
    assert connect_numbers.config()["cooldown_days"] == 180


def test_a_refused_config_update_changes_nothing(connect_numbers: Any) -> None:
    response = admin_raw(
        connect_numbers.endpoint, "PUT", "config", json={"cooldown_days": 1, "bogus": 2}
    )
    assert response.status_code == 400
    assert connect_numbers.config()["cooldown_days"] == 180


def test_reset_wipes_instances_clock_and_config(connect_numbers: Any, connect: Any) -> None:
    created = new_instance(connect, "to-be-wiped")
    connect_numbers.advance(DAY)
    connect_numbers.config(cooldown_days=1)
    assert connect_numbers.admin("POST", "reset", {}) == {}
    assert connect.list_instances()["InstanceSummaryList"] == []
    with pytest.raises(ClientError):
        connect.describe_instance(InstanceId=created["Id"])
    assert connect_numbers.clock()["offset_seconds"] == 0
    assert connect_numbers.config()["cooldown_days"] == 180


def test_an_unknown_admin_path_is_404(connect_numbers: Any) -> None:
    response = admin_raw(connect_numbers.endpoint, "GET", "no-such-call")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"
    assert "no-such-call" in response.json()["message"]


@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "clock"), ("POST", "health"), ("GET", "reset")]
)
def test_a_wrong_method_is_405(connect_numbers: Any, method: str, path: str) -> None:
    response = admin_raw(connect_numbers.endpoint, method, path)
    assert response.status_code == 405
    assert method in response.json()["message"]


def test_admin_calls_need_no_signature(connect_numbers: Any) -> None:
    assert admin_raw(connect_numbers.endpoint, "GET", "clock").status_code == 200


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder: Path = tmp_path_factory.mktemp("guarded")
    with RunningServer(f"sqlite:///{folder / 'guarded.db'}", admin_token="s3cret") as server:
        yield server


@pytest.mark.parametrize(("method", "path"), [("GET", "clock"), ("POST", "reset")])
def test_with_a_token_configured_a_call_without_it_is_401(
    guarded: RunningServer, method: str, path: str
) -> None:
    response = admin_raw(guarded.endpoint, method, path)
    assert response.status_code == 401
    assert response.json()["code"] == "Unauthorized"


@pytest.mark.parametrize("given", ["Bearer wrong", "Bearer s3cret2", "s3cret", "Basic s3cret"])
def test_with_a_token_configured_a_wrong_token_is_403(guarded: RunningServer, given: str) -> None:
    response = admin_raw(guarded.endpoint, "GET", "clock", headers={"Authorization": given})
    assert response.status_code == 403
    assert response.json()["code"] == "Forbidden"


def test_with_a_token_configured_the_right_token_is_200(guarded: RunningServer) -> None:
    headers = {"Authorization": "Bearer s3cret"}
    assert admin_raw(guarded.endpoint, "GET", "clock", headers=headers).status_code == 200
    assert guarded.call_admin("POST", "clock", {"advance_seconds": 5})["offset_seconds"] == 5


@pytest.mark.parametrize("given", [None, "Bearer wrong"])
def test_with_a_token_configured_health_answers_anyone(
    guarded: RunningServer, given: str | None
) -> None:
    headers = {"Authorization": given} if given else {}
    response = admin_raw(guarded.endpoint, "GET", "health", headers=headers)
    assert response.status_code == 200
    assert set(response.json()) == {"status", "version"}


def test_with_a_token_configured_a_refused_call_changes_nothing(guarded: RunningServer) -> None:
    before = guarded.call_admin("GET", "clock")["offset_seconds"]
    admin_raw(guarded.endpoint, "POST", "clock", json={"advance_seconds": 99})
    assert guarded.call_admin("GET", "clock")["offset_seconds"] == before
