"""dbt in the Dagster step's process (pipelines/dbt_inprocess.py): the command it runs, and the garbage collector
settings every in-process dbt run has (erp/warehouse/dbt.py). The runs themselves (asset and check events, a
failing test blocking publish, dbt's log) are covered by tests/test_pipelines.py and tests/test_warehouse.py."""

from __future__ import annotations

import gc
from pathlib import Path

from dagster import build_asset_context

from erp.warehouse.dbt import (
    DBT_GLOBAL_FLAGS,
    FULL_COLLECTION_EVERY,
    YOUNG_COLLECTION_EVERY,
    duckdb_kept_open,
    fewer_full_collections,
    open_duckdb_soon,
)
from pipelines.dbt_inprocess import dbt_command
from pipelines.resources import dbt_resource
from tests.support.one_model import one_model_project, rows, run_dbt_command


def test_the_command_is_the_one_the_cli_resource_would_run_with_paths_for_this_run(tmp_path: Path) -> None:
    resource = dbt_resource()
    target = tmp_path / "runs" / "r1" / "target"
    args = ["build", "--vars", '{"as_of": "2026-06-30"}', "--select", "stg_ops__item+", "--no-write-json"]
    command, env, _params = dbt_command(resource, build_asset_context(), args, target, quiet=True)
    assert command[: len(DBT_GLOBAL_FLAGS) + 1] == [*DBT_GLOBAL_FLAGS, "--quiet"]
    assert command[len(DBT_GLOBAL_FLAGS) + 1 : len(DBT_GLOBAL_FLAGS) + 5] == [
        "build",
        "--vars",
        '{"as_of": "2026-06-30"}',
        "--no-write-json",
    ]
    for flag, value in (
        ("--project-dir", resource.project_dir),
        ("--profiles-dir", resource.profiles_dir),
        ("--target-path", str(target)),
        ("--log-path", str(target)),  # dbt.log stays with the run's artifacts
        ("--select", "stg_ops__item+"),
    ):
        assert command[command.index(flag) + 1] == value
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    loud, _env, _params = dbt_command(resource, build_asset_context(), args, target, quiet=False)
    assert "--quiet" not in loud  # the Dagster UI's runs keep dbt's own log lines in the step's output


def test_a_known_selection_keeps_the_exclusions_given_in_the_arguments(monkeypatch, tmp_path: Path) -> None:
    """An everyday build's tests call names its selection and excludes the settled relationships tests."""
    from dagster_dbt import DagsterDbtTranslator

    import pipelines.dbt_inprocess as module

    monkeypatch.setattr(
        module, "get_manifest_and_translator_from_dbt_assets", lambda _defs: ({}, DagsterDbtTranslator(), None)
    )

    class Step:
        assets_def = None

    args = ["test", "--vars", "{}", "--exclude", "rel_a rel_b"]
    command, _env, _params = module.dbt_command(dbt_resource(), Step(), args, tmp_path, quiet=True, select="m1 m2")
    assert command[command.index("--select") + 1] == "m1 m2"
    assert command.count("--exclude") == 1 and command[command.index("--exclude") + 1] == "rel_a rel_b"


def test_dbt_runs_with_the_heap_frozen_and_rarer_collections_and_all_is_undone() -> None:
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    kept = [object() for _ in range(1000)]
    with fewer_full_collections():
        assert gc.get_freeze_count() >= frozen + len(kept)
        young, middle, full = gc.get_threshold()
        assert young >= YOUNG_COLLECTION_EVERY and middle == thresholds[1] and full >= FULL_COLLECTION_EVERY
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == frozen


def test_holds_nest_and_only_the_outermost_thaws() -> None:
    """A whole build holds collections and dbt's run inside it holds them again: leaving dbt's hold must not thaw
    the heap the build froze."""
    frozen = gc.get_freeze_count()
    with fewer_full_collections():
        with fewer_full_collections():
            pass
        assert gc.get_freeze_count() > frozen
    assert gc.get_freeze_count() == frozen


def test_every_in_process_dbt_run_holds_the_collector(monkeypatch) -> None:
    """`invoke` (the Dagster step's dbt, `erp build`'s, a benchmark's) runs dbt inside the hold: a dbt run without
    it spent about 1 s of the MRP models in full collections over dbt's own objects."""
    import dbt.cli.main

    from erp.warehouse import dbt as warehouse_dbt

    seen = []

    class Runner:
        def __init__(self, manifest=None, callbacks=None) -> None:
            pass

        def invoke(self, args):
            seen.append((gc.get_freeze_count(), gc.get_threshold()))
            return "result"

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    frozen = gc.get_freeze_count()
    kept = [object() for _ in range(1000)]
    assert warehouse_dbt.invoke(["run"], {}, lambda _event: None) == "result"
    ((during, thresholds),) = seen
    assert during >= frozen + len(kept) and thresholds[2] >= FULL_COLLECTION_EVERY
    assert gc.get_freeze_count() == frozen


def test_the_build_file_closes_on_a_thread_of_its_own_and_leaving_the_block_waits_for_it(monkeypatch) -> None:
    """A build starts closing dbt's database when dbt is done and stores Dagster's events meanwhile."""
    import threading
    import time

    from erp.warehouse import dbt as dbt_module

    closed: list[str] = []

    def slow_close() -> None:
        time.sleep(0.2)
        closed.append(threading.current_thread().name)

    monkeypatch.setattr(dbt_module, "release_duckdb", slow_close)
    with dbt_module.duckdb_kept_open() as close_soon:
        with dbt_module.duckdb_kept_open() as inner_close_soon:
            inner_close_soon()  # an inner block's caller still needs the database: nothing happens
        assert closed == []
        close_soon()
        close_soon()  # once only
        assert closed == []  # not waited for here
    assert closed == ["close-build-file"]  # done, on its own thread, when the block is left

    def failing_close() -> None:
        raise RuntimeError("checkpoint failed")

    monkeypatch.setattr(dbt_module, "release_duckdb", failing_close)
    try:
        with dbt_module.duckdb_kept_open() as close_soon:
            close_soon()
    except RuntimeError as exc:
        assert str(exc) == "checkpoint failed"  # raised where the block is left
    else:
        raise AssertionError("the close's failure was lost")


def test_the_database_opened_after_a_parse_is_the_one_the_next_invocation_uses(tmp_path: Path) -> None:
    """`open_duckdb_soon` opens dbt-duckdb's database with the credentials of the parse before; dbt's next
    invocation finds them equal and keeps that database instead of opening its own (it replaces one with other
    credentials)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    path = one_model_project(tmp_path)
    (tmp_path / "models" / "inc.sql").write_text("select 1 as id", encoding="utf-8")
    with duckdb_kept_open():
        assert run_dbt_command(tmp_path, "parse").success
        open_duckdb_soon()()
        opened = DuckDBConnectionManager._ENV
        assert opened is not None and opened.conn is not None
        assert run_dbt_command(tmp_path, "run").success
        assert DuckDBConnectionManager._ENV is opened and opened.conn is not None
    assert DuckDBConnectionManager._ENV is None  # closed on leaving the block
    assert rows(path) == [(1,)]


def test_nothing_is_opened_outside_a_kept_open_block(tmp_path: Path) -> None:
    """Outside one, dbt's database is closed after each invocation: one opened early would keep the file locked."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    one_model_project(tmp_path)
    (tmp_path / "models" / "inc.sql").write_text("select 1 as id", encoding="utf-8")
    assert run_dbt_command(tmp_path, "parse").success
    open_duckdb_soon()()
    assert DuckDBConnectionManager._ENV is None
