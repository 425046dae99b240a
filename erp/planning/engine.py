"""The fast MRP engine: the reference semantics as compiled loops (`erp.planning.kernels`, `erp.planning.compiled`).

Items are planned level by level (low-level code). The working grids are (weeks, items) with the items in
planning order, so a level is one contiguous block of columns; each item is netted and lot-sized week by
week, then the level's planned releases are pushed to the components through the BOM edges. Cost grows with
items x weeks, not with BOM depth. The grids are returned as they are (`Plan.layout` maps items to columns):
the stored tables read them directly, and only the pandas frames (`Plan.item_grid`) pay for a copy in item
order. No database is needed: frames in, frames out (a dbt Python model can call it).
"""

from __future__ import annotations

import ctypes
import mmap
import threading
from typing import TYPE_CHECKING

import numpy as np

from erp.planning import compiled
from erp.planning.output import MrpResult, Plan, to_frames
from erp.planning.problem import DEFAULT_HORIZON_WEEKS, Problem, load_problem

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


def _ints(values: np.ndarray) -> np.ndarray:
    """``values`` as a contiguous int64 array (a copy only if needed): each kernel is compiled for one
    signature, so every call must pass the same array types to reuse the cached machine code."""
    return np.ascontiguousarray(values, dtype=np.int64)


def zeros(shape: tuple[int, ...], dtype: type = np.int64) -> np.ndarray:
    """A zero-filled array in private memory straight from the system (zero pages until written).

    Not `np.zeros`: numpy asks for transparent huge pages for large arrays, and first touching those in a fresh
    process cost more CPU than small pages (measured on the 2-core build machine, first plan in a process:
    100,000 items 1.5-1.7 s against 1.05-1.1 s, 300,000 items 3.7-4.4 s against 2.3-2.9 s). Only a repeated
    plan in one process gains from huge pages (about 0.2 s at 100,000 items); a build plans once per process."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size == 0:
        return np.zeros(shape, dtype=dtype)
    memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(memory, dtype=dtype).reshape(shape)


GRIDS = {
    "independent": np.int64,
    "scheduled": np.int64,
    "dependent": np.int64,
    "receipts": np.int64,
    "releases": np.int64,
    "cover": np.int32,  # weeks back to the covering planned order, for pegging
}
"""The engine's working grids, (weeks, items in planning order)."""


