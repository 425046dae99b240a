"""Read models of procure-to-pay documents: requisitions, purchase orders, goods receipts, supplier invoices with
their three-way match, supplier payments, purchase contracts, supplier evaluations and approval limits, and the
choices their forms offer (orders waiting for approval, orders still to receive or invoice, payable invoices)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, select

from erp import schema as s
from erp.fields import N_
from erp.services.base import Actor
from erp.services.documents import ZERO, dec, money, qty
from erp.services.procurement import (
    CONTRACT_TRANSITIONS,
    OPEN_FOR_RECEIPT,
    approval_limit_for,
    contract_consumption,
)
from erp.services.procurement import delivery_performance as delivery_performance  # the facts behind a score

from .documents import DocumentKind, EntryRef, Rows, posted_lines

sup, item, cc = s.supplier, s.item, s.cost_center
HUNDRED = Decimal(100)

REQUISITION_STATUSES = ("open", "partially_ordered", "ordered", "cancelled")
ORDER_STATUSES = ("draft", "approved", "partially_received", "received", "closed", "cancelled")
INVOICE_STATUSES = ("held", "open", "partially_paid", "paid", "cancelled")
CONTRACT_STATUSES = tuple(CONTRACT_TRANSITIONS)


def _rows(conn: Connection, query: Any) -> Rows:
    return [dict(r) for r in conn.execute(query).mappings()]


def _numbers(conn: Connection, query: Any) -> list[str]:
    return [str(n) for n in conn.execute(query).scalars()]


# --- requisitions -------------------------------------------------------------------------------------------

pr, prl = s.purchase_requisition, s.purchase_requisition_line
suggested = sup.alias("suggested")


def requisition_lines(conn: Connection, number: str) -> Rows:
    query = (
        select(
            prl.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            prl.c.quantity,
            prl.c.needed_date,
            suggested.c.code.label("supplier"),
            prl.c.ordered_qty,
        )
        .join(item, item.c.id == prl.c.item_id)
        .join(pr, pr.c.id == prl.c.requisition_id)
        .outerjoin(suggested, suggested.c.id == prl.c.supplier_id)
        .where(pr.c.number == number)
        .order_by(prl.c.line_no)
    )
    return _rows(conn, query)


REQUISITIONS = DocumentKind(
    name="purchase_requisition",
    label=N_("Purchase requisitions"),
    query=select(
        pr.c.number,
        pr.c.request_date,
        pr.c.needed_date,
        cc.c.code.label("cost_center"),
        pr.c.requested_by,
        pr.c.status,
        pr.c.reference,
        pr.c.notes,
    ).outerjoin(cc, cc.c.id == pr.c.cost_center_id),
    labels={
        "number": N_("Number"),
        "request_date": N_("Request date"),
        "needed_date": N_("Needed by"),
        "cost_center": N_("Cost center"),
        "requested_by": N_("Requested by"),
        "status": N_("Status"),
        "reference": N_("Reference"),
    },
    date="request_date",
    choice="status",
    choices=REQUISITION_STATUSES,
    search=("number", "requested_by", "cost_center", "reference"),
    lines=requisition_lines,
    line_labels={
        "line_no": N_("Line"),
        "item": N_("Item"),
        "description": N_("Description"),
        "quantity": N_("Quantity"),
        "needed_date": N_("Needed by"),
        "supplier": N_("Suggested supplier"),
        "ordered_qty": N_("Ordered qty"),
    },
)


def open_requisitions(conn: Connection) -> list[str]:
    """Requisitions with lines still to order."""
    return _numbers(
        conn, select(pr.c.number).where(pr.c.status.in_(("open", "partially_ordered"))).order_by(pr.c.number)
    )


def requisition_to_order(conn: Connection, number: str) -> dict[str, Any]:
    """What a purchase order started from a requisition is prefilled with: its cost center, the supplier most
    of its lines suggest, and its lines still to order."""
    head = conn.execute(
        select(pr.c.needed_date, cc.c.code.label("cost_center"))
        .outerjoin(cc, cc.c.id == pr.c.cost_center_id)
        .where(pr.c.number == number)
    ).one_or_none()
    lines = []
    suppliers: dict[str, int] = {}
    for ln in requisition_lines(conn, number):
        left = qty(dec(ln["quantity"]) - dec(ln["ordered_qty"]))
        if left <= 0:
            continue
        lines.append({"item": ln["item"], "description": ln["description"], "quantity": left})
        if ln["supplier"]:
            suppliers[ln["supplier"]] = suppliers.get(ln["supplier"], 0) + 1
    supplier = max(suppliers, key=lambda k: suppliers[k]) if suppliers else None
    return {
        "cost_center": head.cost_center if head else None,
        "expected_date": head.needed_date if head else None,
        "supplier": supplier,
        "lines": lines,
    }


# --- purchase orders ----------------------------------------------------------------------------------------

po, pol = s.purchase_order, s.purchase_order_line
req_alias = pr.alias("req")


def order_lines(conn: Connection, number: str) -> Rows:
    contract = s.purchase_contract
    query = (
        select(
            pol.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            pol.c.quantity,
            pol.c.unit_price,
            pol.c.net_amount,
            pol.c.expected_date,
            contract.c.number.label("contract"),
            pol.c.received_qty,
            pol.c.invoiced_qty,
        )
        .join(item, item.c.id == pol.c.item_id)
        .join(po, po.c.id == pol.c.order_id)
        .outerjoin(contract, contract.c.id == pol.c.contract_id)
        .where(po.c.number == number)
        .order_by(pol.c.line_no)
    )
    return _rows(conn, query)


def _order_entries(conn: Connection, head: Mapping[str, Any]) -> list[EntryRef]:
    """An order posts nothing itself: its postings are those of its receipts and invoices."""
    gr, si = s.goods_receipt, s.supplier_invoice
    receipts = select(gr.c.number).join(po, po.c.id == gr.c.order_id).where(po.c.number == head["number"])
    invoices = select(si.c.number).join(po, po.c.id == si.c.order_id).where(po.c.number == head["number"])
    refs = [("goods_receipt", n) for n in _numbers(conn, receipts)]
    return refs + [("supplier_invoice", n) for n in _numbers(conn, invoices)]


ORDER_QUERY = (
    select(
        po.c.number,
        po.c.order_date,
        po.c.expected_date,
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        po.c.status,
        po.c.currency,
        po.c.exchange_rate,
        po.c.net_amount,
        po.c.tax_amount,
        po.c.gross_amount,
        req_alias.c.number.label("requisition"),
        cc.c.code.label("cost_center"),
        po.c.receipt_tolerance_pct,
        po.c.price_tolerance_pct,
        po.c.created_by,
        po.c.approved_by,
        po.c.approved_at,
        po.c.reference,
    )
    .join(sup, sup.c.id == po.c.supplier_id)
    .outerjoin(req_alias, req_alias.c.id == po.c.requisition_id)
    .outerjoin(cc, cc.c.id == po.c.cost_center_id)
)
PURCHASE_ORDERS = DocumentKind(
    name="purchase_order",
    label=N_("Purchase orders"),
    query=ORDER_QUERY,
    labels={
        "number": N_("Number"),
        "order_date": N_("Order date"),
        "expected_date": N_("Expected delivery date"),
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "status": N_("Status"),
        "currency": N_("Currency"),
        "net_amount": N_("Net amount"),
        "gross_amount": N_("Gross amount"),
        "requisition": N_("Purchase requisition"),
        "cost_center": N_("Cost center"),
        "receipt_tolerance_pct": N_("Over-receipt tolerance %"),
        "price_tolerance_pct": N_("Invoice price tolerance %"),
        "created_by": N_("Created by"),
        "approved_by": N_("Approved by"),
        "reference": N_("Reference"),
    },
    date="order_date",
    choice="status",
    choices=ORDER_STATUSES,
    search=("number", "supplier", "supplier_name", "requisition", "reference", "created_by"),
    lines=order_lines,
    line_labels={
        "line_no": N_("Line"),
        "item": N_("Item"),
        "description": N_("Description"),
        "quantity": N_("Quantity"),
        "unit_price": N_("Unit price"),
        "net_amount": N_("Net amount"),
        "expected_date": N_("Expected date"),
        "contract": N_("Purchase contract"),
        "received_qty": N_("Received qty"),
        "invoiced_qty": N_("Invoiced"),
    },
    postings=lambda conn, head: posted_lines(conn, _order_entries(conn, head)),
)

INBOX_LABELS = {
    "number": N_("Number"),
    "order_date": N_("Order date"),
    "supplier": N_("Supplier"),
    "supplier_name": N_("Supplier name"),
    "created_by": N_("Created by"),
    "currency": N_("Currency"),
    "net_amount": N_("Net amount"),
    "base_amount": N_("Net amount (base currency)"),
    "within_limit": N_("Within your limit"),
}


def approval_inbox(conn: Connection, actor: Actor) -> tuple[Rows, Decimal | None]:
    """Draft orders someone else created, oldest first, each marked whether it is within the actor's approval
    limit; and that limit (None: the actor may approve nothing). The creator's own drafts are not listed: they
    wait for someone else."""
    limit = approval_limit_for(conn, actor)
    sub = ORDER_QUERY.subquery()
    query = (
        select(sub)
        .where(sub.c.status == "draft", sub.c.created_by != actor.username)
        .order_by(sub.c.order_date, sub.c.number)
    )
    rows = []
    for r in _rows(conn, query):
        base = money(dec(r["net_amount"]) * dec(r["exchange_rate"]))
        rows.append({**r, "base_amount": base, "within_limit": limit is not None and base <= limit})
    return rows, limit


def orders_to_receive(conn: Connection) -> list[str]:
    """Approved orders with something left to receive."""
    query = (
        select(po.c.number)
        .join(pol, pol.c.order_id == po.c.id)
        .where(po.c.status.in_(OPEN_FOR_RECEIPT), pol.c.received_qty < pol.c.quantity)
        .group_by(po.c.number)
        .order_by(po.c.number)
    )
    return _numbers(conn, query)


def lines_to_receive(conn: Connection, number: str) -> Rows:
    """The order's lines with something left to receive, how much, and the most the tolerance allows."""
    tolerance = conn.execute(select(po.c.receipt_tolerance_pct).where(po.c.number == number)).scalar()
    pct = dec(tolerance or 0)
    out = []
    for ln in order_lines(conn, number):
        ordered, received = qty(ln["quantity"]), qty(ln["received_qty"])
        left = qty(ordered - received)
        if left > 0:
            most = qty(ordered * (HUNDRED + pct) / HUNDRED - received)
            out.append({**ln, "left": left, "at_most": most})
    return out


