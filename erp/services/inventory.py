"""The stock ledger: every receipt, issue, transfer, adjustment, count and shipment is a signed move per item
and location, valued at standard cost and posted to the ledger in the same transaction.

On-hand is the sum of the moves. ``stock_balance`` keeps that sum per item and location so a posting can check
it without summing the history, and so that the row it updates is the lock that serialises two clerks taking
the last units: on PostgreSQL the UPDATE locks the row until commit and the second clerk then sees the first
one's result; on SQLite writers are serialised by BEGIN IMMEDIATE.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Date, Dec, FieldSet, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action
from erp.services.documents import (
    ZERO,
    dec,
    in_list,
    in_params,
    in_size,
    line_field,
    money,
    qty,
    raise_if,
    show,
    validate_document,
)
from erp.services.ledger import Postings, post_entry

# The posting event of each kind of move; transfers move value between locations of the same account.
MOVE_EVENTS = {
    "receipt": "stock_receipt",
    "issue": "stock_issue",
    "adjustment": "stock_adjustment",
    "count": "stock_adjustment",
    "shipment": "shipment",
}
# Events whose rule is written for a decrease of stock (issue: Dr consumption / Cr inventory).
OUTBOUND_EVENTS = frozenset({"stock_issue", "shipment"})

ITEM_COLUMNS = (
    s.item.c.id,
    s.item.c.item_code,
    s.item.c.item_type,
    s.item.c.product_family,
    s.item.c.standard_cost,
    s.item.c.allow_negative_stock,
    s.item.c.active,
)


@functools.cache
def _items_query(size: int | None) -> Select:
    """Built once per IN-list size, so every document's item lookup reuses a compiled statement."""
    return select(*ITEM_COLUMNS).where(in_list("ids", s.item.c.id, size))


