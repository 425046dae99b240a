"""Tables of the operational store (SQLAlchemy Core). Alembic migrations are generated from this metadata."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Money and quantities: exact decimals on PostgreSQL; SQLite stores them as numbers and SQLAlchemy
# converts back to Decimal.
Money = Numeric(18, 4, asdecimal=True)
Qty = Numeric(18, 6, asdecimal=True)
Rate = Numeric(9, 6, asdecimal=True)


def _id() -> Column:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _active() -> Column:
    return Column("active", Boolean, nullable=False, default=True, server_default="1")


# --- security and audit -------------------------------------------------------------------------

role = Table(
    "role",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200)),
)

role_permission = Table(
    "role_permission",
    metadata,
    _id(),
    Column("role_id", Integer, ForeignKey("role.id"), nullable=False),
    Column("permission", String(80), nullable=False),
    UniqueConstraint("role_id", "permission"),
)

app_user = Table(
    "app_user",
    metadata,
    _id(),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("language", String(10), nullable=False, default="zh_CN", server_default="zh_CN"),
    Column("employee_id", Integer, ForeignKey("employee.id")),
    _active(),
    Column("created_at", DateTime, nullable=False),
)

user_role = Table(
    "user_role",
    metadata,
    Column("user_id", Integer, ForeignKey("app_user.id"), primary_key=True),
    Column("role_id", Integer, ForeignKey("role.id"), primary_key=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", DateTime, nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("app_user.id")),
    Column("username", String(80), nullable=False),
    Column("action", String(80), nullable=False),
    Column("entity", String(80), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("before_json", Text),
    Column("after_json", Text),
)

doc_sequence = Table(
    "doc_sequence",
    metadata,
    Column("doc_type", String(40), primary_key=True),
    Column("prefix", String(20), nullable=False),
    Column("next_number", Integer, nullable=False, default=1),
    Column("padding", Integer, nullable=False, default=6),
)

# --- company and calendars ----------------------------------------------------------------------

company = Table(
    "company",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200)),
    Column("tax_id", String(40)),
    Column("country", String(2), nullable=False, default="CN"),
    Column("base_currency", String(3), nullable=False, default="CNY"),
    Column("default_vat_rate", Rate, nullable=False, default=0.13),
    Column("fiscal_year_start_month", Integer, nullable=False, default=1),
    Column("language", String(10), nullable=False, default="zh_CN"),
    CheckConstraint("id = 1", name="single_row"),
    CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="start_month"),
)

fiscal_period = Table(
    "fiscal_period",
    metadata,
    _id(),
    Column("code", String(7), nullable=False, unique=True),  # YYYY-MM
    Column("fiscal_year", Integer, nullable=False),
    Column("period_no", Integer, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("status", String(10), nullable=False, default="open"),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
    CheckConstraint("end_date >= start_date", name="dates"),
)

uom = Table(
    "uom",
    metadata,
    _id(),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100)),
)

location = Table(
    "location",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("location_type", String(20), nullable=False, default="warehouse"),
    Column("parent_id", Integer, ForeignKey("location.id")),
    _active(),
)

cost_center = Table(
    "cost_center",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("parent_id", Integer, ForeignKey("cost_center.id")),
    _active(),
)

account = Table(
    "account",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200)),
    Column("account_type", String(20), nullable=False),
    Column("parent_id", Integer, ForeignKey("account.id")),
    Column("is_postable", Boolean, nullable=False, default=True),
    _active(),
    CheckConstraint("account_type IN ('asset', 'liability', 'equity', 'cost', 'revenue', 'expense')", name="type"),
)

# --- products and manufacturing -----------------------------------------------------------------

item = Table(
    "item",
    metadata,
    _id(),
    Column("item_code", String(40), nullable=False, unique=True),
    Column("description", String(400), nullable=False),
    Column("item_type", String(10), nullable=False),
    Column("uom_id", Integer, ForeignKey("uom.id"), nullable=False),
    Column("lead_time_days", Integer, nullable=False, default=0),
    Column("lot_sizing", String(10), nullable=False, default="L4L"),
    Column("lot_size_qty", Qty, nullable=False, default=0),
    Column("lot_size_periods", Integer, nullable=False, default=1),
    Column("min_order_qty", Qty, nullable=False, default=0),
    Column("order_multiple", Qty, nullable=False, default=0),
    Column("safety_stock_qty", Qty, nullable=False, default=0),
    Column("standard_cost", Money, nullable=False, default=0),
    Column("abc_class", String(1)),
    Column("product_family", String(80)),
    Column("allow_negative_stock", Boolean, nullable=False, default=False),
    _active(),
    CheckConstraint("item_type IN ('make', 'buy')", name="item_type"),
    CheckConstraint("lot_sizing IN ('L4L', 'FOQ', 'POQ')", name="lot_sizing"),
    CheckConstraint("lead_time_days >= 0", name="lead_time"),
)

bom_line = Table(
    "bom_line",
    metadata,
    _id(),
    Column("parent_item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("component_item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("qty_per", Qty, nullable=False),
    Column("scrap_pct", Rate, nullable=False, default=0),
    UniqueConstraint("parent_item_id", "component_item_id"),
    CheckConstraint("parent_item_id <> component_item_id", name="not_self"),
    CheckConstraint("qty_per > 0", name="qty_per"),
)

work_center = Table(
    "work_center",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("labour_rate", Money, nullable=False, default=0),
    Column("overhead_rate", Money, nullable=False, default=0),
    Column("capacity_hours_per_day", Qty, nullable=False, default=8),
    _active(),
)

routing_step = Table(
    "routing_step",
    metadata,
    _id(),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("step_no", Integer, nullable=False),
    Column("work_center_id", Integer, ForeignKey("work_center.id"), nullable=False),
    Column("hours_per_unit", Qty, nullable=False),
    Column("setup_hours", Qty, nullable=False, default=0),
    UniqueConstraint("item_id", "step_no"),
)

# --- partners and people ------------------------------------------------------------------------

customer = Table(
    "customer",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tax_id", String(40)),
    Column("address", String(400)),
    Column("country", String(2)),
    Column("phone", String(40)),
    Column("email", String(200)),
    Column("currency", String(3), nullable=False, default="CNY"),
    Column("credit_limit", Money, nullable=False, default=0),
    Column("payment_terms_days", Integer, nullable=False, default=30),
    Column("customer_group", String(40)),
    _active(),
)

supplier = Table(
    "supplier",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tax_id", String(40)),
    Column("address", String(400)),
    Column("country", String(2)),
    Column("phone", String(40)),
    Column("email", String(200)),
    Column("currency", String(3), nullable=False, default="CNY"),
    Column("payment_terms_days", Integer, nullable=False, default=30),
    Column("supplier_group", String(40)),
    _active(),
)

employee = Table(
    "employee",
    metadata,
    _id(),
    Column("employee_code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("department", String(100)),
    Column("position", String(100)),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("manager_id", Integer, ForeignKey("employee.id")),
    Column("email", String(200)),
    Column("hire_date", Date),
    Column("leave_date", Date),
    _active(),
)

# --- ledger -------------------------------------------------------------------------------------

# Which accounts a business event posts to. A qualifier of '*' matches anything; the most specific rule wins.
posting_rule = Table(
    "posting_rule",
    metadata,
    _id(),
    Column("event", String(40), nullable=False),
    Column("item_type", String(10), nullable=False, default="*", server_default="*"),
    Column("item_group", String(80), nullable=False, default="*", server_default="*"),
    Column("partner_group", String(40), nullable=False, default="*", server_default="*"),
    Column("debit_account_id", Integer, ForeignKey("account.id"), nullable=False),
    Column("credit_account_id", Integer, ForeignKey("account.id"), nullable=False),
    Column("description", String(200)),
    UniqueConstraint("event", "item_type", "item_group", "partner_group"),
)

# A journal entry is written as a draft, its lines added, then flipped to posted; database triggers (see the
# ledger migration) refuse the flip unless the lines balance, and refuse any change to a posted entry.
journal_entry = Table(
    "journal_entry",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("entry_date", Date, nullable=False, index=True),
    Column("period_id", Integer, ForeignKey("fiscal_period.id"), nullable=False, index=True),
    Column("source_type", String(30), nullable=False),
    Column("source_ref", String(60)),
    Column("description", String(400)),
    Column("status", String(10), nullable=False, default="draft"),
    Column("reverses_id", Integer, ForeignKey("journal_entry.id"), unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(80), nullable=False),
    CheckConstraint("status IN ('draft', 'posted')", name="status"),
)

journal_line = Table(
    "journal_line",
    metadata,
    _id(),
    Column("entry_id", Integer, ForeignKey("journal_entry.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=False, index=True),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("customer_id", Integer, ForeignKey("customer.id"), index=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id")),
    Column("item_id", Integer, ForeignKey("item.id")),
    Column("doc_type", String(30)),
    Column("doc_number", String(40)),
    Column("description", String(400)),
    Column("debit", Money, nullable=False, default=0),
    Column("credit", Money, nullable=False, default=0),
    UniqueConstraint("entry_id", "line_no"),
    CheckConstraint("debit >= 0 AND credit >= 0", name="not_negative"),
    CheckConstraint("debit = 0 OR credit = 0", name="one_side"),
    CheckConstraint("debit + credit > 0", name="not_zero"),
)

recurring_journal = Table(
    "recurring_journal",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("description", String(400), nullable=False),
    Column("next_date", Date, nullable=False),
    Column("end_date", Date),
    Column("interval_months", Integer, nullable=False, default=1),
    _active(),
    CheckConstraint("interval_months BETWEEN 1 AND 12", name="interval"),
)

recurring_journal_line = Table(
    "recurring_journal_line",
    metadata,
    _id(),
    Column("template_id", Integer, ForeignKey("recurring_journal.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=False),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("description", String(400)),
    Column("debit", Money, nullable=False, default=0),
    Column("credit", Money, nullable=False, default=0),
    UniqueConstraint("template_id", "line_no"),
)

# --- inventory ----------------------------------------------------------------------------------

stock_move = Table(
    "stock_move",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, index=True),
    Column("move_date", Date, nullable=False, index=True),
    Column("move_type", String(12), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("quantity", Qty, nullable=False),  # signed: + in, - out
    Column("unit_cost", Money, nullable=False),
    Column("value", Money, nullable=False),
    Column("source_type", String(30)),
    Column("source_ref", String(60)),
    Column("reason", String(200)),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint(
        "move_type IN ('receipt', 'issue', 'transfer', 'adjustment', 'count', 'shipment')", name="move_type"
    ),
    CheckConstraint("quantity <> 0", name="not_zero"),
)

# The running on-hand per item and location: the row each posting locks, always equal to the moves' sum.
stock_balance = Table(
    "stock_balance",
    metadata,
    Column("item_id", Integer, ForeignKey("item.id"), primary_key=True),
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
    Column("quantity", Qty, nullable=False, default=0),
)

# --- planning inputs ----------------------------------------------------------------------------

# Independent demand imported for planning: forecasts, and firm customer demand that is not (yet) a sales order
# in this store. MRP adds the open sales order lines to it.
planning_demand = Table(
    "planning_demand",
    metadata,
    _id(),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("due_date", Date, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("demand_type", String(10), nullable=False),
    Column("customer_id", Integer, ForeignKey("customer.id")),
    Column("reference", String(60)),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("demand_type IN ('order', 'forecast')", name="demand_type"),
)

# Open supply not yet represented by purchase or production orders (imported from a legacy system).
scheduled_receipt = Table(
    "scheduled_receipt",
    metadata,
    _id(),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("due_date", Date, nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("supply_type", String(12), nullable=False, default="purchase"),
    Column("reference", String(60)),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("supply_type IN ('purchase', 'production')", name="supply_type"),
)

# --- sales --------------------------------------------------------------------------------------

price_list = Table(
    "price_list",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("customer_id", Integer, ForeignKey("customer.id"), index=True),  # none: the default list
    Column("currency", String(3), nullable=False, default="CNY"),
    Column("valid_from", Date),
    Column("valid_to", Date),
    _active(),
)

price_list_line = Table(
    "price_list_line",
    metadata,
    _id(),
    Column("price_list_id", Integer, ForeignKey("price_list.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("unit_price", Money, nullable=False),
    UniqueConstraint("price_list_id", "item_id"),
    CheckConstraint("unit_price >= 0", name="price"),
)

sales_contract = Table(
    "sales_contract",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("renewal_date", Date),
    Column("status", String(12), nullable=False, default="draft"),
    Column("reference", String(60)),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('draft', 'active', 'expired', 'terminated')", name="status"),
    CheckConstraint("end_date >= start_date", name="dates"),
)

sales_contract_line = Table(
    "sales_contract_line",
    metadata,
    _id(),
    Column("contract_id", Integer, ForeignKey("sales_contract.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("agreed_price", Money, nullable=False),
    Column("agreed_qty", Qty),
    UniqueConstraint("contract_id", "item_id"),
)

sales_quotation = Table(
    "sales_quotation",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("quote_date", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(12), nullable=False, default="open"),
    Column("net_amount", Money, nullable=False, default=0),
    Column("reference", String(60)),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('open', 'accepted', 'cancelled')", name="status"),
    CheckConstraint("valid_until >= quote_date", name="validity"),
)

sales_quotation_line = Table(
    "sales_quotation_line",
    metadata,
    _id(),
    Column("quotation_id", Integer, ForeignKey("sales_quotation.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("discount_pct", Rate, nullable=False, default=0),
    Column("net_amount", Money, nullable=False),
    UniqueConstraint("quotation_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
)

sales_order = Table(
    "sales_order",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False),
    Column("order_date", Date, nullable=False),
    Column("promised_date", Date, nullable=False),
    Column("quotation_id", Integer, ForeignKey("sales_quotation.id")),
    Column("contract_id", Integer, ForeignKey("sales_contract.id")),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("status", String(20), nullable=False, default="open"),
    Column("net_amount", Money, nullable=False, default=0),
    Column("tax_amount", Money, nullable=False, default=0),
    Column("gross_amount", Money, nullable=False, default=0),
    Column("open_amount", Money, nullable=False, default=0),  # gross not yet invoiced: the credit exposure
    Column("vat_rate", Rate, nullable=False),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('open', 'partially_shipped', 'shipped', 'closed', 'cancelled')", name="status"),
    CheckConstraint("exchange_rate > 0", name="rate"),
)
Index("ix_sales_order_exposure", sales_order.c.customer_id, sales_order.c.status, sales_order.c.open_amount)

sales_order_line = Table(
    "sales_order_line",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("sales_order.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("discount_pct", Rate, nullable=False, default=0),
    Column("net_amount", Money, nullable=False),
    Column("promised_date", Date, nullable=False),
    Column("shipped_qty", Qty, nullable=False, default=0),
    Column("invoiced_qty", Qty, nullable=False, default=0),
    UniqueConstraint("order_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("shipped_qty >= 0 AND shipped_qty <= quantity", name="shipped"),
    CheckConstraint("invoiced_qty >= 0 AND invoiced_qty <= shipped_qty", name="invoiced"),
)

shipment = Table(
    "shipment",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("order_id", Integer, ForeignKey("sales_order.id"), nullable=False, index=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False),
    Column("ship_date", Date, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60)),
    Column("created_at", DateTime, nullable=False),
)

shipment_line = Table(
    "shipment_line",
    metadata,
    _id(),
    Column("shipment_id", Integer, ForeignKey("shipment.id"), nullable=False, index=True),
    Column("order_line_id", Integer, ForeignKey("sales_order_line.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_cost", Money, nullable=False),
    CheckConstraint("quantity > 0", name="quantity"),
)

customer_invoice = Table(
    "customer_invoice",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False),
    Column("order_id", Integer, ForeignKey("sales_order.id"), index=True),
    Column("invoice_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("net_amount", Money, nullable=False),
    Column("tax_amount", Money, nullable=False),
    Column("gross_amount", Money, nullable=False),
    Column("paid_amount", Money, nullable=False, default=0),
    Column("status", String(20), nullable=False, default="open"),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('open', 'partially_paid', 'paid')", name="status"),
    CheckConstraint("paid_amount >= 0 AND paid_amount <= gross_amount", name="paid"),
    CheckConstraint("exchange_rate > 0", name="rate"),
)
Index("ix_customer_invoice_customer_status", customer_invoice.c.customer_id, customer_invoice.c.status)

customer_invoice_line = Table(
    "customer_invoice_line",
    metadata,
    _id(),
    Column("invoice_id", Integer, ForeignKey("customer_invoice.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("order_line_id", Integer, ForeignKey("sales_order_line.id")),
    Column("item_id", Integer, ForeignKey("item.id")),
    Column("description", String(400)),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("discount_pct", Rate, nullable=False, default=0),
    Column("net_amount", Money, nullable=False),
    Column("vat_rate", Rate, nullable=False),
    Column("tax_amount", Money, nullable=False),
    UniqueConstraint("invoice_id", "line_no"),
)

customer_payment = Table(
    "customer_payment",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("payment_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("amount", Money, nullable=False),
    Column("allocated_amount", Money, nullable=False, default=0),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("amount > 0", name="amount"),
    CheckConstraint("allocated_amount >= 0 AND allocated_amount <= amount", name="allocated"),
    CheckConstraint("exchange_rate > 0", name="rate"),
)

payment_allocation = Table(
    "payment_allocation",
    metadata,
    _id(),
    Column("payment_id", Integer, ForeignKey("customer_payment.id"), nullable=False, index=True),
    Column("invoice_id", Integer, ForeignKey("customer_invoice.id"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    CheckConstraint("amount > 0", name="amount"),
)