def orders_to_invoice(conn: Connection) -> list[str]:
    """Orders with goods received that are not invoiced yet."""
    query = (
        select(po.c.number)
        .join(pol, pol.c.order_id == po.c.id)
        .where(po.c.status.in_(OPEN_FOR_RECEIPT), pol.c.received_qty > pol.c.invoiced_qty)
        .group_by(po.c.number)
        .order_by(po.c.number)
    )
    return _numbers(conn, query)


def lines_to_invoice(conn: Connection, number: str) -> Rows:
    """The order's lines with received quantities not invoiced yet (what the three-way match lets through)."""
    out = []
    for ln in order_lines(conn, number):
        open_qty = qty(dec(ln["received_qty"]) - dec(ln["invoiced_qty"]))
        if open_qty > 0:
            out.append({**ln, "to_invoice": open_qty})
    return out


def order_supplier(conn: Connection, number: str) -> str | None:
    return conn.execute(select(sup.c.code).join(po, po.c.supplier_id == sup.c.id).where(po.c.number == number)).scalar()


# --- goods receipts -----------------------------------------------------------------------------------------

gr, grl = s.goods_receipt, s.goods_receipt_line
order_alias = po.alias("ord")
GOODS_RECEIPTS = DocumentKind(
    name="goods_receipt",
    label=N_("Goods receipts"),
    query=select(
        gr.c.number,
        gr.c.receipt_date,
        order_alias.c.number.label("order"),
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        s.location.c.code.label("location"),
        gr.c.reference,
    )
    .join(order_alias, order_alias.c.id == gr.c.order_id)
    .join(sup, sup.c.id == gr.c.supplier_id)
    .join(s.location, s.location.c.id == gr.c.location_id),
    labels={
        "number": N_("Number"),
        "receipt_date": N_("Receipt date"),
        "order": N_("Purchase order"),
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "location": N_("Into location"),
        "reference": N_("Delivery note"),
    },
    date="receipt_date",
    search=("number", "order", "supplier", "supplier_name", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(
            pol.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            grl.c.quantity,
            grl.c.unit_price,
            grl.c.unit_cost,
        )
        .join(item, item.c.id == grl.c.item_id)
        .join(pol, pol.c.id == grl.c.order_line_id)
        .join(gr, gr.c.id == grl.c.receipt_id)
        .where(gr.c.number == number)
        .order_by(pol.c.line_no),
    ),
    line_labels={
        "line_no": N_("Order line"),
        "item": N_("Item"),
        "description": N_("Description"),
        "quantity": N_("Quantity"),
        "unit_price": N_("Order price"),
        "unit_cost": N_("Standard cost"),
    },
    postings=lambda conn, head: posted_lines(conn, [("goods_receipt", head["number"])]),
)


