"""The wording of each MRP exception type in the build's language, split at the fields it names.

The view mrp_exceptions fills it with each message's values (erp/planning/tables.py, exception_texts).
"""

from erp.planning import tables


def model(dbt, session):
    dbt.config(materialized="table")
    return tables.exception_texts()