def load_items(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The items a document uses, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = conn.execute(_items_query(in_size(len(wanted))), in_params("ids", sorted(wanted))).mappings()
    return {r["id"]: dict(r) for r in rows}


_BAL = s.stock_balance
_BALANCE_UPDATE = (
    update(_BAL)
    .where(_BAL.c.item_id == bindparam("b_item"), _BAL.c.location_id == bindparam("b_location"))
    .values(quantity=_BAL.c.quantity + bindparam("b_delta", type_=_BAL.c.quantity.type))
    .returning(_BAL.c.quantity)
)
_BALANCE_INSERT = insert(_BAL)
_BALANCE_QUERY = (
    select(_BAL.c.quantity)
    .where(_BAL.c.item_id == bindparam("b_item"), _BAL.c.location_id == bindparam("b_location"))
    .with_for_update()
)


def location_code(conn: Connection, location_id: int) -> str:
    return conn.execute(select(s.location.c.code).where(s.location.c.id == location_id)).scalar_one()


def change_balance(tx: Tx, item: Mapping[str, Any], location_id: int, delta: Decimal, field: str) -> Decimal:
    """Add ``delta`` to the on-hand of an item at a location and return the new quantity.

    Refuses (and so rolls back the whole document) when the result would be negative and the item does
    not allow negative stock.
    """
    params = {"b_item": item["id"], "b_location": location_id, "b_delta": delta}
    row = tx.conn.execute(_BALANCE_UPDATE, params).first()
    if row is None:
        try:
            with tx.conn.begin_nested():
                tx.conn.execute(_BALANCE_INSERT, {"item_id": item["id"], "location_id": location_id, "quantity": delta})
            new = delta
        except IntegrityError:  # another writer created the row first; its lock now orders us after it
            new = tx.conn.execute(_BALANCE_UPDATE, params).scalar_one()
    else:
        new = row[0]
    new = qty(new)
    if delta < 0 and new < 0 and not item["allow_negative_stock"]:
        available = qty(new - delta)
        raise ServiceError(
            FieldError(
                field,
                t(
                    "only {available} of {item} on hand at {location}; {needed} needed",
                    available=show(available),
                    item=item["item_code"],
                    location=location_code(tx.conn, location_id),
                    needed=show(-delta),
                ),
            ),
            code="conflict",
        )
    return new


def current_balance(conn: Connection, item_id: int, location_id: int) -> Decimal:
    return qty(conn.execute(_BALANCE_QUERY, {"b_item": item_id, "b_location": location_id}).scalar() or 0)


class StockBatch:
    """The moves of one stock document: balances checked as they come, moves and journal written at the end."""

    def __init__(self, tx: Tx, *, number: str, move_date: dt.date, source_type: str, source_ref: str | None) -> None:
        self.tx = tx
        self.number = number
        self.move_date = move_date
        self.source_type = source_type
        self.source_ref = source_ref
        self.postings = Postings(tx.conn)
        self.rows: list[dict[str, Any]] = []

    def move(
        self,
        move_type: str,
        item: Mapping[str, Any],
        location_id: int,
        quantity: Decimal,
        *,
        field: str,
        reason: str | None = None,
        partner_group: str | None = None,
        customer_id: int | None = None,
    ) -> Decimal:
        """Record one signed move; returns its value at standard cost (negative for stock going out)."""
        quantity = qty(quantity)
        change_balance(self.tx, item, location_id, quantity, field)
        unit_cost = dec(item["standard_cost"])
        value = money(quantity * unit_cost)
        self.rows.append(
            {
                "number": self.number,
                "move_date": self.move_date,
                "move_type": move_type,
                "item_id": item["id"],
                "location_id": location_id,
                "quantity": quantity,
                "unit_cost": unit_cost,
                "value": value,
                "source_type": self.source_type,
                "source_ref": self.source_ref,
                "reason": reason,
                "created_at": self.tx.now,
            }
        )
        event = MOVE_EVENTS.get(move_type)
        if event is not None:
            amount = -value if event in OUTBOUND_EVENTS else value
            self.postings.add(
                event,
                amount,
                item=item,
                partner_group=partner_group,
                customer_id=customer_id,
                doc_type=self.source_type,
                doc_number=self.number,
            )
        return value

    def finish(self, description: str | None = None) -> dict[str, Any] | None:
        """Post the journal entry (if any value moved) and write the moves pointing at it."""
        entry = post_entry(
            self.tx,
            entry_date=self.move_date,
            lines=self.postings.lines,
            source_type=self.source_type,
            source_ref=self.number,
            description=description,
            date_field="move_date",
        )
        if self.rows:
            entry_id = entry["id"] if entry else None
            self.tx.conn.execute(insert(s.stock_move), [{**r, "journal_entry_id": entry_id} for r in self.rows])
        return entry


# --- stock documents ----------------------------------------------------------------------------------------

MOVE_HEADER = FieldSet(
    (
        Date("move_date", N_("Date"), required=True),
        Ref("location", N_("Location"), required=True, column="location_id", table=s.location, only_active=True),
        Text("reference", N_("Reference"), max_length=60),
        Text("reason", N_("Reason"), max_length=200),
    )
)
MOVE_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
    )
)
ADJUST_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("quantity", N_("Quantity (+ found, - lost)"), required=True),
    )
)
COUNT_LINE = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code", only_active=True),
        Dec("counted_qty", N_("Counted quantity"), required=True, min_value=0),
    )
)
TRANSFER_HEADER = FieldSet(
    (
        Date("move_date", N_("Date"), required=True),
        Ref("from_location", N_("From location"), required=True, column="from_id", table=s.location, only_active=True),
        Ref("to_location", N_("To location"), required=True, column="to_id", table=s.location, only_active=True),
        Text("reference", N_("Reference"), max_length=60),
        Text("reason", N_("Reason"), max_length=200),
    )
)


def _simple(tx: Tx, data: Mapping[str, Any], move_type: str, line_fields: FieldSet, sign: int) -> dict[str, Any]:
    header, lines, errors = validate_document(tx.conn, MOVE_HEADER, line_fields, data)
    if move_type == "adjustment":
        if not header.get("reason"):
            errors.append(FieldError("reason", t("is required for an adjustment")))
        errors += [
            FieldError(line_field(n, "quantity"), t("must not be zero"))
            for n, ln in enumerate(lines, 1)
            if ln.get("quantity") == 0
        ]
    raise_if(errors)
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    number = tx.next_number("sm")
    batch = StockBatch(
        tx,
        number=number,
        move_date=header["move_date"],
        source_type=move_type,
        source_ref=header.get("reference") or None,
    )
    for n, ln in enumerate(lines, start=1):
        batch.move(
            move_type,
            items[ln["item_id"]],
            header["location_id"],
            sign * ln["quantity"],
            field=line_field(n, "quantity"),
            reason=header.get("reason") or None,
        )
    entry = batch.finish(header.get("reason") or None)
    result = {"number": number, "journal_entry": entry["number"] if entry else None, "moves": len(batch.rows)}
    tx.audit("stock_move", number, None, {**header, "move_type": move_type, "lines": lines})
    return result


