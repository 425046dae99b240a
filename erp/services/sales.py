"""Order to cash: price lists, quotations, sales orders, shipments, customer invoices, payments and contracts.

Status transitions (anything else is refused):
- quotation: open -> accepted (an order was made from it) | cancelled
- sales order: open -> partially_shipped -> shipped -> closed (fully invoiced); open -> cancelled
- customer invoice: open -> partially_paid -> paid
- sales contract: draft -> active -> expired | terminated; draft -> terminated; expired -> active (renewal)

Documents are in the customer's currency; the ledger is in the base currency at the document's exchange rate.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action, fetch_one
from erp.services.documents import (
    ZERO,
    allocate_to_invoices,
    company_settings,
    dec,
    in_list,
    in_params,
    in_size,
    line_field,
    money,
    not_found,
    qty,
    raise_if,
    show,
    validate_document,
)
from erp.services.inventory import StockBatch, load_items
from erp.services.ledger import Postings, post_entry
from erp.services.prepared import Prepared

HUNDRED = Decimal(100)
OPEN_ORDER_STATUSES = ("open", "partially_shipped", "shipped")
CONTRACT_TRANSITIONS = {
    "draft": {"active", "terminated"},
    "active": {"expired", "terminated"},
    "expired": {"active"},
    "terminated": set(),
}


CUSTOMER_QUERY = select(s.customer).where(s.customer.c.id == bindparam("customer_id"))
CUSTOMER_COLUMNS = tuple(c.name for c in s.customer.c)


def _customer(conn: Connection, customer_id: int) -> dict[str, Any]:
    return dict(conn.execute(CUSTOMER_QUERY, {"customer_id": customer_id}).mappings().one())


def _exchange_rate(
    customer: Mapping[str, Any], base_currency: str, given: Decimal | None
) -> tuple[Decimal, list[FieldError]]:
    """Documents in the base currency have rate 1; foreign-currency documents must say their rate."""
    if customer["currency"] == base_currency:
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
            FieldError("exchange_rate", t("is required for documents in {currency}", currency=customer["currency"]))
        ]
    return given, []


def _net(quantity: Decimal, price: Decimal, discount_pct: Decimal) -> Decimal:
    return money(quantity * price * (HUNDRED - discount_pct) / HUNDRED)


# --- price lists and prices ---------------------------------------------------------------------------------

PRICE_LIST_HEADER = FieldSet(
    (
        Text("code", N_("Price list code"), required=True, max_length=40),
        Text("name", N_("Name"), required=True),
        Ref("customer", N_("Customer (blank: the default list)"), column="customer_id", table=s.customer),
        Text("currency", N_("Currency"), max_length=3),
        Date("valid_from", N_("Valid from")),
        Date("valid_to", N_("Valid to")),
        Bool("active", N_("Active"), default=True),
    )
)
PRICE_LIST_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Dec("unit_price", N_("Unit price"), required=True, min_value=0),
    )
)


@action("price_list.save", "sales.prices")
def save_price_list(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Create or replace a price list with its lines (a customer's own list, or the default one)."""
    header, lines, errors = validate_document(tx.conn, PRICE_LIST_HEADER, PRICE_LIST_LINE, data)
    if header.get("valid_from") and header.get("valid_to") and header["valid_to"] < header["valid_from"]:
        errors.append(FieldError("valid_to", t("must not be before valid from")))
    seen: set[int] = set()
    for n, ln in enumerate(lines, start=1):
        if ln.get("item_id") in seen:
            errors.append(FieldError(line_field(n, "item"), t("appears twice in this price list")))
        seen.add(ln.get("item_id"))  # type: ignore[arg-type]
    raise_if(errors)
    if not header.get("currency"):
        header["currency"] = (
            _customer(tx.conn, header["customer_id"])["currency"]
            if header.get("customer_id")
            else company_settings(tx.conn)["base_currency"]
        )
    before = fetch_one(tx.conn, s.price_list, code=header["code"])
    if before is None:
        list_id = tx.conn.execute(insert(s.price_list).values(**header)).inserted_primary_key[0]
    else:
        list_id = before["id"]
        tx.conn.execute(update(s.price_list).where(s.price_list.c.id == list_id).values(**header))
        tx.conn.execute(s.price_list_line.delete().where(s.price_list_line.c.price_list_id == list_id))
    tx.conn.execute(insert(s.price_list_line), [{**ln, "price_list_id": list_id} for ln in lines])
    tx.audit("price_list", header["code"], before, {**header, "lines": lines})
    return {"id": list_id, **header}


@functools.cache
def _price_query(size: int | None) -> Prepared:
    """Contract prices, the customer's own list and the default list in one query, best source first (built once
    per IN-list size of the items)."""
    sc, scl, pl, pll = s.sales_contract, s.sales_contract_line, s.price_list, s.price_list_line
    on = bindparam("on")
    contract = (
        select(
            scl.c.item_id, scl.c.agreed_price.label("price"), literal(1).label("rank"), sc.c.start_date.label("since")
        )
        .join(sc, sc.c.id == scl.c.contract_id)
        .where(
            sc.c.customer_id == bindparam("customer_id"),
            sc.c.status == "active",
            sc.c.start_date <= on,
            sc.c.end_date >= on,
            or_(bindparam("contract_id", type_=Integer).is_(None), sc.c.id == bindparam("contract_id", type_=Integer)),
            in_list("items", scl.c.item_id, size),
        )
    )
    listed = (
        select(
            pll.c.item_id,
            pll.c.unit_price.label("price"),
            case((pl.c.customer_id.is_(None), 3), else_=2).label("rank"),
            pl.c.valid_from.label("since"),
        )
        .join(pl, pl.c.id == pll.c.price_list_id)
        .where(
            or_(pl.c.customer_id == bindparam("customer_id"), pl.c.customer_id.is_(None)),
            pl.c.active.is_(True),
            pl.c.currency == bindparam("currency"),
            or_(pl.c.valid_from.is_(None), pl.c.valid_from <= on),
            or_(pl.c.valid_to.is_(None), pl.c.valid_to >= on),
            in_list("items", pll.c.item_id, size),
        )
    )
    return Prepared(union_all(contract, listed))


