"""Indexes for the admin reads: numbers by instance and by account, unsettled and failing
numbers (the summary's counts), cooling releases by their end.

Revision ID: 0009
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LIVE = sa.text("restored_at IS NULL")
_FAILING = sa.text("failure IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_phone_numbers_instance", "phone_numbers", ["instance_id", "e164"])
    op.create_index("ix_phone_numbers_account", "phone_numbers", ["account_id", "e164"])
    op.create_index("ix_phone_numbers_settles", "phone_numbers", ["settles_at"])
    op.create_index(
        "ix_phone_numbers_failed",
        "phone_numbers",
        ["account_id", "region"],
        sqlite_where=_FAILING,
        postgresql_where=_FAILING,
    )
    op.create_index(
        "ix_releases_cooling",
        "releases",
        ["cooldown_until", "id", "account_id", "region"],
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_releases_cooling", table_name="releases")
    op.drop_index("ix_phone_numbers_failed", table_name="phone_numbers")
    op.drop_index("ix_phone_numbers_settles", table_name="phone_numbers")
    op.drop_index("ix_phone_numbers_account", table_name="phone_numbers")
    op.drop_index("ix_phone_numbers_instance", table_name="phone_numbers")
