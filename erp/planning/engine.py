"""The fast MRP engine: the reference semantics, vectorised with numpy.

Items are planned level by level (low-level code). The working grids are (weeks, items) with the items in
planning order, so a level is one contiguous block of columns. Within a level the loop runs over the weeks,
each step netting and lot-sizing every item of the level at once (one contiguous row of the block); the
level's planned releases are then pushed to the components through the BOM edges with one scatter-add. Cost
grows with items x weeks, not with BOM depth beyond the number of levels. The grids are returned as they are
(`Plan.layout` maps items to columns): the stored tables read them directly, and only the pandas frames
(`Plan.item_grid`) pay for a copy in item order. No database is needed: frames in, frames out (a dbt Python
model can call it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

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
    MrpResult,
    Plan,
    to_frames,
)
from erp.planning.problem import DEFAULT_HORIZON_WEEKS, FOQ, POQ, Problem, load_problem, ranges

if TYPE_CHECKING:
    import pandas as pd


def plan_mrp(
    items: pd.DataFrame,
    bom: pd.DataFrame | None = None,
    on_hand: pd.DataFrame | None = None,
    scheduled_receipts: pd.DataFrame | None = None,
    demand: pd.DataFrame | None = None,
    as_of: object = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> MrpResult:
    """Regenerative, time-phased, multi-level MRP (semantics of issue 8; columns in `erp.planning`)."""
    problem = load_problem(items, bom, on_hand, scheduled_receipts, demand, as_of, horizon_weeks)
    return to_frames(problem, engine_plan(problem))


def _grid(rows: int, cols: int, row: np.ndarray, col: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Sum quantities into a (rows, cols) grid."""
    flat = np.zeros(rows * cols, dtype=np.int64)
    np.add.at(flat, row * cols + col, qty)
    return flat.reshape(rows, cols)


def _group_starts(keys: np.ndarray) -> np.ndarray:
    """For sorted keys: True where a new group begins."""
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = keys[1:] != keys[:-1]
    return starts


