"""Planned orders as stored: one row per item (item_id) and due week, weeks as 1-based periods.

The mart mrp_planned_orders is a view over it (erp/planning/tables.py says why).
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

    return pipeline.output("int_mrp_planned_order_rows", dbt.ref("mrp_plan"), replan)
