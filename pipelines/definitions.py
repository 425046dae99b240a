"""The one Definitions: what `dagster dev -m pipelines.definitions` (and `erp serve`) loads."""

from __future__ import annotations

from dagster import Definitions

from pipelines.assets.alerts import alert_outbox, alerts_job
from pipelines.assets.warehouse import (
    business_hours_schedule,
    nightly_schedule,
    publish_asset,
    store_changed_sensor,
    warehouse_dbt,
    warehouse_job,
)
from pipelines.resources import Progress, SmtpResource, WarehouseResource, dbt_resource

ASSETS = [warehouse_dbt, publish_asset, alert_outbox]


def resources(**overrides: object) -> dict[str, object]:
    """The resources every run gets; ``erp build`` and tests override the ERP home, SMTP or progress output."""
    return {
        "dbt": dbt_resource(),
        "warehouse": WarehouseResource(),
        "smtp": SmtpResource.from_env(),
        "progress": Progress(),
        **overrides,
    }


defs = Definitions(
    assets=ASSETS,
    jobs=[warehouse_job, alerts_job],
    schedules=[business_hours_schedule, nightly_schedule],
    sensors=[store_changed_sensor],
    resources=resources(),
)