def prices_for(
    conn: Connection, customer: Mapping[str, Any], item_ids: Sequence[int], on: dt.date, contract_id: int | None = None
) -> dict[int, Decimal]:
    """The price of each item for a customer on a date: its contract, else its own price list, else the default
    list; among several valid lists of the same kind, the one valid from the latest date."""
    items = sorted(set(item_ids))
    params = {
        "customer_id": customer["id"],
        "currency": customer["currency"],
        "on": on,
        "contract_id": contract_id,
        **in_params("items", items),
    }
    best: dict[int, tuple[int, dt.date, Decimal]] = {}
    for item_id, price, rank, since in _price_query(in_size(len(items))).rows(conn, params):
        since = since or dt.date.min
        current = best.get(item_id)
        if current is None or (rank, -since.toordinal()) < (current[0], -current[1].toordinal()):
            best[item_id] = (rank, since, dec(price))
    return {item_id: price for item_id, (_, _, price) in best.items()}


def _price_lines(
    conn: Connection,
    customer: Mapping[str, Any],
    lines: list[dict[str, Any]],
    on: dt.date,
    errors: list[FieldError],
    contract_id: int | None = None,
) -> None:
    """Fill missing unit prices from contracts and price lists and compute each line's net amount."""
    unpriced = [ln["item_id"] for ln in lines if ln.get("unit_price") is None]
    prices = prices_for(conn, customer, unpriced, on, contract_id) if unpriced else {}
    for n, ln in enumerate(lines, start=1):
        if ln.get("unit_price") is None:
            price = prices.get(ln["item_id"])
            if price is None:
                errors.append(
                    FieldError(
                        line_field(n, "unit_price"),
                        t("no contract or price list gives a price for this item; enter one"),
                    )
                )
                continue
            ln["unit_price"] = price
        ln["discount_pct"] = ln.get("discount_pct") or ZERO
        ln["net_amount"] = _net(ln["quantity"], ln["unit_price"], ln["discount_pct"])


# --- quotations ---------------------------------------------------------------------------------------------

QUOTE_HEADER = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer, only_active=True),
        Date("quote_date", N_("Quotation date"), required=True),
        Date("valid_until", N_("Valid until"), required=True),
        Text("reference", N_("Reference"), max_length=60),
        Text("notes", N_("Notes"), max_length=1000),
    )
)
SALES_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Dec("unit_price", N_("Unit price (blank: from contract or price list)"), min_value=0),
        Dec("discount_pct", N_("Discount %"), default=ZERO, min_value=0, max_value=100),
        Date("promised_date", N_("Promised date (blank: the order's)")),
    )
)


