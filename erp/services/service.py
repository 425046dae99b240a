"""Customer service: repair orders, returns and exchanges (RMA) and complaints.

Repair order: received -> diagnosed -> repairing -> done -> returned; received or diagnosed -> cancelled.
Parts are issued from stock while repairing (Dr the ``repair_parts`` or, under warranty, ``repair_parts_warranty``
rule's account / Cr inventory, at standard cost). Returning a billable repair invoices its parts and labour.

RMA (against a shipment): requested -> received -> inspected -> resolved; requested -> cancelled. Inspection
decides per line: restock (back into stock, reversing the cost of goods sold) or scrap (stays expensed).
Resolution: a replacement shipment from stock, or a credit note (Dr revenue and output VAT / Cr receivable).

Complaint: open -> investigating -> resolved -> closed; resolved -> investigating (reopened). Response and
resolution are due by the severity's service level (see :mod:`erp.services.sla`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import (
    ZERO,
    company_settings,
    dec,
    line_field,
    money,
    qty,
    raise_if,
    show,
    validate_document,
)
from erp.services.inventory import StockBatch, load_items
from erp.services.ledger import Postings, post_entry
from erp.services.sales import _customer, _exchange_rate, _net, _write_invoice
from erp.services.sla import due_times, parse_time, sla_report
from erp.services.workflow import locked, move, require_status

REPAIRS, RETURNS, COMPLAINTS = "service.repairs", "service.returns", "service.complaints"

REPAIR_FLOW = {
    "received": ("diagnosed", "cancelled"),
    "diagnosed": ("repairing", "cancelled"),
    "repairing": ("done",),
    "done": ("returned",),
}
RMA_FLOW = {
    "requested": ("received", "cancelled"),
    "received": ("inspected",),
    "inspected": ("resolved",),
}
COMPLAINT_FLOW = {
    "open": ("investigating",),
    "investigating": ("resolved",),
    "resolved": ("closed", "investigating"),
}


class _Aliased(Postings):
    """Posts stock issues under another event, so repair parts hit service accounts and not production."""

    def __init__(self, conn: Connection, aliases: Mapping[str, str]) -> None:
        super().__init__(conn)
        self.aliases = aliases

    def add(self, event: str, amount: Decimal, **kwargs: Any) -> None:  # type: ignore[override]
        super().add(self.aliases.get(event, event), amount, **kwargs)


# --- repair orders ------------------------------------------------------------------------------------------

REPAIR_FIELDS = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer),
        Ref("item", N_("Product"), required=True, column="item_id", table=s.item, key="item_code"),
        Text("serial_no", N_("Serial number"), max_length=80),
        Text("fault", N_("Fault reported"), required=True, max_length=4000),
        Date("received_date", N_("Received on"), required=True),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("repair_order.create", REPAIRS)
def create_repair_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A product received for repair: ``{customer, item, serial_no, fault, received_date, reference}``."""
    values, errors = REPAIR_FIELDS.validate(data, tx.conn)
    raise_if(errors)
    number = tx.next_number("rep")
    row = {
        **{k: (v if v != "" else None) for k, v in values.items()},
        "number": number,
        "status": "received",
        "warranty": False,
        "labour_hours": ZERO,
        "labour_rate": ZERO,
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.repair_order).values(**row))
    tx.audit("repair_order", number, None, row)
    return row


def _repair(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.repair_order, number, t("Repair order"), "repair")


@action("repair_order.diagnose", REPAIRS)
def diagnose_repair(tx: Tx, number: str, diagnosis: str, warranty: bool, technician: str = "") -> dict[str, Any]:
    """Record the diagnosis and whether the repair is under warranty (free) or billable."""
    if not (diagnosis or "").strip():
        raise ServiceError(FieldError("diagnosis", t("is required")))
    values, errors = FieldSet((Bool("warranty", N_("Under warranty"), required=True),)).validate(
        {"warranty": warranty}, tx.conn
    )
    raise_if(errors)
    return move(
        tx,
        s.repair_order,
        _repair(tx.conn, number),
        "diagnosed",
        REPAIR_FLOW,
        "repair",
        diagnosis=diagnosis.strip(),
        warranty=values["warranty"],
        technician=technician or None,
    )


