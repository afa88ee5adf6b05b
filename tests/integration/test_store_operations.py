"""The store under operations: one maintenance pass at a time across nodes, and a
connection the database ended while idle seen as lost (the use case may run again)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from connect_numbers.domain.clock import ClockState
from connect_numbers.domain.config import Config
from connect_numbers.domain.errors import ConnectionLost, StaleState
from connect_numbers.service.context import retried
from connect_numbers.store.engine import migrate
from connect_numbers.store.unit_of_work import SqlUnitOfWorkFactory


@pytest.fixture
def engine(empty_engine: sa.Engine) -> sa.Engine:
    migrate(empty_engine)
    return empty_engine


def test_only_one_transaction_at_a_time_holds_the_maintenance_turn(engine: sa.Engine) -> None:
    first_node, second_node = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)
    answers: list[bool] = []
    if engine.dialect.name == "sqlite":  # write transactions take turns on the lock anyway
        with first_node(write=True) as uow:
            assert uow.settings.maintenance_turn()
        return
    with first_node(write=True) as uow:
        assert uow.settings.maintenance_turn()

        def other() -> None:  # another thread: its own connection, as another node's
            with second_node(write=True) as theirs:
                answers.append(theirs.settings.maintenance_turn())

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert answers == [False]  # told no at once, not made to wait
        uow.commit()
    with second_node(write=True) as uow:
        assert uow.settings.maintenance_turn()  # free again once the first ended


def test_a_connection_ended_by_the_database_is_lost_and_the_next_one_works(
    engine: sa.Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to end a connection: the PostgreSQL pass runs it")
    factory = SqlUnitOfWorkFactory(engine)
    with factory(write=False) as uow:
        pid = uow._connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    attempts: list[int] = []

    def read_clock() -> object:
        attempts.append(1)
        with factory(write=False) as uow:
            return uow.settings.load()

    with pytest.raises(ConnectionLost):
        read_clock()
    assert retried(read_clock) is not None
    assert len(attempts) == 2  # the lost one, then one on a new connection


def test_a_unit_of_work_finding_another_state_version_does_nothing_and_says_so(
    engine: sa.Engine,
) -> None:
    """The request's first unit of work checks the version the process expects; a unit
    of work that finds another one rolls back at once, and the expectation is spent by
    the first unit of work either way."""
    admin, server = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)
    with server(write=False) as uow:
        seen = uow.version
    with admin(write=True) as uow:
        uow.settings.save_clock(ClockState(offset_seconds=60.0))
        uow.commit()
    server.expect(seen)
    assert server.expecting()
    with pytest.raises(StaleState), server(write=True) as uow:
        uow.settings.save_clock(ClockState(offset_seconds=1.0))  # never reached
    assert not server.expecting()
    with server(write=False) as uow:  # spent: no check, and nothing was written above
        assert uow.version == seen + 1
        assert uow.settings.load()[0].offset_seconds == 60.0
    server.expect(seen + 1)
    with server(write=False) as uow:  # the version it expects: it goes on
        assert uow.version == seen + 1
    assert not server.expecting()


def test_every_settings_change_moves_the_version_that_keeps_them(engine: sa.Engine) -> None:
    """A process keeps the settings row between changes (by version: per connection on
    SQLite, per process on PostgreSQL, where kept settings found stale make the use case
    run again): a clock or configuration change made through another factory is read
    by the next transaction."""
    admin, server = SqlUnitOfWorkFactory(engine), SqlUnitOfWorkFactory(engine)

    def settings() -> tuple[ClockState, Config]:
        def read() -> tuple[ClockState, Config]:
            with server(write=False) as uow:
                return uow.settings.load()

        return retried(read)

    assert settings() == (ClockState(), Config())  # kept from here
    with admin(write=True) as uow:
        uow.settings.save_clock(ClockState(offset_seconds=90.0))
        uow.commit()
    assert settings()[0].offset_seconds == 90.0
    with admin(write=True) as uow:
        uow.settings.save_config(Config(settle_seconds=7))
        uow.commit()
    assert settings()[1].settle_seconds == 7
    with server(write=True) as uow:  # its own change, rolled back: the row as it was
        uow.settings.save_config(Config(settle_seconds=9))
        assert uow.settings.load()[1].settle_seconds == 9
    assert settings()[1].settle_seconds == 7
