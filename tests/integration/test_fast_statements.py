"""Compiled statements (store/_fast.py) bind what they are given, whatever its shape:
no parameter, one, several, constants of the statement, a JSON column."""

from __future__ import annotations

import json

import sqlalchemy as sa

from connect_numbers.store._fast import FastQuery, FastStatement, insert_all
from connect_numbers.store.engine import migrate
from connect_numbers.store.tables import events, quotas

_ALL = FastQuery(sa.select(quotas.c.account_id, quotas.c.claims_made).order_by(quotas.c.account_id))
_ONE = FastQuery(sa.select(quotas.c.claims_made).where(quotas.c.account_id == sa.bindparam("a")))
_TWO = FastQuery(
    sa.select(quotas.c.claims_made).where(
        quotas.c.account_id == sa.bindparam("a"), quotas.c.region == sa.bindparam("r")
    )
)
_BUMP = FastStatement(  # a constant of the statement (the + 2) bound with the values
    sa.update(quotas)
    .where(quotas.c.account_id == sa.bindparam("a"))
    .values(claims_made=quotas.c.claims_made + 2)
)
_EVENT = insert_all(events, skip=("id",))


def test_statements_of_every_shape_bind_their_values(empty_engine: sa.Engine) -> None:
    migrate(empty_engine)
    with empty_engine.begin() as connection:
        for account in ("000000000001", "000000000002"):
            connection.execute(
                sa.insert(quotas).values(
                    account_id=account, region="us-east-1", phone_numbers_per_instance=9
                )
            )
        assert _BUMP.run(connection, a="000000000002") == 1
        assert _ALL.tuples(connection) == [("000000000001", 0), ("000000000002", 2)]
        assert _ONE.rows(connection, a="000000000002") == [{"claims_made": 2}]
        assert _TWO.first(connection, a="000000000001", r="us-east-1") == {"claims_made": 0}
        assert _TWO.first(connection, a="000000000001", r="eu-west-2") is None
        detail = {"text": "é", "at": 1796158337.2872074, "none": None}
        _EVENT.run(
            connection,
            time=1.5,
            event="CLAIM",
            e164="+12065550100",
            phone_number_id=None,
            account_id="000000000001",
            region="us-east-1",
            principal="p",
            request_id="r",
            detail=detail,
        )
        stored = connection.execute(sa.select(events.c.detail)).scalar()
    assert (json.loads(stored) if isinstance(stored, str) else stored) == detail
