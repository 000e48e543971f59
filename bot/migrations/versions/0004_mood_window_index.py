"""Moods by user and time: ``/mood`` reads one user's moods of the last week or month.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_moods_user_created", "moods", ["user_key", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_moods_user_created", table_name="moods")
