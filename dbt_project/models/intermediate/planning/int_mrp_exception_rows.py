"""MRP exception messages as stored: item_id, kind, week, quantity, week to move to, receipt reference, order.

The mart mrp_exceptions is a view over it that composes each message's text (erp/planning/tables.py says why).
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

    return pipeline.output("int_mrp_exception_rows", dbt.ref("mrp_plan"), replan)
