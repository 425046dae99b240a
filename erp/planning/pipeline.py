"""MRP inside the dbt project: what the MRP Python models call.

`mrp_plan` (models/marts/planning/) plans once per build and publishes a one-row header (as-of, first week,
horizon, counts, a random plan token); the models that store the plan (`int_mrp_planned_order_rows`,
`int_mrp_record_rows`, `int_mrp_pegging_rows` and `int_mrp_exception_rows` in models/intermediate/planning/)
depend on it and take their table from the plan kept in this process under that token, so the plan is computed once
and every output is written once. Each of them builds its own table from the plan (`PlanTables` in
erp/planning/tables.py), so on dbt's threads one table's building overlaps another's write. A model built in
another process (e.g. `dbt build --select int_mrp_record_rows` alone) finds no plan under the token and plans
again from the same inputs: slower, never stale. The public marts `mrp_planned_orders`, `mrp_records`,
`mrp_pegging` and `mrp_exceptions` are views over those tables (item codes, dates and demand references joined
back, the exceptions' text composed; see erp/planning/tables.py for why).

`previous_table` reads a table or view of the currently published warehouse (a separate read-only connection
to the file `erp build` is about to replace), for the plan-to-plan diff and the alerts' first-seen dates.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pyarrow as pa

from erp.planning.engine import Grids, engine_plan
from erp.planning.problem import DEFAULT_HORIZON_WEEKS, Problem, horizon_error, load_problem, to_date
from erp.planning.tables import OUTPUTS, PlanTables

_lock = threading.Lock()
# plan token -> the plan and its outputs not yet taken (only the latest plan is kept)
_plans: dict[str, tuple[PlanTables, set[str]]] = {}

Relation = Any  # duckdb.DuckDBPyRelation, as dbt.ref() returns it in a dbt-duckdb Python model


class Loaded(NamedTuple):
    """A checked problem and the keys its outputs are stored under."""

    problem: Problem
    item_ids: np.ndarray  # the store's item_id of each item, in the problem's item order
    demand_rows: np.ndarray  # demand_row of each row of the demand frame
    seconds: float = 0.0  # reading and checking the inputs
    grids: Grids | None = None  # the engine's working grids, being made while the inputs were checked


COLUMNS = {
    "items": (
        "item_id",
        "item_code",
        "item_type",
        "lead_time_days",
        "lot_sizing",
        "lot_size_qty",
        "lot_size_periods",
        "min_order_qty",
        "order_multiple",
        "safety_stock_qty",
    ),
    "bom": ("parent_item", "component_item", "qty_per", "scrap_pct"),
    "on_hand": ("item_code", "quantity"),
    "supply": ("item_code", "due_date", "quantity", "order_ref"),
    "demand": ("item_code", "due_date", "quantity", "demand_type", "source_ref", "demand_row"),
}
"""The columns MRP reads from each input model (the others are not fetched)."""
BY_ID = {"parent_item": "parent_item_id", "component_item": "component_item_id", "item_code": "item_id"}
"""Item columns of the inputs other than items, read as the item's id where the input model has it:
`load_problem` looks the ids up among the items' item_id, which costs a tenth of looking up item codes, and
integers are cheaper to read."""


def _arrow(relation: Relation, columns: tuple[str, ...], order_by: str | None = None, by_id: bool = True) -> pa.Table:
    """The columns MRP reads of a relation, as Arrow (no pandas: see erp/planning/problem.py); with ``by_id``,
    an item column as the item's id when the relation has it (`BY_ID`), under the item column's name."""
    have = set(relation.columns)
    ids = BY_ID if by_id else {}
    present = [c for c in columns if c in have or ids.get(c) in have]
    if present:  # none: load_problem names the missing columns
        source = {c: ids[c] if ids.get(c) in have else c for c in present}
        relation = relation.project(", ".join(f'"{source[c]}" as "{c}"' for c in present))
    if order_by in present:
        relation = relation.order(f'"{order_by}"')
    return relation.to_arrow_table()


def as_of_date(value: object) -> dt.date:
    """The `as_of` var: empty means today."""
    text = str(value or "").strip()
    return dt.date.today() if text in ("", "None") else to_date(text)


def horizon(value: object) -> int:
    """The `mrp_horizon_weeks` var: empty means the default; text that is no whole number is refused as
    `load_problem` refuses a horizon below 1 (naming the field), not with Python's int() message."""
    text = str(value or "").strip()
    if text in ("", "None"):
        return DEFAULT_HORIZON_WEEKS
    try:
        return int(text)
    except ValueError:
        raise horizon_error() from None


