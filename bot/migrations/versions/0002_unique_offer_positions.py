"""Offers: one row per (user, batch, position), so concurrent replicas can't share a batch number.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows a past race gave the same batch number: keep the first of each position.
    op.execute(
        "DELETE FROM offers WHERE id NOT IN "
        "(SELECT keep FROM (SELECT MIN(id) AS keep FROM offers GROUP BY user_key, batch, position) AS firsts)"
    )
    op.drop_index("ix_offers_user_batch", table_name="offers")
    op.create_index("ux_offers_user_batch_position", "offers", ["user_key", "batch", "position"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_offers_user_batch_position", table_name="offers")
    op.create_index("ix_offers_user_batch", "offers", ["user_key", "batch"])
