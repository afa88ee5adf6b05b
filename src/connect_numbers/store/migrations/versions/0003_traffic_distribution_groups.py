"""Replicated instances and traffic distribution groups.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_replicas",
        sa.Column("instance_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("alias", sa.String(64), nullable=True),
        sa.Column("alias_key", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("settles_at", sa.Double, nullable=False),
    )
    op.create_index(
        "ix_instance_replicas_scope",
        "instance_replicas",
        ["account_id", "region", "created_at", "instance_id"],
    )
    op.create_table(
        "traffic_distribution_groups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("instance_id", sa.String(36), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(250), nullable=True),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("settles_at", sa.Double, nullable=False),
        sa.Column("distribution", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=True),
        sa.Column("update_settles_at", sa.Double, nullable=True),
        sa.Column("deleted_at", sa.Double, nullable=True),
        sa.Column("delete_settles_at", sa.Double, nullable=True),
        sa.UniqueConstraint("instance_id", "name", name="uq_tdg_instance_name"),
    )
    op.create_index(
        "ix_tdgs_scope",
        "traffic_distribution_groups",
        ["account_id", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_table("traffic_distribution_groups")
    op.drop_table("instance_replicas")
