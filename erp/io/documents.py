"""CSV formats for documents, so history can be migrated in with `erp import`.

A document with lines is one CSV (or .xlsx) per document type: one row per line, the document's own columns
repeated on every row, rows grouped by a document-number column. Each document goes through the same service
action as a document entered by hand, so every rule holds; the legacy number is kept as the reference. A
problem is reported with file, line and column, and one bad row rejects the whole import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, is_blank
from erp.i18n import t
from erp.services import (
    budgets,
    helpdesk,
    hr_records,
    inventory,
    it_assets,
    ledger,
    payroll,
    planning_data,
    procurement,
    production,
    sales,
    service,
)
from erp.services.base import Session
from erp.services.documents import line_field, raise_if


@dataclass(frozen=True)
class Col:
    """A CSV column: ``to`` is the service field it fills (default: the same name); ``level`` says whether it
    belongs to the document (``header``) or to each line (``line``)."""

    name: str
    level: str
    to: str | None = None
    required: bool = False
    doc: str = ""

    @property
    def field(self) -> str:
        return self.to or self.name


Post = Callable[[Session, dict[str, Any]], Any]


@dataclass(frozen=True)
class DocumentFormat:
    name: str
    label: str
    group: str | None  # the document-number column; None: the whole file is one document
    columns: tuple[Col, ...]
    post: Post
    doc: str
    duplicate: Callable[[Session, str], str | None] | None = None  # an earlier import of this legacy number
    key_field: str = "reference"  # the service field the document-number column fills

    @property
    def header_names(self) -> list[str]:
        return ([self.group] if self.group else []) + [c.name for c in self.columns]

    def column_for(self, field: str, level: str) -> str:
        for c in self.columns:
            if c.level == level and c.field == field:
                return c.name
        return field


LINE_ERROR = re.compile(r"^lines\[(\d+)\]\.(.+)$")


def _existing(table: Any, column: str = "reference") -> Callable[[Session, str], str | None]:
    def find(session: Session, key: str) -> str | None:
        with session.read() as conn:
            return conn.execute(select(table.c.number).where(table.c[column] == key)).scalar()

    return find


def _contract(session: Session, data: dict[str, Any]) -> Any:
    status = data.pop("status", None) or "draft"
    contract = sales.create_sales_contract(session, data)
    if status in ("active", "expired", "terminated"):
        if status != "terminated":
            sales.set_contract_status(session, contract["number"], "active")
        if status != "active":
            sales.set_contract_status(session, contract["number"], status)
    elif status != "draft":
        raise ServiceError(
            FieldError("status", t("must be one of: {choices}", choices="draft, active, expired, terminated"))
        )
    return contract


def _payment(session: Session, data: dict[str, Any]) -> Any:
    """Allocations name invoices by their number here or by the legacy number they were imported with."""
    with session.read() as conn:
        for line in data.get("lines", []):
            key = str(line.get("invoice") or "").strip()
            inv = s.customer_invoice
            if key and conn.execute(select(inv.c.id).where(inv.c.number == key)).scalar() is None:
                line["invoice"] = conn.execute(select(inv.c.number).where(inv.c.reference == key)).scalar() or key
    data["lines"] = [ln for ln in data.get("lines", []) if not all(is_blank(v) for v in ln.values())]
    return sales.receive_payment(session, data)


def _on_hand(session: Session, data: dict[str, Any]) -> Any:
    if is_blank(data.get("move_date")):
        data["move_date"] = dt.date.today()
    data["reason"] = t("Stock count import")
    return inventory.count_stock(session, data)


def _by_number_or_reference(session: Session, table: Any, key: str) -> str:
    """A document's number, given its number here or the legacy number it was imported with."""
    key = str(key or "").strip()
    with session.read() as conn:
        if not key or conn.execute(select(table.c.id).where(table.c.number == key)).scalar() is not None:
            return key
        return conn.execute(select(table.c.number).where(table.c.reference == key)).scalar() or key


