"""Production orders: make an item from its bill of materials along its routing, costed at standard.

Status transitions (anything else is refused):
- planned -> released (BOM and routing copied, with the standard costs and rates of that moment) -> completed
  (everything made) -> closed (variances posted); released -> closed (short close); planned -> cancelled

What posts, each in the transaction of its document:
- material issue (manual, or backflushed at completion): Dr work in process 5001 / Cr inventory, at standard;
- labour reported: Dr 5001 / Cr wages payable, at the actual rate; machine time: Dr 5001 / Cr manufacturing
  overhead 5101 at the work center's overhead rate (absorption);
- completion: Dr finished goods / Cr 5001 at the item's standard cost;
- close: what is left in 5001 for the order is split into material usage, labour rate, labour efficiency and
  overhead variances and the difference between the released standard and the item's standard cost, each to
  its own account (posting rules), so the order's work in process ends at zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action, fetch_one
from erp.services.documents import ZERO, dec, line_field, money, not_found, qty, raise_if, show, validate_document
from erp.services.inventory import StockBatch, load_items
from erp.services.ledger import Postings, post_entry
from erp.services.procurement import finish_batch

HUNDRED = Decimal(100)
VARIANCE_EVENTS = {
    "material_variance": "production_material_variance",
    "labour_rate_variance": "production_labour_rate_variance",
    "labour_efficiency_variance": "production_labour_efficiency_variance",
    "overhead_variance": "production_overhead_variance",
    "cost_difference": "production_cost_difference",
}

ORDER_FIELDS = FieldSet(
    (
        Ref(
            "item", N_("Item to make"), required=True, column="item_id", table=s.item, key="item_code", only_active=True
        ),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Date("start_date", N_("Start date"), required=True),
        Date("due_date", N_("Due date"), required=True),
        Ref(
            "location",
            N_("Finished goods into"),
            required=True,
            column="location_id",
            table=s.location,
            only_active=True,
        ),
        Ref(
            "issue_location",
            N_("Materials from"),
            required=True,
            column="issue_location_id",
            table=s.location,
            only_active=True,
        ),
        Choice("issue_method", N_("Material issue"), default="manual", choices=("manual", "backflush")),
        Text("reference", N_("Reference"), max_length=60),
    )
)


def _conflict(field: str, message: str) -> ServiceError:
    return ServiceError(FieldError(field, message), code="conflict")


def _has_bom(conn: Connection, item_id: int) -> bool:
    return (
        conn.execute(select(s.bom_line.c.id).where(s.bom_line.c.parent_item_id == item_id).limit(1)).first() is not None
    )


@action("production_order.create", "production.orders")
def create_production_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A planned order to make an item: ``{item, quantity, start_date, due_date, location, issue_location,
    issue_method (manual | backflush), reference}``."""
    values, errors = ORDER_FIELDS.validate(data, tx.conn)
    if not errors:
        if values["due_date"] < values["start_date"]:
            errors.append(FieldError("due_date", t("must not be before the start date")))
        item = load_items(tx.conn, [values["item_id"]])[values["item_id"]]
        if item["item_type"] != "make":
            errors.append(
                FieldError("item", t("{item} is a buy item: order it with a purchase order", item=item["item_code"]))
            )
        elif not _has_bom(tx.conn, item["id"]):
            errors.append(FieldError("item", t("{item} has no bill of materials", item=item["item_code"])))
    raise_if(errors)
    number = tx.next_number("mo")
    row = {
        **values,
        "number": number,
        "status": "planned",
        "completed_qty": ZERO,
        "reference": values.get("reference") or None,
        "created_by": tx.actor.username,
        "created_at": tx.now,
    }
    order_id = tx.conn.execute(insert(s.production_order).values(**row)).inserted_primary_key[0]
    tx.audit("production_order", number, None, row)
    return {"id": order_id, **row}


def _order(conn: Connection, number: str | None = None, *, order_id: int | None = None) -> dict[str, Any]:
    """An order, locked until commit (PostgreSQL) so that two postings on it take turns."""
    po = s.production_order
    query = select(po).where(po.c.number == number if order_id is None else po.c.id == order_id).with_for_update()
    row = conn.execute(query).mappings().one_or_none()
    if row is None:
        raise not_found("order", t("Production order"), number)
    return dict(row)


def _require_status(order: Mapping[str, Any], allowed: tuple[str, ...], doing: str) -> None:
    if order["status"] not in allowed:
        raise _conflict(
            "order",
            t("{number} is {status}; cannot {doing}", number=order["number"], status=order["status"], doing=doing),
        )


