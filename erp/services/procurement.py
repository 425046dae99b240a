"""Procure to pay: requisitions, purchase orders with approval, goods receipts, supplier invoices matched three
ways, supplier payments; purchase contracts and supplier evaluations.

Status transitions (anything else is refused):
- requisition: open -> partially_ordered -> ordered; open -> cancelled
- purchase order: draft -> approved -> partially_received -> received -> closed (fully invoiced);
  draft | approved (nothing received) -> cancelled
- supplier invoice: held (price beyond tolerance) -> open | cancelled (rejected); open -> partially_paid -> paid
- purchase contract: draft -> active -> expired | terminated; draft -> terminated; expired -> active

Valuation is at standard cost: a receipt debits inventory at standard and credits goods received not invoiced
(GR/IR) at the order price, the difference going to the purchase price variance; the invoice clears GR/IR at
the order price, the difference to the invoice price going to the price variance as well. Documents are in
the supplier's currency; the ledger is in the base currency at each document's exchange rate.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Actor, Tx, action, fetch_one
from erp.services.documents import (
    ZERO,
    allocate_to_invoices,
    company_settings,
    dec,
    line_field,
    money,
    not_found,
    qty,
    raise_if,
    show,
    validate_document,
)
from erp.services.inventory import StockBatch, load_items
from erp.services.ledger import Line, Postings, post_entry

HUNDRED = Decimal(100)
OPEN_FOR_RECEIPT = ("approved", "partially_received", "received")
CONTRACT_TRANSITIONS = {
    "draft": {"active", "terminated"},
    "active": {"expired", "terminated"},
    "expired": {"active"},
    "terminated": set(),
}
PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


def _supplier(conn: Connection, supplier_id: int) -> dict[str, Any]:
    row = fetch_one(conn, s.supplier, id=supplier_id)
    assert row is not None
    return row


def exchange_rate_for(currency: str, base_currency: str, given: Decimal | None) -> tuple[Decimal, list[FieldError]]:
    """Documents in the base currency have rate 1; foreign-currency documents must say their rate."""
    if currency == base_currency:
        if given is not None and given != 1:
            return Decimal(1), [
                FieldError(
                    "exchange_rate",
                    t("must be 1 for documents in the base currency {currency}", currency=base_currency),
                )
            ]
        return Decimal(1), []
    if given is None:
        return Decimal(1), [
            FieldError("exchange_rate", t("is required for documents in {currency}", currency=currency))
        ]
    return given, []


def _conflict(field: str, message: str) -> ServiceError:
    return ServiceError(FieldError(field, message), code="conflict")


def finish_batch(batch: StockBatch, description: str, date_field: str) -> dict[str, Any] | None:
    """Post a stock batch, naming the document's own date field when its period refuses the posting."""
    try:
        return batch.finish(description)
    except ServiceError as exc:
        errors = [FieldError(date_field if e.field == "move_date" else e.field, e.message) for e in exc.errors]
        raise ServiceError(errors, code=exc.code) from exc


def _stamp(lines: Sequence[Line], **dims: Any) -> None:
    """Put the document's dimensions (supplier, cost center, document number) on every journal line."""
    for ln in lines:
        for name, value in dims.items():
            if value is not None:
                setattr(ln, name, value)


# --- approval limits ----------------------------------------------------------------------------------------

LIMIT_FIELDS = FieldSet(
    (
        Ref("role", N_("Role"), column="role_id", table=s.role),
        Ref("user", N_("User"), column="user_id", table=s.app_user, key="username"),
        Dec("max_amount", N_("Approval limit (net, base currency)"), required=True, min_value=0),
    )
)


@action("approval_limit.save", "procurement.limits")
def save_approval_limits(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> int:
    """Set purchase-order approval limits: ``[{role | user, max_amount}]``; an existing limit is replaced."""
    parsed, errors = [], []
    for n, row in enumerate(rows, start=1):
        values, row_errors = LIMIT_FIELDS.validate(row, tx.conn)
        errors += [FieldError(line_field(n, e.field), e.message) for e in row_errors]
        if not row_errors and (values.get("role_id") is None) == (values.get("user_id") is None):
            errors.append(FieldError(line_field(n, "role"), t("give a role or a user, not both")))
        parsed.append(values)
    if not rows:
        errors.append(FieldError("lines", t("at least one line is required")))
    raise_if(errors)
    table = s.approval_limit
    for values in parsed:
        subject = "role_id" if values.get("role_id") is not None else "user_id"
        before = fetch_one(tx.conn, table, **{subject: values[subject]})
        if before is None:
            tx.conn.execute(insert(table).values(**values))
        else:
            tx.conn.execute(update(table).where(table.c.id == before["id"]).values(max_amount=values["max_amount"]))
        tx.audit("approval_limit", f"{subject}={values[subject]}", before, values)
    return len(parsed)


def approval_limit_for(conn: Connection, actor: Actor) -> Decimal | None:
    """The actor's own limit if it has one, else the highest of its roles' limits; None: it cannot approve."""
    table = s.approval_limit
    if actor.user_id is not None:
        own = conn.execute(select(table.c.max_amount).where(table.c.user_id == actor.user_id)).scalar()
        if own is not None:
            return dec(own)
    if not actor.roles:
        return None
    query = (
        select(func.max(table.c.max_amount))
        .join(s.role, s.role.c.id == table.c.role_id)
        .where(s.role.c.code.in_(sorted(actor.roles)))
    )
    best = conn.execute(query).scalar()
    return None if best is None else dec(best)


# --- requisitions -------------------------------------------------------------------------------------------

REQUISITION_HEADER = FieldSet(
    (
        Date("request_date", N_("Request date"), required=True),
        Date("needed_date", N_("Needed by"), required=True),
        Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center, only_active=True),
        Text("reference", N_("Reference"), max_length=60),
        Text("notes", N_("Notes"), max_length=1000),
    )
)
REQUISITION_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Date("needed_date", N_("Needed by (blank: the requisition's)")),
        Ref("supplier", N_("Suggested supplier"), column="supplier_id", table=s.supplier, only_active=True),
    )
)


def _buy_items_only(conn: Connection, lines: list[dict[str, Any]], errors: list[FieldError]) -> dict[int, Any]:
    items = load_items(conn, (ln.get("item_id") for ln in lines))
    for n, ln in enumerate(lines, start=1):
        item = items.get(ln.get("item_id"))  # type: ignore[arg-type]
        if item is not None and item["item_type"] != "buy":
            errors.append(
                FieldError(
                    line_field(n, "item"),
                    t("{item} is a make item: make it with a production order", item=item["item_code"]),
                )
            )
    return items