def _with_status(
    create: Callable[[Session, dict[str, Any]], Any], set_status: Callable[[Session, str, str], Any]
) -> Post:
    """Create a contract, then move it to the status the file gives (draft, active, expired or terminated)."""

    def post(session: Session, data: dict[str, Any]) -> Any:
        status = data.pop("status", None) or "draft"
        if status not in ("draft", "active", "expired", "terminated"):
            raise ServiceError(
                FieldError("status", t("must be one of: {choices}", choices="draft, active, expired, terminated"))
            )
        contract = create(session, data)
        if status != "draft":
            if status != "terminated":
                set_status(session, contract["number"], "active")
            if status != "active":
                set_status(session, contract["number"], status)
        return contract

    return post


def _without_blank_lines(data: dict[str, Any]) -> dict[str, Any]:
    """Rows with every line column blank stand for "the whole open quantity" (no lines)."""
    data["lines"] = [ln for ln in data.get("lines", []) if not all(is_blank(v) for v in ln.values())]
    return data


def _goods_receipt(session: Session, data: dict[str, Any]) -> Any:
    data["order"] = _by_number_or_reference(session, s.purchase_order, data.get("order"))
    _without_blank_lines(data)
    return procurement.receive_goods(session, data)


def _supplier_invoice(session: Session, data: dict[str, Any]) -> Any:
    data["order"] = _by_number_or_reference(session, s.purchase_order, data.get("order"))
    return procurement.register_supplier_invoice(session, _without_blank_lines(data))


def _supplier_payment(session: Session, data: dict[str, Any]) -> Any:
    for line in data.get("lines", []):
        line["invoice"] = _by_number_or_reference(session, s.supplier_invoice, line.get("invoice"))
    return procurement.pay_supplier(session, _without_blank_lines(data))


def _evaluations(session: Session, data: dict[str, Any]) -> Any:
    errors: list[FieldError] = []
    for n, line in enumerate(data["lines"], start=1):
        try:
            procurement.record_supplier_evaluation(session, line)
        except ServiceError as exc:
            errors += [FieldError(line_field(n, e.field), e.message) for e in exc.errors]
    raise_if(errors)
    return len(data["lines"])


def _production_order(session: Session, data: dict[str, Any]) -> Any:
    data.pop("lines", None)
    status = data.pop("status", None) or "planned"
    if status not in ("planned", "released"):
        raise ServiceError(FieldError("status", t("must be one of: {choices}", choices="planned, released")))
    order = production.create_production_order(session, data)
    if status == "released":
        production.release_production_order(session, order["number"])
    return order


