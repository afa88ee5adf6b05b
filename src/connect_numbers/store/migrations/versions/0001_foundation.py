"""Foundation: settings, accounts, keys, quotas, instances, tags, idempotency.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clock_offset", sa.Double, nullable=False),
        sa.Column("clock_frozen_at", sa.Double, nullable=True),
        sa.Column("config", sa.JSON, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_table(
        "access_keys",
        sa.Column("access_key_id", sa.String(128), primary_key=True),
        sa.Column("secret_access_key", sa.String(128), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False, index=True),
        sa.Column("principal", sa.String(256), nullable=False),
        sa.Column("policy", sa.JSON, nullable=True),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("revoked_at", sa.Double, nullable=True),
    )
    op.create_table(
        "quotas",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("phone_numbers_per_instance", sa.Integer, nullable=False),
    )
    op.create_table(
        "instances",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("identity_management_type", sa.String(32), nullable=False),
        sa.Column("alias", sa.String(64), nullable=True),
        sa.Column("alias_key", sa.String(64), nullable=True, unique=True),
        sa.Column("directory_id", sa.String(64), nullable=True),
        sa.Column("inbound_calls_enabled", sa.Boolean, nullable=False),
        sa.Column("outbound_calls_enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("settles_at", sa.Double, nullable=False),
    )
    op.create_index("ix_instances_scope", "instances", ["account_id", "region", "created_at", "id"])
    op.create_table(
        "tags",
        sa.Column("resource_arn", sa.String(512), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    op.create_table(
        "idempotency",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("operation", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(500), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("outcome", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("idempotency", "tags", "instances", "quotas", "access_keys", "accounts"):
        op.drop_table(table)
    op.drop_table("settings")
