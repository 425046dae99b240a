"""The warehouse: the dbt project as assets (dbt tests as asset checks), the `publish` asset, and what runs them.

Every run builds into the build file (erp.warehouse.publish.prepare_build_file), holding the build lock while dbt
writes; `publish` swaps it onto the served file only when every dbt node of the run passed. Runs that write the
warehouse share the ``warehouse`` pool and carry the ``erp/writes: warehouse`` tag, which dagster.yaml limits to
one run at a time.
"""

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Config,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Failure,
    MaterializeResult,
    MetadataValue,
    ResourceParam,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    asset,
    define_asset_job,
    schedule,
    sensor,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, build_dbt_asset_selection, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from pydantic import Field
from sqlalchemy import func, select

from erp import schema as s
from erp.config import Settings
from erp.db import make_engine
from erp.errors import ServiceError
from erp.i18n import t
from erp.warehouse import read
from erp.warehouse.changes import (
    StoreChanges,
    changed_models,
    dbt_selection,
    dbt_store_changes,
    models_to_rebuild,
    publication_attached,
    source_ids,
    tests_over,
)
from erp.warehouse.dbt import (
    FAILED_STATUSES,
    NodeOutcome,
    dbt_duckdb_cursor,
    dbt_environment,
    duckdb_kept_open,
    environment,
    open_duckdb_soon,
)
from erp.warehouse.publish import (
    BUILD_LOCK_SECONDS,
    BuildFailed,
    PlannedState,
    build_lock,
    build_path,
    dbt_build_args,
    dbt_target_path,
    dbt_vars,
    discard_build,
    failure_message,
    finish_dbt,
    node_line,
    node_results,
    prepare_build_file,
    prepare_run,
    publish,
    record_failure,
    record_node_results,
)
from erp.warehouse.reuse import NO_OP, InputsCompared, skipping
from erp.warehouse.settled import settleable, settled_on_added_rows, settled_relationships
from pipelines.dbt_inprocess import ERROR_EVENTS, RESULT_EVENTS, DbtRun, run_dbt
from pipelines.project import warehouse_project
from pipelines.resources import Progress, WarehouseResource

WAREHOUSE_POOL = "warehouse"
WRITES_TAG = {"erp/writes": "warehouse"}
DBT_OP = "warehouse_dbt"
TIMEZONE = "Asia/Shanghai"


class WarehouseBuildConfig(Config):
    as_of: str = Field(default="", description="YYYY-MM-DD the date-relative models use; empty: today")
    full_refresh: bool = Field(default=False, description="Start from an empty file and rebuild incremental models")
    selection: str = Field(default="", description="How the selection is recorded; empty: the selected assets")
    refreshed_tables: list[str] | None = Field(
        default=None,
        description="Store tables whose dependent models this run rebuilds (a change-driven run); empty: all of "
        "them when every asset is selected; a hand-picked subset makes the next everyday run a full one",
    )
    dbt_select: str = Field(
        default="",
        description="The change plan's dbt selection (changed sources and their descendants): given to dbt instead "
        "of the selected models' names when it selects exactly the run's assets; empty: dagster-dbt's selection",
    )
    fingerprints: dict[str, str] | None = Field(
        default=None,
        description="The store's table fingerprints taken when the run was planned (erp build); empty: taken when "
        "the build starts",
    )


@dataclass(frozen=True)
class ChangePlan:
    """A change-driven run: the store tables changed since the publication and the dbt nodes that depend on them
    (``fingerprints``: the store's, as compared; the run may record them instead of scanning the store again)."""

    tables: list[str]
    dbt_select: str
    models: int
    fingerprints: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return "changed: " + ", ".join(self.tables)

    def run_config(self, as_of: dt.date) -> dict[str, Any]:
        config = {
            "as_of": as_of.isoformat(),
            "selection": self.label,
            "refreshed_tables": self.tables,
            "dbt_select": self.dbt_select,
        }
        return {"ops": {DBT_OP: {"config": config}}}


