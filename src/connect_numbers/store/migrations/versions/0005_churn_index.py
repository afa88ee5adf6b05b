"""A partial index for the churn rule's exact count: releases not undone by a restore.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_LIVE = sa.text("restored_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_releases_churn_live",
        "releases",
        ["account_id", "region", "released_at"],
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_releases_churn_live", table_name="releases")
