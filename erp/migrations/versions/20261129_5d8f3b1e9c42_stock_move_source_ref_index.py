"""stock move source reference index

Closing a production order sums its stock moves by source reference; without an index every close scanned the
whole stock ledger, so the demo's history (and any real year of closes) grew with the square of its volume.

Revision ID: 5d8f3b1e9c42
Revises: 9a4e6c2d7b31
Create Date: 2026-11-29 05:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "5d8f3b1e9c42"
down_revision = "9a4e6c2d7b31"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_move_source_ref"), ["source_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_move_source_ref"))
