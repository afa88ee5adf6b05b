"""Migrations on an empty database: up, down, up again, and the result is store/tables.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from connect_numbers.store import engine as store_engine
from connect_numbers.store.tables import metadata

MIGRATIONS = Path(store_engine.__file__).parent / "migrations"


@pytest.fixture
def engine(empty_engine: sa.Engine) -> sa.Engine:
    return empty_engine


def run(engine: sa.Engine, verb: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)


def tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def differences(engine: sa.Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        found: list[Any] = compare_metadata(context, metadata)
        return found


def head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    revision = ScriptDirectory.from_config(config).get_current_head()
    assert revision is not None
    return revision


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_downgrade_and_upgrade_again(engine: sa.Engine) -> None:
    run(engine, "upgrade", "head")
    assert current(engine) == head()
    assert tables(engine) == set(metadata.tables)
    run(engine, "downgrade", "base")
    assert current(engine) is None
    assert tables(engine) == set()
    run(engine, "upgrade", "head")
    assert current(engine) == head()
    assert tables(engine) == set(metadata.tables)


def test_the_migrated_schema_is_the_one_the_code_uses(engine: sa.Engine) -> None:
    run(engine, "upgrade", "head")
    assert differences(engine) == []


def test_the_schema_after_a_round_trip_is_the_one_the_code_uses(engine: sa.Engine) -> None:
    run(engine, "upgrade", "head")
    run(engine, "downgrade", "base")
    run(engine, "upgrade", "head")
    assert differences(engine) == []


def test_each_step_down_and_up_again_works(engine: sa.Engine) -> None:
    run(engine, "upgrade", "head")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    revisions = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    for _ in revisions:
        run(engine, "downgrade", "-1")
    assert current(engine) is None
    for _ in revisions:
        run(engine, "upgrade", "+1")
    assert current(engine) == head()
    assert differences(engine) == []


def test_migrating_an_already_migrated_database_changes_nothing(engine: sa.Engine) -> None:
    store_engine.migrate(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO quotas VALUES ('000000000000', 'us-east-1', 9, 3)"))
    store_engine.migrate(engine)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM quotas")).one()
    assert tuple(row) == ("000000000000", "us-east-1", 9, 3)