DOCUMENTS: dict[str, DocumentFormat] = {
    f.name: f
    for f in (
        DocumentFormat(
            name="journals",
            label=N_("Journal entries"),
            group="journal_number",
            columns=(
                Col("entry_date", "header", required=True, doc="date of the entry; its period must be open"),
                Col("description", "header"),
                Col("account", "line", required=True, doc="account code (a postable sub-account)"),
                Col("debit", "line", doc="amount in the base currency; give a debit or a credit"),
                Col("credit", "line"),
                Col("cost_center", "line"),
                Col("customer", "line"),
                Col("supplier", "line"),
                Col("item", "line", doc="item code"),
                Col("line_description", "line", to="description"),
            ),
            post=lambda session, data: ledger.import_journal(session, data),
            doc="Historic or opening-balance journals; each journal_number becomes one balanced entry.",
        ),
        DocumentFormat(
            name="price_lists",
            label=N_("Price lists"),
            group="price_list",
            columns=(
                Col("name", "header", required=True),
                Col("customer", "header", doc="customer code; blank for the default list"),
                Col("currency", "header", doc="blank: the customer's currency, else the base currency"),
                Col("valid_from", "header"),
                Col("valid_to", "header"),
                Col("item", "line", required=True, doc="item code"),
                Col("unit_price", "line", required=True),
            ),
            post=lambda session, data: sales.save_price_list(session, data),
            doc="Creates or replaces each price list (the price_list column is its code).",
            key_field="code",
        ),
        DocumentFormat(
            name="sales_contracts",
            label=N_("Sales contracts"),
            group="contract_number",
            columns=(
                Col("customer", "header", required=True),
                Col("start_date", "header", required=True),
                Col("end_date", "header", required=True),
                Col("renewal_date", "header"),
                Col("status", "header", doc="draft (default) | active | expired | terminated"),
                Col("notes", "header"),
                Col("item", "line", required=True),
                Col("agreed_price", "line", required=True),
                Col("agreed_qty", "line", doc="agreed volume, optional"),
            ),
            post=_contract,
            doc="Framework agreements; contract_number is kept as the reference.",
            duplicate=_existing(s.sales_contract),
        ),
        DocumentFormat(
            name="sales_orders",
            label=N_("Sales orders"),
            group="order_number",
            columns=(
                Col("customer", "header", required=True),
                Col("order_date", "header", required=True),
                Col("promised_date", "header", required=True),
                Col("exchange_rate", "header", doc="required when the customer's currency is not the base currency"),
                Col("item", "line", required=True),
                Col("quantity", "line", required=True),
                Col("unit_price", "line", doc="blank: from the contract or price lists"),
                Col("discount_pct", "line", doc="percent, 0-100"),
                Col("line_promised_date", "line", to="promised_date", doc="blank: the order's promised date"),
            ),
            post=lambda session, data: sales.create_sales_order(session, data),
            doc="Open sales orders (credit limits are checked); order_number is kept as the reference.",
            duplicate=_existing(s.sales_order),
        ),
        DocumentFormat(
            name="customer_invoices",
            label=N_("Customer invoices"),
            group="invoice_number",
            columns=(
                Col("customer", "header", required=True),
                Col("invoice_date", "header", required=True, doc="its period must be open"),
                Col("due_date", "header", doc="blank: invoice date + the customer's payment terms"),
                Col("exchange_rate", "header"),
                Col("vat_rate", "header", doc="blank: the company's default VAT rate, e.g. 0.13"),
                Col("item", "line"),
                Col("description", "line", doc="required when there is no item"),
                Col("quantity", "line", required=True),
                Col("unit_price", "line", required=True),
                Col("discount_pct", "line"),
            ),
            post=lambda session, data: sales.create_invoice(session, data),
            doc="Invoices, posted to receivables, revenue and output VAT; invoice_number is kept as the reference.",
            duplicate=_existing(s.customer_invoice),
        ),
        DocumentFormat(
            name="customer_payments",
            label=N_("Customer payments"),
            group="payment_number",
            columns=(
                Col("customer", "header", required=True),
                Col("payment_date", "header", required=True),
                Col("amount", "header", required=True, doc="the whole payment, in the customer's currency"),
                Col("exchange_rate", "header"),
                Col("invoice", "line", doc="invoice number, or the legacy number it was imported with"),
                Col("allocated", "line", to="amount", doc="amount allocated to that invoice"),
            ),
            post=_payment,
            doc="Payments; with no invoice column filled they settle the oldest-due invoices first.",
            duplicate=_existing(s.customer_payment),
        ),
        DocumentFormat(
            name="on_hand",
            label=N_("On-hand stock"),
            group="location",
            columns=(
                Col("count_date", "header", to="move_date", doc="blank: today"),
                Col("item_code", "line", to="item", required=True),
                Col("quantity", "line", to="counted_qty", required=True, doc="the quantity on hand after the import"),
            ),
            post=_on_hand,
            doc="Sets on-hand per item and location by a stock count (differences posted against 1901).",
            key_field="location",
        ),
        DocumentFormat(
            name="demand",
            label=N_("Planning demand"),
            group=None,
            columns=(
                Col("item_code", "line", to="item", required=True),
                Col("due_date", "line", required=True),
                Col("quantity", "line", required=True),
                Col("demand_type", "line", required=True, doc="order | forecast"),
                Col("customer", "line"),
                Col("reference", "line"),
            ),
            post=lambda session, data: planning_data.replace_planning_demand(session, data["lines"]),
            doc="Replaces the imported independent demand; MRP adds the open sales order lines to it.",
        ),
        DocumentFormat(
            name="scheduled_receipts",
            label=N_("Scheduled receipts"),
            group=None,
            columns=(
                Col("item_code", "line", to="item", required=True),
                Col("due_date", "line", required=True),
                Col("quantity", "line", required=True),
                Col("supply_type", "line", doc="purchase (default) | production"),
                Col("reference", "line"),
            ),
            post=lambda session, data: planning_data.replace_scheduled_receipts(session, data["lines"]),
            doc="Replaces the imported open supply (open purchase and production orders of another system).",
        ),
        DocumentFormat(
            name="approval_limits",
            label=N_("Purchase approval limits"),
            group=None,
            columns=(
                Col("role", "line", doc="role code; give a role or a user on each row"),
                Col("user", "line", doc="username; a user's own limit wins over its roles' limits"),
                Col("max_amount", "line", required=True, doc="net order value in the base currency"),
            ),
            post=lambda session, data: procurement.save_approval_limits(session, data["lines"]),
            doc="Who may approve purchase orders up to which amount; rows replace the limits they name.",
        ),
        DocumentFormat(
            name="purchase_contracts",
            label=N_("Purchase contracts"),
            group="contract_number",
            columns=(
                Col("supplier", "header", required=True),
                Col("start_date", "header", required=True),
                Col("end_date", "header", required=True),
                Col("status", "header", doc="draft (default) | active | expired | terminated"),
                Col("notes", "header"),
                Col("item", "line", required=True),
                Col("agreed_price", "line", required=True, doc="in the supplier's currency"),
                Col("committed_qty", "line", doc="committed volume, optional"),
            ),
            post=_with_status(procurement.create_purchase_contract, procurement.set_purchase_contract_status),
            doc="Agreed prices and committed volumes; active contracts price purchase orders.",
            duplicate=_existing(s.purchase_contract),
        ),
        DocumentFormat(
            name="purchase_requisitions",
            label=N_("Purchase requisitions"),
            group="requisition_number",
            columns=(
                Col("request_date", "header", required=True),
                Col("needed_date", "header", required=True),
                Col("cost_center", "header"),
                Col("notes", "header"),
                Col("item", "line", required=True, doc="a buy item"),
                Col("quantity", "line", required=True),
                Col("line_needed_date", "line", to="needed_date", doc="blank: the requisition's"),
                Col("supplier", "line", doc="suggested supplier"),
            ),
            post=lambda session, data: procurement.create_requisition(session, data),
            doc="Open requests to purchasing; requisition_number is kept as the reference.",
            duplicate=_existing(s.purchase_requisition),
        ),
        DocumentFormat(
            name="purchase_orders",
            label=N_("Purchase orders"),
            group="order_number",
            columns=(
                Col("supplier", "header", required=True),
                Col("order_date", "header", required=True),
                Col("expected_date", "header", required=True),
                Col("cost_center", "header", doc="whose budget the order commits"),
                Col("exchange_rate", "header", doc="required when the supplier's currency is not the base currency"),
                Col("vat_rate", "header", doc="blank: the company's default VAT rate"),
                Col("receipt_tolerance_pct", "header", doc="over-receipt allowed, percent (default 0)"),
                Col("price_tolerance_pct", "header", doc="invoice price difference allowed, percent (default 0)"),
                Col("item", "line", required=True, doc="a buy item"),
                Col("quantity", "line", required=True),
                Col("unit_price", "line", doc="blank: from the supplier's active purchase contract"),
                Col("line_expected_date", "line", to="expected_date", doc="blank: the order's expected date"),
            ),
            post=lambda session, data: procurement.create_purchase_order(session, data),
            doc="Open purchase orders, imported as drafts: someone other than the importer approves them in the "
            "ERP before goods can be received. order_number is kept as the reference.",
            duplicate=_existing(s.purchase_order),
        ),
        DocumentFormat(
            name="goods_receipts",
            label=N_("Goods receipts"),
            group="receipt_number",
            columns=(
                Col(
                    "order",
                    "header",
                    required=True,
                    doc="purchase order number, or the legacy number it was imported with",
                ),
                Col("receipt_date", "header", required=True, doc="its period must be open"),
                Col("location", "header", required=True),
                Col("line_no", "line", doc="order line; leave the line columns blank to receive all that is open"),
                Col("quantity", "line"),
            ),
            post=_goods_receipt,
            doc="Receipts against approved purchase orders, posted to inventory and GR/IR.",
            duplicate=_existing(s.goods_receipt),
        ),
        DocumentFormat(
            name="supplier_invoices",
            label=N_("Supplier invoices"),
            group="invoice_number",
            columns=(
                Col("supplier", "header", required=True),
                Col("order", "header", required=True, doc="purchase order number or its legacy number"),
                Col("supplier_ref", "header", required=True, doc="the supplier's own invoice number"),
                Col("invoice_date", "header", required=True),
                Col("due_date", "header", doc="blank: invoice date + the supplier's payment terms"),
                Col("exchange_rate", "header"),
                Col("vat_rate", "header", doc="blank: the order's VAT rate"),
                Col("line_no", "line", doc="order line; blank line columns invoice all received and not invoiced"),
                Col("quantity", "line"),
                Col("unit_price", "line", doc="blank: the order price"),
            ),
            post=_supplier_invoice,
            doc="Invoices matched three ways; over-invoicing is refused, a price beyond tolerance is held.",
            duplicate=_existing(s.supplier_invoice),
        ),
        DocumentFormat(
            name="supplier_payments",
            label=N_("Supplier payments"),
            group="payment_number",
            columns=(
                Col("supplier", "header", required=True),
                Col("payment_date", "header", required=True),
                Col("amount", "header", required=True, doc="the whole payment, in the supplier's currency"),
                Col("exchange_rate", "header"),
                Col("invoice", "line", doc="supplier invoice number, or the legacy number it was imported with"),
                Col("allocated", "line", to="amount", doc="amount allocated to that invoice"),
            ),
            post=_supplier_payment,
            doc="Payments; with no invoice column filled they settle the oldest-due invoices, the rest is prepaid.",
            duplicate=_existing(s.supplier_payment),
        ),
        DocumentFormat(
            name="supplier_evaluations",
            label=N_("Supplier evaluations"),
            group=None,
            columns=(
                Col("supplier", "line", required=True),
                Col("period", "line", required=True, doc="YYYY-MM or YYYY-Qn"),
                Col("quality_score", "line", required=True, doc="0-100"),
                Col("delivery_score", "line", required=True, doc="0-100"),
                Col("price_score", "line", required=True, doc="0-100"),
                Col("evaluator", "line", doc="who evaluated; blank: the importing user"),
                Col("notes", "line"),
            ),
            post=_evaluations,
            doc="Scores per supplier and period; the overall score is their mean.",
        ),
        DocumentFormat(
            name="production_orders",
            label=N_("Production orders"),
            group="order_number",
            columns=(
                Col("item", "header", required=True, doc="a make item with a bill of materials"),
                Col("quantity", "header", required=True),
                Col("start_date", "header", required=True),
                Col("due_date", "header", required=True),
                Col("location", "header", required=True, doc="where finished goods go"),
                Col("issue_location", "header", required=True, doc="where materials come from"),
                Col("issue_method", "header", doc="manual (default) | backflush"),
                Col("status", "header", doc="planned (default) | released (BOM and routing copied now)"),
            ),
            post=_production_order,
            doc="Open production orders, one row each; order_number is kept as the reference.",
            duplicate=_existing(s.production_order),
        ),
        DocumentFormat(
            name="budgets",
            label=N_("Budgets"),
            group="version",
            columns=(
                Col("name", "header", required=True),
                Col("fiscal_year", "header", required=True),
                Col("account", "line", required=True, doc="a postable account"),
                Col("cost_center", "line", required=True),
                Col("period", "line", required=True, doc="month, YYYY-MM, within the fiscal year"),
                Col("amount", "line", required=True),
            ),
            post=lambda session, data: budgets.save_budget(session, data),
            doc="Creates or replaces each draft budget version (the version column is its code); approve it in "
            "the ERP.",
            key_field="code",
        ),
    )
}