@action("requisition.create", "procurement.requisition")
def create_requisition(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Ask purchasing for goods: ``{request_date, needed_date, cost_center, lines: [{item, quantity, ...}]}``."""
    header, lines, errors = validate_document(tx.conn, REQUISITION_HEADER, REQUISITION_LINE, data)
    if not errors and header["needed_date"] < header["request_date"]:
        errors.append(FieldError("needed_date", t("must not be before the request date")))
    _buy_items_only(tx.conn, lines, errors)
    raise_if(errors)
    number = tx.next_number("pr")
    values = {
        **header,
        "number": number,
        "requested_by": tx.actor.username,
        "status": "open",
        "created_at": tx.now,
    }
    req_id = tx.conn.execute(insert(s.purchase_requisition).values(**values)).inserted_primary_key[0]
    for ln in lines:
        ln["needed_date"] = ln.get("needed_date") or header["needed_date"]
    tx.conn.execute(
        insert(s.purchase_requisition_line),
        [{**ln, "requisition_id": req_id, "line_no": n} for n, ln in enumerate(lines, start=1)],
    )
    tx.audit("purchase_requisition", number, None, {**values, "lines": lines})
    return {"id": req_id, **values}


@action("requisition.cancel", "procurement.requisition")
def cancel_requisition(tx: Tx, number: str) -> None:
    req = fetch_one(tx.conn, s.purchase_requisition, number=number)
    if req is None:
        raise not_found("requisition", t("Purchase requisition"), number)
    if req["status"] != "open":
        raise _conflict(
            "requisition",
            t("{number} is {status}; only open requisitions can be cancelled", number=number, status=req["status"]),
        )
    table = s.purchase_requisition
    tx.conn.execute(update(table).where(table.c.id == req["id"]).values(status="cancelled"))
    tx.audit("purchase_requisition", number, {"status": "open"}, {"status": "cancelled"})


def _requisition_lines(conn: Connection, req_id: int) -> list[dict[str, Any]]:
    rl = s.purchase_requisition_line
    query = select(rl).where(rl.c.requisition_id == req_id).order_by(rl.c.line_no)
    return [dict(r) for r in conn.execute(query).mappings()]


def _refresh_requisition(conn: Connection, req_id: int) -> None:
    lines = _requisition_lines(conn, req_id)
    if all(qty(ln["ordered_qty"]) >= qty(ln["quantity"]) for ln in lines):
        status = "ordered"
    elif any(qty(ln["ordered_qty"]) > 0 for ln in lines):
        status = "partially_ordered"
    else:
        status = "open"
    table = s.purchase_requisition
    conn.execute(update(table).where(table.c.id == req_id, table.c.status != "cancelled").values(status=status))


# --- purchase contracts -------------------------------------------------------------------------------------

CONTRACT_HEADER = FieldSet(
    (
        Ref("supplier", N_("Supplier"), required=True, column="supplier_id", table=s.supplier, only_active=True),
        Date("start_date", N_("Start date"), required=True),
        Date("end_date", N_("End date"), required=True),
        Text("reference", N_("Reference"), max_length=60),
        Text("notes", N_("Notes"), max_length=1000),
    )
)
CONTRACT_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Dec("agreed_price", N_("Agreed price"), required=True, min_value=0),
        Dec("committed_qty", N_("Committed volume"), positive=True),
    )
)


@action("purchase_contract.create", "procurement.orders")
def create_purchase_contract(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A framework agreement with a supplier: agreed prices (used by purchase orders) and committed volumes."""
    header, lines, errors = validate_document(tx.conn, CONTRACT_HEADER, CONTRACT_LINE, data)
    if not errors and header["end_date"] < header["start_date"]:
        errors.append(FieldError("end_date", t("must not be before the start date")))
    seen: set[int] = set()
    for n, ln in enumerate(lines, start=1):
        if ln.get("item_id") in seen:
            errors.append(FieldError(line_field(n, "item"), t("appears twice in this contract")))
        seen.add(ln.get("item_id"))  # type: ignore[arg-type]
    raise_if(errors)
    supplier = _supplier(tx.conn, header["supplier_id"])
    number = tx.next_number("pc")
    values = {**header, "number": number, "currency": supplier["currency"], "status": "draft", "created_at": tx.now}
    contract_id = tx.conn.execute(insert(s.purchase_contract).values(**values)).inserted_primary_key[0]
    tx.conn.execute(insert(s.purchase_contract_line), [{**ln, "contract_id": contract_id} for ln in lines])
    tx.audit("purchase_contract", number, None, {**values, "lines": lines})
    return {"id": contract_id, **values}


@action("purchase_contract.set_status", "procurement.orders")
def set_purchase_contract_status(tx: Tx, number: str, status: str) -> dict[str, Any]:
    """Move a contract along draft -> active -> expired | terminated (expired -> active renews it)."""
    contract = fetch_one(tx.conn, s.purchase_contract, number=number)
    if contract is None:
        raise not_found("contract", t("Purchase contract"), number)
    if status not in CONTRACT_TRANSITIONS.get(contract["status"], set()):
        raise _conflict(
            "status",
            t("a contract that is {current} cannot become {status}", current=contract["status"], status=status),
        )
    table = s.purchase_contract
    tx.conn.execute(update(table).where(table.c.id == contract["id"]).values(status=status))
    tx.audit("purchase_contract", number, {"status": contract["status"]}, {"status": status})
    return {**contract, "status": status}


def _contract_prices(
    conn: Connection, supplier: Mapping[str, Any], item_ids: Sequence[int], on: dt.date, contract_id: int | None
) -> dict[int, tuple[Decimal, int]]:
    """Agreed price and contract of each item from the supplier's active contracts valid on a date (the latest
    starting one wins), or only from the given contract."""
    pc, pcl = s.purchase_contract, s.purchase_contract_line
    query = (
        select(pcl.c.item_id, pcl.c.agreed_price, pc.c.id, pc.c.start_date)
        .join(pc, pc.c.id == pcl.c.contract_id)
        .where(
            pc.c.supplier_id == supplier["id"],
            pc.c.status == "active",
            pc.c.currency == supplier["currency"],
            pc.c.start_date <= on,
            pc.c.end_date >= on,
            pcl.c.item_id.in_(sorted(set(item_ids))),
        )
        .order_by(pc.c.start_date, pc.c.id)
    )
    if contract_id is not None:
        query = query.where(pc.c.id == contract_id)
    return {item_id: (dec(price), cid) for item_id, price, cid, _ in conn.execute(query)}


def contract_consumption(conn: Connection, number: str) -> list[dict[str, Any]]:
    """Per contract item: agreed price, committed volume, and what orders priced by the contract took so far."""
    pc, pcl, po, pol = s.purchase_contract, s.purchase_contract_line, s.purchase_order, s.purchase_order_line
    used = (
        select(
            pol.c.contract_id,
            pol.c.item_id,
            func.sum(pol.c.quantity).label("ordered"),
            func.sum(pol.c.received_qty).label("received"),
        )
        .join(po, po.c.id == pol.c.order_id)
        .where(po.c.status != "cancelled")
        .group_by(pol.c.contract_id, pol.c.item_id)
        .subquery()
    )
    query = (
        select(
            s.item.c.item_code,
            pcl.c.agreed_price,
            pcl.c.committed_qty,
            func.coalesce(used.c.ordered, 0).label("ordered"),
            func.coalesce(used.c.received, 0).label("received"),
        )
        .join(pc, pc.c.id == pcl.c.contract_id)
        .join(s.item, s.item.c.id == pcl.c.item_id)
        .outerjoin(used, (used.c.contract_id == pc.c.id) & (used.c.item_id == pcl.c.item_id))
        .where(pc.c.number == number)
        .order_by(s.item.c.item_code)
    )
    out = []
    for r in conn.execute(query):
        committed = None if r.committed_qty is None else qty(r.committed_qty)
        out.append(
            {
                "item_code": r.item_code,
                "agreed_price": dec(r.agreed_price),
                "committed_qty": committed,
                "ordered_qty": qty(r.ordered),
                "received_qty": qty(r.received),
                "remaining_qty": None if committed is None else max(ZERO, committed - qty(r.ordered)),
            }
        )
    return out


# --- purchase orders ----------------------------------------------------------------------------------------

ORDER_HEADER = FieldSet(
    (
        Ref("supplier", N_("Supplier"), required=True, column="supplier_id", table=s.supplier, only_active=True),
        Date("order_date", N_("Order date"), required=True),
        Date("expected_date", N_("Expected delivery date"), required=True),
        Ref(
            "requisition",
            N_("Purchase requisition"),
            column="requisition_id",
            table=s.purchase_requisition,
            key="number",
        ),
        Ref("contract", N_("Purchase contract"), column="contract_id", table=s.purchase_contract, key="number"),
        Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center, only_active=True),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Dec("vat_rate", N_("VAT rate (blank: the company's default)"), min_value=0, max_value=1),
        Dec("receipt_tolerance_pct", N_("Over-receipt tolerance %"), default=ZERO, min_value=0, max_value=100),
        Dec("price_tolerance_pct", N_("Invoice price tolerance %"), default=ZERO, min_value=0, max_value=100),
        Text("reference", N_("Reference"), max_length=60),
        Text("notes", N_("Notes"), max_length=1000),
    )
)
ORDER_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Dec("unit_price", N_("Unit price (blank: from the purchase contract)"), min_value=0),
        Date("expected_date", N_("Expected date (blank: the order's)")),
    )
)


