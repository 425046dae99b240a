"""Read models of stock: on hand by item and location, and stock documents (the moves sharing a number)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from erp import schema as s
from erp.fields import N_

from .documents import DocumentKind, Rows, entry_lines

sm, item, loc = s.stock_move, s.item, s.location

STOCK_MOVES = DocumentKind(
    name="stock_move",
    label=N_("Stock moves"),
    query=select(
        sm.c.number,
        func.min(sm.c.move_date).label("move_date"),
        func.min(sm.c.move_type).label("move_type"),
        func.min(loc.c.code).label("location"),
        func.count().label("moves"),
        func.sum(sm.c.value).label("value"),
        func.max(sm.c.source_ref).label("reference"),
        func.max(sm.c.reason).label("reason"),
    )
    .join(loc, loc.c.id == sm.c.location_id)
    .group_by(sm.c.number),
    labels={
        "number": N_("Number"),
        "move_date": N_("Date"),
        "move_type": N_("Type"),
        "location": N_("Location"),
        "moves": N_("Moves"),
        "value": N_("Value"),
        "reference": N_("Reference"),
        "reason": N_("Reason"),
    },
    date="move_date",
    choice="move_type",
    search=("number", "reference", "reason", "location"),
    lines=lambda conn, number: [
        dict(r)
        for r in conn.execute(
            select(
                item.c.item_code.label("item"),
                item.c.description,
                loc.c.code.label("location"),
                sm.c.quantity,
                sm.c.unit_cost,
                sm.c.value,
                sm.c.reason,
            )
            .join(item, item.c.id == sm.c.item_id)
            .join(loc, loc.c.id == sm.c.location_id)
            .where(sm.c.number == number)
            .order_by(sm.c.id)
        ).mappings()
    ],
    line_labels={
        "item": N_("Item"),
        "description": N_("Description"),
        "location": N_("Location"),
        "quantity": N_("Quantity"),
        "unit_cost": N_("Unit cost"),
        "value": N_("Value"),
        "reason": N_("Reason"),
    },
    # Whatever posted the moves (a stock document, a shipment...), their journal entry is linked to them.
    postings=lambda conn, head: entry_lines(
        conn, s.journal_entry.c.id.in_(select(sm.c.journal_entry_id).where(sm.c.number == head["number"]))
    ),
)

bal = s.stock_balance
ON_HAND = DocumentKind(
    name="stock_balance",
    label=N_("Stock on hand"),
    key="item",
    query=select(
        item.c.item_code.label("item"),
        item.c.description,
        item.c.item_type,
        loc.c.code.label("location"),
        bal.c.quantity,
        item.c.standard_cost,
        (bal.c.quantity * item.c.standard_cost).label("value"),
    )
    .join(item, item.c.id == bal.c.item_id)
    .join(loc, loc.c.id == bal.c.location_id)
    .where(bal.c.quantity != 0),
    labels={
        "item": N_("Item"),
        "description": N_("Description"),
        "item_type": N_("Item type"),
        "location": N_("Location"),
        "quantity": N_("On hand"),
        "standard_cost": N_("Standard cost"),
        "value": N_("Value at standard cost"),
    },
    choice="location",
    search=("item", "description"),
    order=("item", "location"),
)


def move_types(conn: Connection) -> list[str]:
    """The kinds of moves in the stock ledger (receipt, issue, shipment...), as the list's filter offers."""
    return [str(v) for v in conn.execute(select(sm.c.move_type).distinct().order_by(sm.c.move_type)).scalars()]


def location_codes(conn: Connection) -> list[str]:
    return [str(c) for c in conn.execute(select(loc.c.code).order_by(loc.c.code)).scalars()]


def on_hand_total(conn: Connection) -> Rows:
    """On hand per item over all locations (items with stock only)."""
    query = (
        select(item.c.item_code.label("item"), func.sum(bal.c.quantity).label("quantity"))
        .join(item, item.c.id == bal.c.item_id)
        .group_by(item.c.item_code)
        .having(func.sum(bal.c.quantity) != 0)
        .order_by(item.c.item_code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
