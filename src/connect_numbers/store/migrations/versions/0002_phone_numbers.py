"""Phone numbers: claims, releases (cooldown and churn), events, loaded inventory.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quotas") as batch:
        batch.add_column(sa.Column("claims_made", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "phone_numbers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("e164", sa.String(16), nullable=False, unique=True),
        sa.Column("arn", sa.String(256), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("target_arn", sa.String(256), nullable=False),
        sa.Column("instance_id", sa.String(36), nullable=True),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("source_arn", sa.String(512), nullable=True),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("started_at", sa.Double, nullable=False),
        sa.Column("settles_at", sa.Double, nullable=False),
        sa.Column("failure", sa.String(255), nullable=True),
    )
    op.create_index("ix_phone_numbers_scope", "phone_numbers", ["account_id", "region", "e164"])
    op.create_index("ix_phone_numbers_target", "phone_numbers", ["target_arn"])
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("phone_number_id", sa.String(36), nullable=False),
        sa.Column("e164", sa.String(16), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("released_at", sa.Double, nullable=False),
        sa.Column("cooldown_until", sa.Double, nullable=False),
        sa.Column("restored_at", sa.Double, nullable=True),
        sa.Column("snapshot", sa.JSON, nullable=False),
    )
    op.create_index("ix_releases_number", "releases", ["e164", "cooldown_until"])
    op.create_index("ix_releases_churn", "releases", ["account_id", "region", "released_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("time", sa.Double, nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("e164", sa.String(16), nullable=False),
        sa.Column("phone_number_id", sa.String(36), nullable=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("principal", sa.String(256), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_number", "events", ["e164", "id"])
    op.create_table(
        "inventory",
        sa.Column("e164", sa.String(16), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
    )
    op.create_index("ix_inventory_bucket", "inventory", ["country", "type", "e164"])


def downgrade() -> None:
    for table in ("inventory", "events", "releases", "phone_numbers"):
        op.drop_table(table)
    with op.batch_alter_table("quotas") as batch:
        batch.drop_column("claims_made")
