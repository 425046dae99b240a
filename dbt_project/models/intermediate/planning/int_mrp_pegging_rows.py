"""Pegging as stored: planned order, item_id, week, source kind, demand_row or parent item_id, quantity.

The mart mrp_pegging is a view over it (erp/planning/tables.py says why).
"""

from erp.planning import pipeline


def model(dbt, session):
    dbt.config(materialized="table")

    def replan():
        return pipeline.load(
            dbt.ref("int_mrp_items"),
            dbt.ref("int_mrp_bom"),
            dbt.ref("int_mrp_on_hand"),
            dbt.ref("int_open_supply"),
            dbt.ref("int_mrp_demand"),
            dbt.config.get("as_of"),
            dbt.config.get("horizon_weeks"),
        )

    return pipeline.output("int_mrp_pegging_rows", dbt.ref("mrp_plan"), replan)
