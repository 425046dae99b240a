"""Open supply for MRP: what is already on its way, from every source the store knows.

Rows have the columns of MRP's ``scheduled_receipts`` frame (item_code, due_date, quantity, order_ref) plus
``supply_type`` (purchase | production) and ``source`` (purchase_order | production_order | imported), so a
planner can run ``plan_mrp(..., scheduled_receipts=pandas.DataFrame(open_supply(conn)))``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from erp import schema as s
from erp.services.documents import qty
from erp.services.procurement import open_purchase_lines
from erp.services.production import open_production_orders


def open_supply(conn: Connection) -> list[dict[str, Any]]:
    """Open purchase order lines (approved, not fully received), open production orders (planned or released,
    not fully completed) and the imported scheduled receipts, by due date."""
    rows = [{**r, "supply_type": "purchase", "source": "purchase_order"} for r in open_purchase_lines(conn)]
    rows += [{**r, "supply_type": "production", "source": "production_order"} for r in open_production_orders(conn)]
    sr = s.scheduled_receipt
    query = select(s.item.c.item_code, sr.c.due_date, sr.c.quantity, sr.c.reference, sr.c.supply_type).join(
        s.item, s.item.c.id == sr.c.item_id
    )
    rows += [
        {
            "item_code": r.item_code,
            "due_date": r.due_date,
            "quantity": qty(r.quantity),
            "order_ref": r.reference,
            "supply_type": r.supply_type,
            "source": "imported",
        }
        for r in conn.execute(query)
    ]
    rows.sort(key=lambda r: (r["due_date"], r["item_code"], r["source"], r["order_ref"] or ""))
    return rows