def _lines_from_requisition(
    tx: Tx, req: Mapping[str, Any], lines: list[dict[str, Any]], errors: list[FieldError]
) -> dict[int, Decimal]:
    """Link order lines to the requisition's open lines by item (all open lines when none are given); returns
    the quantity ordered per requisition line."""
    open_lines = [ln for ln in _requisition_lines(tx.conn, req["id"]) if qty(ln["ordered_qty"]) < qty(ln["quantity"])]
    if not lines:
        for rl in open_lines:
            lines.append(
                {
                    "item_id": rl["item_id"],
                    "quantity": qty(dec(rl["quantity"]) - dec(rl["ordered_qty"])),
                    "unit_price": None,
                    "expected_date": rl["needed_date"],
                }
            )
    taken: dict[int, Decimal] = {}
    for n, ln in enumerate(lines, start=1):
        match = next((rl for rl in open_lines if rl["item_id"] == ln["item_id"] and rl["id"] not in taken), None)
        if match is None:
            errors.append(
                FieldError(
                    line_field(n, "item"), t("is not an open line of requisition {number}", number=req["number"])
                )
            )
            continue
        ln["requisition_line_id"] = match["id"]
        taken[match["id"]] = ln["quantity"]
    if not lines:
        errors.append(FieldError("requisition", t("{number} has no open line left to order", number=req["number"])))
    return taken