@action("quotation.create", "sales.orders")
def create_quotation(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A priced offer to a customer, valid until a date."""
    header, lines, errors = validate_document(tx.conn, QUOTE_HEADER, SALES_LINE, data)
    if not errors and header["valid_until"] < header["quote_date"]:
        errors.append(FieldError("valid_until", t("must not be before the quotation date")))
    raise_if(errors)
    customer = _customer(tx.conn, header["customer_id"])
    _price_lines(tx.conn, customer, lines, header["quote_date"], errors)
    raise_if(errors)
    number = tx.next_number("qt")
    values = {
        **header,
        "number": number,
        "currency": customer["currency"],
        "status": "open",
        "net_amount": sum((ln["net_amount"] for ln in lines), ZERO),
        "created_at": tx.now,
    }
    quote_id = tx.conn.execute(insert(s.sales_quotation).values(**values)).inserted_primary_key[0]
    tx.conn.execute(
        insert(s.sales_quotation_line),
        [
            {
                "quotation_id": quote_id,
                "line_no": n,
                **{k: ln[k] for k in ("item_id", "quantity", "unit_price", "discount_pct", "net_amount")},
            }
            for n, ln in enumerate(lines, start=1)
        ],
    )
    tx.audit("sales_quotation", number, None, {**values, "lines": lines})
    return {"id": quote_id, **values}


@action("quotation.cancel", "sales.orders")
def cancel_quotation(tx: Tx, number: str) -> None:
    quote = fetch_one(tx.conn, s.sales_quotation, number=number)
    if quote is None:
        raise not_found("quotation", t("Quotation"), number)
    if quote["status"] != "open":
        raise ServiceError(
            FieldError(
                "quotation",
                t("{number} is {status} and can no longer be cancelled", number=number, status=quote["status"]),
            ),
            code="conflict",
        )
    tx.conn.execute(update(s.sales_quotation).where(s.sales_quotation.c.id == quote["id"]).values(status="cancelled"))
    tx.audit("sales_quotation", number, {"status": "open"}, {"status": "cancelled"})


# --- sales orders -------------------------------------------------------------------------------------------

ORDER_HEADER = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer, only_active=True),
        Date("order_date", N_("Order date"), required=True),
        Date("promised_date", N_("Promised date"), required=True),
        Ref("contract", N_("Sales contract"), column="contract_id", table=s.sales_contract, key="number"),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Text("reference", N_("Customer reference"), max_length=60),
    )
)


def _exposure_query() -> Select:
    inv, so, pay = s.customer_invoice, s.sales_order, s.customer_payment
    customer_id = bindparam("customer_id")
    ar = select(func.coalesce(func.sum(inv.c.gross_amount - inv.c.paid_amount), 0)).where(
        inv.c.customer_id == customer_id, inv.c.status != "paid"
    )
    orders = select(func.coalesce(func.sum(so.c.open_amount), 0)).where(
        # Literal binds, not a list: SQLAlchemy turns a list into an expanding parameter rewritten on every run.
        so.c.customer_id == customer_id,
        so.c.status.in_([literal(v) for v in OPEN_ORDER_STATUSES]),
    )
    advances = select(func.coalesce(func.sum(pay.c.amount - pay.c.allocated_amount), 0)).where(
        pay.c.customer_id == customer_id, pay.c.allocated_amount < pay.c.amount
    )
    return select(ar.scalar_subquery(), orders.scalar_subquery(), advances.scalar_subquery())


EXPOSURE_QUERY = _exposure_query()
ORDER_CONTEXT_QUERY = Prepared(
    select(
        s.customer,
        s.company.c.base_currency,
        s.company.c.default_vat_rate,
        *(
            c.label(name)
            for c, name in zip(EXPOSURE_QUERY.selected_columns, ("open_ar", "open_orders", "advances"), strict=True)
        ),
    )
    .select_from(s.customer)
    .join(s.company, s.company.c.id == 1)
    .where(s.customer.c.id == bindparam("customer_id"))
)


def exposure(conn: Connection, customer_id: int) -> Decimal:
    """What the customer owes or has ordered: open invoices + orders not yet invoiced - unallocated payments."""
    ar, orders, advances = conn.execute(EXPOSURE_QUERY, {"customer_id": customer_id}).one()
    return money(dec(ar) + dec(orders) - dec(advances))


def _check_credit(conn: Connection, customer: Mapping[str, Any], amount: Decimal) -> None:
    """Refuse an order that takes the customer over its credit limit (a limit of 0 means no limit is set)."""
    limit = dec(customer["credit_limit"])
    if limit <= 0:
        return
    current = customer["exposure"] if "exposure" in customer else exposure(conn, customer["id"])
    if current + amount > limit:
        raise ServiceError(
            FieldError(
                "customer",
                t(
                    "over the credit limit {limit}: {customer} owes or has ordered {current}, this order adds {amount}",
                    customer=customer["code"],
                    current=show(current),
                    amount=show(amount),
                    limit=show(limit),
                ),
            ),
            code="conflict",
        )


ORDER_COLUMNS = (
    "number",
    "customer_id",
    "order_date",
    "promised_date",
    "quotation_id",
    "contract_id",
    "currency",
    "exchange_rate",
    "status",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "open_amount",
    "vat_rate",
    "reference",
    "created_at",
)
ORDER_LINE_KEYS = ("item_id", "quantity", "unit_price", "discount_pct", "net_amount", "promised_date")
ORDER_INSERT = Prepared(insert(s.sales_order).returning(s.sales_order.c.id), columns=ORDER_COLUMNS)
ORDER_LINE_INSERT = Prepared(insert(s.sales_order_line), columns=("order_id", "line_no", *ORDER_LINE_KEYS))


def _write_order(
    tx: Tx, header: dict[str, Any], lines: list[dict[str, Any]], quotation_id: int | None = None
) -> dict[str, Any]:
    errors: list[FieldError] = []
    # One round trip for the customer, its current exposure and the company's currency and VAT rate.
    row = ORDER_CONTEXT_QUERY.mapping(tx.conn, {"customer_id": header["customer_id"]})
    if row is None:
        raise ServiceError(t("The company is not set up yet: run `erp init` first."))
    customer = {name: row[name] for name in CUSTOMER_COLUMNS}
    company = {"base_currency": row["base_currency"], "default_vat_rate": row["default_vat_rate"]}
    customer["exposure"] = money(dec(row["open_ar"]) + dec(row["open_orders"]) - dec(row["advances"]))
    rate, rate_errors = _exchange_rate(customer, company["base_currency"], header.get("exchange_rate"))
    errors += rate_errors
    if header["promised_date"] < header["order_date"]:
        errors.append(FieldError("promised_date", t("must not be before the order date")))
    contract_id = header.get("contract_id")
    if contract_id is not None:
        contract = fetch_one(tx.conn, s.sales_contract, id=contract_id)
        assert contract is not None
        if contract["customer_id"] != customer["id"]:
            errors.append(FieldError("contract", t("belongs to another customer")))
        elif (
            contract["status"] != "active" or not contract["start_date"] <= header["order_date"] <= contract["end_date"]
        ):
            errors.append(FieldError("contract", t("is not active on the order date")))
    for n, ln in enumerate(lines, start=1):
        if ln.get("promised_date") is None:
            ln["promised_date"] = header["promised_date"]
        elif ln["promised_date"] < header["order_date"]:
            errors.append(FieldError(line_field(n, "promised_date"), t("must not be before the order date")))
    if "net_amount" not in (lines[0] if lines else {}):
        _price_lines(tx.conn, customer, lines, header["order_date"], errors, contract_id)
    raise_if(errors)
    vat_rate = dec(company["default_vat_rate"])
    net = sum((ln["net_amount"] for ln in lines), ZERO)
    tax = money(net * vat_rate)
    gross = net + tax
    _check_credit(tx.conn, customer, gross)
    number = tx.next_number("so")
    values = {
        "number": number,
        "customer_id": customer["id"],
        "order_date": header["order_date"],
        "promised_date": header["promised_date"],
        "quotation_id": quotation_id,
        "contract_id": contract_id,
        "currency": customer["currency"],
        "exchange_rate": rate,
        "status": "open",
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": gross,
        "open_amount": gross,
        "vat_rate": vat_rate,
        "reference": header.get("reference") or None,
        "created_at": tx.now,
    }
    [(order_id,)] = ORDER_INSERT.rows(tx.conn, values)
    keys = ORDER_LINE_KEYS
    ORDER_LINE_INSERT.many(
        tx.conn,
        [{"order_id": order_id, "line_no": n, **{k: ln[k] for k in keys}} for n, ln in enumerate(lines, start=1)],
    )
    tx.audit("sales_order", number, None, {**values, "lines": [{k: ln[k] for k in keys} for ln in lines]})
    return {"id": order_id, **values}


@action("sales_order.create", "sales.orders")
def create_sales_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """``{customer, order_date, promised_date, contract, exchange_rate, reference, lines: [{item, quantity,
    unit_price, discount_pct, promised_date}]}``; prices default from the contract or price lists."""
    header, lines, errors = validate_document(tx.conn, ORDER_HEADER, SALES_LINE, data)
    raise_if(errors)
    return _write_order(tx, header, lines)


@action("sales_order.from_quotation", "sales.orders")
def order_from_quotation(
    tx: Tx, number: str, order_date: dt.date, promised_date: dt.date, reference: str = ""
) -> dict[str, Any]:
    """Turn an open, unexpired quotation into a sales order at the quoted prices."""
    quote = fetch_one(tx.conn, s.sales_quotation, number=number)
    if quote is None:
        raise not_found("quotation", t("Quotation"), number)
    if quote["status"] != "open":
        raise ServiceError(
            FieldError("quotation", t("{number} is {status}, not open", number=number, status=quote["status"])),
            code="conflict",
        )
    if order_date > quote["valid_until"]:
        raise ServiceError(
            FieldError("quotation", t("{number} expired on {date}", number=number, date=quote["valid_until"])),
            code="conflict",
        )
    rows = tx.conn.execute(
        select(s.sales_quotation_line)
        .where(s.sales_quotation_line.c.quotation_id == quote["id"])
        .order_by(s.sales_quotation_line.c.line_no)
    ).mappings()
    lines = [
        {
            "item_id": r["item_id"],
            "quantity": dec(r["quantity"]),
            "unit_price": dec(r["unit_price"]),
            "discount_pct": dec(r["discount_pct"]),
            "net_amount": money(r["net_amount"]),
            "promised_date": None,
        }
        for r in rows
    ]
    header = {
        "customer_id": quote["customer_id"],
        "order_date": order_date,
        "promised_date": promised_date,
        "reference": reference or quote["reference"],
    }
    order = _write_order(tx, header, lines, quotation_id=quote["id"])
    tx.conn.execute(update(s.sales_quotation).where(s.sales_quotation.c.id == quote["id"]).values(status="accepted"))
    tx.audit("sales_quotation", number, {"status": "open"}, {"status": "accepted", "order": order["number"]})
    return order


def _order(conn: Connection, number: str) -> dict[str, Any]:
    order = fetch_one(conn, s.sales_order, number=number)
    if order is None:
        raise not_found("order", t("Sales order"), number)
    return order


@action("sales_order.cancel", "sales.orders")
def cancel_sales_order(tx: Tx, number: str) -> None:
    """Cancel an order nothing was shipped from."""
    order = _order(tx.conn, number)
    if order["status"] != "open":
        raise ServiceError(
            FieldError(
                "order",
                t("{number} is {status}; only open orders can be cancelled", number=number, status=order["status"]),
            ),
            code="conflict",
        )
    tx.conn.execute(
        update(s.sales_order).where(s.sales_order.c.id == order["id"]).values(status="cancelled", open_amount=0)
    )
    tx.audit("sales_order", number, {"status": "open"}, {"status": "cancelled"})


def _order_lines(conn: Connection, order_id: int) -> list[dict[str, Any]]:
    query = (
        select(s.sales_order_line)
        .where(s.sales_order_line.c.order_id == order_id)
        .order_by(s.sales_order_line.c.line_no)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


# --- shipments ----------------------------------------------------------------------------------------------

SHIP_HEADER = FieldSet(
    (
        Ref("order", N_("Sales order"), required=True, column="order_id", table=s.sales_order, key="number"),
        Date("ship_date", N_("Ship date"), required=True),
        Ref("location", N_("From location"), required=True, column="location_id", table=s.location, only_active=True),
        Text("reference", N_("Reference"), max_length=60),
    )
)
SHIP_LINE = FieldSet(
    (
        Int("line_no", N_("Order line"), required=True, min_value=1),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
    )
)


@action("shipment.post", "sales.ship")
def ship_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Ship from stock: ``{order, ship_date, location, lines: [{line_no, quantity}]}`` (no lines: all that is left).

    Stock is checked and taken, cost of goods sold posted at standard cost, all in one transaction.
    """
    header, ship_lines, errors = validate_document(tx.conn, SHIP_HEADER, SHIP_LINE, data, lines_required=False)
    raise_if(errors)
    order = fetch_one(tx.conn, s.sales_order, id=header["order_id"])
    assert order is not None
    if order["status"] not in ("open", "partially_shipped"):
        raise ServiceError(
            FieldError(
                "order",
                t("{number} is {status}; nothing can be shipped", number=order["number"], status=order["status"]),
            ),
            code="conflict",
        )
    if header["ship_date"] < order["order_date"]:
        raise ServiceError(FieldError("ship_date", t("must not be before the order date")))
    lines = {ln["line_no"]: ln for ln in _order_lines(tx.conn, order["id"])}
    if not ship_lines:
        ship_lines = [
            {"line_no": no, "quantity": dec(ln["quantity"]) - dec(ln["shipped_qty"])}
            for no, ln in lines.items()
            if dec(ln["quantity"]) > dec(ln["shipped_qty"])
        ]
    for n, sl in enumerate(ship_lines, start=1):
        line = lines.get(sl["line_no"])
        if line is None:
            errors.append(FieldError(line_field(n, "line_no"), t("the order has no line {no}", no=sl["line_no"])))
            continue
        left = qty(dec(line["quantity"]) - dec(line["shipped_qty"]))
        if qty(sl["quantity"]) > left:
            errors.append(
                FieldError(
                    line_field(n, "quantity"),
                    t("only {left} left to ship on line {no}", left=show(left), no=sl["line_no"]),
                )
            )
    raise_if(errors)
    customer = _customer(tx.conn, order["customer_id"])
    items = load_items(tx.conn, (lines[sl["line_no"]]["item_id"] for sl in ship_lines))
    number = tx.next_number("shp")
    batch = StockBatch(
        tx, number=number, move_date=header["ship_date"], source_type="shipment", source_ref=order["number"]
    )
    for n, sl in enumerate(ship_lines, start=1):
        line = lines[sl["line_no"]]
        batch.move(
            "shipment",
            items[line["item_id"]],
            header["location_id"],
            -sl["quantity"],
            field=line_field(n, "quantity"),
            partner_group=customer["customer_group"],
            customer_id=customer["id"],
        )
    entry = batch.finish(t("Shipment {number} for {order}", number=number, order=order["number"]))
    shipment_id = tx.conn.execute(
        insert(s.shipment).values(
            number=number,
            order_id=order["id"],
            customer_id=customer["id"],
            ship_date=header["ship_date"],
            location_id=header["location_id"],
            journal_entry_id=entry["id"] if entry else None,
            reference=header.get("reference") or None,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    tx.conn.execute(
        insert(s.shipment_line),
        [
            {
                "shipment_id": shipment_id,
                "order_line_id": lines[sl["line_no"]]["id"],
                "item_id": lines[sl["line_no"]]["item_id"],
                "quantity": sl["quantity"],
                "unit_cost": dec(items[lines[sl["line_no"]]["item_id"]]["standard_cost"]),
            }
            for sl in ship_lines
        ],
    )
    sol = s.sales_order_line
    tx.conn.execute(
        update(sol)
        .where(sol.c.id == bindparam("line_id"))
        .values(shipped_qty=sol.c.shipped_qty + bindparam("shipped")),
        [{"line_id": lines[sl["line_no"]]["id"], "shipped": sl["quantity"]} for sl in ship_lines],
    )
    for sl in ship_lines:
        lines[sl["line_no"]]["shipped_qty"] = dec(lines[sl["line_no"]]["shipped_qty"]) + sl["quantity"]
    done = all(qty(ln["shipped_qty"]) >= qty(ln["quantity"]) for ln in lines.values())
    status = "shipped" if done else "partially_shipped"
    tx.conn.execute(update(s.sales_order).where(s.sales_order.c.id == order["id"]).values(status=status))
    tx.audit(
        "shipment", number, None, {**header, "lines": ship_lines, "journal_entry": entry["number"] if entry else None}
    )
    return {
        "id": shipment_id,
        "number": number,
        "order_status": status,
        "journal_entry": entry["number"] if entry else None,
    }


# --- customer invoices --------------------------------------------------------------------------------------

INVOICE_HEADER = FieldSet(
    (
        Ref("order", N_("Sales order"), required=True, column="order_id", table=s.sales_order, key="number"),
        Date("invoice_date", N_("Invoice date"), required=True),
        Text("reference", N_("Reference"), max_length=60),
    )
)
DIRECT_INVOICE_HEADER = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer),
        Date("invoice_date", N_("Invoice date"), required=True),
        Date("due_date", N_("Due date (blank: from payment terms)")),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Dec("vat_rate", N_("VAT rate (blank: the company's default)"), min_value=0, max_value=1),
        Text("reference", N_("Reference"), max_length=60),
    )
)
DIRECT_INVOICE_LINE = FieldSet(
    (
        Ref("item", N_("Item"), column="item_id", table=s.item, key="item_code"),
        Text("description", N_("Description"), max_length=400),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Dec("unit_price", N_("Unit price"), required=True, min_value=0),
        Dec("discount_pct", N_("Discount %"), default=ZERO, min_value=0, max_value=100),
    )
)


