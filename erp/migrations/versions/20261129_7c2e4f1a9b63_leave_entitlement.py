"""leave entitlement

Days of leave per employee, year and leave type (statutory annual leave, or what a contract grants); requests
beyond them are refused and the balances screen shows what is left.

Revision ID: 7c2e4f1a9b63
Revises: 5d8f3b1e9c42
Create Date: 2026-11-29 07:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c2e4f1a9b63"
down_revision = "5d8f3b1e9c42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leave_entitlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("leave_type", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=True),
        sa.CheckConstraint("days >= 0", name=op.f("ck_leave_entitlement_days")),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_leave_entitlement_employee_id_employee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_entitlement")),
        sa.UniqueConstraint("employee_id", "year", "leave_type", name=op.f("uq_leave_entitlement_employee_id")),
    )


def downgrade() -> None:
    op.drop_table("leave_entitlement")
