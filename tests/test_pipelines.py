"""The Dagster pipeline: all assets on the sample company, blocked publishing, readers during a publish, the
store-changed sensor, and alert delivery to a local SMTP sink.

dbt dominates the time, so the module copies the session's one full materialisation of the sample company
(tests/support/built_sample.py, shared with test_warehouse.py); later runs select a few models. The alert and
sensor tests need no dbt at all.
"""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dagster import (
    AssetCheckKey,
    AssetKey,
    AssetSelection,
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    RunRequest,
    SkipReason,
    build_sensor_context,
    materialize,
)
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph
from dagster_dbt import build_dbt_asset_selection
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from sqlalchemy import Engine, select

from erp import schema as s
from erp.config import PROJECT_ROOT, Settings, load_settings
from erp.services.base import SYSTEM, Session
from erp.services.users import create_user
from erp.warehouse import read
from erp.warehouse.changes import dbt_selection, models_to_rebuild
from erp.warehouse.publish import PUBLICATION_COLUMNS, snapshots
from pipelines.assets.alerts import alert_outbox
from pipelines.assets.warehouse import (
    DBT_OP,
    _dbt_runs,
    _plan_selection,
    _reused_checks,
    everyday_request,
    publish_asset,
    store_changed_sensor,
    warehouse_dbt,
)
from pipelines.definitions import ASSETS, defs, resources
from pipelines.inprocess import selection_for
from pipelines.instance import open_instance
from pipelines.resources import SmtpResource, WarehouseResource
from tests.support.built_sample import built_sample_home

SAMPLE_DIR = PROJECT_ROOT / "seeds" / "sample"
AS_OF = dt.date(2026, 6, 30)
COST_SQL = "select total_cost from standard_cost_rollup where item_code = ?"


def run_config(as_of: dt.date = AS_OF) -> dict:
    return {"ops": {DBT_OP: {"config": {"as_of": as_of.isoformat()}}}}


def warehouse_resources(settings: Settings, keep: int = 5) -> dict[str, object]:
    return resources(warehouse=WarehouseResource(erp_home=str(settings.home), keep_snapshots=keep), smtp=SmtpResource())


def dbt_subset(select: str) -> AssetSelection:
    return build_dbt_asset_selection([warehouse_dbt], dbt_select=select) | AssetSelection.assets(publish_asset)


