"""Planning inputs that have no document of their own here: forecasts and firm demand from another system, and
open supply (purchase or production orders still open in the legacy system). Each import replaces the set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert

from erp import schema as s
from erp.errors import FieldError
from erp.fields import N_, Choice, Date, Dec, FieldSet, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action
from erp.services.documents import line_field, raise_if

DEMAND_FIELDS = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Date("due_date", N_("Due date"), required=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Choice("demand_type", N_("Demand type"), required=True, choices=("order", "forecast")),
        Ref("customer", N_("Customer"), column="customer_id", table=s.customer),
        Text("reference", N_("Reference"), max_length=60),
    )
)
SUPPLY_FIELDS = FieldSet(
    (
        Ref("item", N_("Item"), required=True, column="item_id", table=s.item, key="item_code"),
        Date("due_date", N_("Due date"), required=True),
        Dec("quantity", N_("Quantity"), required=True, positive=True),
        Choice("supply_type", N_("Supply type"), default="purchase", choices=("purchase", "production")),
        Text("reference", N_("Reference"), max_length=60),
    )
)


def _replace(tx: Tx, table: Any, fields: FieldSet, rows: Sequence[Mapping[str, Any]], entity: str) -> int:
    values, errors = [], []
    for n, row in enumerate(rows, start=1):
        parsed, row_errors = fields.validate(row, tx.conn)
        errors += [FieldError(line_field(n, e.field), e.message) for e in row_errors]
        values.append(parsed)
    if not rows:
        errors.append(FieldError("lines", t("at least one line is required")))
    raise_if(errors)
    before = tx.conn.execute(table.delete()).rowcount
    tx.conn.execute(insert(table), values)
    tx.audit(entity, "all", {"rows": before}, {"rows": len(values)})
    return len(values)


@action("planning_demand.replace", "planning.data")
def replace_planning_demand(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> int:
    """Replace the imported independent demand (forecasts and firm orders not entered as sales orders)."""
    return _replace(tx, s.planning_demand, DEMAND_FIELDS, rows, "planning_demand")


@action("scheduled_receipt.replace", "planning.data")
def replace_scheduled_receipts(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> int:
    """Replace the imported open supply (open purchase and production orders of another system)."""
    return _replace(tx, s.scheduled_receipt, SUPPLY_FIELDS, rows, "scheduled_receipt")
