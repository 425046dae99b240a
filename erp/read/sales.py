"""Read models of order-to-cash documents: price lists, quotations, orders, shipments, invoices, payments and
contracts, and the choices their forms offer (orders still to ship or invoice, open invoices)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from erp import schema as s
from erp.fields import N_
from erp.services.documents import ZERO, dec, money, qty
from erp.services.sales import CONTRACT_TRANSITIONS, contract_usage

from .documents import DocumentKind, EntryRef, Rows, posted_lines

cust = s.customer
item = s.item

QUOTATION_STATUSES = ("open", "accepted", "cancelled")
ORDER_STATUSES = ("open", "partially_shipped", "shipped", "closed", "cancelled")
INVOICE_STATUSES = ("open", "partially_paid", "paid")
CONTRACT_STATUSES = tuple(CONTRACT_TRANSITIONS)


def _rows(conn: Connection, query: Any) -> Rows:
    return [dict(r) for r in conn.execute(query).mappings()]


# --- price lists --------------------------------------------------------------------------------------------

pl = s.price_list
PRICE_LISTS = DocumentKind(
    name="price_list",
    label=N_("Price lists"),
    key="code",
    query=select(
        pl.c.code,
        pl.c.name,
        cust.c.code.label("customer"),
        pl.c.currency,
        pl.c.valid_from,
        pl.c.valid_to,
        pl.c.active,
        select(func.count()).where(s.price_list_line.c.price_list_id == pl.c.id).scalar_subquery().label("items"),
    ).select_from(pl.outerjoin(cust, cust.c.id == pl.c.customer_id)),
    labels={
        "code": N_("Price list code"),
        "name": N_("Name"),
        "customer": N_("Customer"),
        "currency": N_("Currency"),
        "valid_from": N_("Valid from"),
        "valid_to": N_("Valid to"),
        "active": N_("Active"),
        "items": N_("Items"),
    },
    date="valid_from",
    search=("code", "name", "customer"),
    lines=lambda conn, code: _rows(
        conn,
        select(item.c.item_code.label("item"), item.c.description, s.price_list_line.c.unit_price)
        .join(item, item.c.id == s.price_list_line.c.item_id)
        .join(pl, pl.c.id == s.price_list_line.c.price_list_id)
        .where(pl.c.code == code)
        .order_by(item.c.item_code),
    ),
    line_labels={"item": N_("Item"), "description": N_("Description"), "unit_price": N_("Unit price")},
)


def price_list_codes(conn: Connection) -> list[str]:
    return [str(c) for c in conn.execute(select(pl.c.code).order_by(pl.c.code)).scalars()]


# --- quotations ---------------------------------------------------------------------------------------------

SALES_LINE_LABELS = {
    "line_no": N_("Line"),
    "item": N_("Item"),
    "description": N_("Description"),
    "quantity": N_("Quantity"),
    "unit_price": N_("Unit price"),
    "discount_pct": N_("Discount %"),
    "net_amount": N_("Net amount"),
}

sq, sql_ = s.sales_quotation, s.sales_quotation_line
QUOTATIONS = DocumentKind(
    name="sales_quotation",
    label=N_("Quotations"),
    query=select(
        sq.c.number,
        sq.c.quote_date,
        sq.c.valid_until,
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        sq.c.status,
        sq.c.currency,
        sq.c.net_amount,
        sq.c.reference,
        sq.c.notes,
    ).join(cust, cust.c.id == sq.c.customer_id),
    labels={
        "number": N_("Number"),
        "quote_date": N_("Quotation date"),
        "valid_until": N_("Valid until"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "status": N_("Status"),
        "currency": N_("Currency"),
        "net_amount": N_("Net amount"),
        "reference": N_("Reference"),
    },
    date="quote_date",
    choice="status",
    choices=QUOTATION_STATUSES,
    search=("number", "customer", "customer_name", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(
            sql_.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            sql_.c.quantity,
            sql_.c.unit_price,
            sql_.c.discount_pct,
            sql_.c.net_amount,
        )
        .join(item, item.c.id == sql_.c.item_id)
        .join(sq, sq.c.id == sql_.c.quotation_id)
        .where(sq.c.number == number)
        .order_by(sql_.c.line_no),
    ),
    line_labels=SALES_LINE_LABELS,
)


def open_quotations(conn: Connection) -> list[str]:
    """Quotations that can still become an order (open; expiry is checked against the order date)."""
    return [str(n) for n in conn.execute(select(sq.c.number).where(sq.c.status == "open").order_by(sq.c.number))]


# --- sales orders -------------------------------------------------------------------------------------------

so, sol = s.sales_order, s.sales_order_line


def order_lines(conn: Connection, number: str) -> Rows:
    query = (
        select(
            sol.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            sol.c.quantity,
            sol.c.unit_price,
            sol.c.discount_pct,
            sol.c.net_amount,
            sol.c.promised_date,
            sol.c.shipped_qty,
            sol.c.invoiced_qty,
        )
        .join(item, item.c.id == sol.c.item_id)
        .join(so, so.c.id == sol.c.order_id)
        .where(so.c.number == number)
        .order_by(sol.c.line_no)
    )
    return _rows(conn, query)


def _order_entries(conn: Connection, head: Mapping[str, Any]) -> list[EntryRef]:
    """An order posts nothing itself: its postings are those of its shipments and invoices."""
    shipments = (
        select(s.shipment.c.number).join(so, so.c.id == s.shipment.c.order_id).where(so.c.number == head["number"])
    )
    invoices = (
        select(s.customer_invoice.c.number)
        .join(so, so.c.id == s.customer_invoice.c.order_id)
        .where(so.c.number == head["number"])
    )
    refs = [("shipment", str(n)) for n in conn.execute(shipments).scalars()]
    return refs + [("invoice", str(n)) for n in conn.execute(invoices).scalars()]


quote_alias = sq.alias("quote")
contract_alias = s.sales_contract.alias("contract")
SALES_ORDERS = DocumentKind(
    name="sales_order",
    label=N_("Sales orders"),
    query=select(
        so.c.number,
        so.c.order_date,
        so.c.promised_date,
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        so.c.status,
        so.c.currency,
        so.c.net_amount,
        so.c.tax_amount,
        so.c.gross_amount,
        so.c.open_amount,
        quote_alias.c.number.label("quotation"),
        contract_alias.c.number.label("contract"),
        so.c.reference,
    )
    .join(cust, cust.c.id == so.c.customer_id)
    .outerjoin(quote_alias, quote_alias.c.id == so.c.quotation_id)
    .outerjoin(contract_alias, contract_alias.c.id == so.c.contract_id),
    labels={
        "number": N_("Number"),
        "order_date": N_("Order date"),
        "promised_date": N_("Promised date"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "status": N_("Status"),
        "currency": N_("Currency"),
        "gross_amount": N_("Gross amount"),
        "open_amount": N_("Not yet invoiced"),
        "quotation": N_("Quotation"),
        "reference": N_("Customer reference"),
    },
    date="order_date",
    choice="status",
    choices=ORDER_STATUSES,
    search=("number", "customer", "customer_name", "reference", "quotation"),
    lines=order_lines,
    line_labels={
        **SALES_LINE_LABELS,
        "promised_date": N_("Promised date"),
        "shipped_qty": N_("Shipped"),
        "invoiced_qty": N_("Invoiced"),
    },
    postings=lambda conn, head: posted_lines(conn, _order_entries(conn, head)),
)


def orders_to_ship(conn: Connection) -> list[str]:
    query = select(so.c.number).where(so.c.status.in_(("open", "partially_shipped"))).order_by(so.c.number)
    return [str(n) for n in conn.execute(query).scalars()]


def orders_to_invoice(conn: Connection) -> list[str]:
    """Orders with something shipped that is not invoiced yet."""
    query = (
        select(so.c.number)
        .join(sol, sol.c.order_id == so.c.id)
        .where(so.c.status.notin_(("cancelled", "closed")), sol.c.shipped_qty > sol.c.invoiced_qty)
        .group_by(so.c.number)
        .order_by(so.c.number)
    )
    return [str(n) for n in conn.execute(query).scalars()]


def lines_to_ship(conn: Connection, number: str) -> Rows:
    """The order's lines with something left to ship, and how much."""
    out = []
    for ln in order_lines(conn, number):
        left = qty(dec(ln["quantity"]) - dec(ln["shipped_qty"]))
        if left > 0:
            out.append({"line_no": ln["line_no"], "item": ln["item"], "description": ln["description"], "left": left})
    return out