# --- supplier invoices --------------------------------------------------------------------------------------

si, sil = s.supplier_invoice, s.supplier_invoice_line


def invoice_match(conn: Connection, number: str) -> Rows:
    """The three-way match of an invoice, line by line: what the order line ordered and at which price, what was
    received and invoiced on it, the price invoiced and whether it is within the order's price tolerance."""
    query = (
        select(
            sil.c.line_no,
            pol.c.line_no.label("order_line"),
            item.c.item_code.label("item"),
            item.c.description,
            pol.c.quantity.label("ordered_qty"),
            pol.c.received_qty,
            pol.c.invoiced_qty,
            sil.c.quantity,
            sil.c.order_price,
            sil.c.unit_price,
            sil.c.net_amount,
            sil.c.tax_amount,
            po.c.price_tolerance_pct,
        )
        .join(si, si.c.id == sil.c.invoice_id)
        .join(pol, pol.c.id == sil.c.order_line_id)
        .join(po, po.c.id == pol.c.order_id)
        .join(item, item.c.id == sil.c.item_id)
        .where(si.c.number == number)
        .order_by(sil.c.line_no)
    )
    out = []
    for r in _rows(conn, query):
        order_price, price = dec(r["order_price"]), dec(r["unit_price"])
        diff = money((price - order_price) * HUNDRED / order_price) if order_price else ZERO
        r["price_diff_pct"] = diff
        r["price_ok"] = abs(price - order_price) <= order_price * dec(r.pop("price_tolerance_pct")) / HUNDRED
        out.append(r)
    return out


