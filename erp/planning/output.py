"""The plan both MRP implementations produce, and the DataFrames it is published as.

Each implementation fills a `Plan` (integer millionths, 0-based periods, item indexes); `to_frames` turns it
into the documented output frames in one canonical row order, so equal plans give equal frames.
"""

from __future__ import annotations

import dataclasses
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from erp.i18n import t
from erp.planning.problem import SCALE, Problem

if TYPE_CHECKING:
    import pandas as pd


def N_(message: str) -> str:
    """Mark a message for translation (as `erp.fields.N_`, without importing the store's modules)."""
    return message


# Exception kinds, in the order they are listed for one item and period.
BELOW_SAFETY_STOCK, EXPEDITE, RESCHEDULE_IN, RESCHEDULE_OUT, CANCEL = range(5)
EXCEPTION_TYPES = ("below_safety_stock", "expedite", "reschedule_in", "reschedule_out", "cancel")
# Pegging source kinds.
ORDER, FORECAST, PARENT = range(3)
SOURCE_TYPES = ("order", "forecast", "parent")
NONE = -(2**62)
"""Marks an empty integer cell (no target period, no planned order, no demand row)."""

DETAILS = {
    BELOW_SAFETY_STOCK: N_("On hand {on_hand} is below the safety stock {safety} at the start of the horizon"),
    EXPEDITE: N_(
        "Planned order {order} for {qty} due {due} should have been released on {to}, "
        "{weeks} week(s) before the planning week: release it now and expedite"
    ),
    RESCHEDULE_IN: N_("Scheduled receipt {ref} of {qty} due {due} is needed in the week of {to}: move it in"),
    RESCHEDULE_OUT: N_("Scheduled receipt {ref} of {qty} due {due} is not needed before the week of {to}: move it out"),
    CANCEL: N_("Scheduled receipt {ref} of {qty} due {due} is not needed within the horizon: cancel it"),
}


@dataclass
class Plan:
    """An MRP result in array form. Rows of the order, exception and pegging arrays may come in any order."""

    # time-phased record, shape (items, periods) with items in input order; or, when ``layout`` is set (the
    # engine), shape (periods, items) with item i in column layout[i] (see `item_grid`)
    # (projected on hand and the net requirement follow from the others, on hand and safety stock: the engine
    # leaves them None, and `balances` computes them)
    independent: np.ndarray
    dependent: np.ndarray
    scheduled: np.ndarray
    projected: np.ndarray | None
    net: np.ndarray | None
    receipts: np.ndarray
    releases: np.ndarray
    # planned orders: item, 0-based due period, 0-based release period (before clipping to period 1), quantity
    order_item: np.ndarray
    order_due: np.ndarray
    order_release: np.ndarray
    order_qty: np.ndarray
    # exceptions: kind, item, period, quantity, target period, scheduled-receipt row or planned-order key
    exc_kind: np.ndarray
    exc_item: np.ndarray
    exc_period: np.ndarray
    exc_qty: np.ndarray
    exc_to: np.ndarray
    exc_seq: np.ndarray  # SR row for receipt exceptions; item * horizon + due period for expedite; 0 otherwise
    # pegging, one row per column: planned-order key (item * horizon + due period), demand period, kind, demand
    # row or BOM row, qty; or a function computing them when first read (the engine defers them: see `pegs`)
    pegging: np.ndarray | Callable[[], np.ndarray]
    layout: np.ndarray | None = None
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def pegs(self) -> np.ndarray:
        """The pegging rows as a (5, rows) array. A deferred pegging is computed once, by the first reader: in
        the warehouse that is a model storing the plan, on one of dbt's threads, rather than the planning
        step every model waits for."""
        with self._lock:
            if callable(self.pegging):
                self.pegging = self.pegging()
            return self.pegging

    peg_order = property(lambda self: self.pegs()[0])
    peg_period = property(lambda self: self.pegs()[1])
    peg_kind = property(lambda self: self.pegs()[2])
    peg_seq = property(lambda self: self.pegs()[3])
    peg_qty = property(lambda self: self.pegs()[4])

    def item_grid(self, name: str) -> np.ndarray:
        """The record grid ``name`` as (items, periods) in input order."""
        grid = getattr(self, name)
        return grid if self.layout is None else np.ascontiguousarray(grid[:, self.layout].T)