@action("purchase_order.create", "procurement.orders")
def create_purchase_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A draft order to a supplier: ``{supplier, order_date, expected_date, requisition, contract, cost_center,
    exchange_rate, receipt_tolerance_pct, price_tolerance_pct, lines: [{item, quantity, unit_price}]}``.

    With a requisition and no lines, its open lines are ordered; prices default from the supplier's active
    purchase contract. The order must be approved, by someone else, before goods can be received.
    """
    header, lines, errors = validate_document(tx.conn, ORDER_HEADER, ORDER_LINE, data, lines_required=False)
    raise_if(errors)
    supplier = _supplier(tx.conn, header["supplier_id"])
    company = company_settings(tx.conn)
    rate, errors = exchange_rate_for(supplier["currency"], company["base_currency"], header.get("exchange_rate"))
    if header["expected_date"] < header["order_date"]:
        errors.append(FieldError("expected_date", t("must not be before the order date")))
    req = None
    taken: dict[int, Decimal] = {}
    if header.get("requisition_id") is not None:
        req = fetch_one(tx.conn, s.purchase_requisition, id=header["requisition_id"])
        assert req is not None
        if req["status"] not in ("open", "partially_ordered"):
            errors.append(
                FieldError("requisition", t("{number} is {status}", number=req["number"], status=req["status"]))
            )
        else:
            taken = _lines_from_requisition(tx, req, lines, errors)
            if header.get("cost_center_id") is None:
                header["cost_center_id"] = req["cost_center_id"]
    elif not lines:
        errors.append(FieldError("lines", t("at least one line is required")))
    contract_id = header.pop("contract_id", None)
    if contract_id is not None:
        contract = fetch_one(tx.conn, s.purchase_contract, id=contract_id)
        assert contract is not None
        if contract["supplier_id"] != supplier["id"]:
            errors.append(FieldError("contract", t("belongs to another supplier")))
        elif (
            contract["status"] != "active" or not contract["start_date"] <= header["order_date"] <= contract["end_date"]
        ):
            errors.append(FieldError("contract", t("is not active on the order date")))
    items = _buy_items_only(tx.conn, lines, errors)
    prices = _contract_prices(tx.conn, supplier, [ln["item_id"] for ln in lines], header["order_date"], contract_id)
    postings = Postings(tx.conn)
    for n, ln in enumerate(lines, start=1):
        agreed = prices.get(ln["item_id"])
        ln["contract_id"] = agreed[1] if agreed else None
        if ln.get("unit_price") is None:
            if agreed is None:
                errors.append(
                    FieldError(line_field(n, "unit_price"), t("no active purchase contract gives a price; enter one"))
                )
                continue
            ln["unit_price"] = agreed[0]
        ln["expected_date"] = ln.get("expected_date") or header["expected_date"]
        if ln["expected_date"] < header["order_date"]:
            errors.append(FieldError(line_field(n, "expected_date"), t("must not be before the order date")))
        ln["net_amount"] = money(ln["quantity"] * ln["unit_price"])
    raise_if(errors)
    for ln in lines:
        rule = postings.rule("stock_receipt", items[ln["item_id"]], supplier["supplier_group"])
        ln["account_id"] = rule["debit_account_id"]
    vat = header.pop("vat_rate", None)
    vat_rate = dec(company["default_vat_rate"]) if vat is None else vat
    net = sum((ln["net_amount"] for ln in lines), ZERO)
    tax = money(net * vat_rate)
    number = tx.next_number("po")
    values = {
        **{k: v for k, v in header.items() if k != "exchange_rate"},
        "number": number,
        "currency": supplier["currency"],
        "exchange_rate": rate,
        "vat_rate": vat_rate,
        "status": "draft",
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "created_by": tx.actor.username,
        "created_at": tx.now,
    }
    order_id = tx.conn.execute(insert(s.purchase_order).values(**values)).inserted_primary_key[0]
    keys = ("item_id", "quantity", "unit_price", "net_amount", "expected_date", "account_id", "contract_id")
    tx.conn.execute(
        insert(s.purchase_order_line),
        [
            {
                "order_id": order_id,
                "line_no": n,
                "requisition_line_id": ln.get("requisition_line_id"),
                **{k: ln[k] for k in keys},
            }
            for n, ln in enumerate(lines, start=1)
        ],
    )
    if req is not None:
        rl = s.purchase_requisition_line
        tx.conn.execute(
            update(rl).where(rl.c.id == bindparam("line_id")).values(ordered_qty=rl.c.ordered_qty + bindparam("n")),
            [{"line_id": line_id, "n": quantity} for line_id, quantity in taken.items()],
        )
        _refresh_requisition(tx.conn, req["id"])
    tx.audit("purchase_order", number, None, {**values, "lines": [{k: ln[k] for k in keys} for ln in lines]})
    return {"id": order_id, **values}


def _order(conn: Connection, number: str | None = None, *, order_id: int | None = None) -> dict[str, Any]:
    """An order, locked until commit (PostgreSQL): receipts, invoices and approvals of one order take turns, so
    two clerks cannot both pass the tolerance checks on the same quantities."""
    po = s.purchase_order
    query = select(po).where(po.c.number == number if order_id is None else po.c.id == order_id).with_for_update()
    row = conn.execute(query).mappings().one_or_none()
    if row is None:
        raise not_found("order", t("Purchase order"), number)
    return dict(row)


def _order_lines(conn: Connection, order_id: int) -> list[dict[str, Any]]:
    pol = s.purchase_order_line
    return [
        dict(r) for r in conn.execute(select(pol).where(pol.c.order_id == order_id).order_by(pol.c.line_no)).mappings()
    ]


def _refresh_order(conn: Connection, order_id: int) -> str:
    """Derive an approved order's status from its lines' received and invoiced quantities."""
    lines = _order_lines(conn, order_id)
    if all(qty(ln["invoiced_qty"]) >= qty(ln["quantity"]) for ln in lines):
        status = "closed"
    elif all(qty(ln["received_qty"]) >= qty(ln["quantity"]) for ln in lines):
        status = "received"
    elif any(qty(ln["received_qty"]) > 0 for ln in lines):
        status = "partially_received"
    else:
        status = "approved"
    po = s.purchase_order
    conn.execute(update(po).where(po.c.id == order_id).values(status=status))
    return status


@action("purchase_order.approve", "procurement.approve")
def approve_purchase_order(tx: Tx, number: str) -> dict[str, Any]:
    """Approve a draft order: never by its creator, and only up to the approver's limit (net, base currency)."""
    order = _order(tx.conn, number)
    if order["status"] != "draft":
        raise _conflict("order", t("{number} is {status}, not a draft", number=number, status=order["status"]))
    if order["created_by"] == tx.actor.username:
        raise ServiceError(
            FieldError(
                "order",
                t(
                    "segregation of duties: {user} created {number} and cannot approve it",
                    user=tx.actor.username,
                    number=number,
                ),
            ),
            code="forbidden",
        )
    limit = approval_limit_for(tx.conn, tx.actor)
    amount = money(dec(order["net_amount"]) * dec(order["exchange_rate"]))
    if limit is None:
        raise ServiceError(
            FieldError("order", t("{user} has no approval limit for purchase orders", user=tx.actor.username)),
            code="forbidden",
        )
    if amount > limit:
        raise ServiceError(
            FieldError(
                "order",
                t(
                    "{number} is worth {amount}, over the approval limit {limit} of {user}",
                    number=number,
                    amount=show(amount),
                    limit=show(limit),
                    user=tx.actor.username,
                ),
            ),
            code="forbidden",
        )
    changes = {"status": "approved", "approved_by": tx.actor.username, "approved_at": tx.now}
    po = s.purchase_order
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(**changes))
    tx.audit("purchase_order", number, {"status": "draft"}, changes)
    return {**order, **changes}


@action("purchase_order.cancel", "procurement.orders")
def cancel_purchase_order(tx: Tx, number: str) -> None:
    """Cancel a draft or approved order nothing was received on; its requisition lines become open again."""
    order = _order(tx.conn, number)
    if order["status"] not in ("draft", "approved"):
        raise _conflict(
            "order",
            t(
                "{number} is {status}; only draft or approved orders with nothing received can be cancelled",
                number=number,
                status=order["status"],
            ),
        )
    po, rl = s.purchase_order, s.purchase_requisition_line
    tx.conn.execute(update(po).where(po.c.id == order["id"]).values(status="cancelled"))
    lines = [ln for ln in _order_lines(tx.conn, order["id"]) if ln["requisition_line_id"] is not None]
    if lines:
        tx.conn.execute(
            update(rl).where(rl.c.id == bindparam("line_id")).values(ordered_qty=rl.c.ordered_qty - bindparam("n")),
            [{"line_id": ln["requisition_line_id"], "n": dec(ln["quantity"])} for ln in lines],
        )
        _refresh_requisition(tx.conn, order["requisition_id"])
    tx.audit("purchase_order", number, {"status": order["status"]}, {"status": "cancelled"})


# --- goods receipts -----------------------------------------------------------------------------------------

RECEIPT_HEADER = FieldSet(
    (
        Ref("order", N_("Purchase order"), required=True, column="order_id", table=s.purchase_order, key="number"),
        Date("receipt_date", N_("Receipt date"), required=True),
        Ref("location", N_("Into location"), required=True, column="location_id", table=s.location, only_active=True),
        Text("reference", N_("Delivery note"), max_length=60),
    )
)
RECEIPT_LINE = FieldSet(
    (
        Int("line_no", N_("Order line"), required=True, min_value=1),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
    )
)


