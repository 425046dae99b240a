"""The wording of each MRP exception type in the build's language, split at the fields it names.

The view mrp_exceptions fills it with each message's values (erp/planning/tables.py, exception_texts). It is
built after mrp_plan, which it does not read: on its own it would start with mrp_plan and take the interpreter
from mrp_plan's input checks (0.05-0.1 s at 100,000 items, benchmarks/mrp.py).
"""

from erp.planning import tables


def model(dbt, session):
    dbt.config(materialized="table")
    dbt.ref("mrp_plan")  # runs after the plan (see above)
    return tables.exception_texts()