INVOICE_QUERY = (
    select(
        si.c.number,
        si.c.invoice_date,
        si.c.due_date,
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        si.c.supplier_ref,
        order_alias.c.number.label("order"),
        si.c.status,
        si.c.hold_reason,
        si.c.currency,
        si.c.net_amount,
        si.c.tax_amount,
        si.c.gross_amount,
        si.c.price_variance,
        si.c.paid_amount,
        si.c.released_by,
        si.c.reference,
    )
    .join(sup, sup.c.id == si.c.supplier_id)
    .outerjoin(order_alias, order_alias.c.id == si.c.order_id)
)
SUPPLIER_INVOICES = DocumentKind(
    name="supplier_invoice",
    label=N_("Supplier invoices"),
    query=INVOICE_QUERY,
    labels={
        "number": N_("Number"),
        "invoice_date": N_("Invoice date"),
        "due_date": N_("Due date"),
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "supplier_ref": N_("Supplier's invoice number"),
        "order": N_("Purchase order"),
        "status": N_("Match status"),
        "hold_reason": N_("Held because"),
        "currency": N_("Currency"),
        "gross_amount": N_("Gross amount"),
        "price_variance": N_("Price variance"),
        "paid_amount": N_("Amount paid"),
        "released_by": N_("Released by"),
    },
    date="invoice_date",
    choice="status",
    choices=INVOICE_STATUSES,
    search=("number", "supplier", "supplier_name", "supplier_ref", "order", "reference"),
    lines=invoice_match,
    line_labels={
        "line_no": N_("Line"),
        "order_line": N_("Order line"),
        "item": N_("Item"),
        "ordered_qty": N_("Ordered qty"),
        "received_qty": N_("Received qty"),
        "invoiced_qty": N_("Invoiced on the order"),
        "quantity": N_("Quantity"),
        "order_price": N_("Order price"),
        "unit_price": N_("Invoiced price"),
        "price_diff_pct": N_("Price difference %"),
        "price_ok": N_("Price within tolerance"),
        "net_amount": N_("Net amount"),
    },
    postings=lambda conn, head: posted_lines(conn, [("supplier_invoice", head["number"])]),
)


