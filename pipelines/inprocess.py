"""`erp build`: the warehouse job's assets, run in this process against the ERP's Dagster instance.

Same assets and resources as the Definitions (so a CLI build shows in the Dagster UI's run history), with the
ERP home given explicitly and progress printed per step and per dbt node.
"""

from __future__ import annotations

import datetime as dt
import time

from dagster import AssetSelection, materialize
from dagster_dbt import build_dbt_asset_selection

from erp.config import Settings
from erp.i18n import t
from erp.warehouse import read
from erp.warehouse.changes import StoreChanges
from erp.warehouse.dbt import fewer_full_collections
from erp.warehouse.publish import BuildFailed, BuildResult, Printer, nothing_to_build
from erp.warehouse.read import publication_for_run
from pipelines.assets.warehouse import (
    DBT_OP,
    WRITES_TAG,
    change_plan,
    dbt_selection_keys,
    publish_asset,
    warehouse_dbt,
)
from pipelines.definitions import ASSETS, resources
from pipelines.instance import open_instance
from pipelines.resources import Progress, WarehouseResource

# Dagster's own console log would repeat every event on stderr; the progress lines say what matters.
QUIET_LOGGERS = {"console": {"config": {"log_level": "CRITICAL"}}}


def selection_for(select: list[str] | None, plan: str | None = None) -> AssetSelection:
    """All assets, or the dbt nodes a dbt selection names plus publish and alert delivery. ``plan``: a change plan's
    dbt selection instead, given as the assets and checks it resolves to (resolved once, the step asks again)."""
    if plan:
        assets, checks = dbt_selection_keys(plan)
        dbt_selection = AssetSelection.assets(*assets).without_checks() | AssetSelection.checks(*checks)
    elif not select:
        return AssetSelection.all()
    else:
        dbt_selection = build_dbt_asset_selection([warehouse_dbt], dbt_select=" ".join(select))
        if not dbt_selection.resolve(ASSETS):
            raise BuildFailed(t("The selection matched no model or test; nothing was published."), [])
    return dbt_selection | AssetSelection.assets(publish_asset) | AssetSelection.assets("alert_outbox")


def run_warehouse_job(
    settings: Settings,
    as_of: dt.date,
    select: list[str] | None = None,
    out: Printer = print,
    full_refresh: bool = False,
    changes: StoreChanges | None = None,
) -> BuildResult:
    """Materialise the warehouse job's assets; BuildFailed (naming the failing nodes) when nothing was published.

    Without ``select`` or ``full_refresh`` only what depends on the store tables changed since the publication is
    built (pipelines.assets.warehouse.change_plan), or everything when the publication is not comparable.
    ``changes``: the store's changes since the publication, when the caller compared already.
    """
    started = time.monotonic()
    selection = selection_for(select)
    op_config: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "full_refresh": full_refresh,
        "selection": " ".join(select) if select else "*",
    }
    plan = change_plan(settings, as_of, changes) if not select and not full_refresh else None
    if plan is not None and not plan.dbt_select:
        current = read.last_publication(settings)
        if current is not None:
            return nothing_to_build(settings, current, out, started)
    if plan is not None and plan.dbt_select:
        out(
            t(
                "Building what depends on the changed tables ({tables}): {count} models",
                tables=", ".join(plan.tables),
                count=plan.models,
            )
        )
        selection = selection_for(None, plan=plan.dbt_select)
        op_config.update(plan.run_config(as_of)["ops"][DBT_OP]["config"], fingerprints=plan.fingerprints)
    run_config = {"ops": {DBT_OP: {"config": op_config}}, "loggers": QUIET_LOGGERS}
    overrides = {
        "warehouse": WarehouseResource(erp_home=str(settings.home), database_url=settings.database_url),
        "progress": Progress(out=out, quiet=True),
    }
    with open_instance(settings) as instance, fewer_full_collections():
        result = materialize(
            ASSETS,
            instance=instance,
            resources=resources(**overrides),
            selection=selection,
            run_config=run_config,
            raise_on_error=False,
            tags={**WRITES_TAG, "erp/trigger": "erp build"},
        )
    publication = publication_for_run(settings, result.run_id)
    if publication is None:
        raise BuildFailed(_failure_text(result) or t("The build failed; the published warehouse was not changed."), [])
    if not result.success:  # published, but a later step (alert delivery) failed: say so, the data is out
        out(_failure_text(result))
    seconds = time.monotonic() - started
    out(
        t(
            "Published warehouse #{id} ({marts} marts) in {seconds:.1f}s",
            id=publication.publication_id,
            marts=len(publication.row_counts),
            seconds=seconds,
        )
    )
    return BuildResult(publication=publication, path=settings.warehouse_path, seconds=seconds)


def _failure_text(result) -> str:  # type: ignore[no-untyped-def]
    """The failure descriptions of the failed steps (dbt's failing nodes, a publish refusal ...)."""
    messages = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            messages.append(data.user_failure_data.description)
        elif data.error is not None:
            messages.append(data.error.message.strip())
    return "\n".join(messages)