def _write_invoice(
    tx: Tx,
    customer: Mapping[str, Any],
    *,
    invoice_date: dt.date,
    due_date: dt.date | None,
    rate: Decimal,
    vat_rate: Decimal,
    lines: list[dict[str, Any]],
    order_id: int | None,
    reference: str | None,
) -> dict[str, Any]:
    """Write the invoice and its lines and post receivable, revenue and output VAT."""
    for ln in lines:
        ln["net_amount"] = _net(ln["quantity"], ln["unit_price"], ln["discount_pct"])
        ln["vat_rate"] = vat_rate
        ln["tax_amount"] = money(ln["net_amount"] * vat_rate)
    net = sum((ln["net_amount"] for ln in lines), ZERO)
    tax = sum((ln["tax_amount"] for ln in lines), ZERO)
    number = tx.next_number("inv")
    items = load_items(tx.conn, (ln.get("item_id") for ln in lines))
    postings = Postings(tx.conn)
    dims = {"customer_id": customer["id"], "doc_type": "invoice", "doc_number": number}
    for ln in lines:
        item = items.get(ln.get("item_id"))  # type: ignore[arg-type]
        postings.add(
            "invoice_revenue", ln["net_amount"] * rate, item=item, partner_group=customer["customer_group"], **dims
        )
    postings.add("invoice_tax", tax * rate, partner_group=customer["customer_group"], **dims)
    entry = post_entry(
        tx,
        entry_date=invoice_date,
        lines=postings.lines,
        source_type="invoice",
        source_ref=number,
        description=t("Invoice {number}", number=number),
        date_field="invoice_date",
    )
    values = {
        "number": number,
        "customer_id": customer["id"],
        "order_id": order_id,
        "invoice_date": invoice_date,
        "due_date": due_date or invoice_date + dt.timedelta(days=customer["payment_terms_days"]),
        "currency": customer["currency"],
        "exchange_rate": rate,
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "paid_amount": ZERO,
        "status": "open",
        "journal_entry_id": entry["id"] if entry else None,
        "reference": reference,
        "created_at": tx.now,
    }
    invoice_id = tx.conn.execute(insert(s.customer_invoice).values(**values)).inserted_primary_key[0]
    keys = (
        "order_line_id",
        "item_id",
        "description",
        "quantity",
        "unit_price",
        "discount_pct",
        "net_amount",
        "vat_rate",
        "tax_amount",
    )
    tx.conn.execute(
        insert(s.customer_invoice_line),
        [
            {"invoice_id": invoice_id, "line_no": n, **{k: ln.get(k) for k in keys}}
            for n, ln in enumerate(lines, start=1)
        ],
    )
    tx.audit("customer_invoice", number, None, {**values, "lines": lines})
    return {"id": invoice_id, **values, "journal_entry": entry["number"] if entry else None}


