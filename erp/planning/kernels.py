"""The MRP engine's loops, compiled with numba (at run time or ahead of time).

MRP is a recurrence: each week's projected balance depends on the previous week's, and each item's gross
requirements on its parents' planned releases. Written as plain loops over items and weeks (the reference
semantics, line for line) and compiled, it runs in one pass over memory without the temporaries a vectorised
numpy version allocates per week and per level, and the steps before and after planning (demand grids,
planned orders, exceptions, pegging) become single passes too.

Grids are (weeks, items) with the items in planning order (`engine_plan` explains the layout): item ``i`` sits
in column ``pos[i]``, and column ``c`` holds item ``by_level[c]``. Quantities are integer millionths.

Two ways to run them (`erp.planning.compiled` picks): compiled ahead of time into an extension module
(`erp.planning.aot`, built by make; no numba in the process), or by numba at run time. ``cache=True`` keeps the
JIT's machine code in ``__pycache__`` beside this file: compiling all kernels takes about 5 s of CPU once per
checkout (or after this file changes), a new process loads them instead. That cache is keyed on this file only:
the constants imported below are frozen into it, so changing one of them means touching this file too (the
tests then fail until it is recompiled). The ahead-of-time module is keyed on this file and the two that define
those constants.

The loops run on one core: ``parallel=True`` over the items of a level was measured on 2 cores and saves about
40 ms of the planning at 100,000 items, less than starting its threads costs a fresh process, for 50% more CPU.
They let go of the interpreter (``nogil``), so the dbt models that store a plan run them on their threads at
once, beside each other's Python and DuckDB work (`erp.planning.tables.PlanTables`).
"""

from __future__ import annotations

import numba
import numpy as np

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
)
from erp.planning.problem import FOQ, L4L, POQ


@numba.njit(cache=True, nogil=True)
def demand_grids(
    pos: np.ndarray,
    dem_item: np.ndarray,
    dem_period: np.ndarray,
    dem_qty: np.ndarray,
    dem_forecast: np.ndarray,
    by_cell: np.ndarray,
    sr_item: np.ndarray,
    sr_period: np.ndarray,
    sr_qty: np.ndarray,
    independent: np.ndarray,
    scheduled: np.ndarray,
) -> None:
    """Fill the independent demand and scheduled receipts grids (zeros on entry: numpy's zeros are pages the
    system hands out already zeroed, so only the weeks with demand are ever written).

    Orders consume the forecast of their week, so a week's independent demand is the larger of its order and
    forecast totals. ``by_cell`` lists the demand rows grouped by (item, week), which gives both totals of a
    cell in one walk without a grid per demand type."""
    start = 0
    while start < len(by_cell):
        first = by_cell[start]
        item, week = dem_item[first], dem_period[first]
        ordered = forecast = 0
        end = start
        while end < len(by_cell) and dem_item[by_cell[end]] == item and dem_period[by_cell[end]] == week:
            if dem_forecast[by_cell[end]]:
                forecast += dem_qty[by_cell[end]]
            else:
                ordered += dem_qty[by_cell[end]]
            end += 1
        independent[week, pos[item]] = max(ordered, forecast)
        start = end
    for k in range(len(sr_item)):
        scheduled[sr_period[k], pos[sr_item[k]]] += sr_qty[k]