def change_plan(settings: Settings, as_of: dt.date, found: StoreChanges | None = None) -> ChangePlan | None:
    """What an everyday run needs to build (erp.warehouse.changes); None: everything (no comparable publication).
    ``found``: the store's changes, when the caller compared already (`erp build` does, before importing Dagster)."""
    manifest, _translator, _project = get_manifest_and_translator_from_dbt_assets([warehouse_dbt])  # parsed once
    found = found or dbt_store_changes(settings, as_of, manifest)
    if found.tables is None:
        return None
    tables = found.tables
    ids = models_to_rebuild(manifest, tables)
    select = dbt_selection(manifest, tables)
    return ChangePlan(tables=tables, dbt_select=select, models=len(ids), fingerprints=found.fingerprints or {})


@lru_cache(maxsize=16)  # a few plans at a time; the sensor's process lives for weeks of different ones
def dbt_selection_keys(dbt_select: str) -> tuple[frozenset[AssetKey], frozenset[AssetCheckKey]]:
    """The dbt assets and checks a dbt selection names (dagster-dbt's resolution, through dbt's selector).

    Each resolution walks the project's graph (about 60 ms), and a change-driven run asked for the same one eight
    times (run creation, the job's selection, the step's check that the plan still matches): resolved once per
    process here. The project is fixed for a process (the assets are made from its manifest at import)."""
    selection = build_dbt_asset_selection([warehouse_dbt], dbt_select=dbt_select)
    return frozenset(selection.resolve([warehouse_dbt])), frozenset(selection.resolve_checks([warehouse_dbt]))


def change_plan_keys(plan: ChangePlan) -> list[AssetKey]:
    """The assets a change-driven run materialises: the dbt models of the plan, publish and alert delivery."""
    dbt_keys, _checks = dbt_selection_keys(plan.dbt_select)
    return sorted(dbt_keys, key=lambda k: k.to_user_string()) + [AssetKey("publish"), AssetKey("alert_outbox")]


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups follow the project's layers (staging, intermediate, marts) so the UI shows them apart."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props.get("resource_type") == "source":
            return "operational_store"
        return fqn[1] if len(fqn) > 2 else "warehouse"


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        raise Failure(t("as_of: {value} is not a date YYYY-MM-DD", value=value)) from None


def _node_outcome(raw: dict[str, Any]) -> NodeOutcome | None:
    """A finished dbt node (model, test, unit test ...) from one of dbt's result events, else None."""
    if raw.get("info", {}).get("name") not in RESULT_EVENTS:
        return None
    data = raw.get("data", {})
    info = data.get("node_info") or {}
    status = info.get("node_status")
    if status in (None, "", "None"):  # a unit test's node_info carries no status: the event's own says it
        status = data.get("status")
    return NodeOutcome(
        unique_id=str(info.get("unique_id", "?")),
        resource_type=str(info.get("resource_type", "?")),
        status=str(status or "?").lower(),
        message="",
        seconds=float(data.get("execution_time") or 0.0),
    )


def _collector(progress: Progress, outcomes: dict[str, NodeOutcome]) -> Callable[[dict[str, Any]], None]:
    """What to do with each of dbt's result and summary events as it comes: collect every finished node (with
    the error message of a failing one) in ``outcomes`` and print its progress line. A test dbt did not run (a
    no-op: erp.warehouse.reuse) is neither: the step counts those."""
    lock = threading.Lock()

    def collect(raw: dict[str, Any]) -> None:
        with lock:
            node = _node_outcome(raw)
            if node is not None and not (node.resource_type == "test" and node.status == NO_OP):
                outcomes[node.unique_id] = node
                if progress.out is not None:
                    progress.out(node_line(node))
            _note_error(raw, outcomes)

    return collect


