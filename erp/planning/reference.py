"""The executable specification of MRP: a plain loop over items and weeks.

Slow (a few seconds per 100,000 items) but written to be read against issue 8; the compiled engine in
`erp.planning.engine` must give exactly the same plan, which the test suite checks on random problems.
Quantities are integer millionths (see `erp.planning.problem`), so every comparison below is exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from erp.planning.output import (
    BELOW_SAFETY_STOCK,
    CANCEL,
    EXPEDITE,
    FORECAST,
    NONE,
    ORDER,
    PARENT,
    RESCHEDULE_IN,
    RESCHEDULE_OUT,
    MrpResult,
    Plan,
    to_frames,
)
from erp.planning.problem import DEFAULT_HORIZON_WEEKS, FOQ, L4L, POQ, Problem, load_problem


def plan_reference(
    items: pd.DataFrame,
    bom: pd.DataFrame | None = None,
    on_hand: pd.DataFrame | None = None,
    scheduled_receipts: pd.DataFrame | None = None,
    demand: pd.DataFrame | None = None,
    as_of: object = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> MrpResult:
    """Same inputs and outputs as `erp.planning.engine.plan_mrp`, computed by the reference loop."""
    problem = load_problem(items, bom, on_hand, scheduled_receipts, demand, as_of, horizon_weeks)
    return to_frames(problem, reference_plan(problem))


_GRIDS = ("independent", "dependent", "scheduled", "projected", "net", "receipts", "releases")


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def low_level_codes(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Longest path from an end item: relax parent -> component until nothing changes (BOM has no cycle)."""
    llc = [0] * n
    changed = True
    while changed:
        changed = False
        for parent, child in edges:
            if llc[child] < llc[parent] + 1:
                llc[child] = llc[parent] + 1
                changed = True
    return llc