def fresh_grids(shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """The working grids of ``shape`` (weeks, items), zero pages not yet touched."""
    return {name: zeros(shape, dtype) for name, dtype in GRIDS.items()}


class Grids:
    """The working grids of a plan of ``n_items`` items over ``horizon`` weeks, allocated and first touched on a
    thread of their own from the moment the size is known (`erp.planning.pipeline.load` starts them once it has
    read the items, and the checks of the inputs run meanwhile).

    On the build machine the first touch of new memory is a large part of planning: the six grids are about
    230 MB at 100,000 items and 52 weeks, and touching them took about 0.1 s of the engine's 0.34 s. The filling
    thread writes zeros with ``memset`` through ctypes, which lets go of the interpreter, so it runs on the core
    the input checks leave idle."""

    def __init__(self, n_items: int, horizon: int) -> None:
        self.shape = (horizon, n_items)
        self._grids: dict[str, np.ndarray] = {}
        self._thread = threading.Thread(target=self._fill, name="mrp-grids", daemon=True)
        self._thread.start()

    def _fill(self) -> None:
        try:
            for name, dtype in GRIDS.items():
                grid = zeros(self.shape, dtype)
                if grid.nbytes:
                    ctypes.memset(grid.ctypes.data, 0, grid.nbytes)
                self._grids[name] = grid
        except (OSError, MemoryError):  # out of memory: `take` allocates them again, and raises there
            self._grids.clear()

    def take(self, shape: tuple[int, int]) -> dict[str, np.ndarray]:
        """The grids (waiting for the thread), or fresh ones if ``shape`` is not the one they were made for;
        each set is handed out once."""
        self._thread.join()
        grids, self._grids = self._grids, {}
        return grids if shape == self.shape and len(grids) == len(GRIDS) else fresh_grids(shape)


def engine_plan(p: Problem, grids: Grids | None = None) -> Plan:
    """Plan a checked problem (see the module docstring); the heavy loops are `erp.planning.kernels`. ``grids``:
    working grids made ahead (`Grids`), else they are allocated here."""
    kernels = compiled.kernels()
    n, horizon = p.n_items, p.horizon
    work = fresh_grids((horizon, n)) if grids is None else grids.take((horizon, n))
    llc = _ints(p.llc)
    # Items in planning order (low-level code, then input order): each level is one block of columns.
    by_level = np.argsort(llc, kind="stable")
    pos = np.empty(n, dtype=np.int64)
    pos[by_level] = np.arange(n)
    bounds = np.r_[0, np.flatnonzero(np.diff(llc[by_level])) + 1, n] if n else np.zeros(1, dtype=np.int64)
    on_hand, safety, lead_weeks = _ints(p.on_hand), _ints(p.safety), _ints(p.lead_weeks)
    lot_rule, lot_periods = _ints(p.lot_rule), _ints(p.lot_periods)

    # BOM edges grouped by the parent's column (CSR), keeping input order within a parent; edge_row: BOM row.
    edge_parent = pos[_ints(p.bom_parent)]
    edge_row = np.argsort(edge_parent, kind="stable")
    edge_child = pos[_ints(p.bom_child)][edge_row]
    edge_factor = np.ascontiguousarray(p.bom_factor[edge_row], dtype=np.float64)
    edge_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(edge_parent, minlength=n), out=edge_ptr[1:])

    dem_item, dem_period, dem_qty, dem_row = _ints(p.dem_item), _ints(p.dem_period), _ints(p.dem_qty), _ints(p.dem_row)
    dem_forecast = np.ascontiguousarray(p.dem_forecast, dtype=np.bool_)
    by_cell = np.argsort(dem_item * horizon + dem_period, kind="stable")  # rows by item, week, then row
    sr_item, sr_period, sr_qty, sr_row = _ints(p.sr_item), _ints(p.sr_period), _ints(p.sr_qty), _ints(p.sr_row)
    independent, scheduled = work["independent"], work["scheduled"]
    kernels.demand_grids(
        pos, dem_item, dem_period, dem_qty, dem_forecast, by_cell, sr_item, sr_period, sr_qty, independent, scheduled
    )

    dependent, receipts, releases, cover = (work[name] for name in ("dependent", "receipts", "releases", "cover"))
    order_count = np.empty(n, dtype=np.int64)
    pushes = kernels.plan_levels(
        bounds,
        by_level,
        on_hand,
        safety,
        lot_rule,
        _ints(p.lot_qty),
        lot_periods,
        _ints(p.min_qty),
        _ints(p.multiple),
        lead_weeks,
        edge_ptr,
        edge_child,
        edge_factor,
        independent,
        dependent,
        scheduled,
        receipts,
        releases,
        cover,
        order_count,
    )
    # Output rows are counted or bounded, allocated (`zeros`) and filled in place; the unused tail of a bound
    # is never touched, so it costs no memory.
    order_start = np.r_[0, np.cumsum(order_count)]
    orders = zeros((4, order_start[-1]), np.int64)
    kernels.planned_orders(by_level, lead_weeks, receipts, order_start, orders)
    order_item, order_due, order_release, order_qty = orders

    # At most: every item below safety stock, every order late, a message per scheduled receipt.
    exc = zeros((6, n + orders.shape[1] + len(sr_item)), np.int64)
    by_receipt = np.lexsort((sr_row, sr_period, sr_item))
    found = kernels.exceptions(
        pos, on_hand, safety, independent, dependent, orders, sr_item, sr_period, sr_qty, sr_row, by_receipt, exc
    )
    exc = exc[:, :found]

    def pegging() -> np.ndarray:
        """Every demand source of every planned order (at most: every order row, every forecast row, every
        dependent requirement above 0)."""
        pegs = zeros((5, len(dem_item) + pushes), np.int64)
        found = kernels.pegging(
            pos,
            bounds,
            dem_item,
            dem_period,
            dem_qty,
            dem_forecast,
            dem_row,
            by_cell,
            edge_ptr,
            edge_child,
            edge_factor,
            edge_row,
            _ints(p.bom_child)[edge_row],
            releases,
            cover,
            pegs,
        )
        return pegs[:, :found]

    return Plan(
        independent=independent,
        dependent=dependent,
        scheduled=scheduled,
        projected=None,  # computed where they are read (tables.record_rows, output.to_frames)
        net=None,
        receipts=receipts,
        releases=releases,
        order_item=order_item,
        order_due=order_due,
        order_release=order_release,
        order_qty=order_qty,
        exc_kind=exc[0],
        exc_item=exc[1],
        exc_period=exc[2],
        exc_qty=exc[3],
        exc_to=exc[4],
        exc_seq=exc[5],
        pegging=pegging,  # deferred: see Plan.pegs
        layout=pos,
    )