@action("production_order.release", "production.orders")
def release_production_order(tx: Tx, number: str) -> dict[str, Any]:
    """Release a planned order: copy the item's BOM and routing, with today's standard costs and rates."""
    order = _order(tx.conn, number)
    _require_status(order, ("planned",), t("release it"))
    bom = tx.conn.execute(
        select(s.bom_line.c.component_item_id, s.bom_line.c.qty_per, s.bom_line.c.scrap_pct, s.item.c.standard_cost)
        .join(s.item, s.item.c.id == s.bom_line.c.component_item_id)
        .where(s.bom_line.c.parent_item_id == order["item_id"])
        .order_by(s.item.c.item_code)
    ).all()
    if not bom:
        raise ServiceError(FieldError("order", t("the item of {number} has no bill of materials", number=number)))
    quantity = dec(order["quantity"])
    materials = [
        {
            "order_id": order["id"],
            "line_no": n,
            "item_id": r.component_item_id,
            "qty_per": dec(r.qty_per),
            "scrap_pct": dec(r.scrap_pct),
            "planned_qty": qty(quantity * dec(r.qty_per) * (HUNDRED + dec(r.scrap_pct)) / HUNDRED),
            "issued_qty": ZERO,
            "unit_cost": dec(r.standard_cost),
        }
        for n, r in enumerate(bom, start=1)
    ]
    rs, wc = s.routing_step, s.work_center
    steps = tx.conn.execute(
        select(
            rs.c.step_no,
            rs.c.work_center_id,
            rs.c.hours_per_unit,
            rs.c.setup_hours,
            wc.c.labour_rate,
            wc.c.overhead_rate,
        )
        .join(wc, wc.c.id == rs.c.work_center_id)
        .where(rs.c.item_id == order["item_id"])
        .order_by(rs.c.step_no)
    ).all()
    operations = [
        {
            "order_id": order["id"],
            "step_no": r.step_no,
            "work_center_id": r.work_center_id,
            "hours_per_unit": dec(r.hours_per_unit),
            "setup_hours": dec(r.setup_hours),
            "planned_hours": qty(dec(r.setup_hours) + dec(r.hours_per_unit) * quantity),
            "labour_rate": dec(r.labour_rate),
            "overhead_rate": dec(r.overhead_rate),
        }
        for r in steps
    ]
    tx.conn.execute(insert(s.production_order_material), materials)
    if operations:
        tx.conn.execute(insert(s.production_order_operation), operations)
    po = s.production_order
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(status="released", released_at=tx.now))
    tx.audit(
        "production_order",
        number,
        {"status": "planned"},
        {"status": "released", "materials": materials, "operations": operations},
    )
    return {**order, "status": "released", "materials": len(materials), "operations": len(operations)}


@action("production_order.cancel", "production.orders")
def cancel_production_order(tx: Tx, number: str) -> None:
    order = _order(tx.conn, number)
    _require_status(order, ("planned",), t("cancel it"))
    po = s.production_order
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(status="cancelled"))
    tx.audit("production_order", number, {"status": "planned"}, {"status": "cancelled"})


def _materials(conn: Connection, order_id: int) -> list[dict[str, Any]]:
    m = s.production_order_material
    return [dict(r) for r in conn.execute(select(m).where(m.c.order_id == order_id).order_by(m.c.line_no)).mappings()]


def _operations(conn: Connection, order_id: int) -> list[dict[str, Any]]:
    op = s.production_order_operation
    return [
        dict(r) for r in conn.execute(select(op).where(op.c.order_id == order_id).order_by(op.c.step_no)).mappings()
    ]


def _issue(
    tx: Tx,
    batch: StockBatch,
    order: Mapping[str, Any],
    location_id: int,
    wanted: list[tuple[dict[str, Any], Decimal, str]],
) -> None:
    """Issue (material line, quantity, error field) from a location into the order's work in process."""
    items = load_items(tx.conn, (m["item_id"] for m, _, _ in wanted))
    for material, quantity, field in wanted:
        batch.move("issue", items[material["item_id"]], location_id, -quantity, field=field, reason=order["number"])
    m = s.production_order_material
    tx.conn.execute(
        update(m).where(m.c.id == bindparam("line_id")).values(issued_qty=m.c.issued_qty + bindparam("n")),
        [{"line_id": material["id"], "n": quantity} for material, quantity, _ in wanted],
    )


def _stamp(postings: Postings, order: Mapping[str, Any]) -> None:
    """Every journal line of an order's documents carries the order number, so its work in process can be traced."""
    for ln in postings.lines:
        ln.doc_type, ln.doc_number = "production_order", order["number"]