@action("invoice.from_order", "sales.invoice")
def invoice_order(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Invoice everything shipped and not yet invoiced on an order: ``{order, invoice_date, reference}``."""
    header, _, errors = validate_document(tx.conn, INVOICE_HEADER, FieldSet(()), data, lines_required=False)
    raise_if(errors)
    order = fetch_one(tx.conn, s.sales_order, id=header["order_id"])
    assert order is not None
    if order["status"] in ("cancelled", "closed"):
        raise ServiceError(
            FieldError(
                "order",
                t("{number} is {status}; nothing can be invoiced", number=order["number"], status=order["status"]),
            ),
            code="conflict",
        )
    order_lines = _order_lines(tx.conn, order["id"])
    lines = [
        {
            "order_line_id": ln["id"],
            "item_id": ln["item_id"],
            "quantity": qty(dec(ln["shipped_qty"]) - dec(ln["invoiced_qty"])),
            "unit_price": dec(ln["unit_price"]),
            "discount_pct": dec(ln["discount_pct"]),
        }
        for ln in order_lines
        if qty(ln["shipped_qty"]) > qty(ln["invoiced_qty"])
    ]
    if not lines:
        raise ServiceError(
            FieldError("order", t("{number} has nothing shipped that is not invoiced yet", number=order["number"])),
            code="conflict",
        )
    customer = _customer(tx.conn, order["customer_id"])
    invoice = _write_invoice(
        tx,
        customer,
        invoice_date=header["invoice_date"],
        due_date=None,
        rate=dec(order["exchange_rate"]),
        vat_rate=dec(order["vat_rate"]),
        lines=lines,
        order_id=order["id"],
        reference=header.get("reference") or None,
    )
    sol = s.sales_order_line
    tx.conn.execute(
        update(sol)
        .where(sol.c.id == bindparam("line_id"))
        .values(invoiced_qty=sol.c.invoiced_qty + bindparam("invoiced")),
        [{"line_id": ln["order_line_id"], "invoiced": ln["quantity"]} for ln in lines],
    )
    invoiced = {ln["order_line_id"]: ln["quantity"] for ln in lines}
    complete = all(
        qty(dec(ln["invoiced_qty"]) + invoiced.get(ln["id"], ZERO)) >= qty(ln["quantity"]) for ln in order_lines
    )
    open_amount = ZERO if complete else max(ZERO, money(order["open_amount"]) - invoice["gross_amount"])
    changes = {"open_amount": open_amount, **({"status": "closed"} if complete else {})}
    tx.conn.execute(update(s.sales_order).where(s.sales_order.c.id == order["id"]).values(**changes))
    return invoice


@action("invoice.create", "sales.invoice")
def create_invoice(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """An invoice without an order (services, charges, or history migrated from another system)."""
    header, lines, errors = validate_document(tx.conn, DIRECT_INVOICE_HEADER, DIRECT_INVOICE_LINE, data)
    for n, ln in enumerate(lines, start=1):
        if ln.get("item_id") is None and not ln.get("description"):
            errors.append(FieldError(line_field(n, "description"), t("give an item or a description")))
    raise_if(errors)
    customer = _customer(tx.conn, header["customer_id"])
    company = company_settings(tx.conn)
    rate, errors = _exchange_rate(customer, company["base_currency"], header.get("exchange_rate"))
    if header.get("due_date") and header["due_date"] < header["invoice_date"]:
        errors.append(FieldError("due_date", t("must not be before the invoice date")))
    raise_if(errors)
    vat = header.get("vat_rate")
    return _write_invoice(
        tx,
        customer,
        invoice_date=header["invoice_date"],
        due_date=header.get("due_date"),
        rate=rate,
        vat_rate=dec(company["default_vat_rate"]) if vat is None else vat,
        lines=lines,
        order_id=None,
        reference=header.get("reference") or None,
    )


# --- customer payments --------------------------------------------------------------------------------------

PAYMENT_HEADER = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer),
        Date("payment_date", N_("Payment date"), required=True),
        Dec("amount", N_("Amount"), required=True, positive=True),
        Dec("exchange_rate", N_("Exchange rate to the base currency"), positive=True),
        Text("reference", N_("Bank reference"), max_length=60),
    )
)
ALLOCATION_LINE = FieldSet(
    (
        Ref("invoice", N_("Invoice"), required=True, column="invoice_id", table=s.customer_invoice, key="number"),
        Dec("amount", N_("Amount"), required=True, positive=True),
    )
)


def _open_invoices(conn: Connection, customer_id: int) -> list[dict[str, Any]]:
    inv = s.customer_invoice
    query = (
        select(inv).where(inv.c.customer_id == customer_id, inv.c.status != "paid").order_by(inv.c.due_date, inv.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _allocate(
    tx: Tx,
    customer: Mapping[str, Any],
    allocations: list[dict[str, Any]],
    available: Decimal,
    field: str,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Check the allocations against the open invoices, or allocate oldest-due first when none are given."""
    open_invoices = {inv["id"]: inv for inv in _open_invoices(tx.conn, customer["id"])}
    return allocate_to_invoices(
        open_invoices, allocations, available, field, t("is not an open invoice of this customer")
    )


def _settle(
    tx: Tx,
    postings: Postings,
    customer: Mapping[str, Any],
    allocations: list[dict[str, Any]],
    rate: Decimal,
    event: str,
    payment_id: int,
    number: str,
) -> None:
    """Post the allocations (at the payment's rate, the difference to the invoice's rate as exchange gain or
    loss) and mark the invoices paid."""
    dims = {"customer_id": customer["id"], "doc_type": "payment", "doc_number": number}
    inv = s.customer_invoice
    for a in allocations:
        invoice = a["invoice"]
        postings.add(event, a["amount"] * rate, partner_group=customer["customer_group"], **dims)
        postings.add(
            "fx_difference",
            money(a["amount"] * rate) - money(a["amount"] * dec(invoice["exchange_rate"])),
            partner_group=customer["customer_group"],
            **dims,
        )
        paid = money(invoice["paid_amount"]) + a["amount"]
        status = "paid" if paid >= money(invoice["gross_amount"]) else "partially_paid"
        tx.conn.execute(update(inv).where(inv.c.id == invoice["id"]).values(paid_amount=paid, status=status))
    if allocations:
        tx.conn.execute(
            insert(s.payment_allocation),
            [{"payment_id": payment_id, "invoice_id": a["invoice_id"], "amount": a["amount"]} for a in allocations],
        )


@action("payment.receive", "sales.payments")
def receive_payment(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Money from a customer: ``{customer, payment_date, amount, exchange_rate, reference, lines: [{invoice,
    amount}]}``.

    Without lines the payment settles the oldest-due invoices first; what is not allocated stays on account
    (advances from customers) to be allocated later.
    """
    header, allocations, errors = validate_document(
        tx.conn, PAYMENT_HEADER, ALLOCATION_LINE, data, lines_required=False
    )
    raise_if(errors)
    customer = _customer(tx.conn, header["customer_id"])
    company = company_settings(tx.conn)
    rate, errors = _exchange_rate(customer, company["base_currency"], header.get("exchange_rate"))
    raise_if(errors)
    amount = money(header["amount"])
    allocations, errors = _allocate(tx, customer, allocations, amount, "amount")
    raise_if(errors)
    allocated = sum((a["amount"] for a in allocations), ZERO)
    number = tx.next_number("pay")
    payment_id = tx.conn.execute(
        insert(s.customer_payment).values(
            number=number,
            customer_id=customer["id"],
            payment_date=header["payment_date"],
            currency=customer["currency"],
            exchange_rate=rate,
            amount=amount,
            allocated_amount=allocated,
            reference=header.get("reference") or None,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    postings = Postings(tx.conn)
    _settle(tx, postings, customer, allocations, rate, "payment", payment_id, number)
    postings.add(
        "customer_advance",
        (amount - allocated) * rate,
        partner_group=customer["customer_group"],
        customer_id=customer["id"],
        doc_type="payment",
        doc_number=number,
    )
    entry = post_entry(
        tx,
        entry_date=header["payment_date"],
        lines=postings.lines,
        source_type="payment",
        source_ref=number,
        description=t("Payment {number}", number=number),
        date_field="payment_date",
    )
    tx.conn.execute(
        update(s.customer_payment)
        .where(s.customer_payment.c.id == payment_id)
        .values(journal_entry_id=entry["id"] if entry else None)
    )
    result = {
        "id": payment_id,
        "number": number,
        "amount": amount,
        "allocated_amount": allocated,
        "allocations": [{"invoice": a["invoice"]["number"], "amount": a["amount"]} for a in allocations],
    }
    tx.audit("customer_payment", number, None, {**header, **result})
    return result


@action("payment.allocate", "sales.payments")
def allocate_payment(
    tx: Tx, number: str, allocation_date: dt.date, lines: list[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Allocate what is left of an earlier payment to invoices (oldest-due first when no lines are given)."""
    payment = fetch_one(tx.conn, s.customer_payment, number=number)
    if payment is None:
        raise not_found("payment", t("Payment"), number)
    _, allocations, errors = validate_document(
        tx.conn, FieldSet(()), ALLOCATION_LINE, {"lines": lines or []}, lines_required=False
    )
    raise_if(errors)
    customer = _customer(tx.conn, payment["customer_id"])
    available = money(payment["amount"]) - money(payment["allocated_amount"])
    if available <= 0:
        raise ServiceError(FieldError("payment", t("{number} is fully allocated", number=number)), code="conflict")
    allocations, errors = _allocate(tx, customer, allocations, available, "payment")
    raise_if(errors)
    if not allocations:
        raise ServiceError(FieldError("payment", t("the customer has no open invoice")), code="conflict")
    postings = Postings(tx.conn)
    _settle(
        tx, postings, customer, allocations, dec(payment["exchange_rate"]), "advance_allocation", payment["id"], number
    )
    total = sum((a["amount"] for a in allocations), ZERO)
    post_entry(
        tx,
        entry_date=allocation_date,
        lines=postings.lines,
        source_type="payment",
        source_ref=number,
        description=t("Allocation of payment {number}", number=number),
        date_field="allocation_date",
    )
    tx.conn.execute(
        update(s.customer_payment)
        .where(s.customer_payment.c.id == payment["id"])
        .values(allocated_amount=money(payment["allocated_amount"]) + total)
    )
    result = {
        "number": number,
        "allocations": [{"invoice": a["invoice"]["number"], "amount": a["amount"]} for a in allocations],
    }
    tx.audit("customer_payment", number, {"allocated_amount": payment["allocated_amount"]}, result)
    return result


# --- sales contracts ----------------------------------------------------------------------------------------

CONTRACT_HEADER = FieldSet(
    (
        Ref("customer", N_("Customer"), required=True, column="customer_id", table=s.customer, only_active=True),
        Date("start_date", N_("Start date"), required=True),
        Date("end_date", N_("End date"), required=True),
        Date("renewal_date", N_("Renewal date")),
        Text("reference", N_("Reference"), max_length=60),
        Text("notes", N_("Notes"), max_length=1000),
    )
)
CONTRACT_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Dec("agreed_price", N_("Agreed price"), required=True, min_value=0),
        Dec("agreed_qty", N_("Agreed volume"), positive=True),
    )
)


