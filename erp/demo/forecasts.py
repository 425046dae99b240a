"""Stage 5 of the demo: the sales forecast for the next six months, as planning demand for MRP.

Sales forecasts each finished good by month from its expected yearly demand, the season and the growth;
models that stopped selling get none, and the surging ones are forecast at their new level.
"""

from __future__ import annotations

import datetime as dt
import random

from erp.demo.policy import SURGE_FACTOR
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, add_months
from erp.demo.world import World
from erp.services.planning_data import replace_planning_demand

FORECAST_MONTHS = 6


def run_forecasts(users: DemoSessions, world: World, timeline: Timeline, rng: random.Random) -> dict[str, int]:
    rows = []
    first = add_months(timeline.as_of.replace(day=1), 1)
    for n in range(FORECAST_MONTHS):
        month = add_months(first, n)
        factor = timeline.demand_factor(month)
        for code in sorted(world.annual_demand):
            if code in world.slow_movers:
                continue
            quantity = world.annual_demand[code] / 12 * factor * rng.uniform(0.9, 1.1)
            if code in world.surge_items:
                quantity *= SURGE_FACTOR
            units = round(quantity)
            if units <= 0:
                continue
            rows.append(
                {
                    "item": code,
                    "due_date": dt.date(month.year, month.month, 15),
                    "quantity": units,
                    "demand_type": "forecast",
                    "reference": f"FC-{month:%Y%m}",
                }
            )
    replace_planning_demand(users["planner"], rows)
    return {"forecast_lines": len(rows)}
