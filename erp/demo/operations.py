"""Stage 3 of the demo: two years of operations, day by day, up to the as-of date.

Each working day: goods arrive, production orders due are completed, customers order, the warehouse ships,
invoices are registered, customers and suppliers are paid. Each Monday the planner runs a reorder-point plan
(parents before components, so an order for a pump immediately raises the need for its parts) and turns its
needs into production orders and a purchase requisition. Quarter ends bring a cycle count, month ends close
the month's completed production orders. What is still open on the as-of date (backlog, open purchase
orders, released production orders) is the work MRP finds.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from erp.demo import policy
from erp.demo.buying import Buying
from erp.demo.making import Making
from erp.demo.selling import Selling
from erp.demo.sim import Sim
from erp.demo.timeline import GROWTH_PER_YEAR, month_end, next_working_day
from erp.demo.world import FG, RAW
from erp.services.inventory import count_stock

ZERO = Decimal(0)


class History:
    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.selling = Selling(sim)
        self.buying = Buying(sim)
        self.making = Making(sim)
        self.count_rng = sim.rng("counts")
        self.week = 0

    def run(self) -> None:
        timeline = self.sim.timeline
        days = list(timeline.days())
        for n, day in enumerate(days):
            last_of_month = n + 1 == len(days) or days[n + 1].month != day.month
            self.day(day, last_of_month)

    def day(self, day: dt.date, last_of_month: bool) -> None:
        if day.weekday() == 0:
            self.plan(day)
            self.week += 1
        self.buying.receive(day)
        self.making.complete(day)
        self.selling.take_orders(day)
        self.selling.ship(day)
        self.buying.invoice(day)
        self.buying.release_held(day)
        self.selling.collect(day)
        if day == next_working_day(day.replace(day=policy.PAYMENT_RUN_DAY)):
            self.buying.pay(day)
        if last_of_month:
            if day.month % 3 == 0:
                self.count(day)
            if day < self.sim.timeline.as_of or day == month_end(day):
                self.making.close_month(day)

    # --- planning -----------------------------------------------------------------------------------------

    def plan(self, day: dt.date) -> None:
        sim, world = self.sim, self.sim.world
        timeline = sim.timeline
        to_end = (timeline.as_of - day).days
        # The last run before the as-of date orders from every supplier and looks further ahead (the
        # quarter-end planning meeting), so purchase orders placed in it are still open at the as-of date.
        final = to_end < 7
        season = timeline.demand_factor(day)
        growth = (1 + GROWTH_PER_YEAR) ** timeline.elapsed_years(day)
        needs: dict[str, Decimal] = {}
        for code in world.order:
            plan = world.items[code]
            if plan.yearly_usage <= 0 and world.committed[code] <= 0:
                continue
            if code in world.surge_items and to_end < policy.UNPLANNED_DAYS:
                continue  # the planner has not noticed the surge yet
            if code in world.starved_items and to_end < policy.STARVED_DAYS:
                continue  # a reorder that was missed
            kind = "fg" if plan.finished else "make" if plan.make else "buy"
            daily = plan.yearly_usage / 365 * (season if plan.finished else growth)
            reorder_point = daily * (plan.lead_days + policy.REVIEW_DAYS) + float(plan.safety)
            if not plan.make:
                cycle = 7 * self.buying.cycle[plan.supplier] + (policy.FINAL_REVIEW_DAYS if final else 0)
                if final or self.buying.due_this_week(plan.supplier, self.week):
                    reorder_point += daily * (cycle + policy.BUNDLE_DAYS)  # order for the whole cycle, bundled
                elif float(world.position(code)) >= daily * plan.lead_days + float(plan.safety):
                    continue  # not this supplier's week, and it will last until the next one
            position = float(world.position(code))
            if position >= reorder_point:
                continue
            lot = daily * policy.LOT_DAYS[kind][plan.abc]
            if plan.lot_sizing == "FOQ":
                lot = max(lot, float(plan.lot_qty))
            quantity = plan.rounded(reorder_point - position + lot)
            if plan.make:
                self.making.start(day, code, quantity)
            else:
                needs[code] = quantity
        self.buying.order(day, needs)

    # --- counting -----------------------------------------------------------------------------------------

    def count(self, day: dt.date) -> None:
        """A quarterly cycle count of some items in raw materials, and a full count of finished goods at year end:
        mostly right, some small losses, a few finds."""
        sim, world, rng = self.sim, self.sim.world, self.count_rng
        targets = [(RAW, c) for c in sorted(world.items) if world.items[c].home == RAW and world.stock[(c, RAW)] > 0]
        k = max(1, math.ceil(len(targets) * policy.COUNT_SHARE))
        chosen = sorted(rng.sample(targets, min(k, len(targets))))
        if day.month == 12:
            chosen += [(FG, c) for c in sorted(world.items) if world.items[c].finished and world.stock[(c, FG)] > 0]
        for location in (RAW, FG):
            lines = []
            for loc, code in chosen:
                if loc != location:
                    continue
                plan, on_hand = world.items[code], world.stock[(code, location)]
                roll = rng.random()
                if plan.whole:
                    delta = Decimal(-1 if roll < 0.15 else 1 if roll > 0.95 else 0)
                else:
                    delta = (on_hand * Decimal(str(round(rng.uniform(-0.02, 0.01), 3)))).quantize(Decimal("0.01"))
                    if roll < 0.6:
                        delta = ZERO
                counted = max(ZERO, on_hand + delta)
                if plan.make or world.committed[code] > 0:
                    counted = max(counted, min(on_hand, world.committed[code]))  # never strand a released order
                lines.append({"item": code, "counted_qty": counted})
            if not lines:
                continue
            count_stock(
                sim.users["production"],
                {
                    "move_date": day,
                    "location": location,
                    "reference": f"COUNT-{day:%Y%m}-{location}",
                    "reason": "循环盘点 Cycle count" if location == RAW else "年终盘点 Year-end count",
                    "lines": lines,
                },
            )
            sim.counts["stock_counts"] += 1
            for ln in lines:
                code = ln["item"]
                world.stock[(code, location)] = ln["counted_qty"]


def run_operations(sim: Sim) -> dict[str, int]:
    History(sim).run()
    return dict(sorted(sim.counts.items()))