def sql_store(home: Path, statement: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(home / "erp.sqlite") as conn:
        rows = conn.execute(statement, params).fetchall()
    conn.close()
    return rows


def pump_cost() -> Decimal:
    with read.connect() as conn:
        row = conn.execute(COST_SQL, ["FG-PUMP-100"]).fetchone()
    assert row is not None
    return row[0]


@dataclass(frozen=True)
class FullRun:
    """The run that materialised every asset, as its Dagster instance recorded it."""

    run_id: str
    success: bool
    materialized: set[AssetKey]
    checks_passed: list[bool]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """ERP_HOME with the sample company after every asset of the Definitions was materialised once (the session's
    shared build, tests/support/built_sample.py), in the instance under ERP_HOME/dagster."""
    home = tmp_path_factory.mktemp("pipelines") / "home"
    run_id = built_sample_home(tmp_path_factory, home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        yield home, run_id


@pytest.fixture(scope="module")
def home(built: tuple[Path, str]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def full_run(built: tuple[Path, str]) -> FullRun:
    instance = open_instance(load_settings())
    run_id = built[1]
    run = instance.get_run_by_id(run_id)
    materialized = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION).records
    checks = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
    return FullRun(
        run_id=run_id,
        success=run is not None and run.status == DagsterRunStatus.SUCCESS,
        materialized={r.event_log_entry.get_dagster_event().asset_key for r in materialized},  # type: ignore[misc]
        checks_passed=[r.event_log_entry.get_dagster_event().asset_check_evaluation_data.passed for r in checks],
    )


def test_all_assets_materialise_and_publish(home: Path, full_run: FullRun) -> None:
    assert full_run.success
    assert {AssetKey("publish"), AssetKey("alert_outbox"), AssetKey("dim_items"), AssetKey("standard_cost_rollup")} <= (
        full_run.materialized
    )
    assert len(full_run.checks_passed) > 100 and all(full_run.checks_passed)  # dbt tests ran as asset checks
    publication = read.last_publication()
    assert publication is not None and publication.run_id == full_run.run_id and publication.as_of == AS_OF
    assert publication.selection == "*" and publication.row_counts["standard_cost_rollup"] == 12
    assert [p.name for p in snapshots(load_settings())] == [publication.snapshot]
    assert not (home / "build" / "runs" / full_run.run_id).exists()
    assert (home / "dagster" / "dagster.yaml").exists()  # the instance lives under ERP_HOME
    assert pump_cost() == Decimal("1207.57")


def test_an_everyday_run_asks_only_for_what_depends_on_the_changed_tables(home: Path, full_run: FullRun) -> None:
    """What the sensor and the business-hours schedule request (for the as-of date of the publication). Before any
    hand-picked build of the module: after one, the next everyday run builds everything."""
    settings = load_settings()
    unchanged = everyday_request(settings, "k", {}, as_of=AS_OF)
    assert (
        isinstance(unchanged, SkipReason)
        and unchanged.skip_message == "The store has not changed since the publication."
    )
    ((first, name),) = sql_store(home, "select id, name from customer order by id limit 1")
    sql_store(home, "update customer set name = 'Renamed Co.' where id = ?", (first,))
    try:
        request = everyday_request(settings, "k", {"erp/writes": "warehouse"}, as_of=AS_OF)
    finally:
        sql_store(home, "update customer set name = ? where id = ?", (name, first))
    assert isinstance(request, RunRequest) and request.asset_selection is not None
    assert {AssetKey("stg_ops__customer"), AssetKey("dim_customers"), AssetKey("publish")} <= set(
        request.asset_selection
    )
    assert AssetKey("standard_cost_rollup") not in request.asset_selection
    assert request.run_config["ops"][DBT_OP]["config"]["refreshed_tables"] == ["customer"]
    assert request.run_config["ops"][DBT_OP]["config"]["dbt_select"] == "source:ops.customer+"
    assert everyday_request(settings, "k", {}, as_of=AS_OF + dt.timedelta(days=1)).asset_selection is None  # all


@pytest.mark.parametrize("tables", [["stock_move", "journal_line", "audit_log"], ["item"], ["customer"], ["bom_line"]])
def test_the_change_plan_selection_selects_exactly_the_models_to_rebuild_and_their_tests(tables: list[str]) -> None:
    """The plan gives dbt its changed sources with their descendants (cheap to resolve), not the models' names:
    both must select the same assets and checks, and the step uses it only when it selects the step's own."""
    manifest, _translator, _project = get_manifest_and_translator_from_dbt_assets([warehouse_dbt])
    names = " ".join(manifest["nodes"][uid]["name"] for uid in models_to_rebuild(manifest, tables))
    by_name = build_dbt_asset_selection([warehouse_dbt], dbt_select=names)
    plan = dbt_selection(manifest, tables)
    by_source = build_dbt_asset_selection([warehouse_dbt], dbt_select=plan)
    assets = by_name.resolve([warehouse_dbt])
    checks = by_name.resolve_checks([warehouse_dbt])
    assert assets and assets == by_source.resolve([warehouse_dbt])
    assert checks == by_source.resolve_checks([warehouse_dbt])

    def step(asset_keys: set[AssetKey], check_keys: set) -> SimpleNamespace:
        return SimpleNamespace(
            assets_def=warehouse_dbt, selected_asset_keys=asset_keys, selected_asset_check_keys=check_keys
        )

    assert _plan_selection(step(assets, checks), plan) == plan
    # `erp build` selects the plan's assets and checks by key, resolved once: the same as dbt's selection
    by_key = selection_for(None, plan=plan)
    graph = AssetGraph.from_assets(ASSETS)
    assert by_key.resolve(graph) == assets | {AssetKey("publish"), AssetKey("alert_outbox")}
    assert by_key.resolve_checks(graph) == checks
    assert _plan_selection(step(assets - {sorted(assets)[0]}, checks), plan) is None  # picked by hand: by name
    assert _plan_selection(step(assets, set()), plan) is None
    assert _plan_selection(step(assets, checks), "") is None


def test_a_failing_dbt_test_blocks_publish_and_the_old_publication_stays_readable(
    home: Path, full_run: FullRun
) -> None:
    settings = load_settings()
    before = read.last_publication()
    (old,) = sql_store(home, "select cost_center_id from employee where employee_code = 'E-004'")[0]
    sql_store(home, "update employee set cost_center_id = 9999 where employee_code = 'E-004'")
    try:
        result = materialize(
            ASSETS,
            instance=open_instance(settings),
            resources=warehouse_resources(settings),
            selection=dbt_subset("stg_ops__employee"),
            run_config=run_config(),
            raise_on_error=False,
        )
    finally:
        sql_store(home, "update employee set cost_center_id = ? where employee_code = 'E-004'", (old,))
    assert not result.success
    failed_checks = [c.check_name for c in result.get_asset_check_evaluations() if not c.passed]
    assert any(name.startswith("relationships_stg_ops__employee_cost_center_id") for name in failed_checks)
    assert AssetKey("publish") not in {m.asset_key for m in result.get_asset_materialization_events()}
    assert read.last_publication() == before
    assert pump_cost() == Decimal("1207.57")
    failure = read.last_failure()
    assert (
        failure is not None
        and failure.run_id == result.run_id
        and "relationships_stg_ops__employee" in (failure.message)
    )
    dbt_log = home / "build" / "runs" / result.run_id / "target" / "dbt.log"
    assert "relationships_stg_ops__employee_cost_center_id" in dbt_log.read_text(encoding="utf-8")  # it stays
    assert not (home / "build" / "next" / "warehouse.duckdb").exists()  # the failed build is gone


def test_a_reader_holding_the_file_is_not_broken_and_sees_new_data_next_time(home: Path, full_run: FullRun) -> None:
    settings = load_settings()
    script = (
        "import sys, duckdb\n"
        f"conn = duckdb.connect({str(settings.warehouse_path)!r}, read_only=True)\n"
        "for _ in range(2):\n"
        f"    print(conn.execute({COST_SQL!r}, ['FG-PUMP-100']).fetchone()[0], flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    reader = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdin is not None
    sql_store(home, "update item set standard_cost = 0.45 where item_code = 'RM-BOLT-M8'")
    try:
        assert reader.stdout.readline().strip() == "1207.5700"
        with read.connect() as held:
            result = materialize(
                ASSETS,
                instance=open_instance(settings),
                resources=warehouse_resources(settings, keep=1),
                selection=dbt_subset("stg_ops__item standard_cost_rollup"),
                run_config=run_config(),
                raise_on_error=False,
            )
            assert held.execute(COST_SQL, ["FG-PUMP-100"]).fetchone()[0] == Decimal("1207.57")
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1207.5700"  # the old file, still readable
    finally:
        sql_store(home, "update item set standard_cost = 0.35 where item_code = 'RM-BOLT-M8'")
        reader.communicate("\n", timeout=30)
    assert reader.returncode == 0 and result.success
    assert pump_cost() > Decimal("1207.57")  # a new connection sees the new publication
    publication = read.last_publication()
    assert publication is not None and publication.run_id == result.run_id
    assert publication.selection == "standard_cost_rollup stg_ops__item"
    assert [p.name for p in snapshots(settings)] == [publication.snapshot]  # keep=1 pruned the older one
    assert read.last_failure() is None  # the failure before is older than this publication


# --- the event log with kept-open connections ---------------------------------------------------------------------


def test_the_event_log_keeps_connections_and_writes_what_the_stock_storage_reads(tmp_path: Path) -> None:
    from dagster._core.events.log import EventLogEntry
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from pipelines.storage import KeptConnectionEventLogStorage

    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'erp.sqlite'}")
    (tmp_path / "dagster").mkdir()
    (tmp_path / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with open_instance(settings) as instance:
        kept = instance.event_log_storage
        assert isinstance(kept, KeptConnectionEventLogStorage)
        for n in range(3):
            kept.store_event(
                EventLogEntry(error_info=None, level=20, user_message=f"line {n}", run_id="r1", timestamp=float(n))
            )
        stock = SqliteEventLogStorage(kept._base_dir)  # what the UI and the daemon open
        assert [r.event_log_entry.user_message for r in stock.get_records_for_run("r1").records] == [
            "line 0",
            "line 1",
            "line 2",
        ]
        assert (Path(kept._base_dir) / "r1.db").stat().st_size > 0  # checkpointed: the UI's file watch fires
    assert not kept._engines  # closed with the instance
    # a storage chosen in dagster.yaml (e.g. PostgreSQL) is left as configured
    (tmp_path / "dagster" / "dagster.yaml").write_text(
        "event_log_storage:\n  module: dagster._core.storage.event_log\n  class: SqliteEventLogStorage\n"
        f"  config:\n    base_dir: {tmp_path / 'elsewhere'}\n",
        encoding="utf-8",
    )
    with open_instance(settings) as configured:
        assert type(configured.event_log_storage) is SqliteEventLogStorage


# --- the store-changed sensor -------------------------------------------------------------------------------------


def test_the_sensor_fires_once_per_change_and_never_piles_up_runs(engine: Engine, erp_home: Path) -> None:
    instance = DagsterInstance.ephemeral()
    sensor_resources = {"warehouse": WarehouseResource(erp_home=str(erp_home))}

    def tick(cursor: str | None):  # type: ignore[no-untyped-def]
        context = build_sensor_context(instance=instance, cursor=cursor, resources=sensor_resources)
        return store_changed_sensor.evaluate_tick(context)

    first = tick(None)
    assert len(first.run_requests) == 1 and first.cursor is not None
    assert first.run_requests[0].tags["erp/writes"] == "warehouse"
    again = tick(first.cursor)
    assert not again.run_requests and again.skip_message and "No change" in again.skip_message

    create_user(Session(engine, SYSTEM), "sensor-user", "correct-horse-1", ["admin"])  # audited
    changed = tick(first.cursor)
    assert len(changed.run_requests) == 1 and int(changed.cursor) > int(first.cursor)
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key
    assert not tick(changed.cursor).run_requests

    # a change while a warehouse run is in flight: no second run, and the cursor waits for that run to end
    create_user(Session(engine, SYSTEM), "sensor-user-2", "correct-horse-1", ["admin"])
    instance.add_run(DagsterRun(job_name="warehouse", run_id="inflight", status=DagsterRunStatus.STARTED))
    busy = tick(changed.cursor)
    assert not busy.run_requests and busy.cursor == changed.cursor and "already" in (busy.skip_message or "")
    instance.report_run_failed(instance.get_run_by_id("inflight"))
    assert len(tick(changed.cursor).run_requests) == 1


def test_definitions_hold_jobs_schedules_and_sensor() -> None:
    assert {s.name: s.cron_schedule for s in defs.schedules} == {
        "warehouse_business_hours": "0 8-18 * * 1-5",
        "warehouse_nightly_full": "30 1 * * *",
    }
    assert {s.job_name for s in defs.schedules} == {"warehouse"}
    assert [(s.name, s.job_name) for s in defs.sensors] == [("store_changed", "warehouse")]
    job = defs.resolve_job_def("warehouse")
    assert job.tags["erp/writes"] == "warehouse"
    assert {"publish", "alert_outbox", DBT_OP} <= {n.name for n in job.graph.node_defs}


# --- alert delivery -----------------------------------------------------------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server on 127.0.0.1 that keeps every message it is sent."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[str] = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline().decode():
            command = line.strip().upper()
            if command.startswith("EHLO") or command.startswith("HELO"):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (body := self.rfile.readline().decode()) not in (".\r\n", ""):
                    data.append(body)
                self.server.messages.append("".join(data))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def publish_alerts(settings: Settings, rows: list[tuple[str, str, str]], publication_id: int) -> None:
    """A served warehouse holding one alert mart (as dbt would build it) and its publication row."""
    settings.warehouse_path.unlink(missing_ok=True)
    conn = duckdb.connect(str(settings.warehouse_path))
    try:
        conn.execute("create table test_alerts (alert_key varchar, severity varchar, detail varchar, first_seen date)")
        for key, severity, detail in rows:
            conn.execute("insert into test_alerts values (?, ?, ?, date '2026-06-30')", [key, severity, detail])
        conn.execute("create schema erp_meta")
        conn.execute(f"create table erp_meta.publication ({PUBLICATION_COLUMNS})")
        conn.execute(
            "insert into erp_meta.publication values (?, now()::timestamp, date '2026-06-30', '*', ?, 1.0, 'r', 's')",
            [publication_id, json.dumps({"test_alerts": len(rows)})],
        )
    finally:
        conn.close()


def deliver(settings: Settings, smtp: SmtpResource):  # type: ignore[no-untyped-def]
    return materialize(
        [alert_outbox],
        instance=DagsterInstance.ephemeral(),
        resources=resources(warehouse=WarehouseResource(erp_home=str(settings.home)), smtp=smtp),
        raise_on_error=False,
    )


def outbox_rows(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.alert_outbox).order_by(s.alert_outbox.c.id)).mappings()]


def test_new_and_escalated_alerts_are_queued_and_emailed(engine: Engine, smtp_sink: SmtpSink) -> None:
    settings = load_settings()
    smtp = SmtpResource(host="127.0.0.1", port=smtp_sink.port, recipients="planner@example.com, boss@example.com")
    publish_alerts(settings, [("RM-BOLT|stockout", "high", "Bolts run out on 2 July"), ("FG-1|excess", "low", "x")], 1)
    assert deliver(settings, smtp).success
    rows = outbox_rows(engine)
    assert [(r["alert_key"], r["reason"], r["email_status"]) for r in rows] == [
        ("FG-1|excess", "new", "sent"),
        ("RM-BOLT|stockout", "new", "sent"),
    ]
    assert len(smtp_sink.messages) == 1
    assert "RM-BOLT|stockout" in smtp_sink.messages[0] and "Bolts run out on 2 July" in smtp_sink.messages[0]
    assert "boss@example.com" in smtp_sink.messages[0]

    # unchanged alerts are not queued again; an escalated one is, and only it is mailed
    publish_alerts(settings, [("RM-BOLT|stockout", "high", "Bolts run out"), ("FG-1|excess", "medium", "y")], 2)
    assert deliver(settings, smtp).success
    rows = outbox_rows(engine)
    assert [(r["alert_key"], r["severity"], r["reason"], r["publication_id"]) for r in rows[2:]] == [
        ("FG-1|excess", "medium", "escalated", 2)
    ]
    assert len(smtp_sink.messages) == 2 and "FG-1|excess" in smtp_sink.messages[1]
    assert "RM-BOLT" not in smtp_sink.messages[1]


def test_alerts_wait_in_the_outbox_while_mail_fails_and_go_out_later(engine: Engine, smtp_sink: SmtpSink) -> None:
    settings = load_settings()
    publish_alerts(settings, [("K1", "critical", "Line 2 stopped")], 1)
    closed_port = SmtpSink()
    port = closed_port.port
    closed_port.server_close()  # nothing listens there now
    failed = deliver(settings, SmtpResource(host="127.0.0.1", port=port, recipients="ops@example.com"))
    assert not failed.success
    (row,) = outbox_rows(engine)
    assert row["email_status"] == "failed" and row["email_error"]

    assert deliver(settings, SmtpResource(host="127.0.0.1", port=smtp_sink.port, recipients="ops@example.com")).success
    (row,) = outbox_rows(engine)
    assert row["email_status"] == "sent" and row["emailed_at"] is not None
    assert len(smtp_sink.messages) == 1 and "Line 2 stopped" in smtp_sink.messages[0]


def test_without_smtp_alerts_are_queued_for_the_apps_only(engine: Engine) -> None:
    settings = load_settings()
    publish_alerts(settings, [("K1", "medium", "Late supplier")], 1)
    assert deliver(settings, SmtpResource()).success
    assert [(r["alert_key"], r["email_status"]) for r in outbox_rows(engine)] == [("K1", "skipped")]


def test_an_alert_mart_breaking_the_contract_is_named(engine: Engine) -> None:
    settings = load_settings()
    publish_alerts(settings, [("K1", "urgent", "?")], 1)
    result = deliver(settings, SmtpResource())
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert "test_alerts K1" in description and "urgent" in description


def test_serve_starts_the_dagster_ui_beside_the_app_with_its_home_under_erp_home(tmp_path: Path) -> None:
    from erp.serve import services

    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'home' / 'erp.sqlite'}")
    app, dagster = services(settings, app_port=8600, dagster_port=3300)
    assert app.url == "http://127.0.0.1:8600" and dagster.url == "http://127.0.0.1:3300"
    assert dagster.argv[1:5] == ["-m", "dagster", "dev", "-m"] and "pipelines.definitions" in dagster.argv
    assert dagster.argv[dagster.argv.index("--host") + 1] == "127.0.0.1"
    dagster_home = Path(dagster.env["DAGSTER_HOME"])
    assert dagster_home == settings.home / "dagster" and (dagster_home / "dagster.yaml").exists()
    assert dagster.env["ERP_HOME"] == str(settings.home)