# --- shipments ----------------------------------------------------------------------------------------------

shp, shl = s.shipment, s.shipment_line
order_alias = so.alias("ord")
SHIPMENTS = DocumentKind(
    name="shipment",
    label=N_("Shipments"),
    query=select(
        shp.c.number,
        shp.c.ship_date,
        order_alias.c.number.label("order"),
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        s.location.c.code.label("location"),
        shp.c.reference,
    )
    .join(order_alias, order_alias.c.id == shp.c.order_id)
    .join(cust, cust.c.id == shp.c.customer_id)
    .join(s.location, s.location.c.id == shp.c.location_id),
    labels={
        "number": N_("Number"),
        "ship_date": N_("Ship date"),
        "order": N_("Sales order"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "location": N_("From location"),
        "reference": N_("Reference"),
    },
    date="ship_date",
    search=("number", "order", "customer", "customer_name", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(
            sol.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            shl.c.quantity,
            shl.c.unit_cost,
        )
        .join(item, item.c.id == shl.c.item_id)
        .join(sol, sol.c.id == shl.c.order_line_id)
        .join(shp, shp.c.id == shl.c.shipment_id)
        .where(shp.c.number == number)
        .order_by(sol.c.line_no),
    ),
    line_labels={
        "line_no": N_("Order line"),
        "item": N_("Item"),
        "description": N_("Description"),
        "quantity": N_("Quantity"),
        "unit_cost": N_("Unit cost"),
    },
    postings=lambda conn, head: posted_lines(conn, [("shipment", head["number"])]),
)


# --- customer invoices --------------------------------------------------------------------------------------

inv, invl = s.customer_invoice, s.customer_invoice_line
INVOICES = DocumentKind(
    name="customer_invoice",
    label=N_("Customer invoices"),
    query=select(
        inv.c.number,
        inv.c.invoice_date,
        inv.c.due_date,
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        order_alias.c.number.label("order"),
        inv.c.status,
        inv.c.currency,
        inv.c.net_amount,
        inv.c.tax_amount,
        inv.c.gross_amount,
        inv.c.paid_amount,
        inv.c.reference,
    )
    .join(cust, cust.c.id == inv.c.customer_id)
    .outerjoin(order_alias, order_alias.c.id == inv.c.order_id),
    labels={
        "number": N_("Number"),
        "invoice_date": N_("Invoice date"),
        "due_date": N_("Due date"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "order": N_("Sales order"),
        "status": N_("Status"),
        "currency": N_("Currency"),
        "gross_amount": N_("Gross amount"),
        "paid_amount": N_("Amount paid"),
        "reference": N_("Reference"),
    },
    date="invoice_date",
    choice="status",
    choices=INVOICE_STATUSES,
    search=("number", "customer", "customer_name", "order", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(
            invl.c.line_no,
            item.c.item_code.label("item"),
            func.coalesce(invl.c.description, item.c.description).label("description"),
            invl.c.quantity,
            invl.c.unit_price,
            invl.c.discount_pct,
            invl.c.net_amount,
            invl.c.vat_rate,
            invl.c.tax_amount,
        )
        .outerjoin(item, item.c.id == invl.c.item_id)
        .join(inv, inv.c.id == invl.c.invoice_id)
        .where(inv.c.number == number)
        .order_by(invl.c.line_no),
    ),
    line_labels={**SALES_LINE_LABELS, "vat_rate": N_("VAT rate"), "tax_amount": N_("VAT")},
    postings=lambda conn, head: posted_lines(conn, [("invoice", head["number"])]),
)


def open_invoices(conn: Connection, customer: str | None = None) -> Rows:
    """Invoices not fully paid (of one customer, by code), oldest due first, with what is still due."""
    query = (
        select(
            inv.c.number,
            cust.c.code.label("customer"),
            inv.c.due_date,
            inv.c.currency,
            inv.c.gross_amount,
            inv.c.paid_amount,
        )
        .join(cust, cust.c.id == inv.c.customer_id)
        .where(inv.c.status != "paid")
        .order_by(inv.c.due_date, inv.c.number)
    )
    if customer:
        query = query.where(cust.c.code == customer)
    out = []
    for r in _rows(conn, query):
        r["open_amount"] = money(r["gross_amount"]) - money(r["paid_amount"])
        out.append(r)
    return out


# --- customer payments --------------------------------------------------------------------------------------

pay, alloc = s.customer_payment, s.payment_allocation
PAYMENTS = DocumentKind(
    name="customer_payment",
    label=N_("Customer payments"),
    query=select(
        pay.c.number,
        pay.c.payment_date,
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        pay.c.currency,
        pay.c.exchange_rate,
        pay.c.amount,
        pay.c.allocated_amount,
        pay.c.reference,
    ).join(cust, cust.c.id == pay.c.customer_id),
    labels={
        "number": N_("Number"),
        "payment_date": N_("Payment date"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "currency": N_("Currency"),
        "amount": N_("Amount"),
        "allocated_amount": N_("Allocated"),
        "reference": N_("Bank reference"),
    },
    date="payment_date",
    search=("number", "customer", "customer_name", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(inv.c.number.label("invoice"), inv.c.invoice_date, inv.c.gross_amount, alloc.c.amount)
        .join(inv, inv.c.id == alloc.c.invoice_id)
        .join(pay, pay.c.id == alloc.c.payment_id)
        .where(pay.c.number == number)
        .order_by(alloc.c.id),
    ),
    line_labels={
        "invoice": N_("Invoice"),
        "invoice_date": N_("Invoice date"),
        "gross_amount": N_("Invoice amount"),
        "amount": N_("Allocated"),
    },
    postings=lambda conn, head: posted_lines(conn, [("payment", head["number"])]),
)


def payments_with_unallocated(conn: Connection) -> list[str]:
    query = select(pay.c.number).where(pay.c.allocated_amount < pay.c.amount).order_by(pay.c.number)
    return [str(n) for n in conn.execute(query).scalars()]


# --- sales contracts ----------------------------------------------------------------------------------------

sc, scl = s.sales_contract, s.sales_contract_line
CONTRACTS = DocumentKind(
    name="sales_contract",
    label=N_("Sales contracts"),
    query=select(
        sc.c.number,
        cust.c.code.label("customer"),
        cust.c.name.label("customer_name"),
        sc.c.start_date,
        sc.c.end_date,
        sc.c.renewal_date,
        sc.c.status,
        sc.c.reference,
        sc.c.notes,
    ).join(cust, cust.c.id == sc.c.customer_id),
    labels={
        "number": N_("Number"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "start_date": N_("Start date"),
        "end_date": N_("End date"),
        "renewal_date": N_("Renewal date"),
        "status": N_("Status"),
        "reference": N_("Reference"),
    },
    date="start_date",
    choice="status",
    choices=CONTRACT_STATUSES,
    search=("number", "customer", "customer_name", "reference"),
    lines=lambda conn, number: [
        {**u, "left_qty": None if u["agreed_qty"] is None else max(ZERO, u["agreed_qty"] - u["ordered_qty"])}
        for u in contract_usage(conn, number)
    ],
    line_labels={
        "item_code": N_("Item"),
        "agreed_price": N_("Agreed price"),
        "agreed_qty": N_("Agreed volume"),
        "ordered_qty": N_("Ordered so far"),
        "left_qty": N_("Volume left"),
    },
)


def contract_next_statuses(status: str) -> list[str]:
    """The statuses a contract may move to from ``status`` (the service's transition table)."""
    return sorted(CONTRACT_TRANSITIONS.get(status, set()))
