"""Tables of the operational store (SQLAlchemy Core). Alembic migrations are generated from this metadata."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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

# One row per store table: a random token that triggers on the table replace at every insert, update and delete
# (SQLite; erp/change_tokens.py). The warehouse build compares tokens with those its publication was built from,
# instead of reading every table, to find what changed.
store_change = Table(
    "store_change",
    metadata,
    Column("table_name", String(80), primary_key=True),
    Column("token", BigInteger, nullable=False),
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
    Column("source_ref", String(60), index=True),  # closing a production order sums its moves by reference
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

# --- procurement --------------------------------------------------------------------------------

# Who may approve purchase orders up to which amount (net, base currency): per role, or per user (a user's
# own limit wins over its roles'). Without a limit nobody approves: the data decides, not the code.
approval_limit = Table(
    "approval_limit",
    metadata,
    _id(),
    Column("role_id", Integer, ForeignKey("role.id"), unique=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), unique=True),
    Column("max_amount", Money, nullable=False),
    CheckConstraint("(role_id IS NULL) <> (user_id IS NULL)", name="one_subject"),
    CheckConstraint("max_amount >= 0", name="amount"),
)

purchase_requisition = Table(
    "purchase_requisition",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("request_date", Date, nullable=False),
    Column("needed_date", Date, nullable=False),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("requested_by", String(80), nullable=False),
    Column("status", String(20), nullable=False, default="open"),
    Column("reference", String(60), index=True),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('open', 'partially_ordered', 'ordered', 'cancelled')", name="status"),
)

purchase_requisition_line = Table(
    "purchase_requisition_line",
    metadata,
    _id(),
    Column("requisition_id", Integer, ForeignKey("purchase_requisition.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("needed_date", Date, nullable=False),
    Column("supplier_id", Integer, ForeignKey("supplier.id")),
    Column("ordered_qty", Qty, nullable=False, default=0),
    UniqueConstraint("requisition_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("ordered_qty >= 0", name="ordered"),
)

purchase_contract = Table(
    "purchase_contract",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False, index=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(12), nullable=False, default="draft"),
    Column("reference", String(60), index=True),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('draft', 'active', 'expired', 'terminated')", name="status"),
    CheckConstraint("end_date >= start_date", name="dates"),
)

purchase_contract_line = Table(
    "purchase_contract_line",
    metadata,
    _id(),
    Column("contract_id", Integer, ForeignKey("purchase_contract.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("agreed_price", Money, nullable=False),
    Column("committed_qty", Qty),
    UniqueConstraint("contract_id", "item_id"),
    CheckConstraint("agreed_price >= 0", name="price"),
)

# The creator of an order can never approve it: checked by the service and guarded here as well.
purchase_order = Table(
    "purchase_order",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False, index=True),
    Column("order_date", Date, nullable=False),
    Column("expected_date", Date, nullable=False),
    Column("requisition_id", Integer, ForeignKey("purchase_requisition.id")),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("vat_rate", Rate, nullable=False),
    Column("status", String(20), nullable=False, default="draft"),
    Column("net_amount", Money, nullable=False, default=0),
    Column("tax_amount", Money, nullable=False, default=0),
    Column("gross_amount", Money, nullable=False, default=0),
    Column("receipt_tolerance_pct", Rate, nullable=False, default=0),
    Column("price_tolerance_pct", Rate, nullable=False, default=0),
    Column("created_by", String(80), nullable=False),
    Column("approved_by", String(80)),
    Column("approved_at", DateTime),
    Column("reference", String(60), index=True),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint(
        "status IN ('draft', 'approved', 'partially_received', 'received', 'closed', 'cancelled')", name="status"
    ),
    CheckConstraint("approved_by IS NULL OR approved_by <> created_by", name="segregation"),
    CheckConstraint("exchange_rate > 0", name="rate"),
    CheckConstraint("receipt_tolerance_pct >= 0 AND price_tolerance_pct >= 0", name="tolerances"),
)
Index("ix_purchase_order_status", purchase_order.c.status)

purchase_order_line = Table(
    "purchase_order_line",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("net_amount", Money, nullable=False),
    Column("expected_date", Date, nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=False),  # what receiving it debits
    Column("contract_id", Integer, ForeignKey("purchase_contract.id"), index=True),  # the contract that priced it
    Column("requisition_line_id", Integer, ForeignKey("purchase_requisition_line.id")),
    Column("received_qty", Qty, nullable=False, default=0),
    Column("invoiced_qty", Qty, nullable=False, default=0),
    UniqueConstraint("order_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("unit_price >= 0", name="price"),
    CheckConstraint("received_qty >= 0", name="received"),
    CheckConstraint("invoiced_qty >= 0 AND invoiced_qty <= received_qty", name="invoiced"),
)

goods_receipt = Table(
    "goods_receipt",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), nullable=False, index=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False),
    Column("receipt_date", Date, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
)

goods_receipt_line = Table(
    "goods_receipt_line",
    metadata,
    _id(),
    Column("receipt_id", Integer, ForeignKey("goods_receipt.id"), nullable=False, index=True),
    Column("order_line_id", Integer, ForeignKey("purchase_order_line.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("unit_cost", Money, nullable=False),
    CheckConstraint("quantity > 0", name="quantity"),
)

# A held invoice (price beyond tolerance) is recorded but not posted and cannot be paid until released.
supplier_invoice = Table(
    "supplier_invoice",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False),
    Column("order_id", Integer, ForeignKey("purchase_order.id"), index=True),
    Column("supplier_ref", String(60), nullable=False),
    Column("invoice_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("net_amount", Money, nullable=False),
    Column("tax_amount", Money, nullable=False),
    Column("gross_amount", Money, nullable=False),
    Column("price_variance", Money, nullable=False, default=0),
    Column("paid_amount", Money, nullable=False, default=0),
    Column("status", String(20), nullable=False, default="open"),
    Column("hold_reason", String(1000)),
    Column("released_by", String(80)),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("supplier_id", "supplier_ref"),
    CheckConstraint("status IN ('held', 'open', 'partially_paid', 'paid', 'cancelled')", name="status"),
    CheckConstraint("paid_amount >= 0 AND paid_amount <= gross_amount", name="paid"),
    CheckConstraint("exchange_rate > 0", name="rate"),
)
Index("ix_supplier_invoice_supplier_status", supplier_invoice.c.supplier_id, supplier_invoice.c.status)

supplier_invoice_line = Table(
    "supplier_invoice_line",
    metadata,
    _id(),
    Column("invoice_id", Integer, ForeignKey("supplier_invoice.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("order_line_id", Integer, ForeignKey("purchase_order_line.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("order_price", Money, nullable=False),
    Column("net_amount", Money, nullable=False),
    Column("vat_rate", Rate, nullable=False),
    Column("tax_amount", Money, nullable=False),
    UniqueConstraint("invoice_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
)

supplier_payment = Table(
    "supplier_payment",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False, index=True),
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

supplier_payment_allocation = Table(
    "supplier_payment_allocation",
    metadata,
    _id(),
    Column("payment_id", Integer, ForeignKey("supplier_payment.id"), nullable=False, index=True),
    Column("invoice_id", Integer, ForeignKey("supplier_invoice.id"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    CheckConstraint("amount > 0", name="amount"),
)

supplier_evaluation = Table(
    "supplier_evaluation",
    metadata,
    _id(),
    Column("supplier_id", Integer, ForeignKey("supplier.id"), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM or YYYY-Qn
    Column("quality_score", Numeric(5, 2, asdecimal=True), nullable=False),
    Column("delivery_score", Numeric(5, 2, asdecimal=True), nullable=False),
    Column("price_score", Numeric(5, 2, asdecimal=True), nullable=False),
    Column("overall_score", Numeric(5, 2, asdecimal=True), nullable=False),
    Column("evaluator", String(80), nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("notes", String(1000)),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("supplier_id", "period"),
    CheckConstraint(
        "quality_score BETWEEN 0 AND 100 AND delivery_score BETWEEN 0 AND 100 AND price_score BETWEEN 0 AND 100",
        name="scores",
    ),
)

# --- production ---------------------------------------------------------------------------------

production_order = Table(
    "production_order",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False, index=True),
    Column("quantity", Qty, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),  # finished goods go here
    Column("issue_location_id", Integer, ForeignKey("location.id"), nullable=False),  # materials come from here
    Column("issue_method", String(10), nullable=False, default="manual"),
    Column("status", String(12), nullable=False, default="planned"),
    Column("completed_qty", Qty, nullable=False, default=0),
    Column("material_variance", Money),
    Column("labour_rate_variance", Money),
    Column("labour_efficiency_variance", Money),
    Column("overhead_variance", Money),
    Column("cost_difference", Money),
    Column("close_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("reference", String(60), index=True),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("released_at", DateTime),
    Column("closed_at", DateTime),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("due_date >= start_date", name="dates"),
    CheckConstraint("issue_method IN ('manual', 'backflush')", name="issue_method"),
    CheckConstraint("status IN ('planned', 'released', 'completed', 'closed', 'cancelled')", name="status"),
    CheckConstraint("completed_qty >= 0 AND completed_qty <= quantity", name="completed"),
)

# The bill of materials and the routing as they were when the order was released, with the standard costs
# and rates of that moment: later changes to the masters do not change an order under way.
production_order_material = Table(
    "production_order_material",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("production_order.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("qty_per", Qty, nullable=False),
    Column("scrap_pct", Rate, nullable=False, default=0),
    Column("planned_qty", Qty, nullable=False),
    Column("issued_qty", Qty, nullable=False, default=0),
    Column("unit_cost", Money, nullable=False),
    UniqueConstraint("order_id", "line_no"),
)

production_order_operation = Table(
    "production_order_operation",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("production_order.id"), nullable=False, index=True),
    Column("step_no", Integer, nullable=False),
    Column("work_center_id", Integer, ForeignKey("work_center.id"), nullable=False),
    Column("hours_per_unit", Qty, nullable=False),
    Column("setup_hours", Qty, nullable=False, default=0),
    Column("planned_hours", Qty, nullable=False),
    Column("labour_rate", Money, nullable=False),
    Column("overhead_rate", Money, nullable=False),
    Column("labour_hours", Qty, nullable=False, default=0),
    Column("machine_hours", Qty, nullable=False, default=0),
    Column("labour_cost", Money, nullable=False, default=0),
    UniqueConstraint("order_id", "step_no"),
)

production_time = Table(
    "production_time",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("production_order.id"), nullable=False, index=True),
    Column("operation_id", Integer, ForeignKey("production_order_operation.id"), nullable=False),
    Column("report_date", Date, nullable=False),
    Column("employee_id", Integer, ForeignKey("employee.id")),
    Column("labour_hours", Qty, nullable=False, default=0),
    Column("machine_hours", Qty, nullable=False, default=0),
    Column("labour_rate", Money, nullable=False),
    Column("labour_cost", Money, nullable=False),
    Column("overhead_cost", Money, nullable=False),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("labour_hours >= 0 AND machine_hours >= 0 AND labour_hours + machine_hours > 0", name="hours"),
)

# --- budgets ------------------------------------------------------------------------------------

budget_version = Table(
    "budget_version",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("status", String(12), nullable=False, default="draft"),
    Column("copied_from_id", Integer, ForeignKey("budget_version.id")),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("approved_by", String(80)),
    Column("approved_at", DateTime),
    CheckConstraint("status IN ('draft', 'approved', 'superseded')", name="status"),
)

budget_line = Table(
    "budget_line",
    metadata,
    _id(),
    Column("version_id", Integer, ForeignKey("budget_version.id"), nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=False),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id"), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("amount", Money, nullable=False),
    UniqueConstraint("version_id", "account_id", "cost_center_id", "period"),
)

# --- alerts ---------------------------------------------------------------------------------------------------

# New or escalated alerts found in the published warehouse's *alerts marts, queued by the pipeline's delivery
# asset for the apps to show and for e-mail. Not audited: the pipeline writes it, and an audit row would look like
# a change of the store and start another warehouse run.
alert_outbox = Table(
    "alert_outbox",
    metadata,
    _id(),
    Column("source", String(120), nullable=False),  # the mart the alert came from
    Column("alert_key", String(200), nullable=False),
    Column("severity", String(12), nullable=False),
    Column("reason", String(12), nullable=False),
    Column("detail", Text, nullable=False),
    Column("first_seen", Date),
    Column("queued_at", DateTime, nullable=False),
    Column("run_id", String(64), nullable=False),
    Column("publication_id", Integer),
    Column("email_status", String(12), nullable=False, default="pending"),
    Column("emailed_at", DateTime),
    Column("email_error", Text),
    Column("acknowledged_at", DateTime),  # someone saw to it (erp.services.alerts.acknowledge_alert, audited)
    Column("acknowledged_by", String(80)),
    Index("ix_alert_outbox_source_key", "source", "alert_key"),
    CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),
    CheckConstraint("reason IN ('new', 'escalated')", name="reason"),
    CheckConstraint("email_status IN ('pending', 'sent', 'failed', 'skipped')", name="email_status"),
)

# --- HR: employee extras ----------------------------------------------------------------------------------------

employee_skill = Table(
    "employee_skill",
    metadata,
    _id(),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False),
    Column("skill", String(100), nullable=False),
    Column("level", Integer, nullable=False),  # 1 (basic) .. 5 (expert)
    Column("certified_on", Date),
    UniqueConstraint("employee_id", "skill"),
    CheckConstraint("level BETWEEN 1 AND 5", name="level"),
)

# Personal data: read and written only by roles holding hr.confidential (checked by the service layer).
employee_personal = Table(
    "employee_personal",
    metadata,
    Column("employee_id", Integer, ForeignKey("employee.id"), primary_key=True),
    Column("id_number", String(40)),
    Column("birth_date", Date),
    Column("phone", String(40)),
    Column("address", String(400)),
    Column("bank_account", String(60)),
    Column("emergency_contact", String(200)),
)

leave_record = Table(
    "leave_record",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("leave_type", String(20), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("days", Numeric(6, 1, asdecimal=True), nullable=False),
    Column("status", String(12), nullable=False, default="requested"),
    Column("reason", String(400)),
    Column("requested_by", String(80), nullable=False),
    Column("decided_by", String(80)),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("end_date >= start_date", name="dates"),
    CheckConstraint("days > 0", name="days"),
    CheckConstraint("status IN ('requested', 'approved', 'rejected', 'taken', 'cancelled')", name="status"),
)

# Days of leave an employee may take per year and type; a type without a row for the year is not limited.
leave_entitlement = Table(
    "leave_entitlement",
    metadata,
    _id(),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("leave_type", String(20), nullable=False),
    Column("days", Numeric(6, 1, asdecimal=True), nullable=False),
    Column("basis", String(200)),
    UniqueConstraint("employee_id", "year", "leave_type"),
    CheckConstraint("days >= 0", name="days"),
)

# --- HR: recruiting ---------------------------------------------------------------------------------------------

job_requisition = Table(
    "job_requisition",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("position", String(100), nullable=False),
    Column("department", String(100)),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id")),
    Column("pay_grade_id", Integer, ForeignKey("pay_grade.id")),
    Column("headcount", Integer, nullable=False, default=1),
    Column("hired_count", Integer, nullable=False, default=0),
    Column("description", Text),
    Column("status", String(12), nullable=False, default="draft"),
    Column("requested_by", String(80), nullable=False),
    Column("approved_by", String(80)),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("headcount > 0", name="headcount"),
    CheckConstraint("hired_count >= 0 AND hired_count <= headcount", name="hired"),
    CheckConstraint("status IN ('draft', 'approved', 'open', 'filled', 'cancelled')", name="status"),
    CheckConstraint("approved_by IS NULL OR approved_by <> requested_by", name="segregation"),
)

job_posting = Table(
    "job_posting",
    metadata,
    _id(),
    Column("requisition_id", Integer, ForeignKey("job_requisition.id"), nullable=False, index=True),
    Column("channel", String(60), nullable=False),
    Column("posted_on", Date, nullable=False),
    Column("closes_on", Date),
    Column("text", Text),
    CheckConstraint("closes_on IS NULL OR closes_on >= posted_on", name="dates"),
)

candidate = Table(
    "candidate",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("requisition_id", Integer, ForeignKey("job_requisition.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(200)),
    Column("phone", String(40)),
    Column("source", String(60)),
    Column("resume_text", Text),
    Column("resume_path", String(400)),
    Column("status", String(12), nullable=False, default="applied"),
    Column("screening_notes", Text),
    Column("offer_salary", Money),
    Column("offer_date", Date),
    Column("start_date", Date),
    Column("employee_id", Integer, ForeignKey("employee.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint(
        "status IN ('applied', 'screening', 'interviewing', 'offered', 'hired', 'rejected', 'declined', 'withdrawn')",
        name="status",
    ),
    CheckConstraint("offer_salary IS NULL OR offer_salary > 0", name="offer"),
)

interview = Table(
    "interview",
    metadata,
    _id(),
    Column("candidate_id", Integer, ForeignKey("candidate.id"), nullable=False, index=True),
    Column("round", Integer, nullable=False),
    Column("scheduled_at", DateTime, nullable=False),
    Column("location", String(200)),
    Column("status", String(12), nullable=False, default="scheduled"),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("candidate_id", "round"),
    CheckConstraint("status IN ('scheduled', 'completed', 'cancelled')", name="status"),
)

interview_feedback = Table(
    "interview_feedback",
    metadata,
    _id(),
    Column("interview_id", Integer, ForeignKey("interview.id"), nullable=False, index=True),
    Column("interviewer_id", Integer, ForeignKey("employee.id"), nullable=False),
    Column("score", Integer),  # 1..5, none until the interviewer has given feedback
    Column("feedback", Text),
    Column("recorded_at", DateTime),
    UniqueConstraint("interview_id", "interviewer_id"),
    CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score"),
)

# --- HR: training -----------------------------------------------------------------------------------------------

course = Table(
    "course",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("category", String(60)),
    Column("duration_hours", Qty, nullable=False, default=0),
    Column("description", Text),
    _active(),
)

course_material = Table(
    "course_material",
    metadata,
    _id(),
    Column("course_id", Integer, ForeignKey("course.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("file_path", String(400), nullable=False),
    UniqueConstraint("course_id", "title"),
)

training_session = Table(
    "training_session",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("course_id", Integer, ForeignKey("course.id"), nullable=False, index=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("trainer", String(200)),
    Column("location", String(200)),
    Column("capacity", Integer, nullable=False),
    Column("status", String(12), nullable=False, default="planned"),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("end_date >= start_date", name="dates"),
    CheckConstraint("capacity > 0", name="capacity"),
    CheckConstraint("status IN ('planned', 'completed', 'cancelled')", name="status"),
)

enrolment = Table(
    "enrolment",
    metadata,
    _id(),
    Column("session_id", Integer, ForeignKey("training_session.id"), nullable=False, index=True),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("status", String(12), nullable=False, default="enrolled"),
    Column("score_before", Numeric(5, 2, asdecimal=True)),
    Column("score_after", Numeric(5, 2, asdecimal=True)),
    UniqueConstraint("session_id", "employee_id"),
    CheckConstraint("status IN ('enrolled', 'attended', 'absent', 'withdrawn')", name="status"),
    CheckConstraint("score_before IS NULL OR score_before BETWEEN 0 AND 100", name="before"),
    CheckConstraint("score_after IS NULL OR score_after BETWEEN 0 AND 100", name="after"),
)

# --- HR: payroll ------------------------------------------------------------------------------------------------

pay_grade = Table(
    "pay_grade",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("min_salary", Money, nullable=False),
    Column("max_salary", Money, nullable=False),
    CheckConstraint("min_salary >= 0 AND max_salary >= min_salary", name="range"),
)

salary_history = Table(
    "salary_history",
    metadata,
    _id(),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("effective_date", Date, nullable=False),
    Column("base_salary", Money, nullable=False),  # monthly
    Column("pay_grade_id", Integer, ForeignKey("pay_grade.id")),
    Column("reason", String(200)),
    Column("recorded_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("employee_id", "effective_date"),
    CheckConstraint("base_salary > 0", name="salary"),
)

# allowance: taxable earning; deduction: taken from net pay after tax; special_deduction: 专项附加扣除, lowers
# the taxable income only.
pay_component = Table(
    "pay_component",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    _active(),
    CheckConstraint("kind IN ('allowance', 'deduction', 'special_deduction')", name="kind"),
)

employee_pay_item = Table(
    "employee_pay_item",
    metadata,
    _id(),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("component_id", Integer, ForeignKey("pay_component.id"), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("amount", Money, nullable=False),  # monthly
    UniqueConstraint("employee_id", "component_id", "start_date"),
    CheckConstraint("amount > 0", name="amount"),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
)

benefit_plan = Table(
    "benefit_plan",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("employee_contribution", Money, nullable=False, default=0),  # monthly, deducted after tax
    _active(),
    CheckConstraint("employee_contribution >= 0", name="contribution"),
)

benefit_enrolment = Table(
    "benefit_enrolment",
    metadata,
    _id(),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("plan_id", Integer, ForeignKey("benefit_plan.id"), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    UniqueConstraint("employee_id", "plan_id", "start_date"),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
)

# Employee shares of social insurance and the housing fund, on the base salary clamped to [base_min, base_max].
social_insurance_rate = Table(
    "social_insurance_rate",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("employee_rate", Rate, nullable=False),
    Column("base_min", Money, nullable=False, default=0),
    Column("base_max", Money),
    _active(),
    Column("employer_rate", Rate, nullable=False, default=0, server_default="0"),
    CheckConstraint("kind IN ('social_insurance', 'housing_fund')", name="kind"),
    CheckConstraint("employee_rate >= 0 AND employee_rate < 1", name="rate"),
    CheckConstraint("employer_rate >= 0 AND employer_rate < 1", name="employer_rate"),
)

# Individual income tax on the cumulative taxable income of the year (累计预扣法): one row per bracket.
income_tax_bracket = Table(
    "income_tax_bracket",
    metadata,
    _id(),
    Column("band", Integer, nullable=False, unique=True),
    Column("up_to", Money),  # upper bound of the cumulative taxable income; none: the top bracket
    Column("rate", Rate, nullable=False),
    Column("quick_deduction", Money, nullable=False, default=0),
    CheckConstraint("rate >= 0 AND rate < 1", name="rate"),
)

payroll_setting = Table(
    "payroll_setting",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("value", Money, nullable=False),
    Column("description", String(200)),
)

pay_run = Table(
    "pay_run",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("period", String(7), nullable=False, index=True),  # YYYY-MM; one run per period that is not cancelled
    Column("pay_date", Date, nullable=False),
    Column("status", String(12), nullable=False, default="calculated"),
    Column("gross", Money, nullable=False, default=0),
    Column("tax", Money, nullable=False, default=0),
    Column("net", Money, nullable=False, default=0),
    Column("calculated_by", String(80), nullable=False),
    Column("employer_contributions", Money, nullable=False, default=0, server_default="0"),
    Column("approved_by", String(80)),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('calculated', 'approved', 'posted', 'cancelled')", name="status"),
    CheckConstraint("approved_by IS NULL OR approved_by <> calculated_by", name="segregation"),
)

payslip = Table(
    "payslip",
    metadata,
    _id(),
    Column("pay_run_id", Integer, ForeignKey("pay_run.id"), nullable=False, index=True),
    Column("employee_id", Integer, ForeignKey("employee.id"), nullable=False, index=True),
    Column("cost_center_id", Integer, ForeignKey("cost_center.id"), nullable=False),
    Column("base_salary", Money, nullable=False),
    Column("allowances", Money, nullable=False),
    Column("gross", Money, nullable=False),
    Column("social_insurance", Money, nullable=False),
    Column("housing_fund", Money, nullable=False),
    Column("special_deductions", Money, nullable=False),
    Column("cumulative_taxable", Money, nullable=False),
    Column("cumulative_tax", Money, nullable=False),
    Column("tax", Money, nullable=False),
    Column("other_deductions", Money, nullable=False),
    Column("net", Money, nullable=False),
    # the employer's own shares: not deducted from pay, charged to the cost center on top of gross
    Column("employer_social_insurance", Money, nullable=False, default=0, server_default="0"),
    Column("employer_housing_fund", Money, nullable=False, default=0, server_default="0"),
    UniqueConstraint("pay_run_id", "employee_id"),
)

payslip_line = Table(
    "payslip_line",
    metadata,
    _id(),
    Column("payslip_id", Integer, ForeignKey("payslip.id"), nullable=False, index=True),
    Column("code", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", Money, nullable=False),
)

# --- customer service -------------------------------------------------------------------------------------------

repair_order = Table(
    "repair_order",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("serial_no", String(80)),
    Column("fault", Text, nullable=False),
    Column("received_date", Date, nullable=False),
    Column("status", String(12), nullable=False, default="received"),
    Column("diagnosis", Text),
    Column("warranty", Boolean, nullable=False, default=False),
    Column("technician", String(80)),
    Column("labour_hours", Qty, nullable=False, default=0),
    Column("labour_rate", Money, nullable=False, default=0),
    Column("done_date", Date),
    Column("returned_date", Date),
    Column("invoice_id", Integer, ForeignKey("customer_invoice.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('received', 'diagnosed', 'repairing', 'done', 'returned', 'cancelled')", name="status"),
    CheckConstraint("labour_hours >= 0 AND labour_rate >= 0", name="labour"),
)

repair_part = Table(
    "repair_part",
    metadata,
    _id(),
    Column("repair_id", Integer, ForeignKey("repair_order.id"), nullable=False, index=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("unit_cost", Money, nullable=False),
    Column("unit_price", Money, nullable=False),  # what a billable repair charges per unit
    Column("move_number", String(40), nullable=False),
    CheckConstraint("quantity > 0", name="quantity"),
)

rma = Table(
    "rma",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("shipment_id", Integer, ForeignKey("shipment.id"), nullable=False, index=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False),
    Column("rma_date", Date, nullable=False),
    Column("reason", String(400), nullable=False),
    Column("resolution", String(12), nullable=False),
    Column("status", String(12), nullable=False, default="requested"),
    Column("location_id", Integer, ForeignKey("location.id")),  # where the goods came back to
    Column("received_date", Date),
    Column("resolved_date", Date),
    Column("replacement_move", String(40)),
    Column("credit_note_id", Integer, ForeignKey("credit_note.id")),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("resolution IN ('replacement', 'credit')", name="resolution"),
    CheckConstraint("status IN ('requested', 'received', 'inspected', 'resolved', 'cancelled')", name="status"),
)

rma_line = Table(
    "rma_line",
    metadata,
    _id(),
    Column("rma_id", Integer, ForeignKey("rma.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("shipment_line_id", Integer, ForeignKey("shipment_line.id"), nullable=False, index=True),
    Column("item_id", Integer, ForeignKey("item.id"), nullable=False),
    Column("quantity", Qty, nullable=False),
    Column("inspection", String(10)),  # restock | scrap
    Column("inspection_notes", String(400)),
    UniqueConstraint("rma_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("inspection IS NULL OR inspection IN ('restock', 'scrap')", name="inspection"),
)

credit_note = Table(
    "credit_note",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("note_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", Rate, nullable=False, default=1),
    Column("net_amount", Money, nullable=False),
    Column("tax_amount", Money, nullable=False),
    Column("gross_amount", Money, nullable=False),
    Column("source_ref", String(60)),
    Column("journal_entry_id", Integer, ForeignKey("journal_entry.id")),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("gross_amount > 0", name="amount"),
)

# Targets by severity (complaints) or priority (IT tickets), in hours from receipt.
service_sla = Table(
    "service_sla",
    metadata,
    _id(),
    Column("scope", String(12), nullable=False),
    Column("level", String(12), nullable=False),
    Column("response_hours", Qty, nullable=False),
    Column("resolution_hours", Qty, nullable=False),
    UniqueConstraint("scope", "level"),
    CheckConstraint("scope IN ('complaint', 'ticket')", name="scope"),
    CheckConstraint("response_hours > 0 AND resolution_hours >= response_hours", name="hours"),
)

complaint = Table(
    "complaint",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customer.id"), nullable=False, index=True),
    Column("channel", String(12), nullable=False),
    Column("category", String(12), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text),
    Column("owner_id", Integer, ForeignKey("employee.id")),
    Column("received_at", DateTime, nullable=False),
    Column("response_due", DateTime, nullable=False),
    Column("resolution_due", DateTime, nullable=False),
    Column("responded_at", DateTime),
    Column("resolved_at", DateTime),
    Column("status", String(14), nullable=False, default="open"),
    Column("resolution", Text),
    Column("feedback_score", Integer),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('open', 'investigating', 'resolved', 'closed')", name="status"),
    CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),
    CheckConstraint("feedback_score IS NULL OR feedback_score BETWEEN 1 AND 5", name="feedback"),
)

complaint_note = Table(
    "complaint_note",
    metadata,
    _id(),
    Column("complaint_id", Integer, ForeignKey("complaint.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("author", String(80), nullable=False),
    Column("note", Text, nullable=False),
)

# --- IT ---------------------------------------------------------------------------------------------------------

it_asset = Table(
    "it_asset",
    metadata,
    _id(),
    Column("asset_tag", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("asset_type", String(20), nullable=False),
    Column("serial_no", String(80)),
    Column("supplier_id", Integer, ForeignKey("supplier.id")),
    Column("purchase_date", Date),
    Column("purchase_cost", Money, nullable=False, default=0),
    Column("warranty_until", Date),
    Column("assignee_id", Integer, ForeignKey("employee.id")),
    Column("location_id", Integer, ForeignKey("location.id")),
    Column("ip_address", String(45)),
    Column("mac_address", String(17)),
    Column("status", String(12), nullable=False, default="in_stock"),
    Column("retired_date", Date),
    Column("retire_reason", String(200)),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('in_stock', 'in_use', 'in_repair', 'retired')", name="status"),
    CheckConstraint("purchase_cost >= 0", name="cost"),
)

it_asset_log = Table(
    "it_asset_log",
    metadata,
    _id(),
    Column("asset_id", Integer, ForeignKey("it_asset.id"), nullable=False, index=True),
    Column("log_date", Date, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("description", Text, nullable=False),
    Column("cost", Money, nullable=False, default=0),
    Column("recorded_by", String(80), nullable=False),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint(
        "kind IN ('purchase', 'assignment', 'maintenance', 'incident', 'repair', 'retirement')", name="kind"
    ),
)

application = Table(
    "application",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("vendor", String(200)),
    Column("licence_type", String(12), nullable=False, default="per_seat"),
    Column("seats", Integer),
    Column("licence_expires", Date),
    _active(),
    CheckConstraint("licence_type IN ('per_seat', 'site', 'free')", name="licence_type"),
    CheckConstraint("seats IS NULL OR seats >= 0", name="seats"),
)

app_installation = Table(
    "app_installation",
    metadata,
    _id(),
    Column("asset_id", Integer, ForeignKey("it_asset.id"), nullable=False),
    Column("application_id", Integer, ForeignKey("application.id"), nullable=False, index=True),
    Column("version", String(40), nullable=False),
    Column("installed_on", Date, nullable=False),
    UniqueConstraint("asset_id", "application_id"),
)

app_patch = Table(
    "app_patch",
    metadata,
    _id(),
    Column("application_id", Integer, ForeignKey("application.id"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("released_on", Date, nullable=False),
    Column("severity", String(10), nullable=False, default="medium"),
    Column("description", String(400)),
    UniqueConstraint("application_id", "code"),
    CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),
)

patch_applied = Table(
    "patch_applied",
    metadata,
    _id(),
    Column("asset_id", Integer, ForeignKey("it_asset.id"), nullable=False),
    Column("patch_id", Integer, ForeignKey("app_patch.id"), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("applied_by", String(80), nullable=False),
    UniqueConstraint("asset_id", "patch_id"),
)

support_ticket = Table(
    "support_ticket",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("raised_by", String(80), nullable=False),
    Column("employee_id", Integer, ForeignKey("employee.id")),
    Column("category", String(12), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text),
    Column("asset_id", Integer, ForeignKey("it_asset.id"), index=True),
    Column("application_id", Integer, ForeignKey("application.id"), index=True),
    Column("assignee", String(80)),
    Column("status", String(12), nullable=False, default="new"),
    Column("received_at", DateTime, nullable=False),
    Column("response_due", DateTime, nullable=False),
    Column("resolution_due", DateTime, nullable=False),
    Column("responded_at", DateTime),
    Column("resolved_at", DateTime),
    Column("resolution", Text),
    Column("satisfaction", Integer),
    Column("reference", String(60), index=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("status IN ('new', 'assigned', 'in_progress', 'resolved', 'closed', 'cancelled')", name="status"),
    CheckConstraint("priority IN ('low', 'medium', 'high', 'critical')", name="priority"),
    CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"),
)

# Segregation-of-duties rules: no user should hold both permissions of a pair.
sod_rule = Table(
    "sod_rule",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("permission_a", String(80), nullable=False),
    Column("permission_b", String(80), nullable=False),
    Column("description", String(400), nullable=False),
    CheckConstraint("permission_a <> permission_b", name="pair"),
)
