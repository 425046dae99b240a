"""Material requirements planning: regenerative, time-phased, multi-level (issue 8).

`plan_mrp` (the compiled engine) and `plan_reference` (the per-item loop that serves as the executable
specification) take the same frames and return the same `MrpResult`; nothing here needs a database.

Inputs (extra columns are ignored; missing optional columns and empty cells take the default shown):

- ``items``: item_code, item_type (make|buy), lead_time_days (0), lot_sizing (L4L|FOQ|POQ, L4L),
  lot_size_qty (0; above 0 for FOQ), lot_size_periods (1; weeks a POQ order covers), min_order_qty (0),
  order_multiple (0 = none), safety_stock_qty (0).
- ``bom``: parent_item, component_item, qty_per (> 0), scrap_pct (0). Cycles are refused.
- ``on_hand``: item_code, quantity (summed over rows, e.g. locations; may be negative).
- ``scheduled_receipts``: item_code, due_date, quantity, order_ref (optional).
- ``demand``: item_code, due_date, quantity, demand_type (order|forecast, order), source_ref (optional).
- ``as_of`` (date, default today) and ``horizon_weeks`` (26).

Weeks start on Monday; period 1 is the week holding ``as_of``; rows dated earlier fall into period 1, rows
after the horizon and rows with quantity 0 are left out. Quantities are computed exactly in millionths; a
dependent requirement (release x qty_per x (1 + scrap_pct / 100)) is rounded to the nearest millionth.

Outputs (`MrpResult`; item_code columns are categoricals over the item codes in input order; dates are the
Mondays that start the weeks):

- ``planned_orders``: planned_order_id (1.. in item, due order), item_code, order_type (purchase|production),
  release_date, due_date, quantity, release_period, due_period, expedite (released late, see exceptions).
- ``records``: one row per item and week: item_code, period, week_start, gross (= independent + dependent),
  independent, dependent, scheduled, projected_on_hand, net (requirement before lot sizing),
  planned_receipts, planned_releases.
- ``exceptions``: item_code, exception_type (below_safety_stock|expedite|reschedule_in|reschedule_out|cancel),
  period and date (the week concerned: period 1, the planned order's due week or the receipt's due week),
  quantity, to_period and to_date (the week it should move to; for expedite the release week that was
  missed, 0 or less), order_ref (scheduled receipt), planned_order_id (expedite), detail (translated text).
- ``pegging``: one row per demand source of each planned order: planned_order_id, item_code, period,
  week_start, source_type (order|forecast|parent), source_ref (the demand row's source_ref), demand_row
  (0-based position in the demand frame), parent_item, quantity (the order row, the unconsumed part of the
  forecast row, or the parent's dependent demand). A planned order covers its due week; a POQ order also
  the following weeks of its window, up to the item's next planned order.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from erp.planning.eoq import eoq  # eagerly: the function shares its module's name

if TYPE_CHECKING:
    from erp.planning.engine import plan_mrp
    from erp.planning.output import MrpResult
    from erp.planning.reference import plan_reference

__all__ = ["MrpResult", "eoq", "plan_mrp", "plan_reference"]
_HOMES = {"MrpResult": "output", "plan_mrp": "engine", "plan_reference": "reference"}


def __getattr__(name: str) -> Any:
    """Import on first use: the dbt models import `erp.planning.pipeline`, which needs none of these (nor
    pandas, which the reference and the frames need)."""
    if name in _HOMES:
        return getattr(import_module(f"erp.planning.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'erp.planning' has no attribute {name!r}")