def _note_error(raw: dict[str, Any], outcomes: dict[str, NodeOutcome]) -> None:
    """dbt's summary at the end names each failing node with its message: keep it with the node's outcome."""
    if raw.get("info", {}).get("name") not in ERROR_EVENTS:
        return
    unique_id = (raw.get("data", {}).get("node_info") or {}).get("unique_id")
    message = str(raw.get("info", {}).get("msg") or "").strip()
    if unique_id in outcomes and message and not message.startswith("Failure in "):
        outcomes[unique_id].message = message


def _plan_selection(context: AssetExecutionContext, dbt_select: str) -> str | None:
    """The change plan's dbt selection when it selects exactly this step's assets and checks (a run the change
    plan started), else None: dagster-dbt's selection by name (a run picked by hand, a stale configuration)."""
    if not dbt_select:
        return None
    assets, checks = dbt_selection_keys(dbt_select)
    same = assets == set(context.selected_asset_keys) and checks == set(context.selected_asset_check_keys)
    return dbt_select if same else None


@dbt_assets(
    manifest=warehouse_project.manifest_path,
    project=warehouse_project,
    name=DBT_OP,
    dagster_dbt_translator=WarehouseTranslator(),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt(
    context: AssetExecutionContext,
    config: WarehouseBuildConfig,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    progress: ResourceParam[Progress],
) -> Iterator[Any]:
    """`dbt build` (models, unit tests, data tests) into this run's build file; tests report as asset checks."""
    settings = warehouse.settings()
    as_of = _as_of(config.as_of)
    run_id = context.run.run_id
    subset = context.assets_def.is_subset
    selection = config.selection or (
        " ".join(sorted(k.to_user_string() for k in context.selected_asset_keys)) if subset else "*"
    )
    path = build_path(settings)
    hand_picked = subset and config.refreshed_tables is None
    refreshed = config.refreshed_tables if config.refreshed_tables is not None else ([] if subset else None)
    progress.say(context.log, t("[1/4] Preparing {path} (as of {as_of})", path=path, as_of=as_of.isoformat()))
    try:
        with build_lock(settings, timeout=BUILD_LOCK_SECONDS):  # released when dbt is done (or the step dies)
            plan = _plan_selection(context, config.dbt_select)
            prepare_run(settings, run_id)
            prepare = partial(prepare_build_file, settings, run_id, as_of, selection, config.full_refresh)
            state = PlannedState.take(settings, as_of, refreshed, hand_picked, config.fingerprints)
            outcomes: dict[str, NodeOutcome] = {}
            evaluated: set[AssetCheckKey] = set()
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-build") as pool:
                # a change-driven build copies the publication (0.1-0.3 s, mostly outside the GIL) while dbt parses
                preparing = pool.submit(prepare) if plan else None
                ticket = prepare() if preparing is None else None
                env = dbt_environment(settings, path)
                progress.say(context.log, t("[2/4] Running dbt build (models and tests)"))
                started = time.monotonic()
                target = dbt_target_path(settings, run_id)
                with duckdb_kept_open() as close_build_file:  # closed while Dagster stores the events, below
                    with environment(env):  # the profile reads these
                        call = partial(
                            run_dbt,
                            dbt,
                            context,
                            target_path=target,
                            on_event=_collector(progress, outcomes),
                            quiet=progress.quiet,
                        )
                        args = dbt_build_args(as_of, config.full_refresh, unit_tests=config.refreshed_tables is None)
                        tables = config.refreshed_tables or []
                        ready = preparing.result if preparing is not None else None
                        runs, reused, checked = _dbt_runs(call, args, plan, outcomes, settings, tables, as_of, ready)
                        if all(run.success for run in runs):
                            state.record(settings)
                    seconds = time.monotonic() - started
                    close_build_file()
                    for run in runs:
                        for event in run.asset_events(context, target):
                            if isinstance(event, AssetCheckResult):
                                key = AssetCheckKey(AssetKey.from_coercible(event.asset_key), str(event.check_name))
                                evaluated.add(key)
                            yield event
                    if reused and all(run.success for run in runs) and not _failed(outcomes):
                        # reported while the build file closes (its checkpoint: about a second of an everyday build)
                        yield from _reused_checks(
                            set(context.selected_asset_check_keys) - evaluated, read.last_publication(settings), checked
                        )
            if ticket is None:
                assert preparing is not None
                ticket = preparing.result()
            record_node_results(target, list(outcomes.values()))
            finish_dbt(settings, ticket, seconds)
            nodes = node_results(target)
            failed = [n for n in nodes if n.status in FAILED_STATUSES]
            error = next((run.error for run in runs if run.error), None)
            if failed or not all(run.success for run in runs):
                message = failure_message(failed, str(error) if error else None)
                record_failure(settings, run_id, message)
                discard_build(settings, run_id, keep_logs=True, locked=True)
                raise Failure(description=message, metadata={"failed_nodes": [n.unique_id for n in failed]})
    except ServiceError as exc:
        record_failure(settings, run_id, str(exc))
        raise Failure(str(exc)) from exc
    progress.say(context.log, "      " + t("{count} nodes passed in {seconds:.1f}s", count=len(nodes), seconds=seconds))
    kept = sum(1 for node in nodes if node.status == NO_OP)
    if kept:
        progress.say(
            context.log,
            "      " + t("{count} models not rerun: every input came out identical to the publication's", count=kept),
        )
    if reused - len(checked):
        progress.say(
            context.log,
            "      "
            + t(
                "{count} tests not rerun: nothing they check changed since the publication, which passed them",
                count=reused - len(checked),
            ),
        )
    if checked:
        progress.say(
            context.log,
            "      "
            + t(
                "{count} tests checked on the rows added since the publication only, which passed them",
                count=len(checked),
            ),
        )


def _reused_checks(
    keys: set[AssetCheckKey], publication: read.Publication | None, checked: Mapping[str, int]
) -> Iterator[AssetCheckResult]:
    """The result of each test not rerun (its inputs are identical to the publication's, which passed it, or it is a
    relationships test that cannot fail where it passed: `settled_relationships`; or ``checked``, test name: rows,
    it passed on the rows its model gained: `settled_on_added_rows`), so that Dagster shows why, and publish stays
    gated on every check of the run."""
    source = publication.publication_id if publication is not None else None
    for key in sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        rows = checked.get(key.name)
        if rows is None:
            metadata = {"rerun": False, "passed_in_publication": source}
            description = t("Not rerun: nothing it checks changed since publication #{id}, which passed it", id=source)
        else:
            metadata = {"rerun": False, "passed_in_publication": source, "added_rows_checked": rows}
            description = t(
                "Not rerun over the whole model: the {rows} rows added since publication #{id}, which passed it, "
                "pass it too",
                rows=rows,
                id=source,
            )
        yield AssetCheckResult(
            asset_key=key.asset_key, check_name=key.name, passed=True, metadata=metadata, description=description
        )


def _failed(outcomes: Mapping[str, NodeOutcome]) -> bool:
    """Whether a node dbt reported so far failed (an error, a failing test)."""
    return any(outcome.status in FAILED_STATUSES for outcome in outcomes.values())


def _dbt_runs(
    call: Callable[..., DbtRun],
    args: list[str],
    plan: str | None,
    outcomes: Mapping[str, NodeOutcome],
    settings: Settings,
    tables: list[str],
    as_of: dt.date,
    ready: Callable[[], object] | None = None,
) -> tuple[list[DbtRun], int, dict[str, int]]:
    """dbt's runs for the step, how many of the tests over the rebuilt models were not rerun, and which of those
    were checked on the rows their model gained instead (test name: rows checked).

    One `dbt build`, unless the run is the change plan's (``plan``, its dbt selection). Then the build leaves out
    what would give the publication's result (`erp.warehouse.reuse`): a model whose every input came out identical
    (after a day of stock receipts, the production costs' and variances' marts and the cash forecast) and a test
    whose every input did (the finance statements, production costs and planned orders they do not touch). The
    plain row tests over stored models (not_null, accepted_values, unique, relationships: `settled.settleable`)
    are left out of that build, and after it most are passed without dbt: a relationships test whose tested model
    is identical and whose referred model only gained keys (`settled_relationships`), a row test over a changed
    model whose gained rows pass it (`settled_on_added_rows`), a test whose inputs are identical. Only the rest
    go to dbt, in a second call (after a day of stock receipts, none: the 11 tests only dbt can decide ran among
    the models).
    dbt parses the project once for both (about half a second each time otherwise), and its database is opened
    while the models' call starts (`open_duckdb_soon`). ``ready``: waits for the build file (copied while dbt
    parses), called before the models."""
    if plan is None:
        return [call(args, select=None)], 0, {}
    parse = call(["parse", *dbt_vars(as_of), "--no-write-json"], select="")
    if not parse.success:
        return [parse], 0, {}
    if ready is not None:
        ready()
    published = settings.warehouse_path
    with duckdb_kept_open():  # the build file opened once for both runs and the comparison between them
        opened = open_duckdb_soon()  # while dbt starts the models' call
        rebuilt = models_to_rebuild(parse.manifest, tables)
        sources = source_ids(parse.manifest, tables)
        later = settleable(parse.manifest, tests_over(parse.manifest, [*rebuilt, *sources]))
        compared = InputsCompared(parse.manifest, tables, published, rebuilt, later)
        with skipping(compared):  # what would give the publication's result is not run (erp.warehouse.reuse)
            try:
                models = call(args, select=plan, manifest=parse.result)
            finally:
                opened()
        if not models.success or _failed(outcomes):
            return [models], 0, {}
        manifest = models.manifest
        ran = [uid for uid, outcome in outcomes.items() if outcome.resource_type == "test"]
        built = [uid for uid, outcome in outcomes.items() if outcome.resource_type == "model"]
        planned = tests_over(manifest, [*built, *sources])
        with dbt_duckdb_cursor() as cursor, publication_attached(cursor or build_path(settings), published) as conn:
            build = conn or cursor or build_path(settings)  # attached once for both comparisons
            found = changed_models(build, published, manifest, built, tables, known=compared.changed)
            changed = [*sorted(found), *sources]
            rerun = [uid for uid in tests_over(manifest, changed) if uid in later]
            settled: set[str] = settled_relationships(build, published, manifest, rerun, changed)
            grown = settled_on_added_rows(build, published, manifest, [u for u in rerun if u not in settled], changed)
        settled |= set(grown)
        checked = {manifest["nodes"][uid]["name"]: rows for uid, rows in grown.items()}
        rerun = [uid for uid in rerun if uid not in settled]
        reused = len(planned) - len(ran) - len(rerun)
        if not rerun:
            return [models], reused, checked
        tests = call(  # tests need no relation cache (a listing with the store attached: about 30 ms a query)
            ["test", *args[1:], "--no-populate-cache"],
            select=" ".join(sorted(manifest["nodes"][uid]["name"] for uid in rerun)),  # each by name: no exclusions
            manifest=parse.result,
        )
    return [models, tests], reused, checked


@asset(
    name="publish",
    deps=list(warehouse_dbt.keys),
    pool=WAREHOUSE_POOL,
    group_name="publication",
    description="Swaps this run's build onto the served warehouse when every dbt node passed; keeps snapshots.",
)
def publish_asset(
    context: AssetExecutionContext, warehouse: WarehouseResource, progress: ResourceParam[Progress]
) -> MaterializeResult:
    settings = warehouse.settings()
    run_id = context.run.run_id
    progress.say(context.log, t("[3/4] Recording the publication"))
    progress.say(context.log, t("[4/4] Publishing {path}", path=settings.warehouse_path))
    try:
        publication = publish(settings, run_id, keep=warehouse.keep_snapshots)
    except (BuildFailed, ServiceError) as exc:
        record_failure(settings, run_id, str(exc))
        discard_build(settings, run_id, keep_logs=True)
        raise Failure(description=str(exc)) from exc
    return MaterializeResult(
        metadata={
            "publication_id": publication.publication_id,
            "as_of": publication.as_of.isoformat(),
            "selection": publication.selection,
            "snapshot": publication.snapshot or "",
            "dbt_seconds": publication.dbt_seconds,
            "row_counts": MetadataValue.json(publication.row_counts),
            "warehouse": MetadataValue.path(str(settings.warehouse_path)),
        }
    )


# --- jobs, schedules and the store-changed sensor ----------------------------------------------------------------

warehouse_job = define_asset_job(
    "warehouse",
    selection=AssetSelection.all(),
    description="dbt build into a fresh file, publish it when every test passed, deliver alerts.",
    tags=WRITES_TAG,
)

FULL_REFRESH_CONFIG = {"ops": {DBT_OP: {"config": {"full_refresh": True}}}}


def everyday_request(
    settings: Settings, run_key: str | None, tags: dict[str, str], as_of: dt.date | None = None
) -> RunRequest | SkipReason:
    """A run of what depends on the store tables changed since the publication (everything when not comparable)."""
    today = as_of or dt.date.today()
    plan = change_plan(settings, today)
    if plan is None:
        return RunRequest(run_key=run_key, tags=tags)
    if not plan.tables:
        return SkipReason(t("The store has not changed since the publication."))
    if not plan.dbt_select:
        return SkipReason(t("No warehouse model reads the tables that changed ({tables}).", tables=plan.label))
    return RunRequest(
        run_key=run_key, tags=tags, asset_selection=change_plan_keys(plan), run_config=plan.run_config(today)
    )


@schedule(
    name="warehouse_business_hours",
    job=warehouse_job,
    cron_schedule="0 8-18 * * 1-5",  # on the hour, 08:00-18:00, Monday to Friday
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Hourly build during business hours of what the store changes since the publication touch.",
)
def business_hours_schedule(
    context: ScheduleEvaluationContext, warehouse: WarehouseResource
) -> RunRequest | SkipReason:
    return everyday_request(warehouse.settings(), None, dict(WRITES_TAG))


nightly_schedule = ScheduleDefinition(
    name="warehouse_nightly_full",
    job=warehouse_job,
    cron_schedule="30 1 * * *",
    execution_timezone=TIMEZONE,
    run_config=FULL_REFRESH_CONFIG,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Full rebuild every night (incremental models from scratch, dropped models' tables gone).",
)

ACTIVE_STATUSES = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
]


def store_watermark(settings: Settings) -> int:
    """The newest audit log id: every change made through the service layer adds a row."""
    engine = make_engine(settings)
    try:
        with engine.connect().execution_options(readonly=True) as conn:
            return int(conn.execute(select(func.coalesce(func.max(s.audit_log.c.id), 0))).scalar_one())
    finally:
        engine.dispose()


@sensor(
    name="store_changed",
    job=warehouse_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Starts a warehouse run when the audit log grew since the last run it started.",
)
def store_changed_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource) -> RunRequest | SkipReason:
    watermark = store_watermark(warehouse.settings())
    seen = int(context.cursor) if context.cursor else None
    if seen is not None and watermark <= seen:
        return SkipReason(t("No change in the store since audit log id {id}.", id=seen))
    active = context.instance.get_runs(
        filters=RunsFilter(job_name=warehouse_job.name, statuses=ACTIVE_STATUSES), limit=1
    )
    if active:
        # The cursor stays: once that run is over, the next tick starts one for whatever it may have missed.
        return SkipReason(t("A warehouse run is already queued or running ({run}).", run=active[0].run_id))
    context.update_cursor(str(watermark))
    tags = {**WRITES_TAG, "erp/audit_watermark": str(watermark)}
    return everyday_request(warehouse.settings(), f"audit-{watermark}", tags)
