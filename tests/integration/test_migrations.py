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


def test_the_release_day_counts_are_filled_from_the_releases_already_recorded(
    engine: sa.Engine,
) -> None:
    """Upgrading to 0010 counts every release already recorded, per account, region and
    service day (restored ones too: the counts are the churn rule's upper bound)."""
    run(engine, "upgrade", "0009")
    day = 86_400
    rows = [
        ("000000000000", "us-east-1", 20_000 * day + 5, None),
        ("000000000000", "us-east-1", 20_000 * day + day - 1, 1.0),
        ("000000000000", "us-east-1", 20_001 * day, None),
        ("111111111111", "us-east-1", 20_000 * day + 7, None),
    ]
    with engine.begin() as connection:
        for i, (account, region, at, restored) in enumerate(rows):
            connection.execute(
                sa.text(
                    "INSERT INTO releases (phone_number_id, e164, account_id, region, "
                    "released_at, cooldown_until, restored_at, snapshot) "
                    "VALUES (:id, :e164, :account, :region, :at, :until, :restored, '{}')"
                ),
                {
                    "id": f"id-{i}",
                    "e164": f"+1206555010{i}",
                    "account": account,
                    "region": region,
                    "at": at,
                    "until": at + 180 * day,
                    "restored": restored,
                },
            )
    run(engine, "upgrade", "head")
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT account_id, region, day, releases FROM churn_days ORDER BY 1, 3")
        ).all()
    assert [tuple(row) for row in found] == [
        ("000000000000", "us-east-1", 20_000, 2),
        ("000000000000", "us-east-1", 20_001, 1),
        ("111111111111", "us-east-1", 20_000, 1),
    ]


def release_indexes(engine: sa.Engine) -> set[str]:
    return {index["name"] for index in sa.inspect(engine).get_indexes("releases") if index["name"]}


def test_the_full_churn_index_is_gone_and_comes_back_on_the_way_down(engine: sa.Engine) -> None:
    """0011 drops ``ix_releases_churn`` (the partial ``ix_releases_churn_live`` serves every
    query by account, region and time); stepping down to 0010 makes it again."""
    run(engine, "upgrade", "head")
    assert "ix_releases_churn" not in release_indexes(engine)
    assert "ix_releases_churn_live" in release_indexes(engine)
    run(engine, "downgrade", "0010")
    assert {"ix_releases_churn", "ix_releases_churn_live"} <= release_indexes(engine)
    run(engine, "upgrade", "head")
    assert "ix_releases_churn" not in release_indexes(engine)


def test_what_a_target_holds_is_counted_from_its_index(engine: sa.Engine) -> None:
    """0011 widens ``ix_phone_numbers_target`` with the failure and the operation (what a
    claim's count of the target's numbers reads); stepping down gives the narrow one back."""

    def columns() -> list[str | None]:
        found = sa.inspect(engine).get_indexes("phone_numbers")
        return next(i["column_names"] for i in found if i["name"] == "ix_phone_numbers_target")

    run(engine, "upgrade", "head")
    assert columns() == ["target_arn", "failure", "operation"]
    run(engine, "downgrade", "0010")
    assert columns() == ["target_arn"]
