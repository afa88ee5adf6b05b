"""Contact flows, their association with phone numbers, and source numbers to import.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_flows",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("instance_id", sa.String(36), nullable=False),
        sa.Column("arn", sa.String(512), nullable=False, unique=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("modified_at", sa.Double, nullable=False),
        sa.Column("modified_region", sa.String(32), nullable=False),
        sa.UniqueConstraint("instance_id", "region", "name", name="uq_contact_flow_name"),
    )
    op.create_table(
        "flow_associations",
        sa.Column("phone_number_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("instance_id", sa.String(36), nullable=False),
        sa.Column("contact_flow_id", sa.String(36), nullable=False),
        sa.Column("phone_number_arn", sa.String(256), nullable=False),
        sa.Column("contact_flow_arn", sa.String(512), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index(
        "ix_flow_associations_instance",
        "flow_associations",
        ["instance_id", "region", "phone_number_arn"],
    )
    op.create_index("ix_flow_associations_flow", "flow_associations", ["contact_flow_id"])
    op.create_table(
        "source_numbers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("e164", sa.String(16), nullable=False, unique=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_index("ix_source_numbers_scope", "source_numbers", ["account_id", "region", "e164"])


def downgrade() -> None:
    op.drop_table("source_numbers")
    op.drop_table("flow_associations")
    op.drop_table("contact_flows")
