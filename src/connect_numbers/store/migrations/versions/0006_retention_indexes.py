"""Indexes by time for the background purge of history beyond its retention.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_time", "events", ["time"])
    op.create_index("ix_releases_released_at", "releases", ["released_at"])


def downgrade() -> None:
    op.drop_index("ix_releases_released_at", table_name="releases")
    op.drop_index("ix_events_time", table_name="events")
