"""inventory_alerts as published before this build (empty on a first build): keeps each alert's first_seen."""

import pyarrow as pa

from erp.planning import pipeline

SCHEMA = pa.schema([("alert_key", pa.string()), ("first_seen", pa.date32()), ("severity", pa.string())])


def model(dbt, session):
    dbt.config(materialized="table")
    return pipeline.previous_table(dbt.config.get("published_warehouse"), "inventory_alerts", SCHEMA)
