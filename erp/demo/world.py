"""What the operational history stage knows about the company while it simulates two years: each item's
planning data, bill of materials and routing, the stock it expects the store to hold, and what is on order.

The simulation keeps its own copy of on-hand per item and location and checks every issue and shipment
against it before calling a service, so a service never has to refuse; the services check again anyway, and
a disagreement stops the demo (the tests would then fail) rather than being papered over.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from erp.demo.generator import MasterData

HUNDRED = Decimal(100)
MICRO = Decimal("0.000001")
ZERO = Decimal(0)
WHOLE_UOMS = frozenset({"EA", "PCS", "SET"})
# Stock the simulation leaves untouched on fractional items, so a rounding difference in the sixth decimal
# between its arithmetic and the store's can never make an issue fail.
MARGIN = Decimal("0.01")

RAW, FG = "RAW", "FG"


def q6(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_HALF_UP)


@dataclass
class ItemPlan:
    code: str
    make: bool
    finished: bool
    whole: bool
    cost: Decimal
    lead_days: int
    abc: str
    lot_sizing: str
    lot_qty: Decimal
    min_order: Decimal
    multiple: Decimal
    safety: Decimal
    components: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (code, qty_per, scrap %)
    # (step_no, hours per unit, setup hours, the work center's standard labour rate)
    steps: list[tuple[int, Decimal, Decimal, Decimal]] = field(default_factory=list)
    yearly_usage: float = 0.0  # expected units a year at the start of the history (sales and production)
    supplier: str = ""
    price: Decimal = ZERO

    @property
    def home(self) -> str:
        """Where the item is stocked: finished goods in the finished-goods store, the rest in raw materials."""
        return FG if self.finished else RAW

    def rounded(self, quantity: float) -> Decimal:
        """An order quantity as purchasing or planning would write it."""
        quantity = max(quantity, float(self.min_order), 0.0)
        if self.multiple > 0:
            quantity = math.ceil(quantity / float(self.multiple) - 1e-9) * float(self.multiple)
        if self.whole:
            return Decimal(max(1, math.ceil(quantity - 1e-9)))
        return Decimal(str(max(0.1, math.ceil(quantity * 10 - 1e-9) / 10)))

    def requirement(self, quantity: Decimal) -> list[tuple[str, Decimal]]:
        """Component quantities a production order of ``quantity`` backflushes (the service's own rounding)."""
        return [(comp, q6(quantity * per * (HUNDRED + scrap) / HUNDRED)) for comp, per, scrap in self.components]


def _dec(text: str) -> Decimal:
    return Decimal(text or "0")


class World:
    """Items, stock and open supply and demand as the simulation expects the store to have them."""

    def __init__(self, master: MasterData) -> None:
        rows = master.rows
        self.items: dict[str, ItemPlan] = {}
        finished = set(master.finished_goods)
        for r in rows["items"]:
            self.items[r["item_code"]] = ItemPlan(
                code=r["item_code"],
                make=r["item_type"] == "make",
                finished=r["item_code"] in finished,
                whole=r["uom"] in WHOLE_UOMS,
                cost=_dec(r["standard_cost"]),
                lead_days=int(r["lead_time_days"]),
                abc=r["abc_class"],
                lot_sizing=r["lot_sizing"],
                lot_qty=_dec(r["lot_size_qty"]),
                min_order=_dec(r["min_order_qty"]),
                multiple=_dec(r["order_multiple"]),
                safety=_dec(r["safety_stock_qty"]),
            )
        for b in rows["bom"]:
            self.items[b["parent_item"]].components.append(
                (b["component_item"], _dec(b["qty_per"]), _dec(b["scrap_pct"]))
            )
        rates = {r["code"]: _dec(r["labour_rate"]) for r in rows["work_centers"]}
        for r in rows["routings"]:
            self.items[r["item_code"]].steps.append(
                (int(r["step_no"]), _dec(r["hours_per_unit"]), _dec(r["setup_hours"]), rates[r["work_center"]])
            )
        for plan in self.items.values():
            plan.components.sort(key=lambda c: c[0])
            plan.steps.sort()
        self.order = self._parents_first()
        self.family = {r["item_code"]: r["product_family"] for r in rows["items"]}
        self.suppliers = {r["code"]: r for r in rows["suppliers"]}
        self.customers = {r["code"]: r for r in rows["customers"]}
        self.buy_categories = dict(master.buy_categories)
        # The deliberate problems, chosen by the opening stage.
        self.slow_movers: set[str] = set()
        self.surge_items: set[str] = set()
        self.starved_items: set[str] = set()
        self.late_supplier = ""
        self.annual_demand = dict(master.annual_demand)
        usage = {code: float(self.annual_demand.get(code, 0)) for code in self.items}
        for code in self.order:
            for comp, per, scrap in self.items[code].components:
                usage[comp] += usage[code] * float(per) * (1 + float(scrap) / 100)
        for code, plan in self.items.items():
            plan.yearly_usage = usage[code]
        self.stock: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.on_order: dict[str, Decimal] = defaultdict(Decimal)  # open purchase and production quantities
        self.committed: dict[str, Decimal] = defaultdict(Decimal)  # backlog and open production requirements

    def _parents_first(self) -> list[str]:
        uses = dict.fromkeys(self.items, 0)
        for plan in self.items.values():
            for comp, _per, _scrap in plan.components:
                uses[comp] += 1
        ready = [code for code, n in uses.items() if n == 0]
        out = []
        while ready:
            code = ready.pop()
            out.append(code)
            for comp, _per, _scrap in self.items[code].components:
                uses[comp] -= 1
                if uses[comp] == 0:
                    ready.append(comp)
        return out

    # --- stock ----------------------------------------------------------------------------------------------

    def on_hand(self, code: str) -> Decimal:
        return self.stock[(code, RAW)] + self.stock[(code, FG)]

    def can_take(self, code: str, location: str, quantity: Decimal) -> bool:
        plan = self.items[code]
        margin = ZERO if plan.whole else MARGIN
        return self.stock[(code, location)] - quantity >= margin

    def move(self, code: str, location: str, quantity: Decimal) -> None:
        after = self.stock[(code, location)] + quantity
        if after < 0:
            raise AssertionError(f"the demo would take {code} at {location} below zero")
        self.stock[(code, location)] = after

    def position(self, code: str) -> Decimal:
        """On hand plus on order minus committed: what planning nets against its reorder point."""
        return self.on_hand(code) + self.on_order[code] - self.committed[code]