def _exclusive_group_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Running total of earlier values in the same group (groups are runs marked by ``starts``)."""
    total = np.cumsum(values)
    before = total - values
    return before - np.maximum.accumulate(np.where(starts, before, 0))


def engine_plan(p: Problem) -> Plan:
    n, horizon = p.n_items, p.horizon
    weeks = np.arange(horizon, dtype=np.int64)

    # Items in planning order (low-level code, then input order), so that each level is one contiguous block
    # of columns in the (weeks, items) working grids: a week's step reads and writes contiguous memory.
    by_level = np.lexsort((np.arange(n), p.llc))
    pos = np.empty(n, dtype=np.int64)
    pos[by_level] = np.arange(n)
    bounds = np.r_[0, np.flatnonzero(np.diff(p.llc[by_level])) + 1, n] if n else np.zeros(1, dtype=np.int64)

    forecast = p.dem_forecast
    orders_t = _grid(horizon, n, p.dem_period[~forecast], pos[p.dem_item[~forecast]], p.dem_qty[~forecast])
    forecast_t = _grid(horizon, n, p.dem_period[forecast], pos[p.dem_item[forecast]], p.dem_qty[forecast])
    independent_t = np.maximum(orders_t, forecast_t, out=forecast_t)
    scheduled_t = _grid(horizon, n, p.sr_period, pos[p.sr_item], p.sr_qty)
    dependent_t = np.zeros((horizon, n), dtype=np.int64)

    # BOM edges grouped by the parent's position (CSR), keeping input order within a parent.
    edge_parent = pos[p.bom_parent]
    edge_order = np.argsort(edge_parent, kind="stable")
    edge_child = pos[p.bom_child][edge_order]
    edge_factor = p.bom_factor[edge_order]
    edge_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_parent, minlength=n), out=edge_ptr[1:])
    dependent_flat = dependent_t.reshape(-1)
    out_parents: list[tuple[np.ndarray, ...]] = []
    pab_out = np.empty((horizon, n), dtype=np.int64)
    net_out = np.empty((horizon, n), dtype=np.int64)
    qty_out = np.empty((horizon, n), dtype=np.int64)
    rel_out = np.zeros((horizon, n), dtype=np.int64)

    for level in range(len(bounds) - 1):
        a, b = int(bounds[level]), int(bounds[level + 1])
        il = by_level[a:b]
        size = b - a
        gross = independent_t[:, a:b] + dependent_t[:, a:b]  # (weeks, items of the level), contiguous
        sr = scheduled_t[:, a:b]
        safety = p.safety[il]
        rule = p.lot_rule[il]
        lot = np.where(rule == FOQ, p.lot_qty[il], 1)  # 1 leaves L4L and POQ quantities unchanged
        any_foq = bool((rule == FOQ).any())
        poq = rule == POQ
        min_qty = p.min_qty[il]
        multiple = np.where(p.multiple[il] > 0, p.multiple[il], 1)
        any_multiple = bool((multiple > 1).any())
        any_poq = bool(poq.any())
        if any_poq:
            # window[t] = sum over weeks t .. t+P-1 (cut at the horizon) of (GR - SR), plus safety stock;
            # computed for the POQ items of the level only
            cols = np.flatnonzero(poq)
            running = np.zeros((horizon + 1, len(cols)), dtype=np.int64)
            np.cumsum(gross[:, cols] - sr[:, cols], axis=0, out=running[1:])
            ends = np.minimum(weeks[:, None] + p.lot_periods[il[cols]][None, :], horizon)
            window = np.take_along_axis(running, ends, axis=0) - running[:-1] + safety[cols]
            poq_short = np.empty(len(cols), dtype=bool)

        pab = p.on_hand[il].copy()
        pab_lvl, net_lvl, qty_lvl = pab_out[:, a:b], net_out[:, a:b], qty_out[:, a:b]
        available = np.empty(size, dtype=np.int64)
        short = np.empty(size, dtype=bool)
        for t in range(horizon):
            np.add(pab, sr[t], out=available)
            available -= gross[t]
            net = net_lvl[t]
            np.subtract(safety, available, out=net)
            np.maximum(net, 0, out=net)
            np.greater(net, 0, out=short)
            qty = qty_lvl[t]
            if any_foq:
                np.floor_divide(-net, lot, out=qty)
                qty *= -lot
            else:
                qty[:] = net
            if any_poq:
                np.take(short, cols, out=poq_short)
                cover = window[t] - pab[cols]
                qty[cols] = np.where(poq_short, np.maximum(qty[cols], cover), qty[cols])
            np.maximum(qty, min_qty, out=qty, where=short)
            if any_multiple:
                np.floor_divide(-qty, multiple, out=qty)
                qty *= -multiple
            np.add(available, qty, out=pab_lvl[t])
            pab = pab_lvl[t]

        # Planned releases: due week - lead time in weeks; a release before period 1 falls into period 1.
        lead = np.minimum(p.lead_weeks[il], horizon - 1)
        rel_lvl = rel_out[:, a:b]
        local = np.arange(size)
        rel_lvl[0] = np.cumsum(qty_lvl, axis=0)[lead, local]
        for shift in np.unique(lead):  # items grouped by lead time: one shifted block copy each
            cols_l = np.flatnonzero(lead == shift)
            rel_lvl[1 : horizon - shift, cols_l] = qty_lvl[1 + shift :, cols_l]
            rel_lvl[max(1, horizon - shift) :, cols_l] = 0

        # Dependent demand: every release x each BOM edge's factor, added onto the components (deeper levels).
        if not len(edge_child) or edge_ptr[b] == edge_ptr[a]:
            continue
        rel_week, rel_local = np.nonzero(rel_lvl)
        if len(rel_week):
            parent = rel_local + a
            count = edge_ptr[parent + 1] - edge_ptr[parent]
            edges = ranges(edge_ptr[parent], count)
            if len(edges):
                cells = np.repeat(rel_week * n, count) + edge_child[edges]  # component's (week, position)
                released = np.repeat(rel_lvl[rel_week, rel_local], count)
                add = np.rint(released * edge_factor[edges]).astype(np.int64)
                np.add.at(dependent_flat, cells, add)
                out_parents.append((cells, edges, add))

    # Planned orders in item, due-week order: the receipts grid's mask with its columns in input order.
    order_item, order_due = np.nonzero(np.ascontiguousarray((qty_out != 0)[:, pos].T))
    order_qty = qty_out[order_due, pos[order_item]]
    order_release = order_due - p.lead_weeks[order_item]

    def gross(items: np.ndarray) -> np.ndarray:
        """Gross requirements of some items, shape (items, weeks)."""
        return (independent_t[:, pos[items]] + dependent_t[:, pos[items]]).T

    exc = _exceptions(p, gross, order_item, order_due, order_release, order_qty)
    pegs = _pegging(p, orders_t, pos, order_item, order_due, out_parents, edge_order)
    return Plan(
        independent=independent_t,
        dependent=dependent_t,
        scheduled=scheduled_t,
        projected=pab_out,
        net=net_out,
        receipts=qty_out,
        releases=rel_out,
        order_item=order_item,
        order_due=order_due,
        order_release=order_release,
        order_qty=order_qty,
        **exc,
        **pegs,
        layout=pos,
    )


def _exceptions(
    p: Problem,
    gross: Callable[[np.ndarray], np.ndarray],
    item: np.ndarray,
    due: np.ndarray,
    release: np.ndarray,
    qty: np.ndarray,
) -> dict[str, np.ndarray]:
    horizon = p.horizon
    parts = []
    # below safety stock at the horizon start
    short = np.flatnonzero(p.on_hand < p.safety)
    parts.append(
        (
            np.full(len(short), BELOW_SAFETY_STOCK),
            short,
            np.zeros(len(short), np.int64),
            (p.safety - p.on_hand)[short],
            np.full(len(short), NONE),
            np.zeros(len(short), np.int64),
        )
    )
    # planned orders released before period 1
    late = release < 0
    parts.append(
        (
            np.full(int(late.sum()), EXPEDITE),
            item[late],
            due[late],
            qty[late],
            release[late],
            item[late] * horizon + due[late],
        )
    )
    # scheduled receipts: needed where the supply before them stops covering gross demand + safety stock
    if len(p.sr_item):
        order = np.lexsort((p.sr_row, p.sr_period, p.sr_item))
        sr_item, sr_week, sr_qty, sr_row = p.sr_item[order], p.sr_period[order], p.sr_qty[order], p.sr_row[order]
        supply_before = _exclusive_group_cumsum(sr_qty, _group_starts(sr_item))
        # supply needed by the end of each week, only for items with receipts (non-decreasing per item)
        with_sr, sr_pos = np.unique(sr_item, return_inverse=True)
        need = p.safety[with_sr, None] + np.cumsum(gross(with_sr), axis=1) - p.on_hand[with_sr, None]
        needed = np.empty(len(sr_item), dtype=np.int64)
        step = 200_000
        for lo in range(0, len(sr_item), step):
            hi = lo + step
            needed[lo:hi] = (need[sr_pos[lo:hi]] <= supply_before[lo:hi, None]).sum(axis=1)
        kind = np.select(
            [needed >= horizon, needed < sr_week, needed > sr_week], [CANCEL, RESCHEDULE_IN, RESCHEDULE_OUT], -1
        )
        hit = kind >= 0
        to = np.where(kind == CANCEL, NONE, needed)
        parts.append((kind[hit], sr_item[hit], sr_week[hit], sr_qty[hit], to[hit], sr_row[hit]))
    names = ("exc_kind", "exc_item", "exc_period", "exc_qty", "exc_to", "exc_seq")
    return {
        name: np.concatenate([np.asarray(part[i], dtype=np.int64) for part in parts]) for i, name in enumerate(names)
    }


def _pegging(
    p: Problem,
    orders_t: np.ndarray,
    pos: np.ndarray,
    item: np.ndarray,
    due: np.ndarray,
    parents: list[tuple[np.ndarray, ...]],
    edge_order: np.ndarray,
) -> dict[str, np.ndarray]:
    """Each demand source (order row, unconsumed forecast, parent's dependent demand) pegged to the planned
    order whose window holds its week. Cells are (week, planning position) of the working grids: week * n + pos.
    ``parents``: per level, the components' cells, BOM edges (in the engine's edge order) and quantities."""
    horizon, n = p.horizon, p.n_items
    # Planned orders by item and due week (their published order); each covers its due week, a POQ order
    # also the rest of its period window up to the next planned order of the item.
    keys = item * horizon + due
    if not np.all(keys[1:] > keys[:-1]):
        order = np.argsort(keys)
        keys, item, due = keys[order], item[order], due[order]
    next_due = np.full(len(keys), horizon, dtype=np.int64)
    same = item[1:] == item[:-1]
    next_due[:-1][same] = due[1:][same]
    poq = p.lot_rule[item] == POQ
    last = np.where(poq, np.minimum(np.minimum(due + p.lot_periods[item] - 1, next_due - 1), horizon - 1), due)

    # cover[week * n + pos] = 1 + the planned order (position in keys) whose window holds the week, 0: none
    cover = np.zeros(horizon * n, dtype=np.int32)
    first = due * n + pos[item]
    span = last - due + 1
    number = np.arange(1, len(keys) + 1, dtype=np.int32)
    if len(span) and span.max() == 1:
        cover[first] = number
    else:
        steps = ranges(np.zeros(len(span), dtype=np.int64), span)
        cover[np.repeat(first, span) + steps * n] = np.repeat(number, span)

    parts: list[tuple[np.ndarray, ...]] = []

    def peg(cells: np.ndarray, kind: int, seq: np.ndarray, qty: np.ndarray) -> None:
        found = cover[cells]
        ok = (found > 0) & (qty > 0)
        parts.append((keys[found[ok] - 1], cells[ok] // n, np.full(int(ok.sum()), kind), seq[ok], qty[ok]))

    fc = p.dem_forecast
    peg(p.dem_period[~fc] * n + pos[p.dem_item[~fc]], ORDER, p.dem_row[~fc], p.dem_qty[~fc])
    # forecast rows: what the week's orders leave of them, consumed in row order
    f_item, f_week, f_qty, f_row = p.dem_item[fc], p.dem_period[fc], p.dem_qty[fc], p.dem_row[fc]
    f_sort = np.lexsort((f_row, f_week, f_item))
    f_item, f_week, f_qty, f_row = f_item[f_sort], f_week[f_sort], f_qty[f_sort], f_row[f_sort]
    f_before = _exclusive_group_cumsum(f_qty, _group_starts(f_item * horizon + f_week))
    f_left = np.clip(f_before + f_qty - orders_t[f_week, pos[f_item]], 0, f_qty)
    peg(f_week * n + pos[f_item], FORECAST, f_row, f_left)
    for cells, edges, qty in parents:
        peg(cells, PARENT, edge_order[edges], qty)
    names = ("peg_order", "peg_period", "peg_kind", "peg_seq", "peg_qty")
    if not parts:
        return {name: np.zeros(0, dtype=np.int64) for name in names}
    return {
        name: np.concatenate([np.asarray(part[i], dtype=np.int64) for part in parts]) for i, name in enumerate(names)
    }
