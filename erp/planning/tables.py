"""The MRP plan as compact Arrow tables, the shape the warehouse stores (dbt Python models return these).

`erp.planning.output.to_frames` builds pandas frames of every item-week for the tests and the reference; the
warehouse cannot afford that at 100,000 items (the full time-phased record is items x weeks rows, and
converting object columns is slower than planning). Here every column is built straight from the engine's
integer arrays, and the big outputs hold numbers only: DuckDB spends most of its ingest time compressing
text, so planned orders, records and pegging are stored keyed by the store's ``item_id`` with 1-based weeks,
and the public marts (dbt views in models/marts/planning/) join the item codes, dates and demand references
back. Quantities become DECIMAL(18, 6) by reinterpreting the millionths (no arithmetic). The record keeps only
the weeks where something happens (see `record_rows`); the other weeks are implied. Exceptions are stored as
numbers too, and the view composes their text (`exception_rows`).
"""

from __future__ import annotations

import string
import threading

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from erp.i18n import t
from erp.planning import compiled
from erp.planning.engine import zeros
from erp.planning.output import (
    DETAILS,
    EXCEPTION_TYPES,
    EXPEDITE,
    NONE,
    PARENT,
    RESCHEDULE_IN,
    Plan,
    _order_ids,
)
from erp.planning.problem import Problem

QTY_TYPE = pa.decimal64(18, 6)
"""Quantities as the store keeps them (NUMERIC(18, 6)); the engine's millionths are exactly the unscaled value."""

ORDER_ROWS, RECORD_ROWS, PEGGING_ROWS, EXCEPTION_ROWS = (
    "int_mrp_planned_order_rows",
    "int_mrp_record_rows",
    "int_mrp_pegging_rows",
    "int_mrp_exception_rows",
)
OUTPUTS = (ORDER_ROWS, RECORD_ROWS, PEGGING_ROWS, EXCEPTION_ROWS)
"""The tables one plan is stored as (dbt model names)."""


def decimals(micro: np.ndarray) -> pa.Array:
    """Integer millionths as DECIMAL(18, 6) without arithmetic or copying: Arrow's 64-bit decimal stores the
    unscaled value, which is the integer itself (DuckDB reads it as DECIMAL(18, 6), its own int64 layout)."""
    micro = np.ascontiguousarray(micro, dtype=np.int64)
    return pa.Array.from_buffers(QTY_TYPE, len(micro), [None, pa.py_buffer(micro)])


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    return values.take(pa.array(np.asarray(index, dtype=np.int64)))


def _week(period0: np.ndarray) -> pa.Array:
    """0-based periods as 1-based weeks (SMALLINT: a horizon is weeks, far below 32,767)."""
    return pa.array((np.asarray(period0) + 1).astype(np.int16))


def order_keys(problem: Problem, plan: Plan) -> tuple[np.ndarray | slice, np.ndarray]:
    """The planned orders in published order (item, then due period: a slice of all when the plan lists them so
    already, as the engine does, else the sorting positions), and planned_order_id by key (item * horizon + due
    period)."""
    key = plan.order_item.astype(np.int64) * problem.horizon + plan.order_due
    order = slice(None) if np.all(key[1:] > key[:-1]) else np.argsort(key, kind="stable")
    ids = np.zeros(problem.n_items * problem.horizon, dtype=np.int32)
    ids[key[order]] = np.arange(1, len(key) + 1)
    return order, ids


def planned_order_rows(problem: Problem, plan: Plan, order: np.ndarray | slice, item_ids: np.ndarray) -> pa.Table:
    """One row per planned order (ids 1.. in item, due order). Its pegged demand is not stored here: the view
    mrp_planned_orders sums it from the pegging rows, so these rows need not wait for the pegging."""
    item, due, rel, qty = (a[order] for a in (plan.order_item, plan.order_due, plan.order_release, plan.order_qty))
    n_orders = len(qty)
    return pa.table(
        {
            "planned_order_id": pa.array(np.arange(1, n_orders + 1, dtype=np.int32)),
            "item_id": pa.array(item_ids[item]),
            "release_period": _week(np.maximum(rel, 0)),
            "due_period": _week(due),
            "expedite": pa.array(rel < 0),
            "quantity": decimals(qty),
        }
    )


