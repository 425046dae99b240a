"""Tables of the operational store (SQLAlchemy Core). Alembic migrations are generated from this metadata."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
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
