"""The MRP plan as compact Arrow tables, the shape the warehouse publishes (dbt Python models return these).

`erp.planning.output.to_frames` builds pandas frames of every item-week for the tests and the reference; the
warehouse cannot afford that at 100,000 items (the full time-phased record is items x weeks rows, and
converting object columns is slower than planning). Here every column is built straight from the engine's
integer arrays: quantities become DECIMAL(18, 6) by reinterpreting the millionths (no arithmetic), dates are
date32, item codes one Arrow ``take``. The record keeps only the weeks where something happens (see
`records_table`); the other weeks are implied.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from erp.planning.output import FORECAST, ORDER, PARENT, SOURCE_TYPES, Plan, _exceptions, _order_ids, _sort_order
from erp.planning.problem import Problem

QTY_TYPE = pa.decimal128(18, 6)
"""Quantities as the store keeps them (NUMERIC(18, 6)); the engine's millionths are exactly the unscaled value."""


def decimals(micro: np.ndarray) -> pa.Array:
    """Integer millionths as DECIMAL(18, 6) without arithmetic: the 128-bit unscaled value is the integer."""
    micro = np.ascontiguousarray(micro, dtype=np.int64)
    words = np.empty((len(micro), 2), dtype=np.int64)
    words[:, 0] = micro
    words[:, 1] = micro >> 63  # sign extension into the high word
    return pa.Array.from_buffers(QTY_TYPE, len(micro), [None, pa.py_buffer(words)])


def _dates(problem: Problem, period0: np.ndarray) -> pa.Array:
    return pa.array(problem.week_start(period0).astype("datetime64[D]"), type=pa.date32())


def _codes(problem: Problem) -> pa.Array:
    return pa.array(problem.item_codes, type=pa.string())


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    return values.take(pa.array(np.asarray(index, dtype=np.int64)))