RECORD_FIELDS = ("independent", "dependent", "scheduled", "projected_on_hand")
"""Stored record columns, in the order `kernels.record_cells` writes them. The view mrp_records derives the rest
of each row: gross = independent + dependent; planned receipts and releases from the planned orders (the
order due that week; the orders released that week); the net requirement from the balance identity:
PAB(t) = PAB(t-1) + SR + PR - GR and net = max(0, safety - (PAB(t-1) + SR - GR)) give
net = max(0, safety - PAB(t) + PR). Stored, those three columns were 6.6 million values at 100,000 items,
a quarter of what DuckDB compressed and wrote for the MRP."""


def record_rows(problem: Problem, plan: Plan, item_ids: np.ndarray) -> pa.Table:
    """The time-phased record (`RECORD_FIELDS`): the first week of every item and every week where something
    happens (gross requirement, scheduled receipt, net requirement, planned receipt or release). A week left out
    has all of those at 0 and the projected on hand of the latest earlier week shown. Rows come week by week,
    items in the order of the grids' columns (a stored table needs no row order). One compiled pass over the
    grids, which also computes projected on hand (a million-cell gather per column in numpy cost more than
    planning a level). Its outputs are bounds from `engine.zeros`: only the rows written are ever touched."""
    n = problem.n_items
    grids = {field: getattr(plan, field) for field in ("independent", "dependent", "scheduled", "receipts", "releases")}
    if plan.layout is None:  # (items, periods): transposed copies (the kernel takes C-ordered grids)
        grids = {field: np.ascontiguousarray(grid.T) for field, grid in grids.items()}
        column_item = np.arange(n, dtype=np.int64)
    else:  # (periods, items in planning order)
        column_item = np.empty(n, dtype=np.int64)
        column_item[plan.layout] = np.arange(n)
    ids = np.asarray(item_ids, dtype=np.int64)[column_item]
    on_hand = np.ascontiguousarray(problem.on_hand[column_item], dtype=np.int64)
    bound = problem.horizon * n
    item_id, week, values = zeros((bound,)), zeros((bound,), np.int16), zeros((len(RECORD_FIELDS), bound))
    balance = np.empty(n, dtype=np.int64)
    count = compiled.kernels().record_cells(*grids.values(), on_hand, ids, balance, item_id, week, values)
    columns: dict[str, pa.Array] = {"item_id": pa.array(item_id[:count]), "period": pa.array(week[:count])}
    for name, column in zip(RECORD_FIELDS, values, strict=True):
        columns[name] = decimals(column[:count])
    return pa.table(columns)


class Pegs:
    """Pegging rows as the plan lists them (a stored table needs no row order): planned_order_id, source kind,
    week, demand-frame position or BOM row, integer millionths."""

    def __init__(self, plan: Plan, ids: np.ndarray) -> None:
        okey = np.asarray(plan.peg_order, dtype=np.int64)
        self.period, self.kind, self.seq, self.qty = (
            np.asarray(a, dtype=np.int64) for a in (plan.peg_period, plan.peg_kind, plan.peg_seq, plan.peg_qty)
        )
        self.order_id = _order_ids(ids, okey) if len(okey) else np.zeros(0, dtype=np.int64)


def pegging_rows(problem: Problem, pegs: Pegs, item_ids: np.ndarray, demand_rows: np.ndarray) -> pa.Table:
    """Every demand source of every planned order (see `erp.planning`, ``pegging``), with one key for its
    source, ``source_id``: a demand row as the demand input's ``demand_row`` (source types 0 and 1: the view
    joins its source_ref), a parent as its item_id (type 2). The item is the planned order's (the view
    mrp_pegging joins it), so it is not stored again: with one source key instead of two, 3.3 million fewer
    values at 100,000 items."""
    is_parent = pegs.kind == PARENT
    source_id = np.empty(len(pegs.seq), dtype=np.int64)
    source_id[~is_parent] = demand_rows[pegs.seq[~is_parent]]
    source_id[is_parent] = item_ids[problem.bom_parent[pegs.seq[is_parent]]]
    return pa.table(
        {
            "planned_order_id": pa.array(pegs.order_id.astype(np.int32)),
            "period": _week(pegs.period),
            "source_type": pa.array(pegs.kind.astype(np.int8)),
            "source_id": pa.array(source_id),
            "quantity": decimals(pegs.qty),
        }
    )