ISSUE_HEADER = FieldSet(
    (
        Ref("order", N_("Production order"), required=True, column="order_id", table=s.production_order, key="number"),
        Date("issue_date", N_("Issue date"), required=True),
        Ref(
            "location",
            N_("From location (blank: the order's)"),
            column="location_id",
            table=s.location,
            only_active=True,
        ),
    )
)
ISSUE_LINE = FieldSet(
    (
        Ref("item", N_("Component"), required=True, column="item_id", table=s.item, key="item_code"),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
    )
)


@action("production.issue", "production.report")
def issue_materials(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Issue components from stock to a released order: ``{order, issue_date, location, lines: [{item,
    quantity}]}`` (no lines: what is still planned). Refused beyond the stock on hand."""
    header, lines, errors = validate_document(tx.conn, ISSUE_HEADER, ISSUE_LINE, data, lines_required=False)
    raise_if(errors)
    order = _order(tx.conn, order_id=header["order_id"])
    _require_status(order, ("released", "completed"), t("issue materials"))
    materials = {m["item_id"]: m for m in _materials(tx.conn, order["id"])}
    wanted: list[tuple[dict[str, Any], Decimal, str]] = []
    if not lines:
        for n, m in enumerate(materials.values(), start=1):
            left = qty(dec(m["planned_qty"]) - dec(m["issued_qty"]))
            if left > 0:
                wanted.append((m, left, line_field(n, "quantity")))
        if not wanted:
            raise _conflict("order", t("everything planned for {number} is issued already", number=order["number"]))
    for n, ln in enumerate(lines, start=1):
        material = materials.get(ln["item_id"])
        if material is None:
            errors.append(
                FieldError(line_field(n, "item"), t("is not a component of {number}", number=order["number"]))
            )
        else:
            wanted.append((material, qty(ln["quantity"]), line_field(n, "quantity")))
    raise_if(errors)
    number = tx.next_number("sm")
    batch = StockBatch(
        tx, number=number, move_date=header["issue_date"], source_type="production_issue", source_ref=order["number"]
    )
    _issue(tx, batch, order, header.get("location_id") or order["issue_location_id"], wanted)
    _stamp(batch.postings, order)
    entry = finish_batch(batch, t("Materials issued to {order}", order=order["number"]), "issue_date")
    result = {"number": number, "journal_entry": entry["number"] if entry else None, "lines": len(wanted)}
    tx.audit("production_order", order["number"], None, {"issued": [(m["item_id"], q) for m, q, _ in wanted], **result})
    return result


TIME_HEADER = FieldSet(
    (
        Ref("order", N_("Production order"), required=True, column="order_id", table=s.production_order, key="number"),
        Date("report_date", N_("Report date"), required=True),
    )
)
TIME_LINE = FieldSet(
    (
        Int("step_no", N_("Operation (routing step)"), required=True, min_value=1),
        Dec("labour_hours", N_("Labour hours"), default=ZERO, min_value=0),
        Dec("machine_hours", N_("Machine hours"), default=ZERO, min_value=0),
        Dec("labour_rate", N_("Actual labour rate (blank: the work center's standard)"), min_value=0),
        Ref("employee", N_("Employee"), column="employee_id", table=s.employee, key="employee_code"),
    )
)


@action("production.report_time", "production.report")
def report_time(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Labour and machine time on a released order's operations: ``{order, report_date, lines: [{step_no,
    labour_hours, machine_hours, labour_rate, employee}]}``."""
    header, lines, errors = validate_document(tx.conn, TIME_HEADER, TIME_LINE, data)
    raise_if(errors)
    order = _order(tx.conn, order_id=header["order_id"])
    _require_status(order, ("released", "completed"), t("report time"))
    operations = {op["step_no"]: op for op in _operations(tx.conn, order["id"])}
    for n, ln in enumerate(lines, start=1):
        if ln["step_no"] not in operations:
            errors.append(
                FieldError(
                    line_field(n, "step_no"),
                    t("{number} has no operation {step}", number=order["number"], step=ln["step_no"]),
                )
            )
        elif ln["labour_hours"] + ln["machine_hours"] <= 0:
            errors.append(FieldError(line_field(n, "labour_hours"), t("report labour or machine hours")))
    raise_if(errors)
    item = load_items(tx.conn, [order["item_id"]])[order["item_id"]]
    postings = Postings(tx.conn)
    rows = []
    for ln in lines:
        op = operations[ln["step_no"]]
        rate = dec(op["labour_rate"]) if ln.get("labour_rate") is None else ln["labour_rate"]
        labour = money(ln["labour_hours"] * rate)
        overhead = money(ln["machine_hours"] * dec(op["overhead_rate"]))
        center = fetch_one(tx.conn, s.work_center, id=op["work_center_id"])
        cost_center = center["cost_center_id"] if center else None
        postings.add("production_labour", labour, item=item, cost_center_id=cost_center)
        postings.add("production_overhead", overhead, item=item, cost_center_id=cost_center)
        rows.append(
            {
                "order_id": order["id"],
                "operation_id": op["id"],
                "report_date": header["report_date"],
                "employee_id": ln.get("employee_id"),
                "labour_hours": ln["labour_hours"],
                "machine_hours": ln["machine_hours"],
                "labour_rate": rate,
                "labour_cost": labour,
                "overhead_cost": overhead,
                "created_by": tx.actor.username,
                "created_at": tx.now,
            }
        )
    _stamp(postings, order)
    entry = post_entry(
        tx,
        entry_date=header["report_date"],
        lines=postings.lines,
        source_type="production_time",
        source_ref=order["number"],
        description=t("Time reported on {order}", order=order["number"]),
        date_field="report_date",
    )
    tx.conn.execute(
        insert(s.production_time), [{**r, "journal_entry_id": entry["id"] if entry else None} for r in rows]
    )
    op_table = s.production_order_operation
    tx.conn.execute(
        update(op_table)
        .where(op_table.c.id == bindparam("op_id"))
        .values(
            labour_hours=op_table.c.labour_hours + bindparam("lh"),
            machine_hours=op_table.c.machine_hours + bindparam("mh"),
            labour_cost=op_table.c.labour_cost + bindparam("lc"),
        ),
        [
            {"op_id": r["operation_id"], "lh": r["labour_hours"], "mh": r["machine_hours"], "lc": r["labour_cost"]}
            for r in rows
        ],
    )
    result = {"journal_entry": entry["number"] if entry else None, "lines": len(rows)}
    tx.audit("production_order", order["number"], None, {"time": lines, **result})
    return result


COMPLETE_FIELDS = FieldSet(
    (
        Ref("order", N_("Production order"), required=True, column="order_id", table=s.production_order, key="number"),
        Date("completion_date", N_("Completion date"), required=True),
        Dec("quantity", N_("Quantity made (blank: all that is left)"), positive=True),
    )
)


@action("production.complete", "production.orders")
def complete_production(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Receive finished goods from a released order into its location at standard cost; with backflush, the
    components for that quantity are issued in the same document (refused if they are not in stock)."""
    values, errors = COMPLETE_FIELDS.validate(data, tx.conn)
    raise_if(errors)
    order = _order(tx.conn, order_id=values["order_id"])
    _require_status(order, ("released",), t("complete it"))
    left = qty(dec(order["quantity"]) - dec(order["completed_qty"]))
    quantity = qty(values.get("quantity") or left)
    if quantity > left:
        raise ServiceError(
            FieldError("quantity", t("only {left} left to make on {number}", left=show(left), number=order["number"])),
            code="conflict",
        )
    number = tx.next_number("sm")
    batch = StockBatch(
        tx,
        number=number,
        move_date=values["completion_date"],
        source_type="production_receipt",
        source_ref=order["number"],
    )
    if order["issue_method"] == "backflush":
        wanted = [
            (m, qty(quantity * dec(m["qty_per"]) * (HUNDRED + dec(m["scrap_pct"])) / HUNDRED), f"lines[{n}].quantity")
            for n, m in enumerate(_materials(tx.conn, order["id"]), start=1)
        ]
        _issue(tx, batch, order, order["issue_location_id"], [w for w in wanted if w[1] > 0])
    item = load_items(tx.conn, [order["item_id"]])[order["item_id"]]
    batch.move("receipt", item, order["location_id"], quantity, field="quantity", reason=order["number"])
    _stamp(batch.postings, order)
    entry = finish_batch(batch, t("Completion of {order}", order=order["number"]), "completion_date")
    completed = qty(dec(order["completed_qty"]) + quantity)
    status = "completed" if completed >= qty(order["quantity"]) else "released"
    po = s.production_order
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(completed_qty=completed, status=status))
    result = {
        "number": number,
        "completed_qty": completed,
        "status": status,
        "journal_entry": entry["number"] if entry else None,
    }
    tx.audit("production_order", order["number"], {"completed_qty": order["completed_qty"]}, result)
    return result


def order_costs(conn: Connection, number: str) -> dict[str, Any]:
    """What an order has consumed and produced, at the values posted."""
    order = fetch_one(conn, s.production_order, number=number)
    if order is None:
        raise not_found("order", t("Production order"), number)
    sm = s.stock_move
    moved = dict(
        conn.execute(
            select(sm.c.move_type, func.sum(sm.c.value))
            .where(sm.c.source_ref == number, sm.c.source_type.in_(("production_issue", "production_receipt")))
            .group_by(sm.c.move_type)
        ).all()
    )
    issued_by_item = dict(
        conn.execute(
            select(sm.c.item_id, func.sum(sm.c.value))
            .where(
                sm.c.source_ref == number,
                sm.c.source_type.in_(("production_issue", "production_receipt")),
                sm.c.move_type == "issue",
            )
            .group_by(sm.c.item_id)
        ).all()
    )
    pt = s.production_time
    labour, overhead = conn.execute(
        select(func.coalesce(func.sum(pt.c.labour_cost), 0), func.coalesce(func.sum(pt.c.overhead_cost), 0)).where(
            pt.c.order_id == order["id"]
        )
    ).one()
    return {
        "order": order,
        "materials": money(-dec(moved.get("issue"))),
        "materials_by_item": {k: money(-dec(v)) for k, v in issued_by_item.items()},
        "labour": money(labour),
        "overhead": money(overhead),
        "completed": money(dec(moved.get("receipt"))),
    }


def variances(conn: Connection, number: str) -> dict[str, Decimal]:
    """Split what is left in work in process for an order into its variances (positive: unfavourable)."""
    costs = order_costs(conn, number)
    order = costs["order"]
    made = qty(order["completed_qty"])
    material = ZERO
    for m in _materials(conn, order["id"]):
        standard_qty = qty(made * dec(m["qty_per"]) * (HUNDRED + dec(m["scrap_pct"])) / HUNDRED)
        issued = costs["materials_by_item"].get(m["item_id"], ZERO)
        material += issued - money(standard_qty * dec(m["unit_cost"]))
    rate_var = efficiency = overhead = ZERO
    for op in _operations(conn, order["id"]):
        standard_hours = qty(dec(op["setup_hours"]) + dec(op["hours_per_unit"]) * made) if made > 0 else ZERO
        labour_rate = dec(op["labour_rate"])
        rate_var += money(op["labour_cost"]) - money(dec(op["labour_hours"]) * labour_rate)
        efficiency += money((dec(op["labour_hours"]) - standard_hours) * labour_rate)
        overhead += money((dec(op["machine_hours"]) - standard_hours) * dec(op["overhead_rate"]))
    balance = costs["materials"] + costs["labour"] + costs["overhead"] - costs["completed"]
    result = {
        "material_variance": money(material),
        "labour_rate_variance": money(rate_var),
        "labour_efficiency_variance": money(efficiency),
        "overhead_variance": money(overhead),
    }
    result["cost_difference"] = balance - sum(result.values(), ZERO)
    return result


@action("production_order.close", "production.orders")
def close_production_order(tx: Tx, number: str, close_date: dt.date) -> dict[str, Any]:
    """Close a completed order (or short-close a released one): post its variances so its work in process is zero.
    No more issues, time or completions can be booked on it afterwards."""
    order = _order(tx.conn, number)
    _require_status(order, ("released", "completed"), t("close it"))
    found = variances(tx.conn, number)
    item = load_items(tx.conn, [order["item_id"]])[order["item_id"]]
    postings = Postings(tx.conn)
    for name, event in VARIANCE_EVENTS.items():
        postings.add(event, found[name], item=item)
    _stamp(postings, order)
    entry = post_entry(
        tx,
        entry_date=close_date,
        lines=postings.lines,
        source_type="production_close",
        source_ref=number,
        description=t("Variances of {order}", order=number),
        date_field="close_date",
    )
    changes = {**found, "status": "closed", "closed_at": tx.now, "close_entry_id": entry["id"] if entry else None}
    po = s.production_order
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(**changes))
    tx.audit("production_order", number, {"status": order["status"]}, changes)
    return {**order, **changes, "journal_entry": entry["number"] if entry else None}


def open_production_orders(conn: Connection) -> list[dict[str, Any]]:
    """Planned and released orders with quantity still to make, by due date (MRP's supply)."""
    po = s.production_order
    query = (
        select(s.item.c.item_code, po.c.due_date, po.c.quantity, po.c.completed_qty, po.c.number)
        .join(s.item, s.item.c.id == po.c.item_id)
        .where(po.c.status.in_(("planned", "released")), po.c.completed_qty < po.c.quantity)
        .order_by(po.c.due_date, po.c.number)
    )
    return [
        {
            "item_code": r.item_code,
            "due_date": r.due_date,
            "quantity": qty(dec(r.quantity) - dec(r.completed_qty)),
            "order_ref": r.number,
        }
        for r in conn.execute(query)
    ]
