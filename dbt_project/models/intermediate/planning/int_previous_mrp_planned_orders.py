"""mrp_planned_orders as published before this build (empty on a first build), for the plan-to-plan diff."""

import pyarrow as pa

from erp.planning import pipeline

SCHEMA = pa.schema(
    [
        ("item_code", pa.string()),
        ("order_type", pa.string()),
        ("release_date", pa.date32()),
        ("due_date", pa.date32()),
        ("quantity", pa.decimal128(18, 6)),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    return pipeline.previous_table(dbt.config.get("published_warehouse"), "mrp_planned_orders", SCHEMA)
