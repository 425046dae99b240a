"""Planned orders: one row per item and due week, with release date, order type and pegged demand summed by source."""

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

    return pipeline.output("mrp_planned_orders", dbt.ref("mrp_plan"), replan)