@action("goods_receipt.post", "procurement.receive")
def receive_goods(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Goods in against an approved order: ``{order, receipt_date, location, lines: [{line_no, quantity}]}`` (no
    lines: all that is still open). Over-receipt beyond the order's tolerance is refused.

    Posts Dr inventory (standard cost) / Cr GR/IR (order price), the difference as purchase price variance.
    """
    header, rec_lines, errors = validate_document(tx.conn, RECEIPT_HEADER, RECEIPT_LINE, data, lines_required=False)
    raise_if(errors)
    order = _order(tx.conn, order_id=header["order_id"])
    if order["status"] not in OPEN_FOR_RECEIPT:
        raise _conflict(
            "order",
            t(
                "{number} is {status}; goods can be received only on approved orders",
                number=order["number"],
                status=order["status"],
            ),
        )
    if header["receipt_date"] < order["order_date"]:
        raise ServiceError(FieldError("receipt_date", t("must not be before the order date")))
    lines = {ln["line_no"]: ln for ln in _order_lines(tx.conn, order["id"])}
    if not rec_lines:
        rec_lines = [
            {"line_no": no, "quantity": qty(dec(ln["quantity"]) - dec(ln["received_qty"]))}
            for no, ln in lines.items()
            if qty(ln["quantity"]) > qty(ln["received_qty"])
        ]
        if not rec_lines:
            raise _conflict("order", t("{number} has nothing left to receive", number=order["number"]))
    tolerance = dec(order["receipt_tolerance_pct"])
    seen: set[int] = set()
    for n, rl in enumerate(rec_lines, start=1):
        line = lines.get(rl["line_no"])
        if line is None or rl["line_no"] in seen:
            message = t("the order has no line {no}", no=rl["line_no"]) if line is None else t("appears twice")
            errors.append(FieldError(line_field(n, "line_no"), message))
            continue
        seen.add(rl["line_no"])
        ordered = qty(line["quantity"])
        allowed = qty(ordered * (HUNDRED + tolerance) / HUNDRED)
        total = qty(dec(line["received_qty"]) + rl["quantity"])
        if total > allowed:
            errors.append(
                FieldError(
                    line_field(n, "quantity"),
                    t(
                        "over-receipt: line {no} would reach {total} of {ordered} ordered; "
                        "at most {allowed} ({tolerance}% tolerance)",
                        no=rl["line_no"],
                        total=show(total),
                        ordered=show(ordered),
                        allowed=show(allowed),
                        tolerance=show(tolerance),
                    ),
                )
            )
    if errors:
        raise ServiceError(errors, code="conflict")
    supplier = _supplier(tx.conn, order["supplier_id"])
    items = load_items(tx.conn, (lines[rl["line_no"]]["item_id"] for rl in rec_lines))
    number = tx.next_number("gr")
    batch = StockBatch(
        tx, number=number, move_date=header["receipt_date"], source_type="goods_receipt", source_ref=order["number"]
    )
    rate = dec(order["exchange_rate"])
    rows = []
    for n, rl in enumerate(rec_lines, start=1):
        line = lines[rl["line_no"]]
        item = items[line["item_id"]]
        standard = batch.move(
            "receipt",
            item,
            header["location_id"],
            rl["quantity"],
            field=line_field(n, "quantity"),
            partner_group=supplier["supplier_group"],
        )
        at_order_price = money(rl["quantity"] * dec(line["unit_price"]) * rate)
        batch.postings.add(
            "purchase_price_variance", at_order_price - standard, item=item, partner_group=supplier["supplier_group"]
        )
        rows.append(
            {
                "order_line_id": line["id"],
                "item_id": item["id"],
                "quantity": rl["quantity"],
                "unit_price": dec(line["unit_price"]),
                "unit_cost": dec(item["standard_cost"]),
            }
        )
    _stamp(
        batch.postings.lines,
        supplier_id=supplier["id"],
        cost_center_id=order["cost_center_id"],
        doc_type="goods_receipt",
        doc_number=number,
    )
    description = t("Goods receipt {number} for {order}", number=number, order=order["number"])
    entry = finish_batch(batch, description, "receipt_date")
    receipt_id = tx.conn.execute(
        insert(s.goods_receipt).values(
            number=number,
            order_id=order["id"],
            supplier_id=supplier["id"],
            receipt_date=header["receipt_date"],
            location_id=header["location_id"],
            journal_entry_id=entry["id"] if entry else None,
            reference=header.get("reference") or None,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    tx.conn.execute(insert(s.goods_receipt_line), [{**r, "receipt_id": receipt_id} for r in rows])
    pol = s.purchase_order_line
    tx.conn.execute(
        update(pol).where(pol.c.id == bindparam("line_id")).values(received_qty=pol.c.received_qty + bindparam("n")),
        [{"line_id": r["order_line_id"], "n": r["quantity"]} for r in rows],
    )
    status = _refresh_order(tx.conn, order["id"])
    result = {
        "id": receipt_id,
        "number": number,
        "order_status": status,
        "journal_entry": entry["number"] if entry else None,
    }
    tx.audit("goods_receipt", number, None, {**header, "lines": rec_lines, **result})
    return result


# --- supplier invoices --------------------------------------------------------------------------------------

INVOICE_HEADER = FieldSet(
    (
        Ref("supplier", N_("Supplier"), required=True, column="supplier_id", table=s.supplier),
        Ref("order", N_("Purchase order"), required=True, column="order_id", table=s.purchase_order, key="number"),
        Text("supplier_ref", N_("Supplier's invoice number"), required=True, max_length=60),
        Date("invoice_date", N_("Invoice date"), required=True),
        Date("due_date", N_("Due date (blank: from payment terms)")),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Dec("vat_rate", N_("VAT rate (blank: the order's)"), min_value=0, max_value=1),
        Text("reference", N_("Reference"), max_length=60),
    )
)
INVOICE_LINE = FieldSet(
    (
        Int("line_no", N_("Order line"), required=True, min_value=1),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Dec("unit_price", N_("Unit price (blank: the order's)"), min_value=0),
    )
)


def _post_invoice(
    tx: Tx, invoice: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], order: Mapping[str, Any]
) -> dict[str, Any]:
    """Dr GR/IR at the order price and rate, Dr price variance for the rest of the net, Dr input VAT, Cr AP."""
    supplier = _supplier(tx.conn, invoice["supplier_id"])
    group = supplier["supplier_group"]
    rate = dec(invoice["exchange_rate"])
    cleared = ZERO
    postings = Postings(tx.conn)
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    for ln in lines:
        at_order = money(dec(ln["quantity"]) * dec(ln["order_price"]) * dec(order["exchange_rate"]))
        postings.add("supplier_invoice", at_order, item=items[ln["item_id"]], partner_group=group)
        cleared += at_order
    variance = money(dec(invoice["net_amount"]) * rate) - cleared
    postings.add("invoice_price_variance", variance, partner_group=group)
    postings.add("supplier_invoice_tax", dec(invoice["tax_amount"]) * rate, partner_group=group)
    _stamp(
        postings.lines,
        supplier_id=supplier["id"],
        cost_center_id=order["cost_center_id"],
        doc_type="supplier_invoice",
        doc_number=invoice["number"],
    )
    entry = post_entry(
        tx,
        entry_date=invoice["invoice_date"],
        lines=postings.lines,
        source_type="supplier_invoice",
        source_ref=invoice["number"],
        description=t("Supplier invoice {number} ({ref})", number=invoice["number"], ref=invoice["supplier_ref"]),
        date_field="invoice_date",
    )
    return {"entry": entry, "price_variance": variance}


@action("supplier_invoice.register", "procurement.invoice")
def register_supplier_invoice(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A supplier's invoice for an order: ``{supplier, order, supplier_ref, invoice_date, lines: [{line_no,
    quantity, unit_price}]}`` (no lines: everything received and not yet invoiced, at the order price).

    Three-way match: invoicing more than was received (and not invoiced yet) is refused; a price beyond the
    order's price tolerance puts the invoice on hold, recorded but neither posted nor payable until released.
    """
    header, inv_lines, errors = validate_document(tx.conn, INVOICE_HEADER, INVOICE_LINE, data, lines_required=False)
    raise_if(errors)
    order = _order(tx.conn, order_id=header["order_id"])
    if order["supplier_id"] != header["supplier_id"]:
        raise ServiceError(FieldError("order", t("{number} is an order to another supplier", number=order["number"])))
    earlier = tx.conn.execute(
        select(s.supplier_invoice.c.number).where(
            s.supplier_invoice.c.supplier_id == header["supplier_id"],
            s.supplier_invoice.c.supplier_ref == header["supplier_ref"],
        )
    ).scalar()
    if earlier:
        raise _conflict(
            "supplier_ref", t("{ref} is already registered as {number}", ref=header["supplier_ref"], number=earlier)
        )
    if order["status"] not in OPEN_FOR_RECEIPT:
        raise _conflict(
            "order",
            t("{number} is {status}; nothing can be invoiced", number=order["number"], status=order["status"]),
        )
    supplier = _supplier(tx.conn, order["supplier_id"])
    company = company_settings(tx.conn)
    rate, errors = exchange_rate_for(supplier["currency"], company["base_currency"], header.get("exchange_rate"))
    if header.get("due_date") and header["due_date"] < header["invoice_date"]:
        errors.append(FieldError("due_date", t("must not be before the invoice date")))
    raise_if(errors)
    lines = {ln["line_no"]: ln for ln in _order_lines(tx.conn, order["id"])}
    if not inv_lines:
        inv_lines = [
            {"line_no": no, "quantity": qty(dec(ln["received_qty"]) - dec(ln["invoiced_qty"])), "unit_price": None}
            for no, ln in lines.items()
            if qty(ln["received_qty"]) > qty(ln["invoiced_qty"])
        ]
        if not inv_lines:
            raise _conflict(
                "order", t("{number} has nothing received that is not invoiced yet", number=order["number"])
            )
    vat = header.get("vat_rate")
    vat_rate = dec(order["vat_rate"]) if vat is None else vat
    tolerance = dec(order["price_tolerance_pct"])
    holds: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for n, il in enumerate(inv_lines, start=1):
        line = lines.get(il["line_no"])
        if line is None or il["line_no"] in seen:
            message = t("the order has no line {no}", no=il["line_no"]) if line is None else t("appears twice")
            errors.append(FieldError(line_field(n, "line_no"), message))
            continue
        seen.add(il["line_no"])
        open_qty = qty(dec(line["received_qty"]) - dec(line["invoiced_qty"]))
        if qty(il["quantity"]) > open_qty:
            errors.append(
                FieldError(
                    line_field(n, "quantity"),
                    t(
                        "three-way match failed: only {open} received and not yet invoiced on line {no}",
                        open=show(open_qty),
                        no=il["line_no"],
                    ),
                )
            )
            continue
        order_price = dec(line["unit_price"])
        price = order_price if il.get("unit_price") is None else il["unit_price"]
        if abs(price - order_price) > order_price * tolerance / HUNDRED:
            holds.append(
                t(
                    "line {no}: price {price} differs from the order price {order_price} by more than {tolerance}%",
                    no=il["line_no"],
                    price=show(price),
                    order_price=show(order_price),
                    tolerance=show(tolerance),
                )
            )
        net = money(il["quantity"] * price)
        rows.append(
            {
                "order_line_id": line["id"],
                "item_id": line["item_id"],
                "quantity": il["quantity"],
                "unit_price": price,
                "order_price": order_price,
                "net_amount": net,
                "vat_rate": vat_rate,
                "tax_amount": money(net * vat_rate),
            }
        )
    if errors:
        raise ServiceError(errors, code="conflict")
    net = sum((r["net_amount"] for r in rows), ZERO)
    tax = sum((r["tax_amount"] for r in rows), ZERO)
    number = tx.next_number("sinv")
    values = {
        "number": number,
        "supplier_id": supplier["id"],
        "order_id": order["id"],
        "supplier_ref": header["supplier_ref"],
        "invoice_date": header["invoice_date"],
        "due_date": header.get("due_date")
        or header["invoice_date"] + dt.timedelta(days=supplier["payment_terms_days"]),
        "currency": supplier["currency"],
        "exchange_rate": rate,
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "price_variance": ZERO,
        "paid_amount": ZERO,
        "status": "held" if holds else "open",
        "hold_reason": "; ".join(holds) or None,
        "reference": header.get("reference") or None,
        "created_at": tx.now,
    }
    entry = None
    if not holds:
        posted = _post_invoice(tx, values, rows, order)
        entry = posted["entry"]
        values["price_variance"] = posted["price_variance"]
        values["journal_entry_id"] = entry["id"] if entry else None
    invoice_id = tx.conn.execute(insert(s.supplier_invoice).values(**values)).inserted_primary_key[0]
    tx.conn.execute(
        insert(s.supplier_invoice_line),
        [{**r, "invoice_id": invoice_id, "line_no": n} for n, r in enumerate(rows, start=1)],
    )
    pol = s.purchase_order_line
    tx.conn.execute(
        update(pol).where(pol.c.id == bindparam("line_id")).values(invoiced_qty=pol.c.invoiced_qty + bindparam("n")),
        [{"line_id": r["order_line_id"], "n": r["quantity"]} for r in rows],
    )
    order_status = _refresh_order(tx.conn, order["id"])
    tx.audit("supplier_invoice", number, None, {**values, "lines": rows})
    return {
        "id": invoice_id,
        **values,
        "order_status": order_status,
        "journal_entry": entry["number"] if entry else None,
    }


def _invoice(conn: Connection, number: str) -> dict[str, Any]:
    invoice = fetch_one(conn, s.supplier_invoice, number=number)
    if invoice is None:
        raise not_found("invoice", t("Supplier invoice"), number)
    return invoice


def _invoice_lines(conn: Connection, invoice_id: int) -> list[dict[str, Any]]:
    sil = s.supplier_invoice_line
    query = select(sil).where(sil.c.invoice_id == invoice_id).order_by(sil.c.line_no)
    return [dict(r) for r in conn.execute(query).mappings()]


@action("supplier_invoice.release", "procurement.invoice")
def release_supplier_invoice(tx: Tx, number: str) -> dict[str, Any]:
    """Accept a held invoice's prices after review: it is posted (on its invoice date) and becomes payable."""
    invoice = _invoice(tx.conn, number)
    if invoice["status"] != "held":
        raise _conflict("invoice", t("{number} is {status}, not held", number=number, status=invoice["status"]))
    order = fetch_one(tx.conn, s.purchase_order, id=invoice["order_id"])
    assert order is not None
    posted = _post_invoice(tx, invoice, _invoice_lines(tx.conn, invoice["id"]), order)
    changes = {
        "status": "open",
        "released_by": tx.actor.username,
        "price_variance": posted["price_variance"],
        "journal_entry_id": posted["entry"]["id"] if posted["entry"] else None,
    }
    si = s.supplier_invoice
    tx.conn.execute(update(si).where(si.c.id == invoice["id"]).values(**changes))
    tx.audit("supplier_invoice", number, {"status": "held"}, changes)
    return {**invoice, **changes}


@action("supplier_invoice.reject", "procurement.invoice")
def reject_supplier_invoice(tx: Tx, number: str) -> None:
    """Refuse a held invoice (e.g. the supplier must send a corrected one): its quantities can be invoiced again."""
    invoice = _invoice(tx.conn, number)
    if invoice["status"] != "held":
        raise _conflict("invoice", t("{number} is {status}, not held", number=number, status=invoice["status"]))
    si, pol = s.supplier_invoice, s.purchase_order_line
    tx.conn.execute(update(si).where(si.c.id == invoice["id"]).values(status="cancelled"))
    tx.conn.execute(
        update(pol).where(pol.c.id == bindparam("line_id")).values(invoiced_qty=pol.c.invoiced_qty - bindparam("n")),
        [{"line_id": ln["order_line_id"], "n": dec(ln["quantity"])} for ln in _invoice_lines(tx.conn, invoice["id"])],
    )
    _refresh_order(tx.conn, invoice["order_id"])
    tx.audit("supplier_invoice", number, {"status": "held"}, {"status": "cancelled"})


# --- supplier payments --------------------------------------------------------------------------------------

PAYMENT_HEADER = FieldSet(
    (
        Ref("supplier", N_("Supplier"), required=True, column="supplier_id", table=s.supplier),
        Date("payment_date", N_("Payment date"), required=True),
        Dec("amount", N_("Amount"), required=True, positive=True),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Text("reference", N_("Bank reference"), max_length=60),
    )
)
ALLOCATION_LINE = FieldSet(
    (
        Ref(
            "invoice",
            N_("Supplier invoice"),
            required=True,
            column="invoice_id",
            table=s.supplier_invoice,
            key="number",
        ),
        Dec("amount", N_("Amount"), required=True, positive=True),
    )
)


def _allocate(
    tx: Tx, supplier_id: int, allocations: list[dict[str, Any]], available: Decimal, field: str
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Check the allocations against the supplier's payable invoices, or allocate oldest-due first."""
    si = s.supplier_invoice
    query = select(si).where(si.c.supplier_id == supplier_id, si.c.status.in_(("open", "partially_paid", "held")))
    invoices = {r["id"]: dict(r) for r in tx.conn.execute(query.order_by(si.c.due_date, si.c.id)).mappings()}

    def held(inv: dict[str, Any]) -> str | None:
        if inv["status"] != "held":
            return None
        return t(
            "{number} is held ({reason}) and cannot be paid until it is released",
            number=inv["number"],
            reason=inv["hold_reason"],
        )

    return allocate_to_invoices(
        invoices, allocations, available, field, t("is not an open invoice of this supplier"), blocked=held
    )


def _settle(
    tx: Tx,
    postings: Postings,
    supplier: Mapping[str, Any],
    allocations: list[dict[str, Any]],
    rate: Decimal,
    event: str,
    payment_id: int,
) -> None:
    """Post the allocations at the payment's rate (the difference to the invoice's rate as exchange gain or loss)
    and mark the invoices paid."""
    group = supplier["supplier_group"]
    si = s.supplier_invoice
    for a in allocations:
        invoice = a["invoice"]
        postings.add(event, a["amount"] * rate, partner_group=group)
        postings.add(
            "supplier_fx_difference",
            money(a["amount"] * rate) - money(a["amount"] * dec(invoice["exchange_rate"])),
            partner_group=group,
        )
        paid = money(invoice["paid_amount"]) + a["amount"]
        status = "paid" if paid >= money(invoice["gross_amount"]) else "partially_paid"
        tx.conn.execute(update(si).where(si.c.id == invoice["id"]).values(paid_amount=paid, status=status))
    if allocations:
        tx.conn.execute(
            insert(s.supplier_payment_allocation),
            [{"payment_id": payment_id, "invoice_id": a["invoice_id"], "amount": a["amount"]} for a in allocations],
        )


@action("supplier_payment.pay", "procurement.payments")
def pay_supplier(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Money to a supplier: ``{supplier, payment_date, amount, exchange_rate, reference, lines: [{invoice,
    amount}]}``. Without lines the oldest-due payable invoices are settled first; the rest is a prepayment."""
    header, allocations, errors = validate_document(
        tx.conn, PAYMENT_HEADER, ALLOCATION_LINE, data, lines_required=False
    )
    raise_if(errors)
    supplier = _supplier(tx.conn, header["supplier_id"])
    company = company_settings(tx.conn)
    rate, errors = exchange_rate_for(supplier["currency"], company["base_currency"], header.get("exchange_rate"))
    raise_if(errors)
    amount = money(header["amount"])
    allocations, errors = _allocate(tx, supplier["id"], allocations, amount, "amount")
    raise_if(errors)
    allocated = sum((a["amount"] for a in allocations), ZERO)
    number = tx.next_number("spay")
    payment_id = tx.conn.execute(
        insert(s.supplier_payment).values(
            number=number,
            supplier_id=supplier["id"],
            payment_date=header["payment_date"],
            currency=supplier["currency"],
            exchange_rate=rate,
            amount=amount,
            allocated_amount=allocated,
            reference=header.get("reference") or None,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    postings = Postings(tx.conn)
    _settle(tx, postings, supplier, allocations, rate, "supplier_payment", payment_id)
    postings.add("supplier_advance", (amount - allocated) * rate, partner_group=supplier["supplier_group"])
    _stamp(postings.lines, supplier_id=supplier["id"], doc_type="supplier_payment", doc_number=number)
    entry = post_entry(
        tx,
        entry_date=header["payment_date"],
        lines=postings.lines,
        source_type="supplier_payment",
        source_ref=number,
        description=t("Supplier payment {number}", number=number),
        date_field="payment_date",
    )
    sp = s.supplier_payment
    tx.conn.execute(update(sp).where(sp.c.id == payment_id).values(journal_entry_id=entry["id"] if entry else None))
    result = {
        "id": payment_id,
        "number": number,
        "amount": amount,
        "allocated_amount": allocated,
        "allocations": [{"invoice": a["invoice"]["number"], "amount": a["amount"]} for a in allocations],
    }
    tx.audit("supplier_payment", number, None, {**header, **result})
    return result


@action("supplier_payment.allocate", "procurement.payments")
def allocate_supplier_payment(
    tx: Tx, number: str, allocation_date: dt.date, lines: list[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Allocate what is left of an earlier payment (a prepayment) to invoices, oldest-due first by default."""
    payment = fetch_one(tx.conn, s.supplier_payment, number=number)
    if payment is None:
        raise not_found("payment", t("Supplier payment"), number)
    _, allocations, errors = validate_document(
        tx.conn, FieldSet(()), ALLOCATION_LINE, {"lines": lines or []}, lines_required=False
    )
    raise_if(errors)
    supplier = _supplier(tx.conn, payment["supplier_id"])
    available = money(payment["amount"]) - money(payment["allocated_amount"])
    if available <= 0:
        raise _conflict("payment", t("{number} is fully allocated", number=number))
    allocations, errors = _allocate(tx, supplier["id"], allocations, available, "payment")
    raise_if(errors)
    if not allocations:
        raise _conflict("payment", t("the supplier has no payable invoice"))
    postings = Postings(tx.conn)
    _settle(
        tx, postings, supplier, allocations, dec(payment["exchange_rate"]), "supplier_advance_allocation", payment["id"]
    )
    _stamp(postings.lines, supplier_id=supplier["id"], doc_type="supplier_payment", doc_number=number)
    total = sum((a["amount"] for a in allocations), ZERO)
    post_entry(
        tx,
        entry_date=allocation_date,
        lines=postings.lines,
        source_type="supplier_payment",
        source_ref=number,
        description=t("Allocation of supplier payment {number}", number=number),
        date_field="allocation_date",
    )
    sp = s.supplier_payment
    tx.conn.execute(
        update(sp).where(sp.c.id == payment["id"]).values(allocated_amount=money(payment["allocated_amount"]) + total)
    )
    result = {
        "number": number,
        "allocations": [{"invoice": a["invoice"]["number"], "amount": a["amount"]} for a in allocations],
    }
    tx.audit("supplier_payment", number, {"allocated_amount": payment["allocated_amount"]}, result)
    return result


# --- supplier evaluations -----------------------------------------------------------------------------------

EVALUATION_FIELDS = FieldSet(
    (
        Ref("supplier", N_("Supplier"), required=True, column="supplier_id", table=s.supplier),
        Text("period", N_("Period (YYYY-MM or YYYY-Qn)"), required=True, max_length=7),
        Dec("quality_score", N_("Quality score (0-100)"), required=True, min_value=0, max_value=100),
        Dec("delivery_score", N_("Delivery score (0-100)"), required=True, min_value=0, max_value=100),
        Dec("price_score", N_("Price score (0-100)"), required=True, min_value=0, max_value=100),
        Text("evaluator", N_("Evaluator (blank: you)"), max_length=80),
        Text("notes", N_("Notes"), max_length=1000),
    )
)


@action("supplier_evaluation.record", "procurement.orders")
def record_supplier_evaluation(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Score a supplier for a period on quality, delivery and price; the overall score is their mean."""
    values, errors = EVALUATION_FIELDS.validate(data, tx.conn)
    if values.get("period") and not PERIOD_PATTERN.match(values["period"]):
        errors.append(FieldError("period", t("must be a month like 2026-03 or a quarter like 2026-Q1")))
    raise_if(errors)
    ev = s.supplier_evaluation
    earlier = fetch_one(tx.conn, ev, supplier_id=values["supplier_id"], period=values["period"])
    if earlier is not None:
        raise _conflict(
            "period",
            t("{period} was already evaluated by {evaluator}", period=values["period"], evaluator=earlier["evaluator"]),
        )
    scores = (values["quality_score"], values["delivery_score"], values["price_score"])
    row = {
        **values,
        "overall_score": money(sum(scores, ZERO) / 3),
        "evaluator": values.get("evaluator") or tx.actor.username,
        "recorded_by": tx.actor.username,
        "notes": values.get("notes") or None,
        "created_at": tx.now,
    }
    row_id = tx.conn.execute(insert(ev).values(**row)).inserted_primary_key[0]
    tx.audit("supplier_evaluation", f"{values['supplier_id']}/{values['period']}", None, row)
    return {"id": row_id, **row}


def delivery_performance(conn: Connection, supplier_code: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Receipt lines of a supplier in a date range and the share received on or before the line's expected date:
    the facts behind a delivery score."""
    gr, grl, pol = s.goods_receipt, s.goods_receipt_line, s.purchase_order_line
    query = (
        select(gr.c.receipt_date, pol.c.expected_date)
        .join(grl, grl.c.receipt_id == gr.c.id)
        .join(pol, pol.c.id == grl.c.order_line_id)
        .join(s.supplier, s.supplier.c.id == gr.c.supplier_id)
        .where(s.supplier.c.code == supplier_code, gr.c.receipt_date >= start, gr.c.receipt_date <= end)
    )
    rows = conn.execute(query).all()
    on_time = sum(1 for received, expected in rows if received <= expected)
    share = money(Decimal(on_time) * HUNDRED / len(rows)) if rows else None
    return {"receipt_lines": len(rows), "on_time": on_time, "on_time_pct": share}


# --- reading ------------------------------------------------------------------------------------------------


def open_purchase_lines(conn: Connection) -> list[dict[str, Any]]:
    """Approved order lines not fully received: quantity still to come, by expected date (MRP's supply)."""
    po, pol = s.purchase_order, s.purchase_order_line
    query = (
        select(s.item.c.item_code, pol.c.expected_date, pol.c.quantity, pol.c.received_qty, po.c.number, pol.c.line_no)
        .join(po, po.c.id == pol.c.order_id)
        .join(s.item, s.item.c.id == pol.c.item_id)
        .where(po.c.status.in_(("approved", "partially_received")), pol.c.received_qty < pol.c.quantity)
        .order_by(pol.c.expected_date, po.c.number, pol.c.line_no)
    )
    return [
        {
            "item_code": r.item_code,
            "due_date": r.expected_date,
            "quantity": qty(dec(r.quantity) - dec(r.received_qty)),
            "order_ref": f"{r.number}/{r.line_no}",
        }
        for r in conn.execute(query)
    ]