def _masked(values: pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` with nulls where ``keep`` is false."""
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def exception_rows(problem: Problem, plan: Plan, ids: np.ndarray, item_ids: np.ndarray) -> pa.Table:
    """Exception messages as stored (a stored table needs no row order): item_id, kind (the position of its
    type in `EXCEPTION_TYPES`), 1-based week, quantity, the week it should move to (a reschedule) or should have
    been released in (an expedite; 0 or less), the scheduled receipt's order_ref, the planned order's id. The
    view mrp_exceptions joins codes, types and dates back and composes each message's detail from its wording
    (`exception_texts`): composed here, the text of tens of thousands of messages cost more to build and to
    write than all the other exception columns."""
    kind, item, period, qty, to, seq = (
        np.asarray(a, dtype=np.int64)
        for a in (plan.exc_kind, plan.exc_item, plan.exc_period, plan.exc_qty, plan.exc_to, plan.exc_seq)
    )
    is_expedite = kind == EXPEDITE
    has_to = to != NONE
    order_ids = np.zeros(len(kind), dtype=np.int64)
    if is_expedite.any():
        order_ids[is_expedite] = _order_ids(ids, seq[is_expedite])
    # position of each receipt exception's row among the scheduled receipts (sr_row ascends), -1 for others
    ref_at = np.full(len(seq), -1, dtype=np.int64)
    if len(problem.sr_row):
        found = np.minimum(np.searchsorted(problem.sr_row, seq), len(problem.sr_row) - 1)
        ref_at = np.where((kind >= RESCHEDULE_IN) & (problem.sr_row[found] == seq), found, -1)
    if len(problem.sr_ref):
        refs = _masked(_take(problem.sr_ref, np.maximum(ref_at, 0)), ref_at >= 0)
    else:
        refs = pa.nulls(len(kind), pa.string())
    return pa.table(
        {
            "item_id": pa.array(item_ids[item]),
            "exception_kind": pa.array(kind.astype(np.int8)),
            "period": _week(period),
            "quantity": decimals(qty),
            "to_period": pa.array((np.where(has_to, to, 0) + 1).astype(np.int16), mask=~has_to),
            "order_ref": refs,
            "planned_order_id": pa.array(order_ids.astype(np.int32), mask=~is_expedite),
        }
    )


DETAIL_FIELDS = ("qty", "due", "to", "order", "weeks", "ref", "on_hand", "safety")
"""The fields an exception's wording may name (see `erp.planning.output.DETAILS`); mrp_exceptions has a text
for each."""
DETAIL_SLOTS = 6
"""How many fields one wording may name (the view mrp_exceptions composes a detail from this many)."""


def exception_texts() -> pa.Table:
    """Each exception type's wording in the build's language, as the literal parts and the fields between them:
    ``text_0``, then ``field_n`` and ``text_n`` for n = 1.. `DETAIL_SLOTS` (null where the wording names fewer).
    The view mrp_exceptions concatenates them with each message's values, as `str.format` fills the template
    (a value is never read as a field, whatever text a reference holds)."""
    columns: dict[str, list[object]] = {"exception_kind": [], "exception_type": [], "text_0": []}
    for n in range(1, DETAIL_SLOTS + 1):
        columns[f"field_{n}"], columns[f"text_{n}"] = [], []
    for kind, template in DETAILS.items():
        texts, fields = [""], []
        for literal, name, _spec, _conv in string.Formatter().parse(t(template)):
            texts[-1] += literal
            if name is not None:
                if name not in DETAIL_FIELDS or len(fields) == DETAIL_SLOTS:
                    raise ValueError(f"exception wording {template!r}: field {name!r} cannot be filled")
                fields.append(name)
                texts.append("")
        columns["exception_kind"].append(kind)
        columns["exception_type"].append(EXCEPTION_TYPES[kind])
        columns["text_0"].append(texts[0])
        for n in range(1, DETAIL_SLOTS + 1):
            columns[f"field_{n}"].append(fields[n - 1] if n <= len(fields) else None)
            columns[f"text_{n}"].append(texts[n] if n <= len(fields) else None)
    types = {"exception_kind": pa.int8()}
    return pa.table({name: pa.array(values, type=types.get(name, pa.string())) for name, values in columns.items()})


ROW_GROUP = 122_880
"""DuckDB's row-group size: tables are handed over in record batches of this many rows (zero-copy slices)."""


def batched(table: pa.Table) -> pa.Table:
    """``table`` as record batches of DuckDB's row-group size. DuckDB ingests one multi-million-row chunk at
    about twice the CPU cost of the same rows in row-group-sized batches (measured: benchmarks/mrp.py)."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP), schema=table.schema)


class PlanTables:
    """The stored outputs of one plan, each built when a model asks for it (`table`).

    The models that store a plan run on dbt's threads, so one table's building overlaps another's DuckDB write
    (DuckDB, and the compiled kernels, let go of the interpreter while they run). What several of them share
    (the planned-order ids) is built once, by whichever asks first; the pegging, which the engine defers to
    here, is built by the pegging rows' model alone (the view mrp_planned_orders sums it per order).

    ``item_ids``: the store's item_id of each item (default 1..n in input order); ``demand_rows``: the
    ``demand_row`` of each row of the demand frame (default its 0-based position)."""

    def __init__(
        self, problem: Problem, plan: Plan, item_ids: np.ndarray | None = None, demand_rows: np.ndarray | None = None
    ) -> None:
        self.problem, self.plan = problem, plan
        n_items = problem.n_items
        self.item_ids = np.arange(1, n_items + 1) if item_ids is None else np.asarray(item_ids, dtype=np.int64)
        if demand_rows is None:
            self.demand_rows = np.arange(int(problem.dem_row.max()) + 1 if len(problem.dem_row) else 0)
        else:
            self.demand_rows = np.asarray(demand_rows, dtype=np.int64)
        self._lock = threading.Lock()
        self._keys: tuple[np.ndarray | slice, np.ndarray] | None = None

    def keys(self) -> tuple[np.ndarray | slice, np.ndarray]:
        """The planned orders' published order and their ids by key (`order_keys`)."""
        with self._lock:
            if self._keys is None:
                self._keys = order_keys(self.problem, self.plan)
            return self._keys

    def table(self, name: str) -> pa.Table:
        """The output ``name`` (one of `OUTPUTS`), in record batches of DuckDB's row-group size."""
        problem, plan = self.problem, self.plan
        if name == RECORD_ROWS:
            return batched(record_rows(problem, plan, self.item_ids))
        if name == ORDER_ROWS:
            return batched(planned_order_rows(problem, plan, self.keys()[0], self.item_ids))
        if name == PEGGING_ROWS:
            pegs = Pegs(plan, self.keys()[1])  # the plan's pegging is computed here if deferred
            return batched(pegging_rows(problem, pegs, self.item_ids, self.demand_rows))
        if name == EXCEPTION_ROWS:
            return batched(exception_rows(problem, plan, self.keys()[1], self.item_ids))
        raise KeyError(name)


def plan_tables(
    problem: Problem, plan: Plan, item_ids: np.ndarray | None = None, demand_rows: np.ndarray | None = None
) -> dict[str, pa.Table]:
    """Every stored MRP output of one plan, keyed by model name (`OUTPUTS`), built one after another (the
    arguments as for `PlanTables`)."""
    tables = PlanTables(problem, plan, item_ids, demand_rows)
    return {name: tables.table(name) for name in OUTPUTS}
