"""Alert delivery: after a publish, queue new or escalated alerts from the *alerts marts and e-mail them.

The outbox lives in the operational store (table ``alert_outbox``), not in the warehouse: its rows change state
(e-mailed, failed, later acknowledged in the apps) and the warehouse is replaced wholesale by every publish and
read-only to the apps. The contract for alert marts is in erp/alerts.py.
"""

from dagster import AssetExecutionContext, Failure, MaterializeResult, ResourceParam, asset, define_asset_job

from erp.alerts import deliver
from erp.db import make_engine
from erp.i18n import t
from erp.warehouse.read import last_publication
from pipelines.resources import Progress, SmtpResource, WarehouseResource


@asset(
    name="alert_outbox",
    deps=["publish"],
    group_name="publication",
    description="New or escalated alerts from the published *alerts marts, queued for the apps and e-mailed.",
)
def alert_outbox(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    smtp: SmtpResource,
    progress: ResourceParam[Progress],
) -> MaterializeResult:
    settings = warehouse.settings()
    publication = last_publication(settings)
    if publication is None:
        raise Failure(t("No warehouse has been published yet: run `erp build` first."))
    engine = make_engine(settings)
    try:
        delivery = deliver(settings, engine, context.run.run_id, publication.publication_id, smtp.smtp_settings())
    finally:
        engine.dispose()
    progress.say(
        context.log,
        t("Alerts: {queued} queued, {emailed} e-mailed", queued=delivery.queued, emailed=delivery.emailed),
    )
    if delivery.problems or delivery.email_error:
        # What could be delivered was; the run still shows red so someone fixes the mart or the mail server.
        raise Failure(
            description="\n".join([*delivery.problems, *([delivery.email_error] if delivery.email_error else [])]),
            metadata={"queued": delivery.queued, "emailed": delivery.emailed},
        )
    return MaterializeResult(metadata={"queued": delivery.queued, "emailed": delivery.emailed})


alerts_job = define_asset_job(
    "alerts",
    selection=[alert_outbox],
    description="Deliver alerts again from the published warehouse (e.g. after fixing the SMTP settings).",
)
