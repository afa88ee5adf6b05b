"""Replica regions and traffic distribution groups: the rules, without a server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connect_numbers.domain.errors import InvalidRequest
from connect_numbers.domain.traffic import (
    REPLICA_REGIONS,
    Distribution,
    TrafficDistributionGroup,
    check_replica_region,
    new_tdg,
    paired_region,
)

EAST, WEST = "us-east-1", "us-west-2"


def group(*, default: bool = False, settle: float = 10.0) -> TrafficDistributionGroup:
    return new_tdg("000000000000", EAST, "iid", "g", None, default, 100.0, settle)


def test_the_pairs_are_symmetric_except_osaka() -> None:
    assert REPLICA_REGIONS == {
        "us-east-1": "us-west-2",
        "us-west-2": "us-east-1",
        "eu-central-1": "eu-west-2",
        "eu-west-2": "eu-central-1",
        "ap-northeast-1": "ap-northeast-3",
    }
    assert paired_region("ap-northeast-3") is None


@pytest.mark.parametrize("source", sorted(REPLICA_REGIONS))
def test_only_the_paired_region_is_a_replica_region(source: str) -> None:
    check_replica_region(source, REPLICA_REGIONS[source])
    everywhere = set(REPLICA_REGIONS.values()) | set(REPLICA_REGIONS)
    for other in everywhere - {REPLICA_REGIONS[source]}:
        with pytest.raises(InvalidRequest):
            check_replica_region(source, other)


def test_a_group_outside_a_pair_cannot_exist() -> None:
    with pytest.raises(InvalidRequest):
        new_tdg("000000000000", "ca-central-1", "iid", "g", None, False, 0.0, 0.0)


def test_creation_settles_at_the_exact_second() -> None:
    tdg = group(settle=10.0)
    assert tdg.status(109.999) == "CREATION_IN_PROGRESS"
    assert tdg.status(110.0) == "ACTIVE"
    assert tdg.regions == (EAST, WEST)
    assert tdg.arn.endswith(f":traffic-distribution-group/{tdg.id}")


def test_a_deletion_is_pending_then_gone_at_the_exact_second() -> None:
    tdg = group(settle=0.0).deleted(200.0, 5.0)
    assert tdg.status(204.999) == "PENDING_DELETION"
    assert tdg.exists(204.999)
    assert tdg.status(205.0) is None
    assert not tdg.exists(205.0)


def test_an_update_is_in_progress_until_it_settles() -> None:
    tdg = group(settle=0.0)
    moved = tdg.redistributed([(EAST, 0), (WEST, 100)], None, None, 300.0, 7.0)
    assert moved.status(306.999) == "UPDATE_IN_PROGRESS"
    assert moved.status(307.0) == "ACTIVE"
    assert moved.distribution.telephony == {EAST: 0, WEST: 100}
    assert moved.updated_at == 300.0
    assert tdg.updated_at is None


def test_the_failover_time_moves_only_when_telephony_changes() -> None:
    tdg = group(settle=0.0).redistributed([(EAST, 0), (WEST, 100)], None, None, 1.0, 0.0)
    same = tdg.redistributed([(EAST, 0), (WEST, 100)], None, [(EAST, 50), (WEST, 50)], 2.0, 0.0)
    assert same.updated_at == 1.0
    assert same.distribution.agent == {EAST: 50, WEST: 50}


@given(st.integers(0, 100), st.integers(0, 100))
def test_percentages_must_sum_to_exactly_100(east: int, west: int) -> None:
    tdg = group(settle=0.0)
    if east + west == 100:
        assert tdg.redistributed([(EAST, east), (WEST, west)], None, None, 0.0, 0.0)
    else:
        with pytest.raises(InvalidRequest, match="sum to 100"):
            tdg.redistributed([(EAST, east), (WEST, west)], None, None, 0.0, 0.0)


@pytest.mark.parametrize(
    "pairs",
    [
        [(EAST, 100)],
        [(EAST, 50), (EAST, 50)],
        [(EAST, 50), ("eu-west-2", 50)],
        [],
        [(EAST, 50), (WEST, 50), ("eu-west-2", 0)],
    ],
)
def test_each_region_of_the_group_is_named_once(pairs: list[tuple[str, int]]) -> None:
    with pytest.raises(InvalidRequest, match="once each"):
        group(settle=0.0).redistributed(None, None, pairs, 0.0, 0.0)


def test_sign_in_changes_only_on_the_default_group_and_stays_on_somewhere() -> None:
    off_east = [(EAST, False), (WEST, True)]
    with pytest.raises(InvalidRequest, match="default"):
        group().redistributed(None, off_east, None, 0.0, 0.0)
    unchanged = [(EAST, True), (WEST, True)]
    assert group().redistributed(None, unchanged, None, 0.0, 0.0)
    default = group(default=True)
    assert default.redistributed(None, off_east, None, 0.0, 0.0).distribution.sign_in == {
        EAST: False,
        WEST: True,
    }
    with pytest.raises(InvalidRequest, match="at least one"):
        default.redistributed(None, [(EAST, False), (WEST, False)], None, 0.0, 0.0)


def test_a_distribution_survives_its_json_form() -> None:
    shares = Distribution({EAST: 30, WEST: 70}, {EAST: True, WEST: False}, {EAST: 0, WEST: 100})
    assert Distribution.from_json(shares.as_json()) == shares
