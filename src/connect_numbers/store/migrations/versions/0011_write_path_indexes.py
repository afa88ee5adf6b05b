"""The write path's indexes.

- ``ix_releases_churn`` dropped: every query that reads releases by account, region and
  time also asks for releases not undone by a restore, which the partial
  ``ix_releases_churn_live`` (0005) holds; the full index only cost every release a page
  to write.
- ``ix_phone_numbers_target`` holds the failure and the operation after the target: a
  claim counts what its target holds (failed claims left out) from the index alone,
  instead of reading every one of the target's rows.

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
    op.drop_index("ix_phone_numbers_target", table_name="phone_numbers")
    op.create_index(
        "ix_phone_numbers_target", "phone_numbers", ["target_arn", "failure", "operation"]
    )


def downgrade() -> None:
    op.drop_index("ix_phone_numbers_target", table_name="phone_numbers")
    op.create_index("ix_phone_numbers_target", "phone_numbers", ["target_arn"])
    op.create_index("ix_releases_churn", "releases", ["account_id", "region", "released_at"])
