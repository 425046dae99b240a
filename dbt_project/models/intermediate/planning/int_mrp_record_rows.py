"""The time-phased MRP record as stored: item_id, 1-based period, the movements of the weeks where something
happens. The mart mrp_records is a view over it (erp/planning/tables.py says why).
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

    return pipeline.output("int_mrp_record_rows", dbt.ref("mrp_plan"), replan)