def test_an_everyday_build_waits_for_its_build_file_after_the_parse_and_before_the_models(tmp_path: Path) -> None:
    """The build file is copied while dbt parses the project (which never opens it); the models need it."""
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'erp.sqlite'}")
    order: list[str] = []
    failing = {"parse": False}

    def call(args: list[str], select: str | None = None, manifest: object = None) -> SimpleNamespace:
        order.append(args[0])
        passed = args[0] == "parse" and not failing["parse"]
        manifest = {"nodes": {}, "sources": {}, "child_map": {}}
        return SimpleNamespace(success=passed, result=None, manifest=manifest, error=None)

    def ready() -> None:
        order.append("ready")

    args = ["build", "--vars", "{}"]
    _dbt_runs(call, args, "source:ops.a+", {}, settings, ["a"], AS_OF, ready)
    assert order == ["parse", "ready", "build"]
    order.clear()
    failing["parse"] = True  # no models; the step waits for the copy itself before it discards the build
    _dbt_runs(call, args, "source:ops.a+", {}, settings, ["a"], AS_OF, ready)
    assert order == ["parse"]


def test_checks_not_rerun_say_whether_nothing_changed_or_the_added_rows_passed() -> None:
    """A check settled on the rows its model gained (settled_on_added_rows) says so, with the rows checked."""
    publication = SimpleNamespace(publication_id=7)
    same = AssetCheckKey(AssetKey(["trial_balance"]), "unique_trial_balance_key")
    grown = AssetCheckKey(AssetKey(["fct_stock_moves"]), "unique_fct_stock_moves_stock_move_id")
    results = {r.check_name: r for r in _reused_checks({same, grown}, publication, {grown.name: 60})}  # type: ignore[arg-type]
    assert all(r.passed for r in results.values())
    assert results[same.name].metadata["passed_in_publication"].value == 7
    assert "added_rows_checked" not in results[same.name].metadata
    assert results[grown.name].metadata["added_rows_checked"].value == 60
    assert "60 rows added since publication #7" in (results[grown.name].description or "")
    assert "nothing it checks changed since publication #7" in (results[same.name].description or "")
