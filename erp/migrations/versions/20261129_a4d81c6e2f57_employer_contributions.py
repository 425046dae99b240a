"""employer social insurance and housing fund contributions

The employer's shares (养老, 医疗, 失业, 工伤 and 住房公积金 paid by the company on top of gross pay) are rates as data,
computed per payslip and posted with the pay run. Existing rates start with an employer share of 0.

Revision ID: a4d81c6e2f57
Revises: 7c2e4f1a9b63
Create Date: 2026-11-29 07:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a4d81c6e2f57"
down_revision = "7c2e4f1a9b63"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
    with op.batch_alter_table("social_insurance_rate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("employer_rate", sa.Numeric(precision=9, scale=6), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_social_insurance_rate_employer_rate"), "employer_rate >= 0 AND employer_rate < 1"
        )
    with op.batch_alter_table("pay_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employer_contributions", MONEY, server_default="0", nullable=False))
    with op.batch_alter_table("payslip", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employer_social_insurance", MONEY, server_default="0", nullable=False))
        batch_op.add_column(sa.Column("employer_housing_fund", MONEY, server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("payslip", schema=None) as batch_op:
        batch_op.drop_column("employer_housing_fund")
        batch_op.drop_column("employer_social_insurance")
    with op.batch_alter_table("pay_run", schema=None) as batch_op:
        batch_op.drop_column("employer_contributions")
    with op.batch_alter_table("social_insurance_rate", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_social_insurance_rate_employer_rate"), type_="check")
        batch_op.drop_column("employer_rate")