@action("stock.receive", "inventory.move")
def receive_stock(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Goods into a location: ``{move_date, location, reference, lines: [{item, quantity}]}``."""
    return _simple(tx, data, "receipt", MOVE_LINE, 1)


@action("stock.issue", "inventory.move")
def issue_stock(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Goods out of a location to consumption (refused below zero unless the item allows it)."""
    return _simple(tx, data, "issue", MOVE_LINE, -1)


@action("stock.adjust", "inventory.move")
def adjust_stock(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Book found (+) or lost (-) quantities with a reason, against the inventory-difference account."""
    return _simple(tx, data, "adjustment", ADJUST_LINE, 1)


@action("stock.transfer", "inventory.move")
def transfer_stock(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Move goods between locations: two moves, no change in value, so no journal entry."""
    header, lines, errors = validate_document(tx.conn, TRANSFER_HEADER, MOVE_LINE, data)
    if not errors and header["from_id"] == header["to_id"]:
        errors.append(FieldError("to_location", t("must differ from the from location")))
    raise_if(errors)
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    number = tx.next_number("sm")
    batch = StockBatch(
        tx,
        number=number,
        move_date=header["move_date"],
        source_type="transfer",
        source_ref=header.get("reference") or None,
    )
    for n, ln in enumerate(lines, start=1):
        item = items[ln["item_id"]]
        batch.move("transfer", item, header["from_id"], -ln["quantity"], field=line_field(n, "quantity"))
        batch.move("transfer", item, header["to_id"], ln["quantity"], field=line_field(n, "quantity"))
    batch.finish()
    tx.audit("stock_move", number, None, {**header, "move_type": "transfer", "lines": lines})
    return {"number": number, "journal_entry": None, "moves": len(batch.rows)}


def count(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set on-hand to what was counted; the differences are moves of type ``count``."""
    header, lines, errors = validate_document(tx.conn, MOVE_HEADER, COUNT_LINE, data)
    seen: set[int] = set()
    for n, ln in enumerate(lines, start=1):
        if ln.get("item_id") in seen:
            errors.append(FieldError(line_field(n, "item"), t("is counted twice in this document")))
        seen.add(ln.get("item_id"))  # type: ignore[arg-type]
    raise_if(errors)
    items = load_items(tx.conn, (ln["item_id"] for ln in lines))
    number = tx.next_number("sm")
    batch = StockBatch(
        tx,
        number=number,
        move_date=header["move_date"],
        source_type="count",
        source_ref=header.get("reference") or None,
    )
    for n, ln in enumerate(lines, start=1):
        item = items[ln["item_id"]]
        difference = qty(ln["counted_qty"]) - current_balance(tx.conn, item["id"], header["location_id"])
        if difference != 0:
            reason = header.get("reason") or t("Stock count")
            batch.move(
                "count", item, header["location_id"], difference, field=line_field(n, "counted_qty"), reason=reason
            )
    entry = batch.finish(header.get("reason") or t("Stock count"))
    tx.audit("stock_move", number, None, {**header, "move_type": "count", "lines": lines})
    return {"number": number, "journal_entry": entry["number"] if entry else None, "moves": len(batch.rows)}


count_stock = action("stock.count", "inventory.move")(count)


# --- reading stock ------------------------------------------------------------------------------------------


def on_hand(conn: Connection, item_code: str, location: str | None = None) -> Decimal:
    """On-hand as the sum of the stock ledger (all locations, or one)."""
    sm = s.stock_move
    query = (
        select(func.coalesce(func.sum(sm.c.quantity), 0))
        .join(s.item, s.item.c.id == sm.c.item_id)
        .where(s.item.c.item_code == item_code)
    )
    if location is not None:
        query = query.join(s.location, s.location.c.id == sm.c.location_id).where(s.location.c.code == location)
    return qty(conn.execute(query).scalar())


def balance_mismatches(conn: Connection) -> list[tuple[int, int, Decimal, Decimal]]:
    """(item, location, balance, ledger sum) wherever the running balance differs from the moves' sum."""
    sm, bal = s.stock_move, s.stock_balance
    sums = {
        (r.item_id, r.location_id): qty(r.total)
        for r in conn.execute(
            select(sm.c.item_id, sm.c.location_id, func.sum(sm.c.quantity).label("total")).group_by(
                sm.c.item_id, sm.c.location_id
            )
        )
    }
    balances = {(r.item_id, r.location_id): qty(r.quantity) for r in conn.execute(select(bal))}
    out = []
    for key in sums.keys() | balances.keys():
        if sums.get(key, ZERO) != balances.get(key, ZERO):
            out.append((key[0], key[1], balances.get(key, ZERO), sums.get(key, ZERO)))
    return out
