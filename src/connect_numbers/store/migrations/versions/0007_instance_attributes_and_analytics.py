"""Instance attributes and analytics data set associations.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_attributes",
        sa.Column("instance_id", sa.String(36), primary_key=True),
        sa.Column("attribute_type", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(100), nullable=False),
    )
    op.create_table(
        "analytics_data_associations",
        sa.Column("instance_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("data_set_id", sa.String(255), primary_key=True),
        sa.Column("target_account_id", sa.String(12), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("resource_share_id", sa.String(36), nullable=False),
        sa.Column("resource_share_arn", sa.String(256), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("analytics_data_associations")
    op.drop_table("instance_attributes")