@action("sales_contract.create", "sales.orders")
def create_sales_contract(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A framework agreement with a customer: agreed prices (used by its orders) and volumes for a period."""
    header, lines, errors = validate_document(tx.conn, CONTRACT_HEADER, CONTRACT_LINE, data)
    if not errors and header["end_date"] < header["start_date"]:
        errors.append(FieldError("end_date", t("must not be before the start date")))
    seen: set[int] = set()
    for n, ln in enumerate(lines, start=1):
        if ln.get("item_id") in seen:
            errors.append(FieldError(line_field(n, "item"), t("appears twice in this contract")))
        seen.add(ln.get("item_id"))  # type: ignore[arg-type]
    raise_if(errors)
    number = tx.next_number("sc")
    values = {**header, "number": number, "status": "draft", "created_at": tx.now}
    contract_id = tx.conn.execute(insert(s.sales_contract).values(**values)).inserted_primary_key[0]
    tx.conn.execute(insert(s.sales_contract_line), [{**ln, "contract_id": contract_id} for ln in lines])
    tx.audit("sales_contract", number, None, {**values, "lines": lines})
    return {"id": contract_id, **values}


@action("sales_contract.set_status", "sales.orders")
def set_contract_status(tx: Tx, number: str, status: str) -> dict[str, Any]:
    """Move a contract along draft -> active -> expired | terminated."""
    contract = fetch_one(tx.conn, s.sales_contract, number=number)
    if contract is None:
        raise not_found("contract", t("Sales contract"), number)
    if status not in CONTRACT_TRANSITIONS.get(contract["status"], set()):
        raise ServiceError(
            FieldError(
                "status",
                t("a contract that is {current} cannot become {status}", current=contract["status"], status=status),
            ),
            code="conflict",
        )
    tx.conn.execute(update(s.sales_contract).where(s.sales_contract.c.id == contract["id"]).values(status=status))
    tx.audit("sales_contract", number, {"status": contract["status"]}, {"status": status})
    return {**contract, "status": status}


@action("sales_contract.renew", "sales.orders")
def renew_contract(tx: Tx, number: str, end_date: dt.date, renewal_date: dt.date | None = None) -> dict[str, Any]:
    """Extend an active or expired contract to a new end date (it becomes active)."""
    contract = fetch_one(tx.conn, s.sales_contract, number=number)
    if contract is None:
        raise not_found("contract", t("Sales contract"), number)
    if contract["status"] not in ("active", "expired"):
        raise ServiceError(
            FieldError("status", t("a contract that is {current} cannot be renewed", current=contract["status"])),
            code="conflict",
        )
    if end_date <= contract["end_date"]:
        raise ServiceError(
            FieldError("end_date", t("must be after the current end date {date}", date=contract["end_date"]))
        )
    changes = {"end_date": end_date, "renewal_date": renewal_date, "status": "active"}
    tx.conn.execute(update(s.sales_contract).where(s.sales_contract.c.id == contract["id"]).values(**changes))
    tx.audit("sales_contract", number, {k: contract[k] for k in changes}, changes)
    return {**contract, **changes}


def contract_usage(conn: Connection, number: str) -> list[dict[str, Any]]:
    """Per contract item: the agreed volume and what orders under the contract have taken so far."""
    sc, scl, so, sol = s.sales_contract, s.sales_contract_line, s.sales_order, s.sales_order_line
    ordered = (
        select(sol.c.item_id, func.sum(sol.c.quantity).label("ordered"))
        .join(so, so.c.id == sol.c.order_id)
        .join(sc, sc.c.id == so.c.contract_id)
        .where(sc.c.number == number, so.c.status != "cancelled")
        .group_by(sol.c.item_id)
        .subquery()
    )
    query = (
        select(
            s.item.c.item_code,
            scl.c.agreed_price,
            scl.c.agreed_qty,
            func.coalesce(ordered.c.ordered, 0).label("ordered"),
        )
        .join(sc, sc.c.id == scl.c.contract_id)
        .join(s.item, s.item.c.id == scl.c.item_id)
        .outerjoin(ordered, ordered.c.item_id == scl.c.item_id)
        .where(sc.c.number == number)
        .order_by(s.item.c.item_code)
    )
    return [
        {
            "item_code": r.item_code,
            "agreed_price": dec(r.agreed_price),
            "agreed_qty": None if r.agreed_qty is None else qty(r.agreed_qty),
            "ordered_qty": qty(r.ordered),
        }
        for r in conn.execute(query)
    ]