def held_invoices(conn: Connection) -> Rows:
    """Invoices on hold (a price beyond tolerance), oldest first, with why."""
    sub = INVOICE_QUERY.subquery()
    return _rows(conn, select(sub).where(sub.c.status == "held").order_by(sub.c.invoice_date, sub.c.number))


def payable_invoices(conn: Connection, supplier: str | None = None) -> Rows:
    """Invoices that can be paid (open or partly paid; held ones wait), oldest due first, with what is due."""
    query = (
        select(
            si.c.number, sup.c.code.label("supplier"), si.c.due_date, si.c.currency, si.c.gross_amount, si.c.paid_amount
        )
        .join(sup, sup.c.id == si.c.supplier_id)
        .where(si.c.status.in_(("open", "partially_paid")))
        .order_by(si.c.due_date, si.c.number)
    )
    if supplier:
        query = query.where(sup.c.code == supplier)
    return [{**r, "open_amount": money(r["gross_amount"]) - money(r["paid_amount"])} for r in _rows(conn, query)]


# --- supplier payments --------------------------------------------------------------------------------------

sp, spa = s.supplier_payment, s.supplier_payment_allocation
SUPPLIER_PAYMENTS = DocumentKind(
    name="supplier_payment",
    label=N_("Supplier payments"),
    query=select(
        sp.c.number,
        sp.c.payment_date,
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        sp.c.currency,
        sp.c.exchange_rate,
        sp.c.amount,
        sp.c.allocated_amount,
        sp.c.reference,
    ).join(sup, sup.c.id == sp.c.supplier_id),
    labels={
        "number": N_("Number"),
        "payment_date": N_("Payment date"),
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "currency": N_("Currency"),
        "amount": N_("Amount"),
        "allocated_amount": N_("Allocated"),
        "reference": N_("Bank reference"),
    },
    date="payment_date",
    search=("number", "supplier", "supplier_name", "reference"),
    lines=lambda conn, number: _rows(
        conn,
        select(si.c.number.label("invoice"), si.c.supplier_ref, si.c.invoice_date, si.c.gross_amount, spa.c.amount)
        .join(si, si.c.id == spa.c.invoice_id)
        .join(sp, sp.c.id == spa.c.payment_id)
        .where(sp.c.number == number)
        .order_by(spa.c.id),
    ),
    line_labels={
        "invoice": N_("Supplier invoice"),
        "supplier_ref": N_("Supplier's invoice number"),
        "invoice_date": N_("Invoice date"),
        "gross_amount": N_("Invoice amount"),
        "amount": N_("Allocated"),
    },
    postings=lambda conn, head: posted_lines(conn, [("supplier_payment", head["number"])]),
)


def payments_with_unallocated(conn: Connection) -> list[str]:
    return _numbers(conn, select(sp.c.number).where(sp.c.allocated_amount < sp.c.amount).order_by(sp.c.number))


