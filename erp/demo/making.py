"""Production in the operational history: the planner creates and releases orders, the shop floor reports
its hours (with the scatter of real work: slow jobs, overtime), issues materials by hand or backflushes them
at completion (sometimes with scrap), and each month's completed orders are closed, posting their variances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from erp.demo import policy
from erp.demo.sim import Sim
from erp.demo.world import FG, RAW, q6
from erp.services.inventory import transfer_stock
from erp.services.production import (
    close_production_order,
    complete_production,
    create_production_order,
    issue_materials,
    release_production_order,
    report_time,
)

ZERO = Decimal(0)
HOURS = Decimal("0.01")


@dataclass
class OpenProduction:
    number: str
    item: str
    quantity: Decimal
    due: dt.date
    manual: bool
    needs: list[tuple[str, Decimal]]


class Making:
    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.rng = sim.rng("production")
        self.open: list[OpenProduction] = []
        self.completed: list[str] = []  # completed this month, closed at its end

    def start(self, day: dt.date, code: str, quantity: Decimal) -> None:
        sim, world = self.sim, self.sim.world
        plan = world.items[code]
        due = day + dt.timedelta(days=max(1, plan.lead_days))
        manual = self.rng.random() < policy.MANUAL_ISSUE_SHARE
        order = create_production_order(
            sim.users["planner"],
            {
                "item": code,
                "quantity": quantity,
                "start_date": day,
                "due_date": due,
                "location": plan.home,
                "issue_location": RAW,
                "issue_method": "manual" if manual else "backflush",
            },
        )
        release_production_order(sim.users["planner"], order["number"])
        sim.counts["production_orders"] += 1
        needs = plan.requirement(quantity)
        for comp, need in needs:
            world.committed[comp] += need
        world.on_order[code] += quantity
        self.open.append(OpenProduction(order["number"], code, quantity, due, manual, needs))

    def _available(self, order: OpenProduction, extra: tuple[str, Decimal] | None) -> list[dict] | None:
        """Whether the order's materials are there (finished goods used as components may be fetched from the
        finished-goods store); returns the transfer lines needed, or None when something is missing."""
        world = self.sim.world
        wanted = dict(order.needs)
        if extra:
            wanted[extra[0]] = wanted.get(extra[0], ZERO) + extra[1]
        transfers = []
        for comp, need in wanted.items():
            if world.can_take(comp, RAW, need):
                continue
            short = need - world.stock[(comp, RAW)]
            if world.items[comp].home == FG and world.can_take(comp, FG, short):
                transfers.append({"item": comp, "quantity": short})
                continue
            return None
        return transfers

    def complete(self, day: dt.date) -> None:
        sim, world, rng = self.sim, self.sim.world, self.rng
        waiting = []
        for order in sorted(self.open, key=lambda o: (o.due, o.number)):
            if order.due > day:
                waiting.append(order)
                continue
            extra = None
            if order.manual and rng.random() < policy.SCRAP_SHARE:
                comp, need = rng.choice(order.needs)
                extra = (comp, Decimal(1) if world.items[comp].whole else q6(need * Decimal("0.05")) or Decimal("0.01"))
            transfers = self._available(order, extra)
            if transfers is None:
                waiting.append(order)  # materials late: the order waits, and is completed late
                continue
            if transfers:
                transfer_stock(
                    sim.users["production"],
                    {
                        "move_date": day,
                        "from_location": FG,
                        "to_location": RAW,
                        "reference": order.number,
                        "reason": "生产领用成品部件 Finished goods needed as components",
                        "lines": transfers,
                    },
                )
                sim.counts["stock_transfers"] += 1
                for ln in transfers:
                    world.move(ln["item"], FG, -ln["quantity"])
                    world.move(ln["item"], RAW, ln["quantity"])
            self._report(order, day)
            consumed = dict(order.needs)
            if order.manual:
                lines = [{"item": comp, "quantity": need} for comp, need in order.needs]
                if extra:
                    consumed[extra[0]] += extra[1]
                    for ln in lines:
                        if ln["item"] == extra[0]:
                            ln["quantity"] += extra[1]
                issue_materials(sim.users["production"], {"order": order.number, "issue_date": day, "lines": lines})
                sim.counts["material_issues"] += 1
            complete_production(sim.users["production"], {"order": order.number, "completion_date": day})
            for comp, need in consumed.items():
                world.move(comp, RAW, -need)
            for comp, need in order.needs:
                world.committed[comp] -= need
            world.move(order.item, world.items[order.item].home, order.quantity)
            world.on_order[order.item] -= order.quantity
            self.completed.append(order.number)
        self.open = waiting

    def _report(self, order: OpenProduction, day: dt.date) -> None:
        rng = self.rng
        plan = self.sim.world.items[order.item]
        slow = rng.random() < 0.12  # a difficult job: everything took longer
        lines = []
        for step, per_unit, setup, rate in plan.steps:
            standard = float(setup + per_unit * order.quantity)
            labour = standard * rng.lognormvariate(0.0, 0.1) * (1.3 if slow else 1.0)
            machine = labour * rng.uniform(0.85, 1.0)
            line = {
                "step_no": step,
                "labour_hours": max(HOURS, Decimal(f"{labour:.2f}")),
                "machine_hours": max(HOURS, Decimal(f"{machine:.2f}")),
            }
            if rng.random() < policy.OVERTIME_SHARE:
                line["labour_rate"] = (rate * Decimal(str(policy.OVERTIME_FACTOR))).quantize(HOURS)
            lines.append(line)
        if lines:
            report_time(self.sim.users["production"], {"order": order.number, "report_date": day, "lines": lines})
            self.sim.counts["time_reports"] += 1

    def close_month(self, day: dt.date) -> None:
        for number in self.completed:
            close_production_order(self.sim.users["production"], number, day)
            self.sim.counts["production_orders_closed"] += 1
        self.completed = []