def order_keys(problem: Problem, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Planned-order keys (item * horizon + due period) in published order, and the id lookup by key."""
    key = plan.order_item.astype(np.int64) * problem.horizon + plan.order_due
    order = np.arange(len(key)) if np.all(key[1:] > key[:-1]) else np.argsort(key, kind="stable")
    ids = np.zeros(problem.n_items * problem.horizon, dtype=np.int64)
    ids[key[order]] = np.arange(1, len(order) + 1)
    return order, ids


def planned_orders_table(problem: Problem, plan: Plan, order: np.ndarray, pegs: Pegs) -> pa.Table:
    """One row per planned order (ids 1.. in item, due order) with its pegged demand summed by source type."""
    item, due, rel, qty = (a[order] for a in (plan.order_item, plan.order_due, plan.order_release, plan.order_qty))
    n_orders = len(order)
    release = np.maximum(rel, 0)
    by_kind = np.zeros((len(SOURCE_TYPES), n_orders), dtype=np.int64)
    np.add.at(by_kind, (pegs.kind, pegs.order_id - 1), pegs.qty)
    sources = np.bincount(pegs.order_id - 1, minlength=n_orders)
    codes = _codes(problem)
    return pa.table(
        {
            "planned_order_id": pa.array(np.arange(1, n_orders + 1, dtype=np.int64)),
            "item_code": _take(codes, item),
            "order_type": _take(pa.array(["purchase", "production"]), problem.is_make[item].astype(np.int64)),
            "release_date": _dates(problem, release),
            "due_date": _dates(problem, due),
            "quantity": decimals(qty),
            "release_period": pa.array((release + 1).astype(np.int32)),
            "due_period": pa.array((due + 1).astype(np.int32)),
            "expedite": pa.array(rel < 0),
            "pegged_order_qty": decimals(by_kind[ORDER]),
            "pegged_forecast_qty": decimals(by_kind[FORECAST]),
            "pegged_parent_qty": decimals(by_kind[PARENT]),
            "pegged_sources": pa.array(sources.astype(np.int32)),
        }
    )


RECORD_FIELDS = (
    ("gross", None),
    ("independent", "independent"),
    ("dependent", "dependent"),
    ("scheduled", "scheduled"),
    ("projected_on_hand", "projected"),
    ("net", "net"),
    ("planned_receipts", "receipts"),
    ("planned_releases", "releases"),
)


def records_table(problem: Problem, plan: Plan) -> pa.Table:
    """The time-phased record: the first week of every item and every week where something happens (gross
    requirement, scheduled receipt, net requirement, planned receipt or release). A week left out has all of
    those at 0 and the projected on hand of the latest earlier week shown."""
    gross = plan.independent + plan.dependent
    active = (gross != 0) | (plan.scheduled != 0) | (plan.net != 0) | (plan.receipts != 0) | (plan.releases != 0)
    active[:, 0] = True
    item, week = np.nonzero(active)
    flat = item * problem.horizon + week
    columns: dict[str, pa.Array] = {
        "item_code": _take(_codes(problem), item),
        "period": pa.array((week + 1).astype(np.int32)),
        "week_start": _dates(problem, week),
    }
    for name, field in RECORD_FIELDS:
        grid = gross if field is None else getattr(plan, field)
        columns[name] = decimals(grid.reshape(-1)[flat])
    return pa.table(columns)


class Pegs(NamedTuple):
    """Pegging rows in published order: planned_order_id, source kind and integer millionths."""

    order_id: np.ndarray
    kind: np.ndarray
    qty: np.ndarray


def pegging_rows(plan: Plan, ids: np.ndarray) -> tuple[Pegs, np.ndarray, np.ndarray, np.ndarray]:
    """Pegging sorted by (order, week, kind, row): the `Pegs`, their order keys, weeks and demand/BOM rows."""
    order = _sort_order(plan.peg_order, plan.peg_period, plan.peg_kind, plan.peg_seq, stable=False)
    okey, period, kind, seq, qty = (
        np.asarray(a, dtype=np.int64)[order]
        for a in (plan.peg_order, plan.peg_period, plan.peg_kind, plan.peg_seq, plan.peg_qty)
    )
    order_ids = _order_ids(ids, okey) if len(okey) else np.zeros(0, dtype=np.int64)
    return Pegs(order_ids, kind, qty), okey, period, seq


def pegging_table(problem: Problem, pegs: Pegs, okey: np.ndarray, period: np.ndarray, seq: np.ndarray) -> pa.Table:
    """Every demand source of every planned order (see `erp.planning`, ``pegging``)."""
    is_parent = pegs.kind == PARENT
    own = ~is_parent
    codes = _codes(problem)
    null_text = pa.nulls(len(seq), pa.string())
    if len(problem.dem_ref):
        refs = pa.array(problem.dem_ref, type=pa.string())
        ref_pos = np.where(own, np.searchsorted(problem.dem_row, np.where(own, seq, 0)), 0)
        source_ref = _masked(_take(refs, ref_pos), own)
    else:
        source_ref = null_text
    if len(problem.bom_parent):
        parent_item = _masked(_take(codes, problem.bom_parent[np.where(is_parent, seq, 0)]), is_parent)
    else:
        parent_item = null_text
    return pa.table(
        {
            "planned_order_id": pa.array(pegs.order_id),
            "item_code": _take(codes, okey // problem.horizon),
            "period": pa.array((period + 1).astype(np.int32)),
            "week_start": _dates(problem, period),
            "source_type": _take(pa.array(SOURCE_TYPES, type=pa.string()), pegs.kind),
            "source_ref": source_ref,
            "demand_row": pa.array(seq, mask=is_parent),
            "parent_item": parent_item,
            "quantity": decimals(pegs.qty),
        }
    )


def _masked(values: pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` with nulls where ``keep`` is false."""
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def exceptions_table(problem: Problem, plan: Plan, ids: np.ndarray) -> pa.Table:
    """Exception messages (few rows: the pandas builder with translated text is cheap enough here)."""
    frame = _exceptions(problem, plan, ids, lambda codes: problem.item_codes[np.asarray(codes, dtype=np.int64)])
    micro = np.rint(frame["quantity"].to_numpy(dtype=np.float64) * 1_000_000).astype(np.int64)
    to_period = frame["to_period"]
    return pa.table(
        {
            "item_code": pa.array(frame["item_code"].to_numpy(dtype=object), type=pa.string()),
            "exception_type": pa.array(frame["exception_type"].astype(str).to_numpy(dtype=object), type=pa.string()),
            "period": pa.array(frame["period"].to_numpy().astype(np.int32)),
            "exception_date": pa.array(frame["date"].to_numpy().astype("datetime64[D]"), type=pa.date32()),
            "quantity": decimals(micro),
            "to_period": pa.array(to_period.to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True).cast(
                pa.int32()
            ),
            "to_date": pa.array(
                frame["to_date"].to_numpy().astype("datetime64[D]"), type=pa.date32(), from_pandas=True
            ),
            "order_ref": pa.array(frame["order_ref"].to_numpy(dtype=object), type=pa.string(), from_pandas=True),
            "planned_order_id": pa.array(
                frame["planned_order_id"].to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True
            ).cast(pa.int64()),
            "detail": pa.array(frame["detail"].to_numpy(dtype=object), type=pa.string()),
        }
    )


def plan_tables(problem: Problem, plan: Plan) -> dict[str, pa.Table]:
    """Every published MRP output of one plan, keyed by mart name."""
    order, ids = order_keys(problem, plan)
    pegs, okey, period, seq = pegging_rows(plan, ids)
    return {
        "mrp_planned_orders": planned_orders_table(problem, plan, order, pegs),
        "mrp_records": records_table(problem, plan),
        "mrp_exceptions": exceptions_table(problem, plan, ids),
        "mrp_pegging": pegging_table(problem, pegs, okey, period, seq),
    }
