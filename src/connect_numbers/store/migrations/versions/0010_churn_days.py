"""Releases per account, region and service day: the churn rule's upper bound sums the
window's days (at most a few hundred rows) instead of counting every release in it.

Filled from the releases already recorded.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "churn_days",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("releases", sa.Integer, nullable=False),
    )
    # the service day of a release: released_at is never negative (the clock stays after 1970)
    if op.get_bind().dialect.name == "postgresql":
        day = "CAST(floor(released_at / 86400) AS INTEGER)"
    else:  # SQLite: a cast truncates, which for a non-negative number is floor
        day = "CAST(released_at / 86400 AS INTEGER)"
    op.execute(
        f"INSERT INTO churn_days (account_id, region, day, releases) "
        f"SELECT account_id, region, {day}, count(*) FROM releases "
        f"GROUP BY account_id, region, {day}"
    )


def downgrade() -> None:
    op.drop_table("churn_days")
