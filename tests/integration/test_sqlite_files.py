"""The SQLite file: its page size (new databases only) and the JSON text of its columns."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from connect_numbers.store.engine import PAGE_SIZE, create_engine, json_text, migrate
from connect_numbers.store.tables import events, metadata


def page_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        size: int = connection.execute("PRAGMA page_size").fetchone()[0]
    return size


def test_a_new_database_is_made_with_small_pages(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    migrate(engine)
    engine.dispose()
    assert PAGE_SIZE == 2048
    assert page_size(tmp_path / "new.db") == 2048


def test_no_table_declares_a_foreign_key_so_sqlite_need_not_check_them(tmp_path: Path) -> None:
    """The engine leaves ``PRAGMA foreign_keys`` off: a foreign key added to the schema
    must turn it on there (store/engine.py), or SQLite would not enforce it."""
    assert [t.name for t in metadata.tables.values() if t.foreign_keys] == []
    engine = create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    migrate(engine)
    with engine.connect() as connection:
        declared = connection.execute(
            sa.text(
                "SELECT m.name FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) "
                "WHERE m.type = 'table'"
            )
        ).all()
        assert declared == []
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 0
    engine.dispose()


def test_an_existing_database_keeps_its_page_size_and_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:  # made before: 4096-byte pages, in WAL mode
        connection.execute("PRAGMA page_size=4096")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE kept (value TEXT)")
        connection.execute("INSERT INTO kept VALUES ('still here')")
    engine = create_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT value FROM kept")).scalar() == "still here"
    engine.dispose()
    assert page_size(path) == 4096


def test_a_json_column_reads_back_what_was_written(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'json.db'}")
    migrate(engine)
    detail = {"text": "é \ud800", "small": 1e-05, "nan": math.nan, "big": 2**70, "list": [1, None]}
    with engine.begin() as connection:
        connection.execute(
            sa.insert(events).values(
                time=1.0,
                event="CLAIM",
                e164="+12065550100",
                account_id="000000000000",
                region="us-east-1",
                principal="p",
                request_id="r",
                detail=detail,
            )
        )
    with engine.connect() as connection:
        found = connection.execute(sa.select(events.c.detail)).scalar()
    engine.dispose()
    assert math.isnan(found.pop("nan"))
    assert found == {k: v for k, v in detail.items() if k != "nan"}


documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(documents)
def test_json_text_reads_back_as_json_dumps_does(document: Any) -> None:
    assert same(json.loads(json_text(document)), json.loads(json.dumps(document)))


@pytest.mark.parametrize("key", [1, 2.5, True, None])
def test_json_text_writes_a_document_with_keys_that_are_not_text(key: Any) -> None:
    assert json_text({key: 1}) == json.dumps({key: 1})


def same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b) and type(a) is type(b)
