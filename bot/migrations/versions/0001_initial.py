"""Initial schema: users, turns, moods, offers, picks, feedback.

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


def _ts() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("reply_mode", sa.String(8), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        _ts(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(160), nullable=False, index=True),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        _ts(),
    )
    op.create_table(
        "moods",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(160), nullable=False, index=True),
        sa.Column("emotion", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        _ts(),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(160), nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("track_id", sa.String(32), nullable=False),
        _ts(),
    )
    op.create_index("ix_offers_user_batch", "offers", ["user_key", "batch"])
    op.create_table(
        "picks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(160), nullable=False, index=True),
        sa.Column("track_id", sa.String(32), nullable=False),
        _ts(),
    )
    op.create_table(
        "feedback",
        sa.Column("user_key", sa.String(160), primary_key=True),
        sa.Column("track_id", sa.String(32), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("feedback", "picks", "offers", "moods", "turns", "users"):
        op.drop_table(table)
