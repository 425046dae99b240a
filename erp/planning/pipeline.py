"""MRP inside the dbt project: what the Python models under dbt_project/models/marts/planning/ call.

`mrp_plan` plans once per build and publishes a one-row header (as-of, horizon, counts, a random plan token);
the output marts (`mrp_planned_orders`, `mrp_records`, `mrp_exceptions`, `mrp_pegging`) depend on it and take
their table from the plan kept in this process under that token, so the plan is computed once and every
output is written once. A mart built in another process (e.g. `dbt build --select mrp_records` alone) finds
no plan under the token and plans again from the same inputs: slower, never stale.

`previous_table` reads a table of the currently published warehouse (a separate read-only connection to the
file `erp build` is about to replace), for the plan-to-plan diff and the alerts' first-seen dates.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from erp.planning.engine import engine_plan
from erp.planning.problem import DEFAULT_HORIZON_WEEKS, Problem, load_problem, to_date
from erp.planning.tables import plan_tables

OUTPUTS = ("mrp_planned_orders", "mrp_records", "mrp_exceptions", "mrp_pegging")

_lock = threading.Lock()
_plans: dict[str, dict[str, pa.Table]] = {}  # plan token -> outputs not yet taken; only the latest plan is kept

Relation = Any  # duckdb.DuckDBPyRelation, as dbt.ref() returns it in a dbt-duckdb Python model


def _frame(relation: Relation):
    return relation.df()


def as_of_date(value: object) -> dt.date:
    """The `as_of` var: empty means today."""
    text = str(value or "").strip()
    return dt.date.today() if text in ("", "None") else to_date(text)


def horizon(value: object) -> int:
    text = str(value or "").strip()
    return int(text) if text not in ("", "None") else DEFAULT_HORIZON_WEEKS


def load(
    items: Relation, bom: Relation, on_hand: Relation, supply: Relation, demand: Relation, as_of: object, weeks: object
) -> Problem:
    """Read the intermediate models into a checked planning problem."""
    return load_problem(
        items=_frame(items),
        bom=_frame(bom),
        on_hand=_frame(on_hand),
        scheduled_receipts=_frame(supply),
        demand=_frame(demand),
        as_of=as_of_date(as_of),
        horizon_weeks=horizon(weeks),
    )


def run_plan(problem: Problem) -> pa.Table:
    """Plan, keep the outputs for the marts, and return the plan's one-row header."""
    started = time.perf_counter()
    tables = plan_tables(problem, engine_plan(problem))
    seconds = time.perf_counter() - started
    token = uuid.uuid4().hex
    with _lock:
        _plans.clear()
        _plans[token] = dict(tables)
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
            "planned_orders": pa.array([tables["mrp_planned_orders"].num_rows], type=pa.int64()),
            "exceptions": pa.array([tables["mrp_exceptions"].num_rows], type=pa.int64()),
            "engine_seconds": pa.array([round(seconds, 3)], type=pa.float64()),
        }
    )


def output(name: str, header: Relation, replan: Callable[[], Problem]) -> pa.Table:
    """The output ``name`` of the plan whose header is ``header`` (planning again if this process has not got it)."""
    row = header.fetchone()
    token = row[0] if row else None
    with _lock:
        kept = _plans.get(token)
        table = kept.pop(name, None) if kept is not None else None
        if kept is not None and not kept:
            del _plans[token]
    if table is None:
        problem = replan()
        table = plan_tables(problem, engine_plan(problem))[name]
    return table


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
            "select count(*) from duckdb_tables() where database_name = 'previous' and schema_name = 'main' "
            "and table_name = ?",
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