@action("repair_order.start", REPAIRS)
def start_repair(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.repair_order, _repair(tx.conn, number), "repairing", REPAIR_FLOW, "repair")


@action("repair_order.cancel", REPAIRS)
def cancel_repair(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.repair_order, _repair(tx.conn, number), "cancelled", REPAIR_FLOW, "repair")


PARTS_HEADER = FieldSet(
    (
        Date("issue_date", N_("Issue date"), required=True),
        Ref("location", N_("From location"), required=True, column="location_id", table=s.location, only_active=True),
    )
)
PARTS_LINE = FieldSet(
    (
        Ref("item", N_("Part"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Dec("unit_price", N_("Price charged per unit (blank: standard cost)"), min_value=0),
    )
)


@action("repair_order.parts", REPAIRS)
def consume_parts(tx: Tx, number: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Issue parts from stock to a repair under way.

    ``{issue_date, location, lines: [{item, quantity, unit_price}]}``.
    """
    repair = _repair(tx.conn, number)
    require_status(repair, ("repairing",), "repair", t("issue parts"))
    header, lines, errors = validate_document(tx.conn, PARTS_HEADER, PARTS_LINE, data)
    if not errors and header["issue_date"] < repair["received_date"]:
        errors.append(FieldError("issue_date", t("must not be before the repair was received")))
    raise_if(errors)
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    move_number = tx.next_number("sm")
    batch = StockBatch(tx, number=move_number, move_date=header["issue_date"], source_type="repair", source_ref=number)
    event = "repair_parts_warranty" if repair["warranty"] else "repair_parts"
    batch.postings = _Aliased(tx.conn, {"stock_issue": event})
    customer = _customer(tx.conn, repair["customer_id"])
    rows = []
    for n, ln in enumerate(lines, start=1):
        item = items[ln["item_id"]]
        batch.move(
            "issue",
            item,
            header["location_id"],
            -ln["quantity"],
            field=line_field(n, "quantity"),
            reason=t("Repair {number}", number=number),
            customer_id=customer["id"],
        )
        price = ln.get("unit_price")
        rows.append(
            {
                "repair_id": repair["id"],
                "item_id": item["id"],
                "location_id": header["location_id"],
                "quantity": ln["quantity"],
                "unit_cost": dec(item["standard_cost"]),
                "unit_price": dec(item["standard_cost"]) if price is None else price,
                "move_number": move_number,
            }
        )
    entry = batch.finish(t("Parts for repair {number}", number=number))
    tx.conn.execute(insert(s.repair_part), rows)
    tx.audit("repair_part", number, None, {**header, "lines": lines, "move": move_number})
    return {"move": move_number, "journal_entry": entry["number"] if entry else None}


@action("repair_order.labour", REPAIRS)
def record_labour(tx: Tx, number: str, hours: Any, rate: Any = None) -> dict[str, Any]:
    """Add labour hours to a repair under way; ``rate`` (per hour) sets what a billable repair charges."""
    repair = _repair(tx.conn, number)
    require_status(repair, ("repairing",), "repair", t("record labour"))
    values, errors = FieldSet(
        (Dec("hours", N_("Hours"), required=True, positive=True), Dec("rate", N_("Rate per hour"), min_value=0))
    ).validate({"hours": hours, "rate": rate}, tx.conn)
    raise_if(errors)
    changes = {"labour_hours": qty(dec(repair["labour_hours"]) + values["hours"])}
    if values.get("rate") is not None:
        changes["labour_rate"] = values["rate"]
    tx.conn.execute(update(s.repair_order).where(s.repair_order.c.id == repair["id"]).values(**changes))
    tx.audit("repair_order", number, {k: repair[k] for k in changes}, changes)
    return {**repair, **changes}


@action("repair_order.done", REPAIRS)
def complete_repair(tx: Tx, number: str, done_date: dt.date) -> dict[str, Any]:
    repair = _repair(tx.conn, number)
    if repair["status"] == "repairing" and done_date < repair["received_date"]:
        raise ServiceError(FieldError("done_date", t("must not be before the repair was received")))
    return move(tx, s.repair_order, repair, "done", REPAIR_FLOW, "repair", done_date=done_date)


@action("repair_order.return", REPAIRS)
def return_repair(tx: Tx, number: str, returned_date: dt.date, exchange_rate: Any = None) -> dict[str, Any]:
    """Hand the product back; a billable repair is invoiced for its parts and labour at the same time."""
    repair = _repair(tx.conn, number)
    if repair["status"] == "done" and returned_date < (repair["done_date"] or repair["received_date"]):
        raise ServiceError(FieldError("returned_date", t("must not be before the repair was done")))
    invoice = None
    if repair["status"] == "done" and not repair["warranty"]:
        rp = s.repair_part
        parts = tx.conn.execute(
            select(rp.c.item_id, rp.c.quantity, rp.c.unit_price).where(rp.c.repair_id == repair["id"]).order_by(rp.c.id)
        ).all()
        lines = [
            {"item_id": p.item_id, "quantity": dec(p.quantity), "unit_price": dec(p.unit_price), "discount_pct": ZERO}
            for p in parts
            if dec(p.unit_price) > 0
        ]
        hours, rate = dec(repair["labour_hours"]), dec(repair["labour_rate"])
        if hours > 0 and rate > 0:
            lines.append(
                {
                    "description": t("Repair labour {number}", number=number),
                    "quantity": hours,
                    "unit_price": rate,
                    "discount_pct": ZERO,
                }
            )
        if lines:
            customer = _customer(tx.conn, repair["customer_id"])
            company = company_settings(tx.conn)
            given = None if exchange_rate in (None, "") else dec(exchange_rate)
            fx, errors = _exchange_rate(customer, company["base_currency"], given)
            raise_if(errors)
            invoice = _write_invoice(
                tx,
                customer,
                invoice_date=returned_date,
                due_date=None,
                rate=fx,
                vat_rate=dec(company["default_vat_rate"]),
                lines=lines,
                order_id=None,
                reference=number,
            )
    after = move(
        tx,
        s.repair_order,
        repair,
        "returned",
        REPAIR_FLOW,
        "repair",
        returned_date=returned_date,
        invoice_id=invoice["id"] if invoice else None,
    )
    return {**after, "invoice": invoice["number"] if invoice else None}


# --- returns and exchanges ----------------------------------------------------------------------------------

RMA_HEADER = FieldSet(
    (
        Ref("shipment", N_("Shipment"), required=True, column="shipment_id", table=s.shipment, key="number"),
        Date("rma_date", N_("Date"), required=True),
        Text("reason", N_("Reason for return"), required=True, max_length=400),
        Choice("resolution", N_("Resolution: replacement or credit"), required=True, choices=("replacement", "credit")),
        Text("reference", N_("Reference"), max_length=60),
    )
)
RMA_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
    )
)


def _returnable(conn: Connection, shipment_id: int) -> dict[int, dict[str, Any]]:
    """Per item on the shipment: its shipment line, and how much is shipped and not yet on another RMA."""
    sl, rl, r = s.shipment_line, s.rma_line, s.rma
    returned = dict(
        conn.execute(
            select(rl.c.shipment_line_id, func.sum(rl.c.quantity))
            .join(r, r.c.id == rl.c.rma_id)
            .where(r.c.shipment_id == shipment_id, r.c.status != "cancelled")
            .group_by(rl.c.shipment_line_id)
        ).all()
    )
    out: dict[int, dict[str, Any]] = {}
    for line in conn.execute(select(sl).where(sl.c.shipment_id == shipment_id).order_by(sl.c.id)).mappings():
        entry = out.setdefault(line["item_id"], {"line_id": line["id"], "left": ZERO})
        entry["left"] += qty(line["quantity"]) - qty(returned.get(line["id"]) or 0)
    return out


@action("rma.create", RETURNS)
def create_rma(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A return authorisation: ``{shipment, rma_date, reason, resolution, lines: [{item, quantity}]}``."""
    header, lines, errors = validate_document(tx.conn, RMA_HEADER, RMA_LINE, data)
    raise_if(errors)
    shipment = fetch_one(tx.conn, s.shipment, id=header["shipment_id"])
    assert shipment is not None
    if header["rma_date"] < shipment["ship_date"]:
        errors.append(FieldError("rma_date", t("must not be before the shipment date")))
    returnable = _returnable(tx.conn, shipment["id"])
    asked: dict[int, Decimal] = {}
    for n, ln in enumerate(lines, start=1):
        entry = returnable.get(ln["item_id"])
        asked[ln["item_id"]] = asked.get(ln["item_id"], ZERO) + ln["quantity"]
        if entry is None:
            errors.append(
                FieldError(line_field(n, "item"), t("was not on shipment {number}", number=shipment["number"]))
            )
        elif asked[ln["item_id"]] > entry["left"]:
            errors.append(
                FieldError(line_field(n, "quantity"), t("only {left} can still be returned", left=show(entry["left"])))
            )
    raise_if(errors)
    number = tx.next_number("rma")
    row = {
        **header,
        "number": number,
        "customer_id": shipment["customer_id"],
        "status": "requested",
        "reference": header.get("reference") or None,
        "created_at": tx.now,
    }
    rma_id = tx.conn.execute(insert(s.rma).values(**row)).inserted_primary_key[0]
    tx.conn.execute(
        insert(s.rma_line),
        [
            {
                "rma_id": rma_id,
                "line_no": n,
                "shipment_line_id": returnable[ln["item_id"]]["line_id"],
                "item_id": ln["item_id"],
                "quantity": ln["quantity"],
            }
            for n, ln in enumerate(lines, start=1)
        ],
    )
    tx.audit("rma", number, None, {**row, "lines": lines})
    return {"id": rma_id, **row}


def _rma(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.rma, number, t("Return"), "rma")


def _rma_lines(conn: Connection, rma_id: int) -> list[dict[str, Any]]:
    rl = s.rma_line
    return [dict(r) for r in conn.execute(select(rl).where(rl.c.rma_id == rma_id).order_by(rl.c.line_no)).mappings()]


@action("rma.cancel", RETURNS)
def cancel_rma(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.rma, _rma(tx.conn, number), "cancelled", RMA_FLOW, "rma")


@action("rma.receive", RETURNS)
def receive_rma(tx: Tx, number: str, received_date: dt.date, location: str) -> dict[str, Any]:
    """The returned goods arrived (into a quarantine location until inspected)."""
    rma = _rma(tx.conn, number)
    values, errors = FieldSet(
        (Ref("location", N_("Location"), required=True, column="location_id", table=s.location, only_active=True),)
    ).validate({"location": location}, tx.conn)
    if rma["status"] == "requested" and received_date < rma["rma_date"]:
        errors.append(FieldError("received_date", t("must not be before the return was authorised")))
    raise_if(errors)
    return move(
        tx, s.rma, rma, "received", RMA_FLOW, "rma", received_date=received_date, location_id=values["location_id"]
    )


INSPECT_LINE = FieldSet(
    (
        Int("line_no", N_("Return line"), required=True, min_value=1),
        Choice("result", N_("Result: restock or scrap"), required=True, choices=("restock", "scrap")),
        Text("notes", N_("Inspection notes"), max_length=400),
    )
)


@action("rma.inspect", RETURNS)
def inspect_rma(tx: Tx, number: str, inspection_date: dt.date, lines: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Decide every line: restock puts it back into stock at the receiving location; scrap keeps it out."""
    rma = _rma(tx.conn, number)
    require_status(rma, ("received",), "rma", t("inspect it"))
    _, results, errors = validate_document(tx.conn, FieldSet(()), INSPECT_LINE, {"lines": lines}, lines_required=False)
    stored = {ln["line_no"]: ln for ln in _rma_lines(tx.conn, rma["id"])}
    given = {r.get("line_no") for r in results}
    for n, r in enumerate(results, start=1):
        if r.get("line_no") is not None and r["line_no"] not in stored:
            errors.append(FieldError(line_field(n, "line_no"), t("the return has no line {no}", no=r["line_no"])))
    missing = sorted(set(stored) - given)
    if missing:
        errors.append(FieldError("lines", t("lines not inspected: {lines}", lines=", ".join(map(str, missing)))))
    raise_if(errors)
    restock = [r for r in results if r["result"] == "restock"]
    entry = None
    move_number = None
    if restock:
        items = load_items(tx.conn, (stored[r["line_no"]]["item_id"] for r in restock))
        customer = _customer(tx.conn, rma["customer_id"])
        move_number = tx.next_number("sm")
        batch = StockBatch(tx, number=move_number, move_date=inspection_date, source_type="rma", source_ref=number)
        for r in restock:
            line = stored[r["line_no"]]
            batch.move(
                "shipment",
                items[line["item_id"]],
                rma["location_id"],
                qty(line["quantity"]),
                field=line_field(r["line_no"], "result"),
                reason=t("Return {number}", number=number),
                partner_group=customer["customer_group"],
                customer_id=customer["id"],
            )
        entry = batch.finish(t("Restock of return {number}", number=number))
    rl = s.rma_line
    for r in results:
        tx.conn.execute(
            update(rl)
            .where(rl.c.id == stored[r["line_no"]]["id"])
            .values(inspection=r["result"], inspection_notes=r.get("notes") or None)
        )
    after = move(tx, s.rma, rma, "inspected", RMA_FLOW, "rma")
    tx.audit("rma_line", number, None, {"lines": results, "move": move_number})
    return {**after, "move": move_number, "journal_entry": entry["number"] if entry else None}


@action("rma.resolve", RETURNS)
def resolve_rma(tx: Tx, number: str, resolved_date: dt.date, location: str = "") -> dict[str, Any]:
    """Ship replacements from ``location``, or credit the customer at the order's prices and VAT."""
    rma = _rma(tx.conn, number)
    require_status(rma, ("inspected",), "rma", t("resolve it"))
    if resolved_date < rma["rma_date"]:
        raise ServiceError(FieldError("resolved_date", t("must not be before the return was authorised")))
    lines = _rma_lines(tx.conn, rma["id"])
    customer = _customer(tx.conn, rma["customer_id"])
    shipment = fetch_one(tx.conn, s.shipment, id=rma["shipment_id"])
    assert shipment is not None
    extra: dict[str, Any] = {}
    result: dict[str, Any] = {}
    if rma["resolution"] == "replacement":
        values, errors = FieldSet(
            (
                Ref(
                    "location",
                    N_("Ship replacements from"),
                    required=True,
                    column="location_id",
                    table=s.location,
                    only_active=True,
                ),
            )
        ).validate({"location": location}, tx.conn)
        raise_if(errors)
        items = load_items(tx.conn, (ln["item_id"] for ln in lines))
        move_number = tx.next_number("sm")
        batch = StockBatch(tx, number=move_number, move_date=resolved_date, source_type="rma", source_ref=number)
        for ln in lines:
            batch.move(
                "shipment",
                items[ln["item_id"]],
                values["location_id"],
                -qty(ln["quantity"]),
                field=line_field(ln["line_no"], "quantity"),
                reason=t("Replacement for {number}", number=number),
                partner_group=customer["customer_group"],
                customer_id=customer["id"],
            )
        entry = batch.finish(t("Replacement shipment for return {number}", number=number))
        extra["replacement_move"] = move_number
        result = {"move": move_number, "journal_entry": entry["number"] if entry else None}
    else:
        note = _credit_note(tx, rma, lines, customer, shipment, resolved_date)
        extra["credit_note_id"] = note["id"]
        result = {
            "credit_note": note["number"],
            "journal_entry": note["journal_entry"],
            "gross_amount": note["gross_amount"],
        }
    after = move(tx, s.rma, rma, "resolved", RMA_FLOW, "rma", resolved_date=resolved_date, **extra)
    return {**after, **result}


def _credit_note(
    tx: Tx,
    rma: Mapping[str, Any],
    lines: list[dict[str, Any]],
    customer: Mapping[str, Any],
    shipment: Mapping[str, Any],
    note_date: dt.date,
) -> dict[str, Any]:
    order = fetch_one(tx.conn, s.sales_order, id=shipment["order_id"])
    assert order is not None
    sol, sl = s.sales_order_line, s.shipment_line
    prices = {
        r.id: r
        for r in tx.conn.execute(
            select(sl.c.id, sol.c.unit_price, sol.c.discount_pct)
            .join(sol, sol.c.id == sl.c.order_line_id)
            .where(sl.c.id.in_([ln["shipment_line_id"] for ln in lines]))
        )
    }
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    rate, vat = dec(order["exchange_rate"]), dec(order["vat_rate"])
    number = tx.next_number("cn")
    postings = Postings(tx.conn)
    dims = {"customer_id": customer["id"], "doc_type": "credit_note", "doc_number": number}
    net = ZERO
    for ln in lines:
        p = prices[ln["shipment_line_id"]]
        amount = _net(qty(ln["quantity"]), dec(p.unit_price), dec(p.discount_pct))
        net += amount
        postings.add(
            "credit_note", amount * rate, item=items[ln["item_id"]], partner_group=customer["customer_group"], **dims
        )
    tax = money(net * vat)
    postings.add("credit_note_tax", tax * rate, partner_group=customer["customer_group"], **dims)
    entry = post_entry(
        tx,
        entry_date=note_date,
        lines=postings.lines,
        source_type="credit_note",
        source_ref=number,
        description=t("Credit note {number} for return {rma}", number=number, rma=rma["number"]),
        date_field="resolved_date",
    )
    row = {
        "number": number,
        "customer_id": customer["id"],
        "note_date": note_date,
        "currency": order["currency"],
        "exchange_rate": rate,
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "source_ref": rma["number"],
        "journal_entry_id": entry["id"] if entry else None,
        "created_at": tx.now,
    }
    note_id = tx.conn.execute(insert(s.credit_note).values(**row)).inserted_primary_key[0]
    tx.audit("credit_note", number, None, row)
    return {"id": note_id, **row, "journal_entry": entry["number"] if entry else None}


# --- complaints ---------------------------------------------------------------------------------------------

CHANNELS = ("phone", "email", "web", "visit", "social", "letter")
CATEGORIES = ("quality", "delivery", "service", "billing", "safety", "other")
COMPLAINT_FIELDS = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer),
        Choice("channel", N_("Channel"), required=True, choices=CHANNELS),
        Choice("category", N_("Category"), required=True, choices=CATEGORIES),
        Choice("severity", N_("Severity"), required=True, choices=("low", "medium", "high", "critical")),
        Text("subject", N_("Subject"), required=True),
        Text("description", N_("Description"), max_length=8000),
        Ref("owner", N_("Owner"), column="owner_id", table=s.employee, key="employee_code"),
        Text("received_at", N_("Received at (YYYY-MM-DD HH:MM; blank: now)"), max_length=20),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("complaint.log", COMPLAINTS)
def log_complaint(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Log a complaint; its response and resolution are due by the severity's service level."""
    values, errors = COMPLAINT_FIELDS.validate(data, tx.conn)
    received = parse_time(values.get("received_at"), tx.now) if not errors else None
    if not errors and received is None:
        errors.append(FieldError("received_at", t("must be a date and time like 2026-01-31 14:30")))
    raise_if(errors)
    assert received is not None
    response_due, resolution_due = due_times(tx.conn, "complaint", values["severity"], received)
    number = tx.next_number("cmp")
    row = {
        **{k: (v if v != "" else None) for k, v in values.items()},
        "number": number,
        "received_at": received,
        "response_due": response_due,
        "resolution_due": resolution_due,
        "status": "open",
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.complaint).values(**row))
    tx.audit("complaint", number, None, row)
    return row


def _complaint(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.complaint, number, t("Complaint"), "complaint")


def _when(value: Any, default: dt.datetime, field: str) -> dt.datetime:
    when = parse_time(value, default)
    if when is None:
        raise ServiceError(FieldError(field, t("must be a date and time like 2026-01-31 14:30")))
    return when


def _note(tx: Tx, complaint: Mapping[str, Any], note: str, at: dt.datetime) -> None:
    tx.conn.execute(
        insert(s.complaint_note).values(complaint_id=complaint["id"], at=at, author=tx.actor.username, note=note)
    )
    tx.audit("complaint_note", complaint["number"], None, {"at": at, "note": note})


@action("complaint.investigate", COMPLAINTS)
def start_investigation(tx: Tx, number: str, note: str, at: Any = None, owner: str = "") -> dict[str, Any]:
    """First response: the complaint is taken up (optionally by a new owner) with a first note."""
    complaint = _complaint(tx.conn, number)
    if not (note or "").strip():
        raise ServiceError(FieldError("note", t("is required")))
    when = _when(at, tx.now, "at")
    changes: dict[str, Any] = {}
    if owner:
        values, errors = FieldSet(
            (Ref("owner", N_("Owner"), column="owner_id", table=s.employee, key="employee_code"),)
        ).validate({"owner": owner}, tx.conn)
        raise_if(errors)
        changes["owner_id"] = values["owner_id"]
    if complaint["status"] == "open":
        changes["responded_at"] = when
    elif complaint["status"] == "resolved":
        changes["resolved_at"] = None  # reopened: resolved again later
    after = move(tx, s.complaint, complaint, "investigating", COMPLAINT_FLOW, "complaint", **changes)
    _note(tx, complaint, note.strip(), when)
    return after


@action("complaint.note", COMPLAINTS)
def add_complaint_note(tx: Tx, number: str, note: str, at: Any = None) -> None:
    """An investigation note on a complaint being investigated."""
    complaint = _complaint(tx.conn, number)
    require_status(complaint, ("investigating",), "complaint", t("add investigation notes"))
    if not (note or "").strip():
        raise ServiceError(FieldError("note", t("is required")))
    _note(tx, complaint, note.strip(), _when(at, tx.now, "at"))


@action("complaint.resolve", COMPLAINTS)
def resolve_complaint(tx: Tx, number: str, resolution: str, at: Any = None) -> dict[str, Any]:
    complaint = _complaint(tx.conn, number)
    if not (resolution or "").strip():
        raise ServiceError(FieldError("resolution", t("is required")))
    when = _when(at, tx.now, "at")
    if complaint["responded_at"] and when < complaint["responded_at"]:
        raise ServiceError(FieldError("at", t("must not be before the first response")))
    return move(
        tx,
        s.complaint,
        complaint,
        "resolved",
        COMPLAINT_FLOW,
        "complaint",
        resolution=resolution.strip(),
        resolved_at=when,
    )


@action("complaint.close", COMPLAINTS)
def close_complaint(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.complaint, _complaint(tx.conn, number), "closed", COMPLAINT_FLOW, "complaint")


@action("complaint.feedback", COMPLAINTS)
def record_complaint_feedback(tx: Tx, number: str, score: Any) -> dict[str, Any]:
    """The customer's score (1-5) of how the complaint was handled, once it is resolved."""
    complaint = _complaint(tx.conn, number)
    require_status(complaint, ("resolved", "closed"), "complaint", t("record feedback"))
    values, errors = FieldSet((Int("score", N_("Score"), required=True, min_value=1, max_value=5),)).validate(
        {"score": score}, tx.conn
    )
    raise_if(errors)
    tx.conn.execute(
        update(s.complaint).where(s.complaint.c.id == complaint["id"]).values(feedback_score=values["score"])
    )
    tx.audit("complaint", number, {"feedback_score": complaint["feedback_score"]}, {"feedback_score": values["score"]})
    return {**complaint, "feedback_score": values["score"]}


def complaint_sla(session: Session, as_of: dt.datetime) -> dict[str, Any]:
    """Complaints with their breaches and the share within target per severity."""
    return sla_report(session, s.complaint, "severity", COMPLAINTS, as_of)