def balances(problem: Problem, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Projected on hand and net requirement as (items, periods) grids in input order, week by week as the
    engine nets: available = previous balance + scheduled - gross, net = what brings it up to safety stock,
    balance = available + planned receipt."""
    if plan.projected is not None and plan.net is not None:
        return plan.item_grid("projected"), plan.item_grid("net")
    independent, dependent = plan.item_grid("independent"), plan.item_grid("dependent")
    scheduled, receipts = plan.item_grid("scheduled"), plan.item_grid("receipts")
    projected, net = np.empty_like(receipts), np.empty_like(receipts)
    balance = np.asarray(problem.on_hand, dtype=np.int64).copy()
    safety = np.asarray(problem.safety, dtype=np.int64)
    for week in range(problem.horizon):
        available = balance + scheduled[:, week] - independent[:, week] - dependent[:, week]
        net[:, week] = np.maximum(safety - available, 0)
        balance = available + receipts[:, week]
        projected[:, week] = balance
    return projected, net


@dataclass
class MrpResult:
    """The published MRP outputs (columns documented in `erp.planning`)."""

    planned_orders: pd.DataFrame
    records: pd.DataFrame
    exceptions: pd.DataFrame
    pegging: pd.DataFrame


def _qty(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64) / SCALE


def _nullable(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """An Int64 column that is empty where ``present`` is false."""
    import pandas as pd

    return pd.arrays.IntegerArray(np.where(present, values, 0).astype(np.int64), ~np.asarray(present, dtype=bool))


def _fmt(micro: np.ndarray) -> np.ndarray:
    """Quantities in millionths as plain decimal text: 20, 0.5, -1.25."""
    import pandas as pd

    micro = np.asarray(micro, dtype=np.int64)
    whole, frac = np.divmod(np.abs(micro), SCALE)
    sign = np.where(micro < 0, "-", "")
    decimals = pd.Series(frac).astype(str).str.zfill(6).str.rstrip("0").to_numpy(dtype=object)
    text = pd.Series(sign, dtype=object) + pd.Series(whole).astype(str).astype(object)
    return np.where(frac > 0, text + "." + decimals, text).astype(object)


def _fill(template: str, rows: np.ndarray, fields: dict[str, Callable[[np.ndarray], np.ndarray]]) -> np.ndarray:
    """Fill a (translated) message template for many rows at once: literal parts and field columns are
    concatenated as whole columns, each field computed only for these rows."""
    import pandas as pd

    text = pd.Series("", index=range(len(rows)), dtype=object)
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            text = text + literal
        if name is not None:
            values = np.asarray(fields[name](rows))
            text = text + (values if values.dtype == object else values.astype(str).astype(object))
    return text.to_numpy(dtype=object)


def to_frames(problem: Problem, plan: Plan) -> MrpResult:
    """Build the output frames in canonical order from a plan."""
    import pandas as pd

    n, horizon = problem.n_items, problem.horizon
    categories = pd.Index(problem.item_codes, dtype=object)

    def items(codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=categories)

    # planned orders, by item (input order) then due period
    key = plan.order_item.astype(np.int64) * horizon + plan.order_due
    order = np.arange(len(key)) if np.all(key[1:] > key[:-1]) else np.argsort(key, kind="stable")
    o_item, o_due, o_rel, o_qty = (
        a[order] for a in (plan.order_item, plan.order_due, plan.order_release, plan.order_qty)
    )
    o_key = key[order]
    release = np.maximum(o_rel, 0)
    planned_orders = pd.DataFrame(
        {
            "planned_order_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "item_code": items(o_item),
            "order_type": pd.Categorical.from_codes(
                problem.is_make[o_item].astype(np.int8), categories=pd.Index(["purchase", "production"], dtype=object)
            ),
            "release_date": problem.week_start(release),
            "due_date": problem.week_start(o_due),
            "quantity": _qty(o_qty),
            "release_period": release + 1,
            "due_period": o_due + 1,
            "expedite": o_rel < 0,
        }
    )

    records = _records(problem, plan)
    ids = np.zeros(n * horizon, dtype=np.int64)  # planned_order_id by item * horizon + due period
    ids[o_key] = np.arange(1, len(o_key) + 1)
    exceptions = _exceptions(problem, plan, ids, items)
    pegging = _pegging(problem, plan, ids, items)
    return MrpResult(planned_orders=planned_orders, records=records, exceptions=exceptions, pegging=pegging)


_RECORD_QUANTITIES = {
    "gross": None,
    "independent": "independent",
    "dependent": "dependent",
    "scheduled": "scheduled",
    "projected_on_hand": "projected",
    "net": "net",
    "planned_receipts": "receipts",
    "planned_releases": "releases",
}


def _records(problem: Problem, plan: Plan) -> pd.DataFrame:
    """One row per item and week. The quantity columns are written straight into one float block (no
    pandas consolidation copy): this frame has items x weeks rows and dominates the output cost."""
    import pandas as pd

    n, horizon = problem.n_items, problem.horizon
    projected, net = balances(problem, plan)
    computed = {"projected": projected, "net": net}
    block = np.empty((len(_RECORD_QUANTITIES), n * horizon), dtype=np.float64)
    for row, field in enumerate(_RECORD_QUANTITIES.values()):
        if field is None:
            grid = plan.item_grid("independent") + plan.item_grid("dependent")
        else:
            grid = computed[field] if field in computed else plan.item_grid(field)
        values = grid.ravel()
        np.divide(values, SCALE, out=block[row])
    records = pd.DataFrame(block.T, columns=list(_RECORD_QUANTITIES), copy=False)
    periods = np.arange(horizon, dtype=np.int64)
    codes = np.repeat(np.arange(n, dtype=np.int32), horizon)
    records.insert(
        0, "item_code", pd.Categorical.from_codes(codes, categories=pd.Index(problem.item_codes, dtype=object))
    )
    records.insert(1, "period", np.tile(periods + 1, n))
    records.insert(2, "week_start", np.tile(problem.week_start(periods), n))
    return records


def _order_ids(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """planned_order_id for item * horizon + due period keys (each must be a planned order)."""
    found = ids[keys]
    if (found == 0).any():
        raise AssertionError("pegging or exception refers to a planned order that does not exist")
    return found


def _exceptions(problem: Problem, plan: Plan, ids: np.ndarray, items) -> pd.DataFrame:
    import pandas as pd

    order = np.lexsort((plan.exc_seq, plan.exc_kind, plan.exc_period, plan.exc_item))
    kind, item, period, qty, to, seq = (
        np.asarray(a, dtype=np.int64)[order]
        for a in (plan.exc_kind, plan.exc_item, plan.exc_period, plan.exc_qty, plan.exc_to, plan.exc_seq)
    )
    is_receipt = kind >= RESCHEDULE_IN
    is_expedite = kind == EXPEDITE
    has_to = to != NONE
    order_ids = np.full(len(kind), NONE, dtype=np.int64)
    if is_expedite.any():
        order_ids[is_expedite] = _order_ids(ids, seq[is_expedite])
    ref_at = pd.Index(problem.sr_row).get_indexer(np.where(is_receipt, seq, -1))
    sr_ref = problem.sr_ref.to_numpy(zero_copy_only=False)
    refs = np.where(ref_at >= 0, sr_ref[np.maximum(ref_at, 0)] if len(sr_ref) else None, None)
    dates = problem.week_start(period)
    to_dates = problem.week_start(np.where(has_to, to, 0))
    fields = {  # built only for the rows of the messages that use them
        "qty": lambda rows: _fmt(qty[rows]),
        "due": lambda rows: np.datetime_as_string(dates[rows], unit="D"),
        "to": lambda rows: np.datetime_as_string(to_dates[rows], unit="D"),
        "order": lambda rows: order_ids[rows].astype(str),
        "weeks": lambda rows: (-to[rows]).astype(str),
        "ref": lambda rows: np.where(pd.isna(refs[rows]), "-", refs[rows]).astype(str),
        "on_hand": lambda rows: _fmt(problem.on_hand[item[rows]]),
        "safety": lambda rows: _fmt(problem.safety[item[rows]]),
    }
    details = np.empty(len(kind), dtype=object)
    for k, template in DETAILS.items():
        rows = np.flatnonzero(kind == k)
        if len(rows):
            details[rows] = _fill(t(template), rows, fields)
    return pd.DataFrame(
        {
            "item_code": items(item),
            "exception_type": pd.Categorical.from_codes(
                kind.astype(np.int8), categories=pd.Index(EXCEPTION_TYPES, dtype=object)
            ),
            "period": period + 1,
            "date": dates,
            "quantity": _qty(qty),
            "to_period": _nullable(to + 1, has_to),
            "to_date": np.where(has_to, to_dates, np.datetime64("NaT", "D")),
            "order_ref": pd.array(refs, dtype=object),
            "planned_order_id": _nullable(order_ids, is_expedite),
            "detail": pd.array(details, dtype=object),
        }
    )


def _sort_order(*keys: np.ndarray, stable: bool = True) -> np.ndarray:
    """Row order sorting by the given non-negative integer keys, the first most significant.

    Packs the keys into one int64 when they fit (one argsort instead of a multi-key lexsort)."""
    keys = tuple(np.asarray(k, dtype=np.int64) for k in keys)
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    sizes = [int(k.max()) + 1 for k in keys]
    if all(k.min() >= 0 for k in keys) and np.prod([float(x) for x in sizes]) < 2.0**62:
        packed = np.zeros(len(keys[0]), dtype=np.int64)
        for k, size in zip(keys, sizes, strict=True):
            packed = packed * size + k
        return np.argsort(packed, kind="stable" if stable else None)
    return np.lexsort(keys[::-1])


def _pegging(problem: Problem, plan: Plan, ids: np.ndarray, items) -> pd.DataFrame:
    import pandas as pd

    # (order, week, kind, row) is unique, so an unstable sort gives the same order
    order = _sort_order(plan.peg_order, plan.peg_period, plan.peg_kind, plan.peg_seq, stable=False)
    okey, period, kind, seq, qty = (
        np.asarray(a, dtype=np.int64)[order]
        for a in (plan.peg_order, plan.peg_period, plan.peg_kind, plan.peg_seq, plan.peg_qty)
    )
    ids = _order_ids(ids, okey) if len(okey) else np.zeros(0, dtype=np.int64)
    is_parent = kind == PARENT
    # independent sources: the demand row's source_ref and position; parents: the parent item
    refs = np.full(len(kind), None, dtype=object)
    own = ~is_parent
    dem_ref = problem.dem_ref.to_numpy(zero_copy_only=False)
    refs[own] = dem_ref[np.searchsorted(problem.dem_row, seq[own])]  # dem_row is ascending
    parent_idx = np.where(
        is_parent, problem.bom_parent[np.where(is_parent, seq, 0)] if len(problem.bom_parent) else -1, -1
    )
    parent_codes = pd.Categorical.from_codes(parent_idx, categories=pd.Index(problem.item_codes, dtype=object))
    return pd.DataFrame(
        {
            "planned_order_id": ids,
            "item_code": items(okey // problem.horizon),
            "period": period + 1,
            "week_start": problem.week_start(period),
            "source_type": pd.Categorical.from_codes(
                kind.astype(np.int8), categories=pd.Index(SOURCE_TYPES, dtype=object)
            ),
            "source_ref": pd.array(refs.astype(object), dtype=object),
            "demand_row": _nullable(seq, ~is_parent),
            "parent_item": parent_codes,
            "quantity": _qty(qty),
        }
    )
