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
    Index("ix_alert_outbox_source_key", "source", "alert_key"),
    CheckConstraint("severity IN ('low', 'medium', 'high')", name="severity"),
    CheckConstraint("reason IN ('new', 'escalated')", name="reason"),
    CheckConstraint("email_status IN ('pending', 'sent', 'failed', 'skipped')", name="email_status"),
)
