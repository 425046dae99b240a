"""Read models of production orders: the order with the BOM and routing copied at release, what was issued and
reported against it, its variances once closed, and every journal line its documents posted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from erp import schema as s
from erp.fields import N_
from erp.services.documents import dec, qty

from .documents import DocumentKind, Rows, entry_lines

mo, mat, op = s.production_order, s.production_order_material, s.production_order_operation
item, loc = s.item, s.location
from_loc = loc.alias("from_loc")

ORDER_STATUSES = ("planned", "released", "completed", "closed", "cancelled")
VARIANCE_LABELS = {
    "material_variance": N_("Material usage variance"),
    "labour_rate_variance": N_("Labour rate variance"),
    "labour_efficiency_variance": N_("Labour efficiency variance"),
    "overhead_variance": N_("Overhead variance"),
    "cost_difference": N_("Standard cost difference"),
}


def _rows(conn: Connection, query: Any) -> Rows:
    return [dict(r) for r in conn.execute(query).mappings()]


def materials(conn: Connection, number: str) -> Rows:
    """The components copied from the BOM at release, with what is planned, issued and still to issue."""
    query = (
        select(
            mat.c.line_no,
            item.c.item_code.label("item"),
            item.c.description,
            mat.c.qty_per,
            mat.c.scrap_pct,
            mat.c.planned_qty,
            mat.c.issued_qty,
            mat.c.unit_cost,
        )
        .join(item, item.c.id == mat.c.item_id)
        .join(mo, mo.c.id == mat.c.order_id)
        .where(mo.c.number == number)
        .order_by(mat.c.line_no)
    )
    return [{**r, "left": max(qty(dec(r["planned_qty"]) - dec(r["issued_qty"])), qty(0))} for r in _rows(conn, query)]


MATERIAL_LABELS = {
    "line_no": N_("Line"),
    "item": N_("Component"),
    "description": N_("Description"),
    "qty_per": N_("Quantity per"),
    "scrap_pct": N_("Scrap %"),
    "planned_qty": N_("Planned qty"),
    "issued_qty": N_("Issued"),
    "left": N_("Still to issue"),
    "unit_cost": N_("Standard cost at release"),
}


def operations(conn: Connection, number: str) -> Rows:
    """The routing steps copied at release, with planned and reported hours."""
    wc = s.work_center
    query = (
        select(
            op.c.step_no,
            wc.c.code.label("work_center"),
            wc.c.name.label("work_center_name"),
            op.c.planned_hours,
            op.c.labour_rate,
            op.c.overhead_rate,
            op.c.labour_hours,
            op.c.machine_hours,
            op.c.labour_cost,
        )
        .join(wc, wc.c.id == op.c.work_center_id)
        .join(mo, mo.c.id == op.c.order_id)
        .where(mo.c.number == number)
        .order_by(op.c.step_no)
    )
    return _rows(conn, query)


OPERATION_LABELS = {
    "step_no": N_("Operation (routing step)"),
    "work_center": N_("Work center"),
    "work_center_name": N_("Work center name"),
    "planned_hours": N_("Planned hours"),
    "labour_rate": N_("Standard labour rate"),
    "overhead_rate": N_("Overhead rate"),
    "labour_hours": N_("Labour hours reported"),
    "machine_hours": N_("Machine hours reported"),
    "labour_cost": N_("Labour cost"),
}

PRODUCTION_ORDERS = DocumentKind(
    name="production_order",
    label=N_("Production orders"),
    query=select(
        mo.c.number,
        item.c.item_code.label("item"),
        item.c.description,
        mo.c.quantity,
        mo.c.completed_qty,
        mo.c.start_date,
        mo.c.due_date,
        mo.c.status,
        loc.c.code.label("location"),
        from_loc.c.code.label("issue_location"),
        mo.c.issue_method,
        mo.c.created_by,
        mo.c.released_at,
        mo.c.closed_at,
        *(mo.c[name] for name in VARIANCE_LABELS),
        mo.c.reference,
    )
    .join(item, item.c.id == mo.c.item_id)
    .join(loc, loc.c.id == mo.c.location_id)
    .join(from_loc, from_loc.c.id == mo.c.issue_location_id),
    labels={
        "number": N_("Number"),
        "item": N_("Item to make"),
        "description": N_("Description"),
        "quantity": N_("Quantity"),
        "completed_qty": N_("Made"),
        "start_date": N_("Start date"),
        "due_date": N_("Due date"),
        "status": N_("Status"),
        "location": N_("Finished goods into"),
        "issue_location": N_("Materials from"),
        "issue_method": N_("Material issue"),
        "created_by": N_("Created by"),
        "released_at": N_("Released at"),
        "closed_at": N_("Closed at"),
        **VARIANCE_LABELS,
        "reference": N_("Reference"),
    },
    date="start_date",
    choice="status",
    choices=ORDER_STATUSES,
    search=("number", "item", "description", "reference"),
    lines=materials,
    line_labels=MATERIAL_LABELS,
    # Every journal line of the order's issues, time reports, completions and close carries its number.
    postings=lambda conn, head: entry_lines(
        conn,
        s.journal_entry.c.id.in_(
            select(s.journal_line.c.entry_id).where(
                s.journal_line.c.doc_type == "production_order", s.journal_line.c.doc_number == head["number"]
            )
        ),
    ),
)
