"""Items, bills of materials, work centers and routings: what the plant makes and how."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from erp import schema as s
from erp.errors import FieldError
from erp.fields import N_, Bool, Choice, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx
from erp.services.records import Entity, EntityActions

ITEM_TYPES = ("make", "buy")
LOT_SIZING = ("L4L", "FOQ", "POQ")


def _check_item(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    errors = []
    if values.get("lot_sizing") == "FOQ" and not (values.get("lot_size_qty") or 0) > 0:
        errors.append(FieldError("lot_size_qty", t("must be greater than zero for fixed order quantity (FOQ)")))
    if values.get("lot_sizing") == "POQ" and not (values.get("lot_size_periods") or 0) >= 1:
        errors.append(FieldError("lot_size_periods", t("must be at least 1 for period order quantity (POQ)")))
    return errors


ITEMS = Entity(
    name="items",
    label=N_("Items"),
    table=s.item,
    key=("item_code",),
    fields=FieldSet(
        (
            Text("item_code", N_("Item code"), required=True, max_length=40),
            Text("description", N_("Description"), required=True, max_length=400),
            Choice("item_type", N_("Make or buy"), required=True, choices=ITEM_TYPES),
            Ref("uom", N_("Unit of measure"), column="uom_id", table=s.uom, default=None, required=True),
            Int("lead_time_days", N_("Lead time (days)"), default=0, min_value=0, max_value=3650),
            Choice("lot_sizing", N_("Lot sizing"), default="L4L", choices=LOT_SIZING),
            Dec("lot_size_qty", N_("Lot size"), default=0, min_value=0),
            Int("lot_size_periods", N_("Lot size periods (weeks)"), default=1, min_value=1, max_value=52),
            Dec("min_order_qty", N_("Minimum order quantity"), default=0, min_value=0),
            Dec("order_multiple", N_("Order multiple"), default=0, min_value=0),
            Dec("safety_stock_qty", N_("Safety stock"), default=0, min_value=0),
            Dec("standard_cost", N_("Standard cost"), default=0, min_value=0),
            Choice("abc_class", N_("ABC class"), choices=("A", "B", "C")),
            Text("product_family", N_("Product family"), max_length=80),
            Bool("allow_negative_stock", N_("Allow negative stock"), default=False),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="items.manage",
    audit_name="item",
    check=_check_item,
)


_BELOW_QUERY = text(
    """
    WITH RECURSIVE below(item_id) AS (
        SELECT component_item_id FROM bom_line WHERE parent_item_id = :component
        UNION
        SELECT b.component_item_id FROM bom_line b JOIN below ON b.parent_item_id = below.item_id
    )
    SELECT 1 FROM below WHERE item_id = :parent LIMIT 1
    """
)


def creates_cycle(conn: Connection, parent_id: int, component_id: int) -> bool:
    """Would making ``component`` a child of ``parent`` close a loop (parent reachable from component)?"""
    if parent_id == component_id:
        return True
    return conn.execute(_BELOW_QUERY, {"component": component_id, "parent": parent_id}).first() is not None


def _check_bom_line(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    parent, component = values["parent_item_id"], values["component_item_id"]
    changed = before is None or (before["parent_item_id"], before["component_item_id"]) != (parent, component)
    if changed and creates_cycle(tx.conn, parent, component):
        return [FieldError("component_item", t("would make the bill of materials circular"))]
    return []


BOM = Entity(
    name="bom",
    label=N_("Bills of materials"),
    table=s.bom_line,
    key=("parent_item", "component_item"),
    fields=FieldSet(
        (
            Ref(
                "parent_item", N_("Parent item"), required=True, column="parent_item_id", table=s.item, key="item_code"
            ),
            Ref(
                "component_item",
                N_("Component item"),
                required=True,
                column="component_item_id",
                table=s.item,
                key="item_code",
            ),
            Dec("qty_per", N_("Quantity per"), required=True, positive=True),
            Dec("scrap_pct", N_("Scrap %"), default=0, min_value=0, max_value=100),
        )
    ),
    permission="items.manage",
    audit_name="bom_line",
    check=_check_bom_line,
)

WORK_CENTERS = Entity(
    name="work_centers",
    label=N_("Work centers"),
    table=s.work_center,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center),
            Dec("labour_rate", N_("Labour rate per hour"), default=0, min_value=0),
            Dec("overhead_rate", N_("Overhead rate per hour"), default=0, min_value=0),
            Dec("capacity_hours_per_day", N_("Capacity (hours per day)"), default=8, min_value=0, max_value=24),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="items.manage",
    audit_name="work_center",
)

ROUTINGS = Entity(
    name="routings",
    label=N_("Routings"),
    table=s.routing_step,
    key=("item_code", "step_no"),
    fields=FieldSet(
        (
            Ref("item_code", N_("Item code"), required=True, column="item_id", table=s.item, key="item_code"),
            Int("step_no", N_("Step"), required=True, min_value=1),
            Ref("work_center", N_("Work center"), required=True, column="work_center_id", table=s.work_center),
            Dec("hours_per_unit", N_("Hours per unit"), required=True, min_value=0),
            Dec("setup_hours", N_("Setup hours"), default=0, min_value=0),
        )
    ),
    permission="items.manage",
    audit_name="routing_step",
)

item_actions = EntityActions(ITEMS)
bom_actions = EntityActions(BOM)
work_center_actions = EntityActions(WORK_CENTERS)
routing_actions = EntityActions(ROUTINGS)


def bom_tree(conn: Connection, item_code: str, max_depth: int = 20) -> list[dict[str, Any]]:
    """The multi-level BOM below an item: one row per path, with level and extended quantity."""
    query = text(
        """
        WITH RECURSIVE tree(level, parent_id, component_id, qty_per, scrap_pct, ext_qty, path) AS (
            SELECT 1, b.parent_item_id, b.component_item_id, b.qty_per, b.scrap_pct,
                   b.qty_per * (1 + b.scrap_pct / 100.0), CAST(b.component_item_id AS VARCHAR(4000))
            FROM bom_line b JOIN item p ON p.id = b.parent_item_id
            WHERE p.item_code = :code
            UNION ALL
            SELECT t.level + 1, b.parent_item_id, b.component_item_id, b.qty_per, b.scrap_pct,
                   t.ext_qty * b.qty_per * (1 + b.scrap_pct / 100.0),
                   CAST(t.path || '/' || CAST(b.component_item_id AS VARCHAR(20)) AS VARCHAR(4000))
            FROM bom_line b JOIN tree t ON b.parent_item_id = t.component_id
            WHERE t.level < :max_depth
        )
        SELECT t.level, p.item_code AS parent_item, c.item_code AS component_item, c.description,
               t.qty_per, t.scrap_pct, t.ext_qty
        FROM tree t JOIN item p ON p.id = t.parent_id JOIN item c ON c.id = t.component_id
        ORDER BY t.path
        """
    )
    return [dict(r) for r in conn.execute(query, {"code": item_code, "max_depth": max_depth}).mappings()]


def where_used(conn: Connection, item_code: str) -> list[dict[str, Any]]:
    """Every item that uses this one, directly or through sub-assemblies, with its level above it."""
    query = text(
        """
        WITH RECURSIVE up(level, item_id) AS (
            SELECT 1, b.parent_item_id FROM bom_line b JOIN item c ON c.id = b.component_item_id
            WHERE c.item_code = :code
            UNION
            SELECT up.level + 1, b.parent_item_id FROM bom_line b JOIN up ON b.component_item_id = up.item_id
            WHERE up.level < 50
        )
        SELECT MIN(up.level) AS level, i.item_code, i.description
        FROM up JOIN item i ON i.id = up.item_id
        GROUP BY i.item_code, i.description
        ORDER BY MIN(up.level), i.item_code
        """
    )
    return [dict(r) for r in conn.execute(query, {"code": item_code}).mappings()]
