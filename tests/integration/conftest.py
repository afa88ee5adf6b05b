"""An empty database for each integration test: SQLite, or PostgreSQL with
``--connect-numbers-db=postgresql`` (the session's throwaway cluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from connect_numbers.store.engine import create_engine


@pytest.fixture
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An engine on a database with no tables at all."""
    if request.config.getoption("--connect-numbers-db") == "sqlite":
        created = create_engine(f"sqlite:///{tmp_path / 'integration.db'}")
    else:
        url: str = request.getfixturevalue("connect_numbers_database_url")
        created = create_engine(url)
        with created.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    yield created
    created.dispose()
