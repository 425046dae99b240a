"""A fingerprint of everything in the store, to prove that a refused action left it exactly as it was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func, select

from erp import schema as s


def snapshot(engine: Engine) -> dict[str, Any]:
    """Row counts of every table plus the document counters and stock balances."""
    with engine.connect() as conn:
        return _snapshot(conn)


def _snapshot(conn: Connection) -> dict[str, Any]:
    counts = {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar() for table in s.metadata.sorted_tables
    }
    sequences = dict(conn.execute(select(s.doc_sequence.c.doc_type, s.doc_sequence.c.next_number)).all())
    balances = sorted((r.item_id, r.location_id, str(r.quantity)) for r in conn.execute(select(s.stock_balance)))
    orders = sorted((r.number, r.status, str(r.open_amount)) for r in conn.execute(select(s.sales_order)))
    invoices = sorted((r.number, r.status, str(r.paid_amount)) for r in conn.execute(select(s.customer_invoice)))
    return {"counts": counts, "sequences": sequences, "balances": balances, "orders": orders, "invoices": invoices}
