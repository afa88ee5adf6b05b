"""The phone-number repositories on a migrated SQLite file, through the unit of work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from connect_numbers.domain.cooldown import Release
from connect_numbers.domain.events import Event
from connect_numbers.domain.phone_numbers import NumberFilter, PhoneNumber, new_claim
from connect_numbers.store.engine import migrate
from connect_numbers.store.unit_of_work import SqlUnitOfWorkFactory

ACCOUNT = "000000000000"
OTHER = "111111111111"
REGION = "us-east-1"
INSTANCE = "11111111-2222-3333-4444-555555555555"
TARGET = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE}"
OTHER_TARGET = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/other"
T0 = 1_800_000_000.0


@pytest.fixture
def engine(empty_engine: sa.Engine) -> sa.Engine:
    migrate(empty_engine)
    return empty_engine


@pytest.fixture
def uow(engine: sa.Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine)


def claim(
    e164: str,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    target: str = TARGET,
    country: str = "US",
    kind: str = "DID",
    failure: str | None = None,
) -> PhoneNumber:
    return new_claim(
        e164=e164,
        country=country,
        number_type=kind,
        account_id=account,
        region=region,
        target_arn=target,
        instance_id=target.rsplit("/", 1)[-1],
        description=None,
        failure=failure,
        now=T0,
        settle_seconds=0,
    )


def store(uow: SqlUnitOfWorkFactory, *numbers: PhoneNumber) -> None:
    with uow(write=True) as work:
        for number in numbers:
            work.numbers.add(number)
        work.commit()


def release(e164: str, at: float, until: float, *, account: str = ACCOUNT) -> Release:
    return Release(f"id-{e164}-{at}", e164, account, REGION, at, until, {"e164": e164})


def test_a_number_is_found_by_id_and_by_e164(uow: SqlUnitOfWorkFactory) -> None:
    number = claim("+12065550100")
    store(uow, number)
    with uow(write=False) as work:
        assert work.numbers.get(number.id) == number
        assert work.numbers.by_e164("+12065550100") == number
        assert work.numbers.get("no-such-id") is None
        assert work.numbers.by_e164("+12065550101") is None
        assert work.numbers.among(["+12065550100", "+12065550101"]) == [number]


@pytest.mark.parametrize("write", [False, True])
def test_a_number_is_read_with_its_tags_in_one_go(uow: SqlUnitOfWorkFactory, write: bool) -> None:
    tagged, bare = claim("+12065550100"), claim("+12065550101")
    store(uow, tagged, bare)
    with uow(write=True) as work:
        work.tags.put(tagged.arn, {"b": "2", "a": "1"})
        work.tags.put(f"{tagged.arn}x", {"other": "resource"})
        work.commit()
    with uow(write=write) as work:
        assert work.numbers.get_with_tags(tagged.id) == (tagged, {"a": "1", "b": "2"})
        assert work.numbers.get_with_tags(bare.id) == (bare, {})
        assert work.numbers.get_with_tags("no-such-id") is None


def test_save_and_remove_change_the_stored_number(uow: SqlUnitOfWorkFactory) -> None:
    number = claim("+12065550100")
    store(uow, number)
    moved = number.moved(OTHER_TARGET, "other", None, T0 + 1, 0)
    with uow(write=True) as work:
        work.numbers.save(moved)
        work.commit()
    with uow(write=True) as work:
        assert work.numbers.get(number.id) == moved
        work.numbers.remove(number.id)
        work.commit()
    with uow(write=False) as work:
        assert work.numbers.get(number.id) is None


def test_page_filters_and_orders_by_e164(uow: SqlUnitOfWorkFactory) -> None:
    store(
        uow,
        claim("+12065550102"),
        claim("+12065550100"),
        claim("+14255550100", target=OTHER_TARGET),
        claim("+18005550100", kind="TOLL_FREE"),
        claim("+442079460000", country="GB"),
        claim("+12065550101", failure="full"),  # a failed claim is never listed
        claim("+12065550103", account=OTHER),
        claim("+12065550104", region="us-west-2"),
    )
    mine = NumberFilter(ACCOUNT, REGION)

    def page(where: NumberFilter, after: str | None = None, limit: int = 100) -> list[str]:
        with uow(write=False) as work:
            return [n.e164 for n in work.numbers.page(where, after, limit)]

    assert page(mine) == [
        "+12065550100",
        "+12065550102",
        "+14255550100",
        "+18005550100",
        "+442079460000",
    ]
    assert page(mine, limit=2) == ["+12065550100", "+12065550102"]
    assert page(mine, after="+12065550102", limit=2) == ["+14255550100", "+18005550100"]
    assert page(NumberFilter(ACCOUNT, REGION, target_arn=OTHER_TARGET)) == ["+14255550100"]
    assert page(NumberFilter(ACCOUNT, REGION, instance_id="other")) == ["+14255550100"]
    assert page(NumberFilter(ACCOUNT, REGION, countries=["GB"])) == ["+442079460000"]
    assert page(NumberFilter(ACCOUNT, REGION, types=["TOLL_FREE"])) == ["+18005550100"]
    assert page(NumberFilter(ACCOUNT, REGION, prefix="+1206")) == ["+12065550100", "+12065550102"]
    assert page(NumberFilter(ACCOUNT, REGION, prefix="+1206%")) == []
    assert page(NumberFilter(OTHER, REGION)) == ["+12065550103"]
    assert page(NumberFilter(ACCOUNT, "us-west-2")) == ["+12065550104"]


def test_count_on_target_leaves_out_failed_claims(uow: SqlUnitOfWorkFactory) -> None:
    store(
        uow,
        claim("+12065550100"),
        claim("+12065550101"),
        claim("+12065550102", failure="full"),
        claim("+12065550103", target=OTHER_TARGET),
    )
    with uow(write=False) as work:
        assert work.numbers.count_on_target(TARGET) == 2
        assert work.numbers.count_on_target(OTHER_TARGET) == 1
        assert len(work.numbers.on_target(TARGET)) == 3


def test_one_e164_is_held_once_the_database_says_so(uow: SqlUnitOfWorkFactory) -> None:
    store(uow, claim("+12065550100"))
    with uow(write=True) as work, pytest.raises(sa.exc.IntegrityError):
        work.numbers.add(claim("+12065550100", account=OTHER))
    with uow(write=False) as work:
        held = work.numbers.by_e164("+12065550100")
        assert held is not None
        assert held.account_id == ACCOUNT


def test_cooling_ends_at_exactly_cooldown_until(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=True) as work:
        work.releases.add(release("+12065550100", T0, T0 + 100))
        work.releases.add(release("+12065550101", T0, T0 + 200))
        work.commit()
    both = ["+12065550100", "+12065550101", "+12065550102"]
    with uow(write=False) as work:
        assert work.releases.cooling_among(both, T0 + 99.999) == {"+12065550100", "+12065550101"}
        assert work.releases.cooling_among(both, T0 + 100) == {"+12065550101"}
        assert work.releases.cooling_among(both, T0 + 200) == set()
        assert work.releases.cooling_among([], T0) == set()


def test_a_restored_release_neither_cools_nor_counts(uow: SqlUnitOfWorkFactory) -> None:
    first = release("+12065550100", T0, T0 + 100)
    with uow(write=True) as work:
        work.releases.add(first)
        work.releases.add(release("+12065550101", T0 + 1, T0 + 101))
        work.commit()
    with uow(write=True) as work:
        work.releases.mark_restored(first, T0 + 5)
        work.commit()
    with uow(write=False) as work:
        assert work.releases.cooling_among(["+12065550100"], T0 + 10) == set()
        times = work.releases.times_since(ACCOUNT, REGION, T0 - 1)
        assert times.at_most() == 2  # type: ignore[attr-defined]  # the restored one too
        assert list(times) == [T0 + 1]
        assert times.at_most() == 1  # type: ignore[attr-defined]  # once counted, exact
        latest = work.releases.latest("+12065550100")
        assert latest is not None
        assert latest.restored_at == T0 + 5
        assert latest.snapshot == {"e164": "+12065550100"}


def test_times_since_excludes_a_release_exactly_at_since(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=True) as work:
        for at in (T0 + 3, T0, T0 + 1):
            work.releases.add(release(f"+1206555010{int(at - T0)}", at, at + 100))
        work.releases.add(release("+12065550109", T0 + 2, T0 + 102, account=OTHER))
        work.commit()
    with uow(write=False) as work:
        assert list(work.releases.times_since(ACCOUNT, REGION, T0 - 0.5)) == [T0, T0 + 1, T0 + 3]
        assert list(work.releases.times_since(ACCOUNT, REGION, T0)) == [T0 + 1, T0 + 3]
        assert list(work.releases.times_since(ACCOUNT, REGION, T0 + 3)) == []
        assert list(work.releases.times_since(ACCOUNT, "us-west-2", T0 - 1)) == []


def test_latest_release_is_the_newest(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=True) as work:
        work.releases.add(release("+12065550100", T0, T0 + 10))
        work.releases.add(release("+12065550100", T0 + 20, T0 + 30))
        work.commit()
    with uow(write=False) as work:
        latest = work.releases.latest("+12065550100")
        assert latest is not None
        assert latest.released_at == T0 + 20
        assert work.releases.latest("+12065550101") is None


def test_quota_lock_creates_the_row_and_counts_claims(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=True) as work:
        assert work.quotas.claims_made(ACCOUNT, REGION) == 0
        assert work.quotas.lock(ACCOUNT, REGION) == 0
        work.quotas.count_claim(ACCOUNT, REGION)
        work.quotas.count_claim(ACCOUNT, REGION)
        work.commit()
    with uow(write=True) as work:
        assert work.quotas.lock(ACCOUNT, REGION) == 2
        assert work.quotas.phone_numbers_per_instance(ACCOUNT, REGION) == 5
        work.quotas.set_phone_numbers_per_instance(ACCOUNT, REGION, 99)
        work.commit()
    with uow(write=False) as work:
        assert work.quotas.phone_numbers_per_instance(ACCOUNT, REGION) == 99
        assert work.quotas.claims_made(ACCOUNT, REGION) == 2
        assert work.quotas.phone_numbers_per_instance(ACCOUNT, "us-west-2") == 5
        assert work.quotas.claims_made(OTHER, REGION) == 0


def test_a_locked_quota_row_is_read_once_and_follows_its_own_changes(
    uow: SqlUnitOfWorkFactory,
) -> None:
    with uow(write=True) as work:
        assert work.quotas.lock(ACCOUNT, REGION) == 0
        work.quotas.count_claim(ACCOUNT, REGION)
        assert work.quotas.lock(ACCOUNT, REGION) == 1
        work.quotas.set_phone_numbers_per_instance(ACCOUNT, REGION, 42)
        assert work.quotas.phone_numbers_per_instance(ACCOUNT, REGION) == 42
        assert work.quotas.lock(ACCOUNT, REGION) == 1
        work.commit()
    with uow(write=True) as work:
        assert work.quotas.lock(ACCOUNT, REGION) == 1
        assert work.quotas.phone_numbers_per_instance(ACCOUNT, REGION) == 42


def test_set_quota_creates_the_row_when_missing(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=True) as work:
        work.quotas.set_phone_numbers_per_instance(OTHER, REGION, 7)
        work.commit()
    with uow(write=True) as work:
        assert work.quotas.lock(OTHER, REGION) == 0
        assert work.quotas.phone_numbers_per_instance(OTHER, REGION) == 7


def test_events_round_trip_in_the_order_appended(uow: SqlUnitOfWorkFactory) -> None:
    recorded = [
        Event(T0 + 5, "CLAIM", "+12065550100", "n1", ACCOUNT, REGION, "alice", "r1", {"a": 1}),
        Event(T0, "RELEASE", "+12065550100", "n1", ACCOUNT, REGION, "bob", "r2", {}),
        Event(T0, "CLAIM", "+12065550101", None, OTHER, REGION, "carol", "r3", {"x": [1]}),
    ]
    with uow(write=True) as work:
        for event in recorded:
            work.events.append(event)
        work.commit()
    with uow(write=False) as work:
        assert work.events.for_number("+12065550100") == recorded[:2]
        assert work.events.for_number("+12065550101") == recorded[2:]
        assert work.events.for_number("+12065550102") == []


def test_inventory_add_is_idempotent(uow: SqlUnitOfWorkFactory) -> None:
    rows = [("+12065550100", "US", "DID"), ("+12065550101", "US", "DID")]
    with uow(write=True) as work:
        assert work.inventory.add(rows) == 2
        assert work.inventory.add([*rows, rows[0], ("+12065550102", "US", "DID")]) == 1
        assert work.inventory.add([]) == 0
        work.commit()
    with uow(write=False) as work:
        assert work.inventory.loaded("US", "DID")
        assert not work.inventory.loaded("US", "TOLL_FREE")
        assert not work.inventory.loaded("GB", "DID")
        assert work.inventory.contains("+12065550101") == ("US", "DID")
        assert work.inventory.contains("+12065550109") is None


def test_inventory_scan_honours_prefix_after_below_and_limit(uow: SqlUnitOfWorkFactory) -> None:
    numbers = ["+12065550100", "+12065550101", "+12065550102", "+14255550100", "+14255550101"]
    with uow(write=True) as work:
        work.inventory.add([(n, "US", "DID") for n in reversed(numbers)])
        work.inventory.add([("+18005550100", "US", "TOLL_FREE"), ("+442079460000", "GB", "DID")])
        work.commit()
    with uow(write=False) as work:

        def scan(
            prefix: str | None = None,
            after: str | None = None,
            below: str | None = None,
            limit: int = 10,
        ) -> list[str]:
            return work.inventory.scan("US", "DID", prefix, after, below, limit)

        assert scan() == numbers
        assert scan(limit=2) == numbers[:2]
        assert scan(prefix="+1425") == numbers[3:]
        assert scan(prefix="+1206", after="+12065550100") == numbers[1:3]
        assert scan(after="+12065550102") == numbers[3:]
        assert scan(below="+12065550102") == numbers[:2]
        assert scan(after="+12065550100", below="+14255550100") == numbers[1:3]
        assert scan(below="+12065550101~") == numbers[:2]
        assert scan(prefix="+1206_") == []


def test_a_unit_of_work_rolls_back_unless_committed(uow: SqlUnitOfWorkFactory) -> None:
    number = claim("+12065550100")
    with uow(write=True) as work:
        work.numbers.add(number)
        work.inventory.add([("+12065550100", "US", "DID")])
        work.quotas.lock(ACCOUNT, REGION)
    with pytest.raises(RuntimeError), uow(write=True) as work:
        work.numbers.add(number)
        raise RuntimeError("boom")
    with uow(write=False) as work:
        assert work.numbers.get(number.id) is None
        assert not work.inventory.loaded("US", "DID")
        assert work.quotas.claims_made(ACCOUNT, REGION) == 0
    with uow(write=True) as work:
        work.numbers.add(number)
        work.commit()
    with uow(write=False) as work:
        assert work.numbers.get(number.id) == number


def test_release_times_are_counted_and_indexed_without_loading_them_all(
    uow: SqlUnitOfWorkFactory,
) -> None:
    with uow(write=True) as work:
        for second in (5, 1, 3, 2, 4):
            work.releases.add(release(f"+1206555010{second}", T0 + second, T0 + 1000))
        work.commit()
    with uow(write=False) as work:
        times = work.releases.times_since(ACCOUNT, REGION, T0 + 1)
        assert len(times) == 4
        assert (times[0], times[1], times[-1]) == (T0 + 2, T0 + 3, T0 + 5)
        assert list(times[1:3]) == [T0 + 3, T0 + 4]
        with pytest.raises(IndexError):
            times[4]


DAY = 86_400.0


def test_the_upper_bound_sums_whole_days_and_never_falls_below_the_count(
    uow: SqlUnitOfWorkFactory,
) -> None:
    """The churn rule's upper bound adds up the releases of the window's days (the first
    day whole, restored releases too): never below the exact count, whatever the window's
    start, and equal to it when the window starts at a day's start."""
    start = DAY * (T0 // DAY)  # the start of a service day
    moments = [start + 10, start + DAY / 2, start + DAY - 1, start + DAY, start + 3 * DAY + 5]
    with uow(write=True) as work:
        for i, at in enumerate(moments):
            work.releases.add(release(f"+1206555020{i}", at, at + 1000))
        work.releases.add(release("+12065550299", start + 20, start + 2000, account=OTHER))
        work.commit()
    with uow(write=False) as work:
        for since in (
            start - 1,
            start,
            start + 10,
            start + DAY - 1,
            start + 2 * DAY,
            start + 4 * DAY,
        ):
            times = work.releases.times_since(ACCOUNT, REGION, since)
            at_most = times.at_most()  # type: ignore[attr-defined]
            exact = sum(1 for at in moments if at > since)
            assert at_most >= exact
            days = sum(1 for at in moments if at // DAY >= since // DAY)
            assert at_most == days, since
    with uow(write=True) as work:
        work.releases.mark_restored(release("+12065550200", moments[0], moments[0] + 1000), T0)
        work.commit()
    with uow(write=False) as work:
        times = work.releases.times_since(ACCOUNT, REGION, start - 1)
        assert times.at_most() == 5  # type: ignore[attr-defined]  # a restore never lowers it
        assert len(times) == 4
