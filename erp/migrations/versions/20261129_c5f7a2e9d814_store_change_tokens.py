"""store change tokens

A token per store table that triggers replace at every write (erp/change_tokens.py): the everyday warehouse build
reads the tokens instead of hashing every table to find what changed. The triggers themselves are created after
every upgrade (erp/migrations/env.py), so tables added or rebuilt by later migrations get them too.

Revision ID: c5f7a2e9d814
Revises: a4d81c6e2f57
Create Date: 2026-11-29 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp.change_tokens import OPERATIONS, TABLE, tracked_tables, trigger_name

revision = "c5f7a2e9d814"
down_revision = "a4d81c6e2f57"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("table_name", sa.String(length=80), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_store_change")),
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in tracked_tables(sa.inspect(bind).get_table_names()):
            for operation in OPERATIONS:
                op.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table, operation)}"')
    op.drop_table(TABLE)