# --- purchase contracts -------------------------------------------------------------------------------------

pc = s.purchase_contract
PURCHASE_CONTRACTS = DocumentKind(
    name="purchase_contract",
    label=N_("Purchase contracts"),
    query=select(
        pc.c.number,
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        pc.c.start_date,
        pc.c.end_date,
        pc.c.currency,
        pc.c.status,
        pc.c.reference,
        pc.c.notes,
    ).join(sup, sup.c.id == pc.c.supplier_id),
    labels={
        "number": N_("Number"),
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "start_date": N_("Start date"),
        "end_date": N_("End date"),
        "currency": N_("Currency"),
        "status": N_("Status"),
        "reference": N_("Reference"),
    },
    date="start_date",
    choice="status",
    choices=CONTRACT_STATUSES,
    search=("number", "supplier", "supplier_name", "reference"),
    lines=contract_consumption,
    line_labels={
        "item_code": N_("Item"),
        "agreed_price": N_("Agreed price"),
        "committed_qty": N_("Committed volume"),
        "ordered_qty": N_("Ordered so far"),
        "received_qty": N_("Received so far"),
        "remaining_qty": N_("Volume left"),
    },
)


def contract_next_statuses(status: str) -> list[str]:
    """The statuses a contract may move to from ``status`` (the service's transition table)."""
    return sorted(CONTRACT_TRANSITIONS.get(status, set()))


def active_contracts(conn: Connection) -> list[str]:
    return _numbers(conn, select(pc.c.number).where(pc.c.status == "active").order_by(pc.c.number))


# --- supplier evaluations -----------------------------------------------------------------------------------

ev = s.supplier_evaluation
EVALUATIONS = DocumentKind(
    name="supplier_evaluation",
    label=N_("Supplier evaluations"),
    key="supplier",
    query=select(
        sup.c.code.label("supplier"),
        sup.c.name.label("supplier_name"),
        ev.c.period,
        ev.c.quality_score,
        ev.c.delivery_score,
        ev.c.price_score,
        ev.c.overall_score,
        ev.c.evaluator,
        ev.c.recorded_by,
        ev.c.notes,
    ).join(sup, sup.c.id == ev.c.supplier_id),
    labels={
        "supplier": N_("Supplier"),
        "supplier_name": N_("Supplier name"),
        "period": N_("Evaluation period"),
        "quality_score": N_("Quality"),
        "delivery_score": N_("Delivery"),
        "price_score": N_("Price"),
        "overall_score": N_("Overall"),
        "evaluator": N_("Evaluator"),
        "notes": N_("Notes"),
    },
    choice="supplier",
    search=("supplier", "supplier_name", "period", "evaluator", "notes"),
    order=("period", "supplier"),
)


def supplier_codes(conn: Connection) -> list[str]:
    return _numbers(conn, select(sup.c.code).order_by(sup.c.code))


# --- approval limits ----------------------------------------------------------------------------------------

LIMIT_LABELS = {"role": N_("Role"), "user": N_("User"), "max_amount": N_("Approval limit (net, base currency)")}


def approval_limits(conn: Connection) -> Rows:
    """Every approval limit, roles first, then users."""
    al = s.approval_limit
    query = (
        select(s.role.c.code.label("role"), s.app_user.c.username.label("user"), al.c.max_amount)
        .outerjoin(s.role, s.role.c.id == al.c.role_id)
        .outerjoin(s.app_user, s.app_user.c.id == al.c.user_id)
        .order_by(al.c.user_id.is_not(None), s.role.c.code, s.app_user.c.username)
    )
    return _rows(conn, query)


def open_orders_of_requisition(conn: Connection, number: str) -> list[str]:
    """Purchase orders placed from a requisition (not cancelled)."""
    query = (
        select(po.c.number)
        .join(pr, and_(pr.c.id == po.c.requisition_id, pr.c.number == number))
        .where(po.c.status != "cancelled")
        .order_by(po.c.number)
    )
    return _numbers(conn, query)
