"""The MRP's dbt models run on a DuckDB file that holds only their inputs (benchmarks/mrp.py and the tests).

The file gets a synthetic problem (`erp.planning.synthetic`) as the intermediate models MRP reads (int_mrp_items,
int_mrp_bom, int_mrp_on_hand, int_open_supply, int_mrp_demand: the operational store and staging are not part of
MRP), then dbt builds the MRP models into it, in this process, as `erp build` runs them: mrp_plan, the models
that store the plan and the views over them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from erp.config import load_settings
from erp.warehouse.dbt import (
    DBT_GLOBAL_FLAGS,
    OFFLINE_ENV,
    dbt_duckdb_cursor,
    duckdb_kept_open,
    open_duckdb_soon,
    run_dbt,
)
from erp.warehouse.extensions import prepare_extension_dir

STORED = (
    "mrp_plan",
    "int_mrp_planned_order_rows",
    "int_mrp_record_rows",
    "int_mrp_pegging_rows",
    "int_mrp_exception_rows",
    "int_mrp_exception_texts",
)
"""The MRP models that write tables (the Python models)."""
VIEWS = ("mrp_planned_orders", "mrp_records", "mrp_pegging", "mrp_exceptions")
"""The public MRP marts that are views over the stored tables."""
MRP_MODELS = STORED + VIEWS
INPUTS = ("int_mrp_items", "int_mrp_bom", "int_mrp_on_hand", "int_open_supply", "int_mrp_demand")


def write_inputs(conn: duckdb.DuckDBPyConnection, problem: dict) -> None:
    """The synthetic frames as the intermediate models the MRP reads (same columns and types: items by id and
    code), written through ``conn``."""
    items, bom, on_hand = problem["items"], problem["bom"], problem["on_hand"]
    receipts, demand = problem["scheduled_receipts"], problem["demand"]
    conn.register("items_df", items)
    conn.execute(
        "create table int_mrp_items as select row_number() over () as item_id, item_code, item_type, "
        "cast(lead_time_days as integer) as lead_time_days, lot_sizing, "
        "cast(lot_size_qty as decimal(18, 6)) as lot_size_qty, "
        "cast(lot_size_periods as integer) as lot_size_periods, "
        "cast(min_order_qty as decimal(18, 6)) as min_order_qty, "
        "cast(order_multiple as decimal(18, 6)) as order_multiple, "
        "cast(safety_stock_qty as decimal(18, 6)) as safety_stock_qty, cast(1 as decimal(18, 4)) as standard_cost "
        "from items_df"
    )
    conn.register("bom_df", bom.assign(frame_row=range(len(bom))))  # rows stay in the frame's order
    conn.execute(
        "create table int_mrp_bom as select p.item_id as parent_item_id, c.item_id as component_item_id, "
        "parent_item, component_item, cast(qty_per as decimal(18, 6)) as qty_per, "
        "cast(scrap_pct as decimal(9, 6)) as scrap_pct from bom_df "
        "join int_mrp_items p on p.item_code = parent_item join int_mrp_items c on c.item_code = component_item "
        "order by frame_row"
    )
    conn.register("oh_df", on_hand)
    conn.execute(
        "create table int_mrp_on_hand as select i.item_id, oh_df.item_code, "
        "cast(sum(quantity) as decimal(38, 6)) as quantity "
        "from oh_df join int_mrp_items i using (item_code) group by i.item_id, oh_df.item_code"
    )
    conn.register("sr_df", receipts.assign(frame_row=range(len(receipts))))
    conn.execute(
        "create table int_open_supply as select i.item_id, sr_df.item_code, cast(due_date as date) as due_date, "
        "cast(quantity as decimal(18, 6)) as quantity, 'purchase' as supply_type, order_ref, "
        "'scheduled_receipt' as source_table from sr_df join int_mrp_items i using (item_code) order by frame_row"
    )
    conn.register("dem_df", demand.assign(demand_row=range(len(demand))))  # the frame's positions
    conn.execute(
        "create table int_mrp_demand as select i.item_id, dem_df.item_code, cast(due_date as date) as due_date, "
        "cast(quantity as decimal(18, 6)) as quantity, demand_type, source_ref, 'planning_demand' as source_table, "
        "demand_row from dem_df join int_mrp_items i using (item_code) order by demand_row"
    )
    for name in ("items_df", "bom_df", "oh_df", "sr_df", "dem_df"):
        conn.unregister(name)


class ModelRunner:
    """Runs dbt commands on the file at ``path`` (inputs written by `write_inputs`), with ``workdir`` for dbt's
    target, the DuckDB extensions and an empty store (the profile attaches one; MRP does not read it)."""

    def __init__(self, path: Path, workdir: Path, as_of: object, weeks: int) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        store = workdir / "empty_store.sqlite"
        sqlite3.connect(store).close()
        self.env = {
            **OFFLINE_ENV,
            "ERP_DBT_TARGET": "duckdb",
            "ERP_WAREHOUSE_BUILD_PATH": str(path),
            "ERP_SQLITE_PATH": str(store),
            "ERP_DUCKDB_EXTENSION_DIR": str(prepare_extension_dir(workdir / "duckdb_extensions")),
            "ERP_PUBLISHED_WAREHOUSE": "",
        }
        self.variables = {"as_of": str(as_of), "mrp_horizon_weeks": weeks}
        self.target = workdir / "dbt"

    @contextmanager
    def kept_open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """dbt's database kept open from one run to the next inside the block, as `erp build` keeps it, with a
        cursor on it: what is written through the cursor is in the database the next run reads, as the tables
        a build's earlier models wrote (not yet in the file: a build checkpoints at its close)."""
        with duckdb_kept_open():
            self.run(["--select", "mrp_plan", "--exclude", "mrp_plan"])  # dbt's adapter, for the profile
            open_duckdb_soon()()
            with dbt_duckdb_cursor() as cursor:
                yield cursor

    def run(self, args: list[str]) -> list[dict]:
        """``dbt run`` with ``args`` (e.g. a selection); its run_results' results. A failure raises."""
        outcome = run_dbt(
            [*DBT_GLOBAL_FLAGS, "run", *args], self.env, load_settings(), self.variables, target_dir=self.target
        )
        if not outcome.success:
            raise RuntimeError(f"dbt failed: {outcome.error or [(n.unique_id, n.message) for n in outcome.failed]}")
        return json.loads((self.target / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
