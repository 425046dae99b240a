"""alert outbox

Revision ID: 3c1d7a9e5b20
Revises: b7e2aacad0c7
Create Date: 2026-11-29 02:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3c1d7a9e5b20"
down_revision = "b7e2aacad0c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("alert_key", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("email_status", sa.String(length=12), nullable=False),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name=op.f("ck_alert_outbox_severity")),
        sa.CheckConstraint("reason IN ('new', 'escalated')", name=op.f("ck_alert_outbox_reason")),
        sa.CheckConstraint(
            "email_status IN ('pending', 'sent', 'failed', 'skipped')", name=op.f("ck_alert_outbox_email_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_outbox")),
    )
    with op.batch_alter_table("alert_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_alert_outbox_source_key", ["source", "alert_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_outbox_source_key")
    op.drop_table("alert_outbox")