def load(
    items: Relation, bom: Relation, on_hand: Relation, supply: Relation, demand: Relation, as_of: object, weeks: object
) -> Loaded:
    """Read the intermediate models into a checked planning problem (demand in ``demand_row`` order)."""
    started = time.perf_counter()
    items_table = _arrow(items, COLUMNS["items"], by_id=False)  # the items, with their ids and codes
    weeks = horizon(weeks)
    # if the checks refuse the horizon or the items, these are dropped; if they differ, the engine makes its own
    grids = Grids(items_table.num_rows, weeks) if weeks > 0 else None
    demand_table = _arrow(demand, COLUMNS["demand"], "demand_row")
    problem = load_problem(
        items=items_table,
        bom=_arrow(bom, COLUMNS["bom"]),
        on_hand=_arrow(on_hand, COLUMNS["on_hand"]),
        scheduled_receipts=_arrow(supply, COLUMNS["supply"]),
        demand=demand_table,
        as_of=as_of_date(as_of),
        horizon_weeks=weeks,
    )
    item_ids = _ids(items_table, "item_id", 1)
    demand_rows = _ids(demand_table, "demand_row", 0)
    return Loaded(problem, item_ids, demand_rows, time.perf_counter() - started, grids)


def _ids(table: pa.Table, column: str, first: int) -> np.ndarray:
    """A key column as int64 (numbered from ``first`` in row order when the input has none)."""
    if column not in table.column_names:
        return np.arange(first, table.num_rows + first, dtype=np.int64)
    return table[column].to_numpy().astype(np.int64)


def _plan(loaded: Loaded) -> PlanTables:
    return PlanTables(loaded.problem, engine_plan(loaded.problem, loaded.grids), loaded.item_ids, loaded.demand_rows)


def run_plan(loaded: Loaded) -> pa.Table:
    """Plan, keep the plan for the models that store its outputs, and return the plan's one-row header."""
    started = time.perf_counter()
    tables = _plan(loaded)
    seconds = time.perf_counter() - started
    problem, plan = loaded.problem, tables.plan
    token = uuid.uuid4().hex
    with _lock:
        _plans.clear()
        _plans[token] = (tables, set(OUTPUTS))
    return pa.table(
        {
            "plan_token": [token],
            "as_of": pa.array([problem.as_of], type=pa.date32()),
            "start_week": pa.array([problem.start.astype("datetime64[D]").item()], type=pa.date32()),
            "horizon_weeks": pa.array([problem.horizon], type=pa.int32()),
            "items": pa.array([problem.n_items], type=pa.int64()),
            "bom_lines": pa.array([len(problem.bom_parent)], type=pa.int64()),
            "demand_rows": pa.array([len(problem.dem_item)], type=pa.int64()),
            "scheduled_receipts": pa.array([len(problem.sr_item)], type=pa.int64()),
            "planned_orders": pa.array([len(plan.order_qty)], type=pa.int64()),
            "exceptions": pa.array([len(plan.exc_kind)], type=pa.int64()),
            "load_seconds": pa.array([round(loaded.seconds, 3)], type=pa.float64()),
            "engine_seconds": pa.array([round(seconds, 3)], type=pa.float64()),
        }
    )


def output(name: str, header: Relation, replan: Callable[[], Loaded]) -> pa.Table:
    """The output ``name`` of the plan whose header is ``header`` (planning again if this process has not got it,
    or has given that output already). The plan is let go when its last output is taken."""
    row = header.fetchone()
    token = row[0] if row else None
    tables = None
    with _lock:
        kept = _plans.get(token)
        if kept is not None and name in kept[1]:
            tables = kept[0]
            kept[1].discard(name)
            if not kept[1]:
                del _plans[token]
    if tables is None:
        tables = _plan(replan())
    return tables.table(name)


def previous_table(path: object, name: str, empty: pa.Schema) -> pa.Table:
    """The mart ``name`` of the published warehouse at ``path`` (empty with schema ``empty`` when there is none).

    A separate in-memory DuckDB attaches the file read-only: it never touches the build's connection, and the
    published file may be open read-only by readers at the same time."""
    file = Path(str(path or ""))
    if not str(path or "").strip() or not file.is_file():
        return empty.empty_table()
    conn = duckdb.connect(":memory:")
    try:
        escaped = str(file).replace("'", "''")
        try:
            conn.execute(f"ATTACH '{escaped}' AS previous (READ_ONLY)")
        except duckdb.Error:
            return empty.empty_table()  # unreadable (e.g. another DuckDB version): behave as a first run
        found = conn.execute(
            "select count(*) from (select database_name, schema_name, table_name from duckdb_tables() union all "
            "select database_name, schema_name, view_name from duckdb_views()) "
            "where database_name = 'previous' and schema_name = 'main' and table_name = ?",
            [name],
        ).fetchone()
        if not found or not found[0]:
            return empty.empty_table()
        columns = conn.execute(
            "select column_name from duckdb_columns() where database_name = 'previous' and table_name = ?", [name]
        ).fetchall()
        have = {c[0] for c in columns}
        if not all(f.name in have for f in empty):
            return empty.empty_table()  # published before this column existed
        select = ", ".join(f'cast("{f.name}" as {_duck_type(f.type)}) as "{f.name}"' for f in empty)
        return conn.execute(f'select {select} from previous.main."{name}"').to_arrow_table().cast(empty)
    finally:
        conn.close()


def _duck_type(kind: pa.DataType) -> str:
    if pa.types.is_date32(kind):
        return "date"
    if pa.types.is_decimal(kind):
        return f"decimal({kind.precision}, {kind.scale})"
    if pa.types.is_integer(kind):
        return "bigint"
    return "varchar"