# --- HR, customer service and IT history ------------------------------------------------------------------


def _each_line(post: Callable[[Session, dict[str, Any]], Any]) -> Post:
    """A file of independent rows: each row through its own action, every bad row reported with its line."""

    def run(session: Session, data: dict[str, Any]) -> Any:
        errors: list[FieldError] = []
        for n, line in enumerate(data["lines"], start=1):
            try:
                post(session, line)
            except ServiceError as exc:
                errors += [FieldError(line_field(n, e.field), e.message) for e in exc.errors]
        raise_if(errors)
        return len(data["lines"])

    return run


def _leave(session: Session, data: dict[str, Any]) -> Any:
    data.pop("lines", None)
    status = data.pop("status", None) or "requested"
    paths = {
        "requested": (),
        "approved": (hr_records.approve_leave,),
        "taken": (hr_records.approve_leave, hr_records.mark_leave_taken),
        "rejected": (hr_records.reject_leave,),
        "cancelled": (hr_records.cancel_leave,),
    }
    if status not in paths:
        raise ServiceError(FieldError("status", t("must be one of: {choices}", choices=", ".join(paths))))
    record = hr_records.request_leave(session, data)
    for step in paths[status]:
        step(session, record["number"])
    return record


def _asset(session: Session, line: dict[str, Any]) -> Any:
    assignee = line.pop("assignee", None)
    status = line.pop("status", None) or ("in_use" if assignee else "in_stock")
    retired = {k: line.pop(k, None) for k in ("retired_date", "retire_reason")}
    if status not in ("in_stock", "in_use", "retired"):
        raise ServiceError(FieldError("status", t("must be one of: {choices}", choices="in_stock, in_use, retired")))
    asset = it_assets.register_asset(session, line)
    day = asset["purchase_date"] or dt.date.today()
    if status == "in_use":
        if is_blank(assignee):
            raise ServiceError(FieldError("assignee", t("is required for a device in use")))
        it_assets.assign_asset(session, asset["asset_tag"], assignee, day)
    elif status == "retired":
        raw_day = retired["retired_date"]
        when = dt.date.fromisoformat(str(raw_day).strip()) if not is_blank(raw_day) else day
        it_assets.retire_asset(session, asset["asset_tag"], when, str(retired["retire_reason"] or ""))
    return asset


