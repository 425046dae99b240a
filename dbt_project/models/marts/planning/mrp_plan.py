"""The MRP run: plans every active item once (erp.planning, vectorised engine) and publishes the plan's header.

The output marts (mrp_planned_orders, mrp_records, mrp_exceptions, mrp_pegging) are views over the tables the
models in models/intermediate/planning/ take from this plan; see erp/planning/pipeline.py.
"""

from erp.planning import pipeline


def model(dbt, session):
    dbt.config(materialized="table")
    problem = pipeline.load(
        dbt.ref("int_mrp_items"),
        dbt.ref("int_mrp_bom"),
        dbt.ref("int_mrp_on_hand"),
        dbt.ref("int_open_supply"),
        dbt.ref("int_mrp_demand"),
        dbt.config.get("as_of"),
        dbt.config.get("horizon_weeks"),
    )
    return pipeline.run_plan(problem)