@numba.njit(inline="always")
def _ceil_to(qty: int, step: int) -> int:
    """``qty`` rounded up to a whole number of ``step`` (both above 0)."""
    return -(-qty // step) * step


@numba.njit(inline="always")
def _component_qty(released: int, factor: float) -> int:
    """A component's dependent demand from a parent's release: release x factor, rounded to the nearest
    millionth (half to even, as the reference's ``round``)."""
    return np.int64(np.rint(released * factor))


@numba.njit(cache=True, nogil=True)
def _plan_item(
    c: int,
    on_hand: int,
    safety: int,
    rule: int,
    lot: int,
    periods: int,
    min_qty: int,
    multiple: int,
    lead: int,
    independent: np.ndarray,
    dependent: np.ndarray,
    scheduled: np.ndarray,
    receipts: np.ndarray,
    releases: np.ndarray,
    cover: np.ndarray,
) -> int:
    """Net and lot-size one item (column ``c``) week by week, as `erp.planning.reference`; returns its number of
    planned orders. A POQ order covers the (gross - scheduled) of its window of ``periods`` weeks, kept as a
    sliding sum so each week costs the same whatever the window. ``cover`` gets, for every week, how many weeks
    earlier the planned order whose window holds it is due (-1: none), for pegging: an order covers its due
    week, a POQ order also the rest of its window up to the item's next order."""
    horizon = independent.shape[0]
    window = 0
    if rule == POQ:
        for k in range(min(periods, horizon)):
            window += independent[k, c] + dependent[k, c] - scheduled[k, c]
    pab = on_hand  # projected available balance at the end of the previous week
    orders = 0
    last_due = -1  # due week of the latest planned order
    for t in range(horizon):
        gross = independent[t, c] + dependent[t, c]
        available = pab + scheduled[t, c] - gross
        need = max(0, safety - available)
        qty = 0
        if need > 0:
            if rule == L4L:
                qty = need
            elif rule == FOQ:
                qty = _ceil_to(need, lot)
            else:
                qty = max(need, window + safety - pab)
            qty = max(qty, min_qty)
            if multiple > 0:
                qty = _ceil_to(qty, multiple)
            releases[max(t - lead, 0), c] += qty
            orders += 1
            last_due = t
        if last_due >= 0 and (t == last_due or (rule == POQ and t - last_due < periods)):
            cover[t, c] = t - last_due
        else:
            cover[t, c] = -1
        receipts[t, c] = qty
        pab = available + qty
        if rule == POQ:  # slide the window one week on
            window -= gross - scheduled[t, c]
            if t + periods < horizon:
                window += independent[t + periods, c] + dependent[t + periods, c] - scheduled[t + periods, c]
    return orders


@numba.njit(cache=True, nogil=True)
def plan_levels(
    bounds: np.ndarray,
    by_level: np.ndarray,
    on_hand: np.ndarray,
    safety: np.ndarray,
    lot_rule: np.ndarray,
    lot_qty: np.ndarray,
    lot_periods: np.ndarray,
    min_qty: np.ndarray,
    multiple: np.ndarray,
    lead_weeks: np.ndarray,
    edge_ptr: np.ndarray,
    edge_child: np.ndarray,
    edge_factor: np.ndarray,
    independent: np.ndarray,
    dependent: np.ndarray,
    scheduled: np.ndarray,
    receipts: np.ndarray,
    releases: np.ndarray,
    cover: np.ndarray,
    order_count: np.ndarray,
) -> int:
    """Plan level by level (low-level code): every item of a level, then its releases pushed down the BOM as the
    components' dependent demand, so that a component is planned only once all its parents are. Fills the record
    grids, ``cover`` and ``order_count`` (planned orders per item, by item index); returns how many pushes were
    above 0 (the most parent pegs there can be)."""
    horizon = independent.shape[0]
    pushes = 0
    for level in range(len(bounds) - 1):
        a, b = bounds[level], bounds[level + 1]
        for c in range(a, b):
            i = by_level[c]
            order_count[i] = _plan_item(
                c,
                on_hand[i],
                safety[i],
                lot_rule[i],
                lot_qty[i],
                lot_periods[i],
                min_qty[i],
                multiple[i],
                lead_weeks[i],
                independent,
                dependent,
                scheduled,
                receipts,
                releases,
                cover,
            )
        if edge_ptr[b] == edge_ptr[a]:
            continue
        for t in range(horizon):
            for c in range(a, b):
                released = releases[t, c]
                if released == 0:
                    continue
                for e in range(edge_ptr[c], edge_ptr[c + 1]):
                    qty = _component_qty(released, edge_factor[e])
                    dependent[t, edge_child[e]] += qty
                    if qty > 0:
                        pushes += 1
    return pushes


@numba.njit(cache=True, nogil=True)
def planned_orders(
    by_level: np.ndarray, lead_weeks: np.ndarray, receipts: np.ndarray, order_start: np.ndarray, out: np.ndarray
) -> None:
    """Fill ``out`` with the planned orders, rows (item, due week, release week before clipping, quantity) in
    item, due-week order: every nonzero planned receipt. Items are visited in grid-column order (the
    cache-friendly way through the grid), each writing its orders from ``order_start[item]`` on."""
    horizon, n = receipts.shape
    for c in range(n):
        i = by_level[c]
        k = order_start[i]
        for t in range(horizon):
            if receipts[t, c] != 0:
                out[0, k] = i
                out[1, k] = t
                out[2, k] = t - lead_weeks[i]
                out[3, k] = receipts[t, c]
                k += 1


@numba.njit(inline="always")
def _exception(out: np.ndarray, row: int, kind: int, item: int, week: int, qty: int, to: int, seq: int) -> int:
    """Write one exception row; returns the next free row."""
    out[0, row] = kind
    out[1, row] = item
    out[2, row] = week
    out[3, row] = qty
    out[4, row] = to
    out[5, row] = seq
    return row + 1


@numba.njit(cache=True, nogil=True)
def exceptions(
    pos: np.ndarray,
    on_hand: np.ndarray,
    safety: np.ndarray,
    independent: np.ndarray,
    dependent: np.ndarray,
    orders: np.ndarray,
    sr_item: np.ndarray,
    sr_period: np.ndarray,
    sr_qty: np.ndarray,
    sr_row: np.ndarray,
    by_receipt: np.ndarray,
    out: np.ndarray,
) -> int:
    """Fill ``out`` with the exceptions, rows (kind, item, week, qty, to week, seq): items below safety stock at the
    start (item order), planned orders released before period 1 (order rows as `planned_orders` lists them; seq:
    the order key), then reschedule and cancel messages for scheduled receipts (by item, week, row; seq: the
    receipt's row). Returns the number of rows written.

    A receipt is needed in the first week where the supply before it (on hand, then the item's earlier receipts)
    stops covering cumulative gross demand plus safety stock. Gross demand is not negative, so that week only
    moves forward as the supply grows: one walk over the weeks per item."""
    horizon = independent.shape[0]
    found = 0
    for item in range(len(on_hand)):
        if on_hand[item] < safety[item]:
            found = _exception(out, found, BELOW_SAFETY_STOCK, item, 0, safety[item] - on_hand[item], NONE, 0)
    for k in range(orders.shape[1]):
        item, due, release, qty = orders[0, k], orders[1, k], orders[2, k], orders[3, k]
        if release < 0:
            found = _exception(out, found, EXPEDITE, item, due, qty, release, item * horizon + due)
    k = 0
    while k < len(by_receipt):
        item = sr_item[by_receipt[k]]
        c = pos[item]
        supply_before = 0
        week = 0  # first week whose need exceeds supply_before, horizon if none
        need = safety[item] - on_hand[item] + independent[0, c] + dependent[0, c]
        while k < len(by_receipt) and sr_item[by_receipt[k]] == item:
            r = by_receipt[k]
            while week < horizon and need <= supply_before:
                week += 1
                if week < horizon:
                    need += independent[week, c] + dependent[week, c]
            if week >= horizon:
                found = _exception(out, found, CANCEL, item, sr_period[r], sr_qty[r], NONE, sr_row[r])
            elif week < sr_period[r]:
                found = _exception(out, found, RESCHEDULE_IN, item, sr_period[r], sr_qty[r], week, sr_row[r])
            elif week > sr_period[r]:
                found = _exception(out, found, RESCHEDULE_OUT, item, sr_period[r], sr_qty[r], week, sr_row[r])
            supply_before += sr_qty[r]
            k += 1
    return found


@numba.njit(inline="always")
def _peg(out: np.ndarray, row: int, key: int, week: int, kind: int, seq: int, qty: int) -> int:
    """Write one pegging row; returns the next free row."""
    out[0, row] = key
    out[1, row] = week
    out[2, row] = kind
    out[3, row] = seq
    out[4, row] = qty
    return row + 1


@numba.njit(cache=True, nogil=True)
def pegging(
    pos: np.ndarray,
    bounds: np.ndarray,
    dem_item: np.ndarray,
    dem_period: np.ndarray,
    dem_qty: np.ndarray,
    dem_forecast: np.ndarray,
    dem_row: np.ndarray,
    by_cell: np.ndarray,
    edge_ptr: np.ndarray,
    edge_child: np.ndarray,
    edge_factor: np.ndarray,
    edge_row: np.ndarray,
    edge_child_item: np.ndarray,
    releases: np.ndarray,
    cover: np.ndarray,
    out: np.ndarray,
) -> int:
    """Each demand source pegged to the planned order whose window holds its week, as rows (order key = item *
    horizon + due week, week, kind, demand row or BOM row, qty), in this order: order rows (input order), the
    forecast rows' unconsumed parts (by item, week, row), then the parents' dependent demand (level by level, in
    the order `plan_levels` pushed it; recomputed from the releases rather than stored). Returns the number of
    rows written."""
    horizon = cover.shape[0]
    found = 0
    for r in range(len(dem_item)):
        item, week = dem_item[r], dem_period[r]
        if dem_forecast[r]:
            continue
        back = cover[week, pos[item]]
        if back >= 0:
            found = _peg(out, found, item * horizon + week - back, week, ORDER, dem_row[r], dem_qty[r])
    # forecast rows: what the week's orders leave of them, consumed in row order
    start = 0
    while start < len(by_cell):
        item, week = dem_item[by_cell[start]], dem_period[by_cell[start]]
        end = start
        ordered = 0
        while end < len(by_cell) and dem_item[by_cell[end]] == item and dem_period[by_cell[end]] == week:
            if not dem_forecast[by_cell[end]]:
                ordered += dem_qty[by_cell[end]]
            end += 1
        back = cover[week, pos[item]]
        for k in range(start, end):
            r = by_cell[k]
            if not dem_forecast[r]:
                continue
            used = min(dem_qty[r], ordered)
            ordered -= used
            left = dem_qty[r] - used
            if left > 0 and back >= 0:
                found = _peg(out, found, item * horizon + week - back, week, FORECAST, dem_row[r], left)
        start = end
    for level in range(len(bounds) - 1):
        a, b = bounds[level], bounds[level + 1]
        if edge_ptr[b] == edge_ptr[a]:
            continue
        for t in range(horizon):
            for c in range(a, b):
                released = releases[t, c]
                if released == 0:
                    continue
                for e in range(edge_ptr[c], edge_ptr[c + 1]):
                    qty = _component_qty(released, edge_factor[e])
                    if qty <= 0:
                        continue
                    back = cover[t, edge_child[e]]
                    if back >= 0:
                        key = edge_child_item[e] * horizon + t - back
                        found = _peg(out, found, key, t, PARENT, edge_row[e], qty)
    return found


@numba.njit(cache=True, nogil=True)
def record_cells(
    independent: np.ndarray,
    dependent: np.ndarray,
    scheduled: np.ndarray,
    receipts: np.ndarray,
    releases: np.ndarray,
    on_hand: np.ndarray,
    ids: np.ndarray,
    balance: np.ndarray,
    item_id: np.ndarray,
    week: np.ndarray,
    values: np.ndarray,
) -> int:
    """The time-phased record's rows, by week then column: the first week of every column, and every week where
    something happens (gross requirement, scheduled receipt, planned receipt or release; a net requirement is a
    planned receipt). Each row gets the column's item id, the 1-based week and, in ``values``, independent,
    dependent and scheduled quantities and the projected on hand, computed as `_plan_item` computes it (the
    engine keeps no grid of it), carried per column in ``balance``. The net requirement and the planned receipts
    and releases are not written: the view mrp_records derives them (see `erp.planning.tables.RECORD_FIELDS`).
    ``on_hand`` and ``ids`` are per column; the outputs are bounds (weeks x columns rows). Returns the number of
    rows written."""
    weeks, columns = independent.shape
    for c in range(columns):
        balance[c] = on_hand[c]
    row = 0
    for w in range(weeks):
        for c in range(columns):
            ind, dep, sched = independent[w, c], dependent[w, c], scheduled[w, c]
            received, released = receipts[w, c], releases[w, c]
            balance[c] += sched + received - (ind + dep)
            if w == 0 or ind != 0 or dep != 0 or sched != 0 or received != 0 or released != 0:
                item_id[row] = ids[c]
                week[row] = w + 1
                values[0, row] = ind
                values[1, row] = dep
                values[2, row] = sched
                values[3, row] = balance[c]
                row += 1
    return row
