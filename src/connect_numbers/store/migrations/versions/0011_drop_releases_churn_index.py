"""Drop ``ix_releases_churn``: every query that reads releases by account, region and
time also asks for releases not undone by a restore, which the partial
``ix_releases_churn_live`` (0005) holds; the full index only cost every release a page
to write.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_releases_churn", table_name="releases")


def downgrade() -> None:
    op.create_index("ix_releases_churn", "releases", ["account_id", "region", "released_at"])