def _installation(session: Session, line: dict[str, Any]) -> Any:
    day = line.get("installed_on")
    when = dt.date.fromisoformat(str(day).strip()) if not is_blank(day) else dt.date.today()
    return it_assets.install_application(
        session, str(line.get("asset") or ""), str(line.get("application") or ""), str(line.get("version") or ""), when
    )


def _complaint(session: Session, data: dict[str, Any]) -> Any:
    data.pop("lines", None)
    status = data.pop("status", None) or "open"
    later = {k: data.pop(k, None) for k in ("responded_at", "resolved_at", "resolution", "feedback_score")}
    if status not in ("open", "investigating", "resolved", "closed"):
        raise ServiceError(
            FieldError("status", t("must be one of: {choices}", choices="open, investigating, resolved, closed"))
        )
    complaint = service.log_complaint(session, data)
    number = complaint["number"]
    if status != "open":
        service.start_investigation(session, number, t("Imported from the previous system"), later["responded_at"])
    if status in ("resolved", "closed"):
        service.resolve_complaint(session, number, str(later["resolution"] or ""), later["resolved_at"])
        if not is_blank(later["feedback_score"]):
            service.record_complaint_feedback(session, number, later["feedback_score"])
    if status == "closed":
        service.close_complaint(session, number)
    return complaint


