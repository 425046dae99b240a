"""What the customer-service screens read: repair orders with the parts they consumed, returns (RMA) with their
lines, and complaints with their service-level clocks (time left, or breached)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from erp import schema as s
from erp.fields import N_
from erp.read.documents import DocumentKind, Rows, posted_lines
from erp.services.sla import breaches

_ro, _cu, _it = s.repair_order, s.customer, s.item


def repair_parts(conn: Connection, number: str) -> Rows:
    rp, loc = s.repair_part, s.location
    query = (
        select(
            _it.c.item_code.label("item"),
            _it.c.description,
            loc.c.code.label("location"),
            rp.c.quantity,
            rp.c.unit_cost,
            rp.c.unit_price,
            rp.c.move_number,
        )
        .join(_ro, _ro.c.id == rp.c.repair_id)
        .join(_it, _it.c.id == rp.c.item_id)
        .join(loc, loc.c.id == rp.c.location_id)
        .where(_ro.c.number == number)
        .order_by(rp.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _repair_postings(conn: Connection, head: Mapping[str, Any]) -> Rows:
    rp = s.repair_part
    moves = conn.execute(
        select(rp.c.move_number).join(_ro, _ro.c.id == rp.c.repair_id).where(_ro.c.number == head["number"])
    ).scalars()
    refs = [("repair", m) for m in moves]
    if head.get("invoice"):
        refs.append(("invoice", head["invoice"]))
    return posted_lines(conn, refs)


REPAIRS = DocumentKind(
    name="repair_order",
    label=N_("Repair order"),
    query=select(
        _ro.c.number,
        _cu.c.code.label("customer"),
        _cu.c.name.label("customer_name"),
        _it.c.item_code.label("item"),
        _ro.c.serial_no,
        _ro.c.received_date,
        _ro.c.status,
        _ro.c.fault,
        _ro.c.diagnosis,
        _ro.c.warranty,
        _ro.c.technician,
        _ro.c.labour_hours,
        _ro.c.labour_rate,
        _ro.c.done_date,
        _ro.c.returned_date,
        s.customer_invoice.c.number.label("invoice"),
    )
    .join(_cu, _cu.c.id == _ro.c.customer_id)
    .join(_it, _it.c.id == _ro.c.item_id)
    .outerjoin(s.customer_invoice, s.customer_invoice.c.id == _ro.c.invoice_id),
    labels={
        "number": N_("Number"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "item": N_("Product"),
        "serial_no": N_("Serial number"),
        "received_date": N_("Received on"),
        "status": N_("Status"),
        "fault": N_("Fault reported"),
        "diagnosis": N_("Diagnosis"),
        "warranty": N_("Under warranty"),
        "technician": N_("Technician"),
        "labour_hours": N_("Labour hours"),
        "done_date": N_("Done on"),
        "returned_date": N_("Returned on"),
        "invoice": N_("Invoice"),
    },
    date="received_date",
    choice="status",
    choices=("received", "diagnosed", "repairing", "done", "returned", "cancelled"),
    search=("number", "customer", "customer_name", "item", "serial_no", "fault"),
    lines=repair_parts,
    line_labels={
        "item": N_("Part"),
        "description": N_("Description"),
        "location": N_("From location"),
        "quantity": N_("Quantity"),
        "unit_cost": N_("Unit cost"),
        "unit_price": N_("Price charged per unit"),
        "move_number": N_("Stock move"),
    },
    postings=_repair_postings,
)

_rma, _sh = s.rma, s.shipment


def rma_lines(conn: Connection, number: str) -> Rows:
    ln = s.rma_line
    query = (
        select(ln.c.line_no, _it.c.item_code.label("item"), ln.c.quantity, ln.c.inspection, ln.c.inspection_notes)
        .join(_rma, _rma.c.id == ln.c.rma_id)
        .join(_it, _it.c.id == ln.c.item_id)
        .where(_rma.c.number == number)
        .order_by(ln.c.line_no)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


RMAS = DocumentKind(
    name="rma",
    label=N_("Return (RMA)"),
    query=select(
        _rma.c.number,
        _sh.c.number.label("shipment"),
        _cu.c.code.label("customer"),
        _cu.c.name.label("customer_name"),
        _rma.c.rma_date,
        _rma.c.reason,
        _rma.c.resolution,
        _rma.c.status,
        _rma.c.received_date,
        _rma.c.resolved_date,
        _rma.c.replacement_move,
        s.credit_note.c.number.label("credit_note"),
    )
    .join(_sh, _sh.c.id == _rma.c.shipment_id)
    .join(_cu, _cu.c.id == _rma.c.customer_id)
    .outerjoin(s.credit_note, s.credit_note.c.id == _rma.c.credit_note_id),
    labels={
        "number": N_("Number"),
        "shipment": N_("Shipment"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "rma_date": N_("Date"),
        "reason": N_("Reason for return"),
        "resolution": N_("Resolution type"),
        "status": N_("Status"),
        "received_date": N_("Received on"),
        "resolved_date": N_("Resolved on"),
        "replacement_move": N_("Replacement shipment"),
        "credit_note": N_("Credit note"),
    },
    date="rma_date",
    choice="status",
    choices=("requested", "received", "inspected", "resolved", "cancelled"),
    search=("number", "shipment", "customer", "customer_name", "reason"),
    lines=rma_lines,
    line_labels={
        "line_no": N_("Line"),
        "item": N_("Item"),
        "quantity": N_("Quantity"),
        "inspection": N_("Inspection"),
        "inspection_notes": N_("Notes"),
    },
    postings=lambda conn, head: posted_lines(
        conn,
        ([("credit_note", head["credit_note"])] if head.get("credit_note") else [])
        + ([("rma", head["replacement_move"])] if head.get("replacement_move") else []),
    ),
)

_co = s.complaint


def complaint_notes(conn: Connection, number: str) -> Rows:
    n = s.complaint_note
    query = (
        select(n.c.at, n.c.author, n.c.note)
        .join(_co, _co.c.id == n.c.complaint_id)
        .where(_co.c.number == number)
        .order_by(n.c.at, n.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


COMPLAINTS = DocumentKind(
    name="complaint",
    label=N_("Complaint"),
    query=select(
        _co.c.number,
        _cu.c.code.label("customer"),
        _cu.c.name.label("customer_name"),
        _co.c.channel,
        _co.c.category,
        _co.c.severity,
        _co.c.subject,
        _co.c.status,
        _co.c.received_at,
        _co.c.response_due,
        _co.c.resolution_due,
        _co.c.responded_at,
        _co.c.resolved_at,
        _co.c.resolution,
        _co.c.feedback_score,
    ).join(_cu, _cu.c.id == _co.c.customer_id),
    labels={
        "number": N_("Number"),
        "customer": N_("Customer"),
        "customer_name": N_("Customer name"),
        "channel": N_("Channel"),
        "category": N_("Category"),
        "severity": N_("Severity"),
        "subject": N_("Subject"),
        "status": N_("Status"),
        "received_at": N_("Received at"),
        "response_due": N_("Response due"),
        "resolution_due": N_("Resolution due"),
        "responded_at": N_("Responded at"),
        "resolved_at": N_("Resolved at"),
        "resolution": N_("Resolution"),
        "feedback_score": N_("Feedback score"),
    },
    date="received_at",
    choice="status",
    choices=("open", "investigating", "resolved", "closed"),
    search=("number", "customer", "customer_name", "subject"),
    lines=complaint_notes,
    line_labels={"at": N_("Time"), "author": N_("Author"), "note": N_("Note")},
)


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def sla_clock(case: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Hours left to respond and to resolve (negative: overdue) and whether each target is breached.

    A target already met shows no time left; a breach is decided as :func:`erp.services.sla.breaches` decides it.
    """
    flags = breaches(case, now)
    return {
        "response_left_h": None if case["responded_at"] else _hours(case["response_due"] - now),
        "resolution_left_h": None if case["resolved_at"] else _hours(case["resolution_due"] - now),
        **flags,
    }


SLA_LABELS = {
    "number": N_("Number"),
    "severity": N_("Severity"),
    "status": N_("Status"),
    "subject": N_("Subject"),
    "response_left_h": N_("Hours left to respond"),
    "resolution_left_h": N_("Hours left to resolve"),
    "response_breached": N_("Response breached"),
    "resolution_breached": N_("Resolution breached"),
}


def sla_board(conn: Connection, now: dt.datetime) -> Rows:
    """Every complaint not closed with its clocks, the most urgent first."""
    rows = conn.execute(
        select(_co).where(_co.c.status.in_(("open", "investigating", "resolved"))).order_by(_co.c.resolution_due)
    ).mappings()
    return [
        {"number": r["number"], "severity": r["severity"], "status": r["status"], "subject": r["subject"]}
        | sla_clock(r, now)
        for r in rows
    ]
