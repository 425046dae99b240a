"""The MRP plan as compact Arrow tables, the shape the warehouse publishes (dbt Python models return these).

`erp.planning.output.to_frames` builds pandas frames of every item-week for the tests and the reference; the
warehouse cannot afford that at 100,000 items (the full time-phased record is items x weeks rows, and
converting object columns is slower than planning). Here every column is built straight from the engine's
integer arrays: quantities become DECIMAL(18, 6) by reinterpreting the millionths (no arithmetic), dates are
date32, item codes one Arrow ``take``. The record keeps only the weeks where something happens (see
`records_table`); the other weeks are implied.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from erp.i18n import t
from erp.planning.output import (
    DETAILS,
    EXCEPTION_TYPES,
    EXPEDITE,
    FORECAST,
    NONE,
    ORDER,
    PARENT,
    RESCHEDULE_IN,
    SOURCE_TYPES,
    Plan,
    _order_ids,
    _sort_order,
)
from erp.planning.problem import Problem

QTY_TYPE = pa.decimal64(18, 6)
"""Quantities as the store keeps them (NUMERIC(18, 6)); the engine's millionths are exactly the unscaled value."""


def decimals(micro: np.ndarray) -> pa.Array:
    """Integer millionths as DECIMAL(18, 6) without arithmetic or copying: Arrow's 64-bit decimal stores the
    unscaled value, which is the integer itself (DuckDB reads it as DECIMAL(18, 6), its own int64 layout)."""
    micro = np.ascontiguousarray(micro, dtype=np.int64)
    return pa.Array.from_buffers(QTY_TYPE, len(micro), [None, pa.py_buffer(micro)])


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


def _number_text(micro: np.ndarray) -> pa.Array:
    """Quantities as plain decimal text (20, 0.5, -1.25), as `erp.planning.output` writes them."""
    return pc.replace_substring_regex(decimals(micro).cast(pa.string()), r"\.?0+$", "")


def _fill(template: str, rows: np.ndarray, fields: dict[str, Callable[[np.ndarray], pa.Array]]) -> pa.Array:
    """A (translated) message template filled for many rows at once, as whole Arrow string columns."""
    parts: list[object] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if name is not None:
            parts.append(fields[name](rows))
    if not any(isinstance(part, pa.Array) for part in parts):
        return pa.array(["".join(str(part) for part in parts)] * len(rows), type=pa.string())
    return pc.binary_join_element_wise(*parts, "")


def exceptions_table(problem: Problem, plan: Plan, ids: np.ndarray) -> pa.Table:
    """Exception messages in the order and wording of `erp.planning.output` (built with Arrow: the detail
    text of tens of thousands of messages costs more as Python strings than the plan itself)."""
    order = np.lexsort((plan.exc_seq, plan.exc_kind, plan.exc_period, plan.exc_item))
    kind, item, period, qty, to, seq = (
        np.asarray(a, dtype=np.int64)[order]
        for a in (plan.exc_kind, plan.exc_item, plan.exc_period, plan.exc_qty, plan.exc_to, plan.exc_seq)
    )
    is_receipt = kind >= RESCHEDULE_IN
    is_expedite = kind == EXPEDITE
    has_to = to != NONE
    order_ids = np.zeros(len(kind), dtype=np.int64)
    if is_expedite.any():
        order_ids[is_expedite] = _order_ids(ids, seq[is_expedite])
    ref_at = pd.Index(problem.sr_row).get_indexer(np.where(is_receipt, seq, -1))
    if len(problem.sr_ref):
        refs = _masked(_take(pa.array(problem.sr_ref, type=pa.string()), np.maximum(ref_at, 0)), ref_at >= 0)
    else:
        refs = pa.nulls(len(kind), pa.string())
    dates = _dates(problem, period)
    to_dates = _dates(problem, np.where(has_to, to, 0))
    fields: dict[str, Callable[[np.ndarray], pa.Array]] = {  # built only for the rows of the messages using them
        "qty": lambda rows: _number_text(qty[rows]),
        "due": lambda rows: _take(dates, rows).cast(pa.string()),
        "to": lambda rows: _take(to_dates, rows).cast(pa.string()),
        "order": lambda rows: pa.array(order_ids[rows]).cast(pa.string()),
        "weeks": lambda rows: pa.array(-to[rows]).cast(pa.string()),
        "ref": lambda rows: pc.fill_null(_take(refs, rows), "-"),
        "on_hand": lambda rows: _number_text(problem.on_hand[item[rows]]),
        "safety": lambda rows: _number_text(problem.safety[item[rows]]),
    }
    placed, texts = [], []
    for k, template in DETAILS.items():
        rows = np.flatnonzero(kind == k)
        if len(rows):
            placed.append(rows)
            texts.append(_fill(t(template), rows, fields))
    if texts:
        detail = pa.concat_arrays(texts).take(pa.array(np.argsort(np.concatenate(placed))))
    else:
        detail = pa.array([], type=pa.string())
    return pa.table(
        {
            "item_code": _take(_codes(problem), item),
            "exception_type": _take(pa.array(EXCEPTION_TYPES, type=pa.string()), kind),
            "period": pa.array((period + 1).astype(np.int32)),
            "exception_date": dates,
            "quantity": decimals(qty),
            "to_period": pa.array((to + 1).astype(np.int32), mask=~has_to),
            "to_date": _masked(to_dates, has_to),
            "order_ref": refs,
            "planned_order_id": pa.array(order_ids, mask=~is_expedite),
            "detail": detail,
        }
    )


ROW_GROUP = 122_880
"""DuckDB's row-group size: tables are handed over in record batches of this many rows (zero-copy slices)."""


def batched(table: pa.Table) -> pa.Table:
    """``table`` as record batches of DuckDB's row-group size. DuckDB ingests one multi-million-row chunk at
    about twice the CPU cost of the same rows in row-group-sized batches (measured: benchmarks/mrp.py)."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP), schema=table.schema)


def plan_tables(problem: Problem, plan: Plan) -> dict[str, pa.Table]:
    """Every published MRP output of one plan, keyed by mart name."""
    order, ids = order_keys(problem, plan)
    pegs, okey, period, seq = pegging_rows(plan, ids)
    tables = {
        "mrp_planned_orders": planned_orders_table(problem, plan, order, pegs),
        "mrp_records": records_table(problem, plan),
        "mrp_exceptions": exceptions_table(problem, plan, ids),
        "mrp_pegging": pegging_table(problem, pegs, okey, period, seq),
    }
    return {name: batched(table) for name, table in tables.items()}