def _ticket(session: Session, data: dict[str, Any]) -> Any:
    data.pop("lines", None)
    status = data.pop("status", None) or "new"
    later = {k: data.pop(k, None) for k in ("assignee", "responded_at", "resolved_at", "resolution")}
    flow = ("new", "assigned", "in_progress", "resolved", "closed")
    if status not in flow:
        raise ServiceError(FieldError("status", t("must be one of: {choices}", choices=", ".join(flow))))
    ticket = helpdesk.raise_ticket(session, data)
    number, reached = ticket["number"], flow.index(status)
    if reached >= 1:
        helpdesk.assign_ticket(session, number, str(later["assignee"] or ""), later["responded_at"])
    if reached >= 2:
        helpdesk.start_ticket(session, number)
    if reached >= 3:
        helpdesk.resolve_ticket(session, number, str(later["resolution"] or ""), later["resolved_at"])
    if reached >= 4:
        helpdesk.close_ticket(session, number)
    return ticket


def _repair(session: Session, data: dict[str, Any]) -> Any:
    data.pop("lines", None)
    return service.create_repair_order(session, data)


DOCUMENTS.update(
    {
        f.name: f
        for f in (
            DocumentFormat(
                name="leave_records",
                label=N_("Leave records"),
                group="leave_number",
                columns=(
                    Col("employee", "header", required=True, doc="employee code"),
                    Col("leave_type", "header", required=True, doc=", ".join(hr_records.LEAVE_TYPES)),
                    Col("start_date", "header", required=True),
                    Col("end_date", "header", required=True),
                    Col("days", "header", doc="blank: the weekdays between the dates"),
                    Col("reason", "header"),
                    Col("status", "header", doc="requested (default) | approved | taken | rejected | cancelled"),
                ),
                post=_leave,
                doc="Leave history, one row per leave; overlapping leave of one employee is refused.",
                duplicate=_existing(s.leave_record),
            ),
            DocumentFormat(
                name="salary_history",
                label=N_("Salary history"),
                group=None,
                columns=(
                    Col("employee", "line", required=True, doc="employee code"),
                    Col("effective_date", "line", required=True),
                    Col("base_salary", "line", required=True, doc="monthly"),
                    Col("pay_grade", "line", doc="pay grade code; the salary must lie within it"),
                    Col("reason", "line"),
                ),
                post=_each_line(lambda session, line: payroll.set_salary(session, line)),
                doc="Salary changes, one row each (permission payroll.manage); one per employee and date.",
            ),
            DocumentFormat(
                name="it_assets",
                label=N_("IT assets"),
                group=None,
                columns=(
                    Col("asset_tag", "line", required=True),
                    Col("name", "line", required=True),
                    Col("asset_type", "line", required=True, doc=", ".join(it_assets.ASSET_TYPES)),
                    Col("serial_no", "line"),
                    Col("supplier", "line", doc="supplier code"),
                    Col("purchase_date", "line"),
                    Col("purchase_cost", "line"),
                    Col("warranty_until", "line"),
                    Col("location", "line", doc="location code"),
                    Col("ip_address", "line", doc="IPv4 or IPv6"),
                    Col("mac_address", "line", doc="like 00:1A:2B:3C:4D:5E"),
                    Col("assignee", "line", doc="employee code; required when the status is in_use"),
                    Col("status", "line", doc="in_stock | in_use | retired (default: in_use with an assignee)"),
                    Col("retired_date", "line"),
                    Col("retire_reason", "line", doc="required for a retired device"),
                ),
                post=_each_line(_asset),
                doc="Hardware and network equipment with their assignee and status.",
            ),
            DocumentFormat(
                name="app_installations",
                label=N_("Software installations"),
                group=None,
                columns=(
                    Col("asset", "line", required=True, doc="asset tag"),
                    Col("application", "line", required=True, doc="application code"),
                    Col("version", "line", required=True),
                    Col("installed_on", "line", doc="blank: today"),
                ),
                post=_each_line(_installation),
                doc="Installed software per device; per-seat licences cannot be over-used.",
            ),
            DocumentFormat(
                name="repair_orders",
                label=N_("Repair orders"),
                group="repair_number",
                columns=(
                    Col("customer", "header", required=True),
                    Col("item", "header", required=True, doc="the product's item code"),
                    Col("serial_no", "header"),
                    Col("fault", "header", required=True),
                    Col("received_date", "header", required=True),
                ),
                post=_repair,
                doc="Open repairs, imported as received; diagnose and repair them in the ERP.",
                duplicate=_existing(s.repair_order),
            ),
            DocumentFormat(
                name="complaints",
                label=N_("Customer complaints"),
                group="complaint_number",
                columns=(
                    Col("customer", "header", required=True),
                    Col("channel", "header", required=True, doc=", ".join(service.CHANNELS)),
                    Col("category", "header", required=True, doc=", ".join(service.CATEGORIES)),
                    Col("severity", "header", required=True, doc="low | medium | high | critical"),
                    Col("subject", "header", required=True),
                    Col("description", "header"),
                    Col("owner", "header", doc="employee code"),
                    Col("received_at", "header", doc="YYYY-MM-DD HH:MM; the SLA clock starts here"),
                    Col("status", "header", doc="open (default) | investigating | resolved | closed"),
                    Col("responded_at", "header", doc="first response, for investigating and later"),
                    Col("resolved_at", "header", doc="for resolved and closed"),
                    Col("resolution", "header", doc="required for resolved and closed"),
                    Col("feedback_score", "header", doc="1-5, for resolved and closed"),
                ),
                post=_complaint,
                doc="Complaint history with its SLA timestamps, so breaches of the past are measured too.",
                duplicate=_existing(s.complaint),
            ),
            DocumentFormat(
                name="support_tickets",
                label=N_("IT support tickets"),
                group="ticket_number",
                columns=(
                    Col("category", "header", required=True, doc=", ".join(helpdesk.CATEGORIES)),
                    Col("priority", "header", doc="low | medium (default) | high | critical"),
                    Col("subject", "header", required=True),
                    Col("description", "header"),
                    Col("asset", "header", doc="asset tag"),
                    Col("application", "header", doc="application code"),
                    Col("received_at", "header", doc="YYYY-MM-DD HH:MM; the SLA clock starts here"),
                    Col("status", "header", doc="new (default) | assigned | in_progress | resolved | closed"),
                    Col("assignee", "header", doc="username; required from assigned on"),
                    Col("responded_at", "header", doc="when it was assigned"),
                    Col("resolved_at", "header"),
                    Col("resolution", "header", doc="required for resolved and closed"),
                ),
                post=_ticket,
                doc="Ticket history; the importing user is recorded as the one who raised them.",
                duplicate=_existing(s.support_ticket),
            ),
        )
    }
)

