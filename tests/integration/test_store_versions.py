"""The shared state version as each transaction sees it: on PostgreSQL read in the first
round trip, the settings kept per process at that version, a moved version answered
before COMMIT; two factories stand for two server processes on one database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from connect_numbers.domain.clock import ClockState
from connect_numbers.domain.errors import Contention, StaleState
from connect_numbers.service.context import retried
from connect_numbers.store.engine import migrate
from connect_numbers.store.unit_of_work import SqlUnitOfWorkFactory


@pytest.fixture
def engine(empty_engine: sa.Engine) -> sa.Engine:
    migrate(empty_engine)
    return empty_engine


def clock_offset(factory: SqlUnitOfWorkFactory) -> float:
    def read() -> float:
        with factory(write=False) as uow:
            return uow.settings.load()[0].offset_seconds

    return retried(read)


def version_now(factory: SqlUnitOfWorkFactory) -> int:
    """The shared state version, as a unit of work reads it (with the settings, first)."""
    with factory(write=False) as uow:
        uow.settings.load()
        return uow.version


def set_clock(factory: SqlUnitOfWorkFactory, offset: float) -> None:
    with factory(write=True) as uow:
        uow.settings.save_clock(ClockState(offset))
        uow.commit()


def test_a_clock_change_on_one_process_is_seen_by_the_next_transaction_of_another(
    engine: sa.Engine,
) -> None:
    here, there = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)
    assert clock_offset(here) == 0.0  # read, and kept on PostgreSQL
    set_clock(there, 3600.0)
    assert clock_offset(here) == 3600.0
    set_clock(here, 7200.0)
    assert clock_offset(there) == 7200.0
    assert clock_offset(here) == 7200.0


def test_kept_settings_of_an_older_version_make_the_transaction_run_again(
    engine: sa.Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads the version before the settings: they are never served stale")
    here, there = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)
    assert clock_offset(here) == 0.0
    set_clock(there, 60.0)
    with pytest.raises(Contention), here(write=False) as uow:
        assert uow.settings.load()[0].offset_seconds == 0.0  # kept: checked on the way
    assert clock_offset(here) == 60.0  # kept anew at the version read


def test_a_transaction_that_reads_another_version_than_expected_commits_nothing(
    engine: sa.Engine,
) -> None:
    factory = SqlUnitOfWorkFactory(engine)
    current = version_now(factory)
    factory.expect(current - 1)  # what a process whose cache is stale expects
    with pytest.raises(StaleState) as moved, factory(write=True) as uow:
        uow.accounts.add("111111111111", 0.0)
        uow.commit()
    assert moved.value.version == current
    assert not factory.expecting()  # spent by the first unit of work
    with factory(write=False) as uow:
        assert not uow.accounts.exists("111111111111")


def test_the_expected_version_lets_the_transaction_commit(engine: sa.Engine) -> None:
    factory = SqlUnitOfWorkFactory(engine)
    current = version_now(factory)
    factory.expect(current)
    with factory(write=True) as uow:
        uow.accounts.add("111111111111", 0.0)
        uow.commit()
    assert not factory.expecting()
    with factory(write=False) as uow:
        assert uow.accounts.exists("111111111111")


def test_after_its_first_unit_of_work_a_request_goes_on_at_the_version_it_meets(
    engine: sa.Engine,
) -> None:
    """Only the request's first unit of work checks the version: a later one (a second
    write of the same request) is never refused for a change that landed meanwhile, so a
    request that has written is never answered, and written, twice."""
    here, there = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)
    current = version_now(here)
    here.expect(current)
    with here(write=True) as uow:
        uow.accounts.add("111111111111", 0.0)
        uow.commit()
    assert not here.expecting()  # spent by the first
    set_clock(there, 60.0)  # the version moves in the middle of the request
    with here(write=True) as uow:  # a second write of the same request: not refused
        uow.accounts.add("222222222222", 0.0)
        uow.commit()
    with here(write=False) as uow:
        assert uow.version == current + 1
        assert uow.accounts.exists("111111111111") and uow.accounts.exists("222222222222")
