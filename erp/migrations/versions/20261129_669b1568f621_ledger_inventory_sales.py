"""ledger inventory sales

Revision ID: 669b1568f621
Revises: f51b5b15021d
Create Date: 2026-11-29 01:07:37.935717
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "669b1568f621"
down_revision = "f51b5b15021d"
branch_labels = None
depends_on = None


# Database guards for the ledger, beyond what the service layer checks: an entry is written as a draft, its lines
# added, then flipped to posted; the flip is refused unless debits equal credits, and a posted entry and its
# lines can no longer change or disappear (a correction is a reversing entry).
SQLITE_TRIGGERS = (
    """CREATE TRIGGER trg_journal_entry_insert_draft BEFORE INSERT ON journal_entry
    WHEN NEW.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'journal entries are inserted as drafts and posted when balanced'); END""",
    """CREATE TRIGGER trg_journal_entry_post_balanced BEFORE UPDATE OF status ON journal_entry
    WHEN OLD.status = 'draft' AND NEW.status = 'posted' AND (
        (SELECT COUNT(*) FROM journal_line WHERE entry_id = NEW.id) < 2
        OR ABS((SELECT SUM(debit) - SUM(credit) FROM journal_line WHERE entry_id = NEW.id)) >= 0.005)
    BEGIN SELECT RAISE(ABORT, 'journal entry is not balanced'); END""",
    """CREATE TRIGGER trg_journal_entry_posted_update BEFORE UPDATE ON journal_entry
    WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot change'); END""",
    """CREATE TRIGGER trg_journal_entry_posted_delete BEFORE DELETE ON journal_entry
    WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot be deleted'); END""",
    """CREATE TRIGGER trg_journal_line_posted_insert BEFORE INSERT ON journal_line
    WHEN (SELECT status FROM journal_entry WHERE id = NEW.entry_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot change'); END""",
    """CREATE TRIGGER trg_journal_line_posted_update BEFORE UPDATE ON journal_line
    WHEN (SELECT status FROM journal_entry WHERE id = OLD.entry_id) = 'posted'
       OR (SELECT status FROM journal_entry WHERE id = NEW.entry_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot change'); END""",
    """CREATE TRIGGER trg_journal_line_posted_delete BEFORE DELETE ON journal_line
    WHEN (SELECT status FROM journal_entry WHERE id = OLD.entry_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'posted journal entries cannot change'); END""",
)
SQLITE_TRIGGER_NAMES = (
    "trg_journal_entry_insert_draft",
    "trg_journal_entry_post_balanced",
    "trg_journal_entry_posted_update",
    "trg_journal_entry_posted_delete",
    "trg_journal_line_posted_insert",
    "trg_journal_line_posted_update",
    "trg_journal_line_posted_delete",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION erp_journal_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'draft' THEN
                RAISE EXCEPTION 'journal entries are inserted as drafts and posted when balanced'
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF OLD.status = 'posted' THEN
            RAISE EXCEPTION 'posted journal entries cannot change' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status = 'posted' THEN
            IF (SELECT COUNT(*) FROM journal_line WHERE entry_id = NEW.id) < 2
               OR (SELECT ABS(SUM(debit) - SUM(credit)) FROM journal_line WHERE entry_id = NEW.id) >= 0.005 THEN
                RAISE EXCEPTION 'journal entry is not balanced' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_journal_entry_guard BEFORE INSERT OR UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION erp_journal_entry_guard()""",
    """CREATE FUNCTION erp_journal_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP <> 'INSERT' AND (SELECT status FROM journal_entry WHERE id = OLD.entry_id) = 'posted')
           OR (TG_OP <> 'DELETE' AND (SELECT status FROM journal_entry WHERE id = NEW.entry_id) = 'posted') THEN
            RAISE EXCEPTION 'posted journal entries cannot change' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_journal_line_guard BEFORE INSERT OR UPDATE OR DELETE ON journal_line
    FOR EACH ROW EXECUTE FUNCTION erp_journal_line_guard()""",
)


def _create_triggers() -> None:
    statements = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in statements:
        op.execute(statement)


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_journal_line_guard ON journal_line")
        op.execute("DROP TRIGGER IF EXISTS trg_journal_entry_guard ON journal_entry")
        op.execute("DROP FUNCTION IF EXISTS erp_journal_line_guard()")
        op.execute("DROP FUNCTION IF EXISTS erp_journal_entry_guard()")


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "recurring_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.CheckConstraint("interval_months BETWEEN 1 AND 12", name=op.f("ck_recurring_journal_interval")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_journal")),
        sa.UniqueConstraint("code", name=op.f("uq_recurring_journal_code")),
    )
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("source_type", sa.String(length=30), nullable=False),
        sa.Column("source_ref", sa.String(length=60), nullable=True),
        sa.Column("description", sa.String(length=400), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'posted')", name=op.f("ck_journal_entry_status")),
        sa.ForeignKeyConstraint(
            ["period_id"], ["fiscal_period.id"], name=op.f("fk_journal_entry_period_id_fiscal_period")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["journal_entry.id"], name=op.f("fk_journal_entry_reverses_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("number", name=op.f("uq_journal_entry_number")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_journal_entry_reverses_id")),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_entry_entry_date"), ["entry_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_entry_period_id"), ["period_id"], unique=False)

    op.create_table(
        "posting_rule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("item_type", sa.String(length=10), server_default="*", nullable=False),
        sa.Column("item_group", sa.String(length=80), server_default="*", nullable=False),
        sa.Column("partner_group", sa.String(length=40), server_default="*", nullable=False),
        sa.Column("debit_account_id", sa.Integer(), nullable=False),
        sa.Column("credit_account_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["credit_account_id"], ["account.id"], name=op.f("fk_posting_rule_credit_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"], ["account.id"], name=op.f("fk_posting_rule_debit_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_rule")),
        sa.UniqueConstraint("event", "item_type", "item_group", "partner_group", name=op.f("uq_posting_rule_event")),
    )
    op.create_table(
        "price_list",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_price_list_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list")),
        sa.UniqueConstraint("code", name=op.f("uq_price_list_code")),
    )
    with op.batch_alter_table("price_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_price_list_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "recurring_journal_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("cost_center_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=400), nullable=True),
        sa.Column("debit", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("credit", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_recurring_journal_line_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"], ["cost_center.id"], name=op.f("fk_recurring_journal_line_cost_center_id_cost_center")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["recurring_journal.id"],
            name=op.f("fk_recurring_journal_line_template_id_recurring_journal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_journal_line")),
        sa.UniqueConstraint("template_id", "line_no", name=op.f("uq_recurring_journal_line_template_id")),
    )
    with op.batch_alter_table("recurring_journal_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_journal_line_template_id"), ["template_id"], unique=False)

    op.create_table(
        "sales_contract",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'expired', 'terminated')", name=op.f("ck_sales_contract_status")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_sales_contract_dates")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_sales_contract_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_contract")),
        sa.UniqueConstraint("number", name=op.f("uq_sales_contract_number")),
    )
    with op.batch_alter_table("sales_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_contract_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "sales_quotation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("quote_date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'accepted', 'cancelled')", name=op.f("ck_sales_quotation_status")),
        sa.CheckConstraint("valid_until >= quote_date", name=op.f("ck_sales_quotation_validity")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_sales_quotation_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_quotation")),
        sa.UniqueConstraint("number", name=op.f("uq_sales_quotation_number")),
    )
    with op.batch_alter_table("sales_quotation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_quotation_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "customer_payment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("allocated_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "allocated_amount >= 0 AND allocated_amount <= amount", name=op.f("ck_customer_payment_allocated")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_customer_payment_amount")),
        sa.CheckConstraint("exchange_rate > 0", name=op.f("ck_customer_payment_rate")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_payment_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_customer_payment_journal_entry_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_payment")),
        sa.UniqueConstraint("number", name=op.f("uq_customer_payment_number")),
    )
    with op.batch_alter_table("customer_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_payment_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_payment_reference"), ["reference"], unique=False)

    op.create_table(
        "journal_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("cost_center_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("doc_type", sa.String(length=30), nullable=True),
        sa.Column("doc_number", sa.String(length=40), nullable=True),
        sa.Column("description", sa.String(length=400), nullable=True),
        sa.Column("debit", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("credit", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("debit + credit > 0", name=op.f("ck_journal_line_not_zero")),
        sa.CheckConstraint("debit = 0 OR credit = 0", name=op.f("ck_journal_line_one_side")),
        sa.CheckConstraint("debit >= 0 AND credit >= 0", name=op.f("ck_journal_line_not_negative")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_journal_line_account_id_account")),
        sa.ForeignKeyConstraint(
            ["cost_center_id"], ["cost_center.id"], name=op.f("fk_journal_line_cost_center_id_cost_center")
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_journal_line_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_journal_line_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_journal_line_item_id_item")),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], name=op.f("fk_journal_line_supplier_id_supplier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_line")),
        sa.UniqueConstraint("entry_id", "line_no", name=op.f("uq_journal_line_entry_id")),
    )
    with op.batch_alter_table("journal_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_line_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_line_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_line_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "planning_demand",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("demand_type", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.CheckConstraint("demand_type IN ('order', 'forecast')", name=op.f("ck_planning_demand_demand_type")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_planning_demand_quantity")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_planning_demand_customer_id_customer")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_planning_demand_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_demand")),
    )
    with op.batch_alter_table("planning_demand", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planning_demand_item_id"), ["item_id"], unique=False)

    op.create_table(
        "price_list_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("price_list_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_price_list_line_price")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_price_list_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["price_list_id"], ["price_list.id"], name=op.f("fk_price_list_line_price_list_id_price_list")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list_line")),
        sa.UniqueConstraint("price_list_id", "item_id", name=op.f("uq_price_list_line_price_list_id")),
    )
    op.create_table(
        "sales_contract_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("agreed_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("agreed_qty", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["sales_contract.id"], name=op.f("fk_sales_contract_line_contract_id_sales_contract")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_sales_contract_line_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_contract_line")),
        sa.UniqueConstraint("contract_id", "item_id", name=op.f("uq_sales_contract_line_contract_id")),
    )
    op.create_table(
        "sales_order",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("tax_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("gross_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("open_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'partially_shipped', 'shipped', 'closed', 'cancelled')",
            name=op.f("ck_sales_order_status"),
        ),
        sa.CheckConstraint("exchange_rate > 0", name=op.f("ck_sales_order_rate")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["sales_contract.id"], name=op.f("fk_sales_order_contract_id_sales_contract")
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_sales_order_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["quotation_id"], ["sales_quotation.id"], name=op.f("fk_sales_order_quotation_id_sales_quotation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order")),
        sa.UniqueConstraint("number", name=op.f("uq_sales_order_number")),
    )
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.create_index("ix_sales_order_exposure", ["customer_id", "status", "open_amount"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_order_reference"), ["reference"], unique=False)

    op.create_table(
        "sales_quotation_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sales_quotation_line_quantity")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_sales_quotation_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["quotation_id"], ["sales_quotation.id"], name=op.f("fk_sales_quotation_line_quotation_id_sales_quotation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_quotation_line")),
        sa.UniqueConstraint("quotation_id", "line_no", name=op.f("uq_sales_quotation_line_quotation_id")),
    )
    with op.batch_alter_table("sales_quotation_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_quotation_line_quotation_id"), ["quotation_id"], unique=False)

    op.create_table(
        "scheduled_receipt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("supply_type", sa.String(length=12), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.CheckConstraint("supply_type IN ('purchase', 'production')", name=op.f("ck_scheduled_receipt_supply_type")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_scheduled_receipt_quantity")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_scheduled_receipt_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_receipt")),
    )
    with op.batch_alter_table("scheduled_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduled_receipt_item_id"), ["item_id"], unique=False)

    op.create_table(
        "stock_balance",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_stock_balance_item_id_item")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_stock_balance_location_id_location")),
        sa.PrimaryKeyConstraint("item_id", "location_id", name=op.f("pk_stock_balance")),
    )
    op.create_table(
        "stock_move",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("move_date", sa.Date(), nullable=False),
        sa.Column("move_type", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("source_type", sa.String(length=30), nullable=True),
        sa.Column("source_ref", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "move_type IN ('receipt', 'issue', 'transfer', 'adjustment', 'count', 'shipment')",
            name=op.f("ck_stock_move_move_type"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_move_not_zero")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_stock_move_item_id_item")),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_stock_move_journal_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_stock_move_location_id_location")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_move")),
    )
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_move_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_move_move_date"), ["move_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_move_number"), ["number"], unique=False)

    op.create_table(
        "customer_invoice",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("tax_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("gross_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("paid_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'partially_paid', 'paid')", name=op.f("ck_customer_invoice_status")),
        sa.CheckConstraint("exchange_rate > 0", name=op.f("ck_customer_invoice_rate")),
        sa.CheckConstraint("paid_amount >= 0 AND paid_amount <= gross_amount", name=op.f("ck_customer_invoice_paid")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_invoice_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_customer_invoice_journal_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["sales_order.id"], name=op.f("fk_customer_invoice_order_id_sales_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_invoice")),
        sa.UniqueConstraint("number", name=op.f("uq_customer_invoice_number")),
    )
    with op.batch_alter_table("customer_invoice", schema=None) as batch_op:
        batch_op.create_index("ix_customer_invoice_customer_status", ["customer_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_invoice_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_invoice_reference"), ["reference"], unique=False)

    op.create_table(
        "sales_order_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("shipped_qty", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("invoiced_qty", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.CheckConstraint(
            "invoiced_qty >= 0 AND invoiced_qty <= shipped_qty", name=op.f("ck_sales_order_line_invoiced")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sales_order_line_quantity")),
        sa.CheckConstraint("shipped_qty >= 0 AND shipped_qty <= quantity", name=op.f("ck_sales_order_line_shipped")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_sales_order_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["sales_order.id"], name=op.f("fk_sales_order_line_order_id_sales_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_line")),
        sa.UniqueConstraint("order_id", "line_no", name=op.f("uq_sales_order_line_order_id")),
    )
    with op.batch_alter_table("sales_order_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_order_line_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_order_line_order_id"), ["order_id"], unique=False)

    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("ship_date", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_shipment_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["journal_entry.id"], name=op.f("fk_shipment_journal_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_shipment_location_id_location")),
        sa.ForeignKeyConstraint(["order_id"], ["sales_order.id"], name=op.f("fk_shipment_order_id_sales_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
        sa.UniqueConstraint("number", name=op.f("uq_shipment_number")),
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_order_id"), ["order_id"], unique=False)

    op.create_table(
        "customer_invoice_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=400), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("net_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("tax_amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["customer_invoice.id"], name=op.f("fk_customer_invoice_line_invoice_id_customer_invoice")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_customer_invoice_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["sales_order_line.id"],
            name=op.f("fk_customer_invoice_line_order_line_id_sales_order_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_invoice_line")),
        sa.UniqueConstraint("invoice_id", "line_no", name=op.f("uq_customer_invoice_line_invoice_id")),
    )
    with op.batch_alter_table("customer_invoice_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_invoice_line_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "payment_allocation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_allocation_amount")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["customer_invoice.id"], name=op.f("fk_payment_allocation_invoice_id_customer_invoice")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["customer_payment.id"], name=op.f("fk_payment_allocation_payment_id_customer_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocation")),
    )
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_allocation_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_allocation_payment_id"), ["payment_id"], unique=False)

    op.create_table(
        "shipment_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_shipment_line_quantity")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_shipment_line_item_id_item")),
        sa.ForeignKeyConstraint(
            ["order_line_id"], ["sales_order_line.id"], name=op.f("fk_shipment_line_order_line_id_sales_order_line")
        ),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], name=op.f("fk_shipment_line_shipment_id_shipment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_line")),
    )
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_line_shipment_id"), ["shipment_id"], unique=False)

    # ### end Alembic commands ###
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("shipment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_line_shipment_id"))

    op.drop_table("shipment_line")
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocation_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocation_invoice_id"))

    op.drop_table("payment_allocation")
    with op.batch_alter_table("customer_invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_invoice_line_invoice_id"))

    op.drop_table("customer_invoice_line")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_order_id"))

    op.drop_table("shipment")
    with op.batch_alter_table("sales_order_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_line_order_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_line_item_id"))

    op.drop_table("sales_order_line")
    with op.batch_alter_table("customer_invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_invoice_reference"))
        batch_op.drop_index(batch_op.f("ix_customer_invoice_order_id"))
        batch_op.drop_index("ix_customer_invoice_customer_status")

    op.drop_table("customer_invoice")
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_move_number"))
        batch_op.drop_index(batch_op.f("ix_stock_move_move_date"))
        batch_op.drop_index(batch_op.f("ix_stock_move_item_id"))

    op.drop_table("stock_move")
    op.drop_table("stock_balance")
    with op.batch_alter_table("scheduled_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_receipt_item_id"))

    op.drop_table("scheduled_receipt")
    with op.batch_alter_table("sales_quotation_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_quotation_line_quotation_id"))

    op.drop_table("sales_quotation_line")
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_reference"))
        batch_op.drop_index("ix_sales_order_exposure")

    op.drop_table("sales_order")
    op.drop_table("sales_contract_line")
    op.drop_table("price_list_line")
    with op.batch_alter_table("planning_demand", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planning_demand_item_id"))

    op.drop_table("planning_demand")
    with op.batch_alter_table("journal_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_line_entry_id"))
        batch_op.drop_index(batch_op.f("ix_journal_line_customer_id"))
        batch_op.drop_index(batch_op.f("ix_journal_line_account_id"))

    op.drop_table("journal_line")
    with op.batch_alter_table("customer_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_payment_reference"))
        batch_op.drop_index(batch_op.f("ix_customer_payment_customer_id"))

    op.drop_table("customer_payment")
    with op.batch_alter_table("sales_quotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_quotation_customer_id"))

    op.drop_table("sales_quotation")
    with op.batch_alter_table("sales_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_contract_customer_id"))

    op.drop_table("sales_contract")
    with op.batch_alter_table("recurring_journal_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_journal_line_template_id"))

    op.drop_table("recurring_journal_line")
    with op.batch_alter_table("price_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_list_customer_id"))

    op.drop_table("price_list")
    op.drop_table("posting_rule")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entry_period_id"))
        batch_op.drop_index(batch_op.f("ix_journal_entry_entry_date"))

    op.drop_table("journal_entry")
    op.drop_table("recurring_journal")
    # ### end Alembic commands ###
