"""The warehouse: `erp build` on the sample company, atomic publishing, readers during a publish, mart export.

dbt is slow to start, so one store and one full build serve the whole module; later tests build selections.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterEventType
from sqlalchemy import select

from erp import schema as s
from erp.cli import main
from erp.config import PROJECT_ROOT, Settings, load_settings
from erp.db import make_engine
from erp.errors import ServiceError
from erp.io.tables import read_table
from erp.services import inventory
from erp.services.base import SYSTEM, Session
from erp.warehouse import read
from erp.warehouse.dbt import dbt_environment
from erp.warehouse.publish import BuildFailed, build
from pipelines.instance import open_instance
from tests.support.built_sample import built_sample_home

SAMPLE_DIR = PROJECT_ROOT / "seeds" / "sample"
AS_OF = dt.date(2026, 6, 30)
CONTRACT = ["item_code", "material_cost", "labour_cost", "overhead_cost", "total_cost"]
COST_SQL = f"select {', '.join(CONTRACT)} from standard_cost_rollup where item_code = ?"


def hand_costs(bolt: Decimal = Decimal("0.35")) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """(material, labour, overhead) per unit, worked out from seeds/sample/{items,bom,routings,work_centers}.csv.

    Material: qty_per * (1 + scrap_pct/100) * the buy item's standard_cost. Labour / overhead: hours_per_unit
    * the work centre's rate, plus the components' conversion cost times their quantity. Setup is ignored.
    """
    d = Decimal
    motor_material = d(1) * d("1.01") * 180 + d(1) * d("1.01") * 150 + 2 * d("12.5") + 4 * d("1.05") * bolt
    motor_labour, motor_overhead = d("0.8") * 70, d("0.8") * 45  # WC-MOTOR: 70 / 45 per hour
    housing_material = d("1.03") * 220 + 18 + d("2.5") * d("1.08") * d("6.8")
    housing_labour = d("1.2") * 80 + d("0.3") * 65  # WC-MACH then WC-ASSY
    housing_overhead = d("1.2") * 90 + d("0.3") * 40
    pump_material = motor_material + housing_material + d("1.02") * 95 + 8 * d("1.05") * bolt
    pump_labour = motor_labour + housing_labour + d("1.5") * 65  # WC-ASSY
    pump_overhead = motor_overhead + housing_overhead + d("1.5") * 40
    return {
        "SA-MOTOR-1": (motor_material, motor_labour, motor_overhead),
        "FG-PUMP-100": (pump_material, pump_labour, pump_overhead),
    }


def published_cost(item_code: str) -> tuple[Decimal, ...]:
    with read.connect() as conn:
        row = conn.execute(COST_SQL, [item_code]).fetchone()
    assert row is not None, item_code
    return tuple(row[1:])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One ERP_HOME for the module: a copy of the session's sample company, built and published once
    (tests/support/built_sample.py: the same warehouse job `erp build` runs)."""
    home = tmp_path_factory.mktemp("warehouse") / "home"
    built_sample_home(tmp_path_factory, home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        yield home


@pytest.fixture(scope="module")
def built(home: Path) -> read.Publication:
    """The first full build, published."""
    publication = read.last_publication()
    assert publication is not None
    return publication


def sql_store(home: Path, statement: str, params: tuple = ()) -> list[tuple]:
    """Change the operational store behind the service layer's back (foreign keys off), as a bad import might."""
    with sqlite3.connect(home / "erp.sqlite") as conn:
        rows = conn.execute(statement, params).fetchall()
    conn.close()
    return rows


def test_standard_costs_match_the_hand_rollup(built: read.Publication) -> None:
    for item_code, (material, labour, overhead) in hand_costs().items():
        assert published_cost(item_code) == (material, labour, overhead, material + labour + overhead), item_code
    assert published_cost("FG-PUMP-100")[3] == Decimal("1207.57")
    assert published_cost("RM-STEEL") == (Decimal("6.8"), 0, 0, Decimal("6.8"))  # a buy item is its standard cost


def test_publication_records_as_of_and_row_counts(built: read.Publication) -> None:
    assert built.as_of == AS_OF and built.selection == "*"
    assert built.row_counts["standard_cost_rollup"] == 12 and built.row_counts["dim_items"] == 12
    assert {"dim_customers", "dim_suppliers", "dim_accounts", "dim_cost_centers", "dim_employees"} <= set(
        built.row_counts
    )
    dates = read.query(
        "select iso_week, iso_day_of_week, week_start_date, fiscal_period_code, is_as_of_date from dim_dates "
        "where date_day = ?",
        [AS_OF],
    )
    assert dates.to_dict("records") == [
        {
            "iso_week": 27,
            "iso_day_of_week": 2,
            "week_start_date": pd.Timestamp("2026-06-29"),
            "fiscal_period_code": "2026-06",
            "is_as_of_date": True,
        }
    ]
    employed = read.query(
        "select employee_code, is_employed_as_of, as_of_date from dim_employees where employee_code = 'E-001'"
    )
    assert employed.to_dict("records") == [
        {"employee_code": "E-001", "is_employed_as_of": True, "as_of_date": pd.Timestamp(AS_OF)}
    ]
    assert not (load_settings().build_dir / "next" / "warehouse.duckdb").exists()


def test_an_everyday_build_rebuilds_only_what_depends_on_changed_tables(home: Path, built: read.Publication) -> None:
    """A build without --select compares the store with the published fingerprints. It runs before any --select
    build of the module: after one, the next everyday build is a full one."""
    lines: list[str] = []
    sql_store(home, "update work_center set labour_rate = 75 where code = 'WC-ASSY'")
    try:
        changed = build(as_of=AS_OF, out=lines.append).publication
    finally:
        sql_store(home, "update work_center set labour_rate = 65 where code = 'WC-ASSY'")
    assert changed.selection == "changed: work_center"
    assert published_cost("FG-PUMP-100")[3] > Decimal("1207.57")  # standard_cost_rollup reads work centres
    assert "dim_customers" in changed.row_counts  # carried over: nothing it reads changed
    assert any(line.startswith("Building what depends on the changed tables (work_center): 4 models") for line in lines)
    restored = build(as_of=AS_OF, out=lines.append).publication
    assert restored.selection == "changed: work_center" and restored.publication_id == changed.publication_id + 1
    assert published_cost("FG-PUMP-100")[3] == Decimal("1207.57")
    lines.clear()
    assert build(as_of=AS_OF, out=lines.append).publication == restored  # nothing changed: nothing built
    assert lines and lines[0].startswith("Nothing to build")
    # found without Dagster, dagster-dbt or dbt (importing them takes seconds)
    probe = (
        "import sys, datetime as dt; from erp.warehouse.publish import build; "
        f"print(build(as_of=dt.date.fromisoformat('{AS_OF.isoformat()}')).publication.publication_id, "
        "sorted(m for m in ('dagster', 'dagster_dbt', 'dbt', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert done.stdout.splitlines()[-1] == f"{restored.publication_id} []", done.stdout + done.stderr


# What a build records about itself (the plan's random token and timings), not about the data.
RUN_COLUMNS = {"plan_token", "load_seconds", "engine_seconds"}


def published_contents(path: Path) -> dict[str, tuple]:
    """Row count and order-free hash of every table and view of a published warehouse (doubles rounded to 9
    places: a parallel sum may add in another order), leaving out the publication history in erp_meta."""
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column, kind in conn.execute(
            "select table_name, column_name, data_type from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'main' and not internal order by table_name, column_index"
        ).fetchall():
            if column not in RUN_COLUMNS:
                expression = f'round("{column}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{column}"'
                columns.setdefault(table, []).append(expression)
        return {
            table: conn.execute(f'select count(*), sum(hash({", ".join(expressions)})) from main."{table}"').fetchone()
            for table, expressions in columns.items()
        }
    finally:
        conn.close()


def test_an_everyday_build_publishes_what_a_full_build_of_the_same_store_does(
    home: Path, built: read.Publication, tmp_path: Path
) -> None:
    """New stock receipts (stock moves, journal entries, balances, numbering and the audit log change): the
    change-driven build and a full build from the same publication publish the same marts. Before any --select
    build of the module (after one, the next everyday build is a full one)."""
    engine = make_engine()
    with engine.connect() as conn:
        items = conn.execute(select(s.item.c.item_code).where(s.item.c.item_type == "buy")).scalars().all()
        location = conn.execute(select(s.location.c.code).order_by(s.location.c.id)).scalars().first()
    lines = [{"item": code, "quantity": "7"} for code in items[:2]]
    receipt = {"move_date": AS_OF.isoformat(), "location": location, "reference": "EQ-1", "lines": lines}
    inventory.receive_stock(Session(engine, SYSTEM), receipt)
    engine.dispose()
    twin = tmp_path / "twin"
    shutil.copytree(home, twin, symlinks=True)
    twin_settings = Settings(home=twin, database_url=f"sqlite:///{twin / 'erp.sqlite'}")

    said: list[str] = []
    everyday = build(as_of=AS_OF, out=said.append).publication
    full = build(twin_settings, as_of=AS_OF, out=lambda _line: None, full_refresh=True).publication
    # the income statement and the production costs come out identical: their tests were not rerun
    assert any(
        line.strip().endswith("tests not rerun: nothing they check changed since the publication, which passed them")
        for line in said
    )
    # the stock moves and journal lines only gained rows: their row tests were checked on the new rows alone
    assert any(
        line.strip().endswith("tests checked on the rows added since the publication only, which passed them")
        for line in said
    )

    # the production costs read nothing that changed: dbt left them as published (erp.warehouse.reuse)
    kept = {line.split()[2] for line in said if line.split()[:2] == ["KEPT", "model"]}
    assert {"production_order_costs", "production_variances"} <= kept, said
    assert any(
        line.strip() == f"{len(kept)} models not rerun: every input came out identical to the publication's"
        for line in said
    )

    # Dagster holds one passing evaluation of every check the run planned, whether dbt ran the test or not, and a
    # materialization of every model, those dbt left as they were with dbt's status no-op
    with open_instance(load_settings()) as instance:
        found = instance.get_records_for_run(everyday.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        planned = instance.get_records_for_run(everyday.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED)
        materialized = instance.get_records_for_run(
            everyday.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION, limit=1000
        )
    statuses = {
        m.asset_key.to_user_string(): m.metadata["status"].value
        for m in (r.event_log_entry.asset_materialization for r in materialized.records)
        if m is not None and "status" in m.metadata
    }
    assert {name for name, status in statuses.items() if status == "no-op"} == kept
    assert statuses["fct_stock_moves"] == "success"
    evaluations = [r.event_log_entry.get_dagster_event().asset_check_evaluation_data for r in found.records]
    planned_keys = [r.event_log_entry.get_dagster_event().asset_check_planned_data for r in planned.records]
    assert len(evaluations) == len(planned_keys) > 50 and all(e.passed for e in evaluations)
    assert {(e.asset_key, e.check_name) for e in evaluations} == {(p.asset_key, p.check_name) for p in planned_keys}

    assert everyday.selection.startswith("changed: ") and "stock_move" in everyday.selection
    assert full.selection == "*" and everyday.row_counts == full.row_counts
    rebuilt, from_scratch = (
        published_contents(load_settings().warehouse_path),
        published_contents(twin_settings.warehouse_path),
    )
    assert rebuilt.keys() == from_scratch.keys()
    assert {"fct_stock_moves", "stock_on_hand", "trial_balance", "mrp_planned_orders"} <= set(rebuilt)
    assert [name for name in rebuilt if rebuilt[name] != from_scratch[name]] == []


def test_an_everyday_build_reruns_the_tests_of_what_changed_and_a_failure_still_blocks_publish(
    home: Path, built: read.Publication
) -> None:
    """Models first, then the tests over what came out different: a broken reference in a changed table fails its
    test, and nothing is published. Before any --select build of the module."""
    before = read.last_publication()
    (old_cost_center,) = sql_store(home, "select cost_center_id from employee where employee_code = 'E-004'")[0]
    sql_store(home, "update employee set cost_center_id = 9999 where employee_code = 'E-004'")
    try:
        with pytest.raises(BuildFailed) as failed:
            build(as_of=AS_OF, out=lambda _line: None)
    finally:
        sql_store(home, "update employee set cost_center_id = ? where employee_code = 'E-004'", (old_cost_center,))
    assert "relationships_stg_ops__employee_cost_center_id" in str(failed.value)
    assert read.last_publication() == before
    assert not (home / "build" / "next" / "warehouse.duckdb").exists()

    # a stock move added with a location that does not exist: the stock moves only gained a row, and that row
    # fails the location's relationships test, so dbt runs it (it is not settled on the added rows) and it fails
    copied = "number, move_date, move_type, item_id, quantity, unit_cost, value, journal_entry_id, created_at"
    sql_store(
        home,
        f"insert into stock_move (id, location_id, {copied}) select id + 1000000, 9999, {copied}"
        " from stock_move order by id desc limit 1",
    )
    try:
        with pytest.raises(BuildFailed) as failed:
            build(as_of=AS_OF, out=lambda _line: None)
    finally:
        sql_store(home, "delete from stock_move where location_id = 9999")
    assert "relationships_stg_ops__stock_move_location_id" in str(failed.value)
    assert read.last_publication() == before


def test_a_failing_test_blocks_publish_and_keeps_the_old_warehouse(
    home: Path, built: read.Publication, capsys: pytest.CaptureFixture[str]
) -> None:
    before = read.last_publication()
    (old_cost_center,) = sql_store(home, "select cost_center_id from employee where employee_code = 'E-004'")[0]
    sql_store(home, "update employee set cost_center_id = 9999 where employee_code = 'E-004'")
    try:
        assert main(["build", "--as-of", AS_OF.isoformat(), "--select", "stg_ops__employee"]) == 1
    finally:
        sql_store(home, "update employee set cost_center_id = ? where employee_code = 'E-004'", (old_cost_center,))
    err = capsys.readouterr().err
    assert "relationships_stg_ops__employee_cost_center_id" in err and "not changed" in err
    assert read.last_publication() == before
    assert published_cost("FG-PUMP-100")[3] == Decimal("1207.57")
    assert not (home / "build" / "next" / "warehouse.duckdb").exists()


def test_readers_during_a_publish_keep_old_data_and_new_readers_see_new(home: Path, built: read.Publication) -> None:
    path = load_settings().warehouse_path
    before = read.last_publication()
    assert before is not None
    # A reader in another process holding the published file open read-only, the way a dashboard would.
    script = (
        "import sys, duckdb\n"
        f"conn = duckdb.connect({str(path)!r}, read_only=True)\n"
        f"query = {COST_SQL!r}\n"
        "for _ in range(2):\n"
        "    print(conn.execute(query, ['FG-PUMP-100']).fetchone()[4], flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert other.stdout is not None and other.stdin is not None
    sql_store(home, "update item set standard_cost = 0.45 where item_code = 'RM-BOLT-M8'")
    try:
        assert other.stdout.readline().strip() == "1207.5700"
        with read.connect() as old:
            result = build(as_of=AS_OF, select=["stg_ops__item", "standard_cost_rollup"], out=lambda _line: None)
            assert old.execute(COST_SQL, ["FG-PUMP-100"]).fetchone()[4] == Decimal("1207.57")
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "1207.5700"  # still its old file
    finally:
        sql_store(home, "update item set standard_cost = 0.35 where item_code = 'RM-BOLT-M8'")
        other.communicate("\n", timeout=30)
    assert other.returncode == 0
    assert result.publication.publication_id == before.publication_id + 1
    assert result.publication.selection == "stg_ops__item standard_cost_rollup"
    material, labour, overhead = hand_costs(bolt=Decimal("0.45"))["FG-PUMP-100"]
    assert published_cost("FG-PUMP-100") == (material, labour, overhead, material + labour + overhead)
    assert read.last_publication() == result.publication
    # models outside the selection were carried over from the previous publication
    assert result.publication.row_counts["dim_customers"] == 3


def test_export_a_mart_to_csv_and_excel(built: read.Publication, tmp_path: Path) -> None:
    out = tmp_path / "cost.csv"
    assert main(["export", "standard_cost_rollup", "--out", str(out), "--encoding", "gb18030"]) == 0
    with out.open(encoding="gb18030", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:1] == ["item_code"] and set(CONTRACT) <= set(rows[0])
    assert len(rows) == 12
    pump = next(r for r in rows if r["item_code"] == "FG-PUMP-100")
    assert Decimal(pump["total_cost"]) == published_cost("FG-PUMP-100")[3]

    xlsx = tmp_path / "cost.xlsx"
    assert main(["export", "standard_cost_rollup", "--out", str(xlsx)]) == 0
    table = read_table(xlsx)
    assert set(CONTRACT) <= set(table.header) and len(table.rows) == 12


def test_export_of_an_unknown_name_lists_entities_and_marts(
    built: read.Publication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "no_such_mart", "--out", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "no_such_mart" in err and "standard_cost_rollup" in err and "items" in err


def test_reading_before_any_publish_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERP_HOME", str(tmp_path / "empty"))
    assert read.last_publication() is None
    with pytest.raises(read.NotPublished, match="erp build"):
        read.query("select 1")


def test_a_server_store_is_refused_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERP_HOME", str(tmp_path))
    monkeypatch.setenv("ERP_DATABASE_URL", "postgresql://erp@localhost/erp")
    settings = load_settings()
    with pytest.raises(ServiceError, match="postgres"):
        dbt_environment(settings, settings.build_dir / "x.duckdb")


def test_the_served_publication_is_read_once_per_published_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish replaces the served file (a rename), so the same file holds the same publication: the apps ask
    on every page, and a build asks three times. A new file is read again."""
    import duckdb

    from erp.warehouse.publish import PUBLICATION_COLUMNS

    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'erp.sqlite'}")

    def publish_file(publication_id: int, run_id: str) -> None:
        staged = tmp_path / "staged.duckdb"
        conn = duckdb.connect(str(staged))
        conn.execute("create schema erp_meta")
        conn.execute(f"create table {read.PUBLICATION_TABLE} ({PUBLICATION_COLUMNS})")
        conn.execute(
            f"insert into {read.PUBLICATION_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [publication_id, dt.datetime(2026, 6, 30, 8), AS_OF, "*", '{"m": 1}', 1.5, run_id, None],
        )
        conn.close()
        staged.replace(settings.warehouse_path)

    opened: list[int] = []
    real_connect = read.connect

    def counting_connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(1)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(read, "connect", counting_connect)
    assert read.last_publication(settings) is None and opened == []  # nothing served: nothing opened
    publish_file(1, "run-a")
    first = read.last_publication(settings)
    assert first is not None and first.publication_id == 1
    assert read.last_publication(settings) == first and read.publication_for_run(settings, "run-a") == first
    assert len(opened) == 1
    publish_file(2, "run-b")
    second = read.last_publication(settings)
    assert second is not None and second.publication_id == 2 and second.run_id == "run-b"
    assert len(opened) == 2
    settings.warehouse_path.unlink()
    assert read.last_publication(settings) is None