# Prices and contracts before the orders that use them; invoices before the payments that settle them.
DOCUMENT_ORDER = tuple(DOCUMENTS)


def import_document_rows(
    session: Session, fmt: DocumentFormat, file: str, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[int, list[tuple[int, str, str]]]:
    """Post every document of one file; returns how many and the problems as (line, column, reason)."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    problems: list[tuple[int, str, str]] = []
    for line, row in rows:
        key = str(row.get(fmt.group) or "").strip() if fmt.group else ""
        if fmt.group and not key:
            problems.append((line, fmt.group, t("is required")))
            continue
        groups.setdefault(key, []).append((line, row))
    headers = [c for c in fmt.columns if c.level == "header"]
    for key, members in groups.items():
        first_line, first = members[0]
        data: dict[str, Any] = {}
        for c in headers:
            value = first.get(c.name)
            if not is_blank(value):
                data[c.field] = value
            for line, row in members[1:]:
                if str(row.get(c.name) or "").strip() != str(value or "").strip():
                    problems.append((line, c.name, t("differs from line {line} of the same document", line=first_line)))
        data["lines"] = [
            {c.field: row[c.name] for c in fmt.columns if c.level == "line" and not is_blank(row.get(c.name))}
            for _, row in members
        ]
        if fmt.group:
            data[fmt.key_field] = key
        if fmt.duplicate is not None:
            earlier = fmt.duplicate(session, key)
            if earlier:
                problems.append(
                    (first_line, fmt.group or "", t("{key} was already imported as {number}", key=key, number=earlier))
                )
                continue
        try:
            fmt.post(session, data)
        except ServiceError as exc:
            for e in exc.errors:
                match = LINE_ERROR.match(e.field)
                if match and int(match.group(1)) <= len(members):
                    line, _ = members[int(match.group(1)) - 1]
                    problems.append((line, fmt.column_for(match.group(2), "line"), e.message))
                else:
                    problems.append(
                        (
                            first_line,
                            fmt.column_for(e.field, "header") if e.field != fmt.key_field else (fmt.group or ""),
                            e.message,
                        )
                    )
    return len(groups), problems


def describe() -> str:
    """The "Documents" section of docs/import-formats.md, written from the formats themselves."""
    out = []
    for fmt in DOCUMENTS.values():
        out.append(f"### `{fmt.name}.csv`: {fmt.label}\n")
        out.append(fmt.doc + "\n")
        if fmt.group:
            out.append(f"Rows are grouped into documents by `{fmt.group}`; document columns repeat on every row.\n")
        out.append("| column | level | required | notes |\n|---|---|---|---|")
        if fmt.group:
            out.append(f"| `{fmt.group}` | document | yes | groups the rows of one document |")
        for c in fmt.columns:
            level = "document" if c.level == "header" else "line"
            notes = c.doc.replace("|", "\\|")
            out.append(f"| `{c.name}` | {level} | {'yes' if c.required else ''} | {notes} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(describe(), end="")