def reference_plan(p: Problem) -> Plan:
    n, horizon = p.n_items, p.horizon
    weeks = range(horizon)
    components: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]  # parent -> (bom row, child, factor)
    bom_rows = zip(p.bom_parent.tolist(), p.bom_child.tolist(), p.bom_factor.tolist(), strict=True)
    for row, (parent, child, factor) in enumerate(bom_rows):
        components[parent].append((row, child, factor))
    llc = low_level_codes(n, list(zip(p.bom_parent.tolist(), p.bom_child.tolist(), strict=True)))

    # Demand per item and week. Only items that have some are stored; the rest read as all zeros.
    no_demand = [0] * horizon
    orders: dict[int, list[int]] = {}
    forecasts: dict[int, list[int]] = {}
    demand_rows: dict[tuple[int, int], list[tuple[int, bool, int]]] = {}
    for item, week, qty, is_forecast, row in zip(
        p.dem_item.tolist(),
        p.dem_period.tolist(),
        p.dem_qty.tolist(),
        p.dem_forecast.tolist(),
        p.dem_row.tolist(),
        strict=True,
    ):
        (forecasts if is_forecast else orders).setdefault(item, [0] * horizon)[week] += qty
        demand_rows.setdefault((item, week), []).append((row, is_forecast, qty))
    dependent: dict[int, list[int]] = {}  # filled by the parents before the item is planned
    parent_sources: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (child, week) -> (bom row, quantity)
    scheduled: dict[int, list[int]] = {}
    receipts_of: dict[int, list[tuple[int, int, int]]] = {}  # item -> (week, row, qty)
    for item, week, qty, row in zip(
        p.sr_item.tolist(), p.sr_period.tolist(), p.sr_qty.tolist(), p.sr_row.tolist(), strict=True
    ):
        scheduled.setdefault(item, [0] * horizon)[week] += qty
        receipts_of.setdefault(item, []).append((week, row, qty))

    grids = {name: np.zeros((n, horizon), dtype=np.int64) for name in _GRIDS}
    plan_orders: list[tuple[int, int, int, int]] = []  # item, due week, release week (unclipped), qty
    exceptions: list[tuple[int, int, int, int, int, int]] = []  # kind, item, week, qty, to week, seq
    pegs: list[tuple[int, int, int, int, int]] = []  # order key, week, kind, seq, qty

    # Every parent is planned before its components: by low-level code, then input order.
    for item in sorted(range(n), key=lambda i: (llc[i], i)):
        rule = int(p.lot_rule[item])
        safety, on_hand = int(p.safety[item]), int(p.on_hand[item])
        lot, periods = int(p.lot_qty[item]), int(p.lot_periods[item])
        min_qty, multiple, lead = int(p.min_qty[item]), int(p.multiple[item]), int(p.lead_weeks[item])
        ordered, forecast = orders.get(item, no_demand), forecasts.get(item, no_demand)
        independent = [max(o, f) for o, f in zip(ordered, forecast, strict=True)]  # orders consume the forecast
        dep = dependent.pop(item, no_demand)
        gross = [a + b for a, b in zip(independent, dep, strict=True)]
        sr = scheduled.get(item, no_demand)

        if on_hand < safety:
            exceptions.append((BELOW_SAFETY_STOCK, item, 0, safety - on_hand, NONE, 0))

        # Netting and lot sizing, week by week.
        projected, net_req, receipts, releases = [0] * horizon, [0] * horizon, [0] * horizon, [0] * horizon
        pab = on_hand  # projected available balance at the end of the previous week
        due_weeks = []
        for t in weeks:
            available = pab + sr[t] - gross[t]
            net = max(0, safety - available)
            qty = 0
            if net > 0:
                if rule == L4L:
                    qty = net
                elif rule == FOQ:
                    qty = lot * ceil_div(net, lot)
                elif rule == POQ:
                    window = range(t, min(t + periods, horizon))
                    qty = max(net, sum(gross[k] - sr[k] for k in window) + safety - pab)
                qty = max(qty, min_qty)
                if multiple > 0:
                    qty = multiple * ceil_div(qty, multiple)
                release = t - lead
                releases[max(release, 0)] += qty
                plan_orders.append((item, t, release, qty))
                due_weeks.append(t)
                if release < 0:
                    exceptions.append((EXPEDITE, item, t, qty, release, item * horizon + t))
            net_req[t] = net
            receipts[t] = qty
            pab = available + qty
            projected[t] = pab
        for name, row in (
            ("independent", independent),
            ("dependent", dep),
            ("scheduled", sr),
            ("projected", projected),
            ("net", net_req),
            ("receipts", receipts),
            ("releases", releases),
        ):
            grids[name][item] = row

        # Dependent demand: this item's releases x qty per x (1 + scrap %), in millionths rounded to nearest.
        released = [(t, q) for t, q in enumerate(releases) if q > 0]
        for row, child, factor in components[item]:
            child_dep = dependent.setdefault(child, [0] * horizon)
            for t, released_qty in released:
                qty = round(released_qty * factor)
                child_dep[t] += qty
                if qty > 0:
                    parent_sources.setdefault((child, t), []).append((row, qty))

        # Scheduled receipts are never moved. Each is needed in the first week where the supply
        # that comes before it (on hand, then earlier receipts) no longer covers gross demand plus safety stock.
        if item in receipts_of:
            cumulative, need = 0, []
            for t in weeks:
                cumulative += gross[t]
                need.append(safety + cumulative - on_hand)
            supply_before = 0
            for week, row, qty in sorted(receipts_of[item]):
                needed = next((t for t in weeks if need[t] > supply_before), None)
                if needed is None:
                    exceptions.append((CANCEL, item, week, qty, NONE, row))
                elif needed < week:
                    exceptions.append((RESCHEDULE_IN, item, week, qty, needed, row))
                elif needed > week:
                    exceptions.append((RESCHEDULE_OUT, item, week, qty, needed, row))
                supply_before += qty

        # Pegging: a planned order covers its due week; a POQ order also the following weeks of its
        # period window, up to the next planned order.
        for k, due in enumerate(due_weeks):
            last = due
            if rule == POQ:
                next_due = due_weeks[k + 1] if k + 1 < len(due_weeks) else horizon
                last = min(due + periods - 1, next_due - 1, horizon - 1)
            key = item * horizon + due
            for week in range(due, last + 1):
                rows = demand_rows.get((item, week), [])
                for row, is_forecast, qty in rows:
                    if not is_forecast:
                        pegs.append((key, week, ORDER, row, qty))
                unconsumed = ordered[week]  # orders consume forecast rows in row order
                for row, is_forecast, qty in rows:
                    if is_forecast:
                        used = min(qty, unconsumed)
                        unconsumed -= used
                        if qty - used > 0:
                            pegs.append((key, week, FORECAST, row, qty - used))
                for row, qty in parent_sources.get((item, week), []):
                    pegs.append((key, week, PARENT, row, qty))

    def column(rows: list[tuple], i: int) -> np.ndarray:
        return np.array([r[i] for r in rows], dtype=np.int64)

    return Plan(
        **grids,
        order_item=column(plan_orders, 0),
        order_due=column(plan_orders, 1),
        order_release=column(plan_orders, 2),
        order_qty=column(plan_orders, 3),
        exc_kind=column(exceptions, 0),
        exc_item=column(exceptions, 1),
        exc_period=column(exceptions, 2),
        exc_qty=column(exceptions, 3),
        exc_to=column(exceptions, 4),
        exc_seq=column(exceptions, 5),
        pegging=np.array([column(pegs, i) for i in range(5)], dtype=np.int64).reshape(5, len(pegs)),
    )
