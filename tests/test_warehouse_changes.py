"""Change-driven builds (erp/warehouse/changes.py): which store tables changed since the published build, and
which dbt nodes depend on them. No dbt runs here: a small SQLite store and hand-made manifests."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from erp.config import Settings
from erp.warehouse import changes, settled
from erp.warehouse.publish import PlannedState, build_path

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = tmp_path / "erp.sqlite"
    with sqlite3.connect(store) as conn:
        conn.execute("create table item (id integer primary key, code text, cost numeric)")
        conn.execute("create table stock_move (id integer primary key, item_id integer, quantity numeric)")
        conn.executemany("insert into item values (?, ?, ?)", [(1, "A", 1.5), (2, "B", 2.5)])
        conn.execute("insert into stock_move values (1, 1, 10)")
    conn.close()
    return Settings(home=tmp_path, database_url=f"sqlite:///{store}")


def store(settings: Settings, statement: str) -> None:
    assert settings.sqlite_path is not None
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute(statement)
    conn.close()


def publish_state(settings: Settings, as_of: dt.date = AS_OF, refreshed: list[str] | None = None) -> None:
    """Record the build state in the 'published' file, as a build does in its build file (publish.PlannedState)."""
    changes.record_state(settings.warehouse_path, settings, as_of, refreshed)


def test_inserts_updates_and_deletes_all_show_as_changes(settings: Settings) -> None:
    assert changes.changed_tables(settings, AS_OF) is None  # nothing published: build everything
    publish_state(settings)
    assert changes.changed_tables(settings, AS_OF) == []
    store(settings, "insert into stock_move values (2, 2, -3)")
    assert changes.changed_tables(settings, AS_OF) == ["stock_move"]
    store(settings, "update item set cost = 1.75 where id = 1")
    store(settings, "delete from stock_move where id = 2")  # back to what was published
    assert changes.changed_tables(settings, AS_OF) == ["item"]
    store(settings, "update item set cost = 1.5 where id = 1")
    assert changes.changed_tables(settings, AS_OF) == []


def test_another_as_of_date_or_edited_project_means_a_full_build(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_state(settings)
    assert changes.changed_tables(settings, AS_OF + dt.timedelta(days=1)) is None
    monkeypatch.setattr(changes, "project_hash", lambda *_: "edited")
    assert changes.changed_tables(settings, AS_OF) is None


def test_the_project_hash_follows_the_code_not_the_caches_written_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytecode and numba's compiled kernels land in __pycache__ as builds run: hashed, the build that compiled a
    kernel would make the next everyday build a full one."""
    project, planning = tmp_path / "dbt_project", tmp_path / "erp" / "planning"
    (project / "models").mkdir(parents=True)
    planning.mkdir(parents=True)
    (project / "models" / "m.sql").write_text("select 1 as x", encoding="utf-8")
    (planning / "kernels.py").write_text("def plan(): ...", encoding="utf-8")
    monkeypatch.setattr(changes, "planning_package_dir", lambda: planning)
    before = changes.project_hash(project)
    for cache in (planning / "__pycache__", project / "models" / "__pycache__"):
        cache.mkdir()
        (cache / "kernels.plan-12.py311.nbi").write_bytes(b"index")
        (cache / "kernels.plan-12.py311.1.nbc").write_bytes(b"machine code")
        (cache / "kernels.cpython-311.pyc").write_bytes(b"bytecode")
    assert changes.project_hash(project) == before
    (planning / "kernels.py").write_text("def plan(): return 1", encoding="utf-8")
    assert changes.project_hash(project) != before
    (planning / "kernels.py").write_text("def plan(): ...", encoding="utf-8")
    (project / "models" / "m.sql").write_text("select 2 as x", encoding="utf-8")
    assert changes.project_hash(project) != before


def test_a_change_driven_build_refreshes_its_tables_and_a_hand_picked_one_forgets_all(settings: Settings) -> None:
    publish_state(settings)
    store(settings, "insert into stock_move values (2, 2, -3)")
    store(settings, "update item set cost = 9 where id = 2")
    publish_state(settings, refreshed=["item"])  # a run that rebuilt what reads item
    assert changes.changed_tables(settings, AS_OF) == ["stock_move"]
    publish_state(settings, as_of=AS_OF + dt.timedelta(days=1), refreshed=["stock_move"])  # for another date
    assert changes.changed_tables(settings, AS_OF) is None
    publish_state(settings)
    # erp build --select: the selected models read the store as it is now, the others an earlier state
    changes.record_state(settings.warehouse_path, settings, AS_OF, [], hand_picked=True)
    assert changes.changed_tables(settings, AS_OF) is None


def test_the_fingerprints_a_run_was_planned_with_are_recorded_and_only_the_tables_dbt_reads(settings: Settings) -> None:
    publish_state(settings)
    store(settings, "insert into stock_move values (2, 2, -3)")
    found = changes.store_changes(settings, AS_OF, only={"stock_move"})
    assert (
        found.tables == ["stock_move"] and found.fingerprints is not None and set(found.fingerprints) == {"stock_move"}
    )
    store(settings, "update item set cost = 9 where id = 2")  # not among the tables asked for: not compared
    assert changes.store_changes(settings, AS_OF, only={"stock_move"}).tables == ["stock_move"]
    # the build records the fingerprints it was planned with (no second scan): a change made after planning,
    # which dbt may or may not have read, shows as a change next time
    store(settings, "insert into stock_move values (3, 1, 4)")
    changes.record_state(settings.warehouse_path, settings, AS_OF, ["stock_move"], fingerprints=found.fingerprints)
    assert changes.changed_tables(settings, AS_OF) == ["item", "stock_move"]


def test_a_build_takes_its_state_before_dbt_runs_and_writes_it_after(settings: Settings) -> None:
    publish_state(settings)
    build = build_path(settings)
    build.parent.mkdir(parents=True)
    shutil.copyfile(settings.warehouse_path, build)  # an everyday build starts from a copy of the publication
    state = PlannedState.take(settings, AS_OF, ["stock_move"])  # before dbt reads the store
    store(settings, "insert into stock_move values (2, 2, -3)")  # made while dbt runs: shows next time
    state.record(settings)  # after dbt (no dbt connection open here: the file's own)
    shutil.copyfile(build, settings.warehouse_path)  # published
    assert changes.changed_tables(settings, AS_OF) == ["stock_move"]
    # a --select build takes no fingerprints: it records an empty state, and the next everyday build is a full one
    assert PlannedState.take(settings, AS_OF, [], hand_picked=True).fingerprints is None


def manifest() -> dict:
    """sources a, b; m1 <- a; m2 <- m1; m3 <- b; previous (reads the last publication) and m1 -> m4."""

    def model(name: str, **config: str) -> dict:
        return {"resource_type": "model", "name": name, "config": config}

    return {
        "sources": {
            "source.erp.ops.a": {"identifier": "a", "source_name": "ops", "name": "a"},
            "source.erp.ops.b": {"identifier": "b", "source_name": "ops", "name": "b"},
        },
        "nodes": {
            "model.erp.m1": model("m1"),
            "model.erp.m2": model("m2"),
            "model.erp.m3": model("m3"),
            "model.erp.m4": model("m4"),
            "model.erp.previous": model("previous", published_warehouse="/x"),
            "test.erp.not_null_m1": {"resource_type": "test", "name": "not_null_m1", "config": {}},
        },
        "child_map": {
            "source.erp.ops.a": ["model.erp.m1"],
            "source.erp.ops.b": ["model.erp.m3"],
            "model.erp.m1": ["model.erp.m2", "model.erp.m4", "test.erp.not_null_m1"],
            "model.erp.previous": ["model.erp.m4"],
            "model.erp.m2": [],
            "model.erp.m3": [],
            "model.erp.m4": [],
        },
    }


def test_models_downstream_of_changed_tables_and_the_previous_publication_readers_they_need() -> None:
    m = manifest()
    assert changes.models_to_rebuild(m, ["a"]) == ["model.erp.m1", "model.erp.m2", "model.erp.m4", "model.erp.previous"]
    assert changes.models_to_rebuild(m, ["b"]) == ["model.erp.m3"]
    assert changes.models_to_rebuild(m, ["not_a_source"]) == []
    assert changes.dbt_selection(m, ["b", "a"]) == "source:ops.a+ source:ops.b+ previous+"
    assert changes.dbt_selection(m, ["not_a_source"]) == ""


def layered_manifest() -> dict:
    """source a -> t1 (table) -> v1 (view) -> t2 (table); source b -> inc (incremental); tests on each."""

    def node(name: str, materialized: str, *parents: str) -> dict:
        return {
            "resource_type": "model",
            "name": name,
            "alias": name,
            "schema": "main",
            "config": {"materialized": materialized},
            "depends_on": {"nodes": list(parents)},
        }

    def test(name: str, *parents: str) -> dict:
        return {"resource_type": "test", "name": name, "config": {}, "depends_on": {"nodes": list(parents)}}

    return {
        "sources": {
            "source.erp.ops.a": {"identifier": "a", "source_name": "ops", "name": "a"},
            "source.erp.ops.b": {"identifier": "b", "source_name": "ops", "name": "b"},
        },
        "nodes": {
            "model.erp.t1": node("t1", "table", "source.erp.ops.a"),
            "model.erp.v1": node("v1", "view", "model.erp.t1"),
            "model.erp.t2": node("t2", "table", "model.erp.v1"),
            "model.erp.inc": node("inc", "incremental", "source.erp.ops.b"),
            "test.erp.t1_ok": test("t1_ok", "model.erp.t1"),
            "test.erp.v1_ok": test("v1_ok", "model.erp.v1"),
            "test.erp.t2_refs_inc": test("t2_refs_inc", "model.erp.t2", "model.erp.inc"),
            "test.erp.inc_ok": test("inc_ok", "model.erp.inc"),
            "test.erp.on_b": test("on_b", "source.erp.ops.b"),
        },
        "child_map": {},
    }


def warehouse_file(path: Path, t1: list[int], t2: list[int], inc: list[int]) -> Path:
    conn = duckdb.connect(str(path))
    for name, values in (("t1", t1), ("t2", t2), ("inc", inc)):
        conn.execute(f"create table {name} (n integer)")
        conn.executemany(f"insert into {name} values (?)", [[v] for v in values])
    conn.execute("create view v1 as select n from t1")
    conn.close()
    return path


def test_rebuilt_models_are_compared_with_the_publication_row_for_row_and_views_follow_their_inputs(
    tmp_path: Path,
) -> None:
    m = layered_manifest()
    published = warehouse_file(tmp_path / "published.duckdb", [1, 2], [1, 2], [5])
    rebuilt = ["model.erp.t1", "model.erp.v1", "model.erp.t2", "model.erp.inc"]
    same = warehouse_file(tmp_path / "same.duckdb", [2, 1], [2, 1], [5])  # the same rows, in another order
    assert changes.changed_models(same, published, m, rebuilt, ["a", "b"]) == set()
    t1_changed = warehouse_file(tmp_path / "t1.duckdb", [1, 3], [1, 2], [5])
    # the view reads the changed table; the table behind the view came out the same
    assert changes.changed_models(t1_changed, published, m, rebuilt, ["a"]) == {"model.erp.t1", "model.erp.v1"}
    more = warehouse_file(tmp_path / "more.duckdb", [1, 2], [1, 2], [5, 6])  # an incremental model's new row
    assert changes.changed_models(more, published, m, ["model.erp.inc"], ["b"]) == {"model.erp.inc"}
    # not comparable (the publication has no such table): changed
    assert changes.changed_models(published, tmp_path / "empty.duckdb", m, ["model.erp.t2"], []) == {"model.erp.t2"}


def test_rebuilt_models_are_compared_through_an_open_connection_which_is_left_as_it_was(tmp_path: Path) -> None:
    """A change-driven build compares through dbt's open database (erp.warehouse.dbt.duckdb_kept_open)."""
    m = layered_manifest()
    published = warehouse_file(tmp_path / "published.duckdb", [1, 2], [1, 2], [5])
    rebuilt = ["model.erp.t1", "model.erp.v1", "model.erp.t2", "model.erp.inc"]
    conn = duckdb.connect(str(warehouse_file(tmp_path / "t1.duckdb", [1, 3], [1, 2], [5])))
    try:
        for _ in range(2):  # the publication is detached again: a second comparison attaches it afresh
            assert changes.changed_models(conn, published, m, rebuilt, ["a"]) == {"model.erp.t1", "model.erp.v1"}
            catalogs = conn.execute("select database_name from duckdb_databases() where not internal").fetchall()
            assert catalogs == [("t1",)]
        conn.execute("create table t3 as select 1 as n")  # still open, and writable
    finally:
        conn.close()


def test_the_tests_rerun_are_those_with_a_changed_input_and_dbt_selects_them_by_their_inputs() -> None:
    m = layered_manifest()
    assert changes.tests_over(m, ["model.erp.t1"]) == ["test.erp.t1_ok"]
    assert changes.tests_over(m, ["model.erp.inc", "source.erp.ops.b"]) == [
        "test.erp.inc_ok",
        "test.erp.on_b",
        "test.erp.t2_refs_inc",
    ]
    assert changes.tests_over(m, []) == []
    assert changes.source_ids(m, ["b", "not_a_source"]) == ["source.erp.ops.b"]
    assert changes.selection_of(m, ["source.erp.ops.b", "model.erp.t2", "model.erp.inc"]) == "inc source:ops.b t2"


def test_a_relationships_test_of_an_identical_model_is_settled_while_the_model_it_refers_to_only_gains_keys(
    tmp_path: Path,
) -> None:
    """t2.n refers to inc.n. t2 identical and inc only gained rows: no value of t2 can lose its parent, so the
    test is not rerun; a removed key, a changed t2, a filter or a custom threshold on the test all mean: rerun."""
    m = layered_manifest()
    plain = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"}
    refs = m["nodes"]["test.erp.t2_refs_inc"]
    refs.update(
        attached_node="model.erp.t2",
        config=dict(plain),
        test_metadata={"name": "relationships", "namespace": None, "kwargs": {"column_name": "n", "field": "n"}},
    )
    filtered = m["nodes"]["test.erp.t2_refs_inc_filtered"] = {**refs, "config": {**plain, "where": "n > 1"}}
    filtered["name"] = "t2_refs_inc_filtered"
    tests = ["test.erp.t2_refs_inc", "test.erp.t2_refs_inc_filtered", "test.erp.inc_ok"]
    published = warehouse_file(tmp_path / "published.duckdb", [1, 2], [1, 5], [5, 1])
    gained = warehouse_file(tmp_path / "gained.duckdb", [1, 2], [1, 5], [5, 1, 6])
    assert settled.settled_relationships(gained, published, m, tests, ["model.erp.inc"]) == {"test.erp.t2_refs_inc"}
    lost = warehouse_file(tmp_path / "lost.duckdb", [1, 2], [1, 5], [5, 6])  # key 1 gone: t2's 1 may be orphaned
    assert settled.settled_relationships(lost, published, m, tests, ["model.erp.inc"]) == set()
    assert settled.settled_relationships(gained, published, m, tests, ["model.erp.inc", "model.erp.t2"]) == set()
    refs["config"]["error_if"] = "> 10"
    assert settled.settled_relationships(gained, published, m, tests, ["model.erp.inc"]) == set()
    refs["config"]["error_if"] = "!= 0"
    # no publication to compare with: rerun; through an open connection, left as it was
    assert settled.settled_relationships(gained, tmp_path / "none.duckdb", m, tests, ["model.erp.inc"]) == set()
    conn = duckdb.connect(str(gained))
    try:
        assert settled.settled_relationships(conn, published, m, tests, ["model.erp.inc"]) == {"test.erp.t2_refs_inc"}
        assert conn.execute("select database_name from duckdb_databases() where not internal").fetchall() == [
            ("gained",)
        ]
    finally:
        conn.close()


def grown_manifest() -> dict:
    """Model inc (id, kind, parent) with a row test of each kind; inc.parent refers to t1.n."""
    plain = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"}

    def model(name: str, materialized: str) -> dict:
        config = {"materialized": materialized}
        return {"resource_type": "model", "name": name, "alias": name, "schema": "main", "config": config}

    def test(name: str, kind: str, **kwargs: object) -> dict:
        parents = ["model.erp.inc", *(["model.erp.t1"] if kind == "relationships" else [])]
        return {
            "resource_type": "test",
            "name": name,
            "attached_node": "model.erp.inc",
            "config": {**plain, "severity": "ERROR"},
            "depends_on": {"nodes": parents},
            "test_metadata": {"name": kind, "namespace": None, "kwargs": kwargs},
        }

    return {
        "sources": {},
        "nodes": {
            "model.erp.inc": model("inc", "incremental"),
            "model.erp.t1": model("t1", "table"),
            "test.erp.id_not_null": test("id_not_null", "not_null", column_name="id"),
            "test.erp.kind_accepted": test("kind_accepted", "accepted_values", column_name="kind", values=["a", "b"]),
            "test.erp.id_unique": test("id_unique", "unique", column_name="id"),
            "test.erp.id_kind_unique": test("id_kind_unique", "unique_combination", columns=["id", "kind"]),
            "test.erp.parent_exists": test("parent_exists", "relationships", column_name="parent", field="n"),
        },
    }


def grown_file(path: Path, inc: list[tuple], t1: list[int]) -> Path:
    conn = duckdb.connect(str(path))
    conn.execute("create table inc (id integer, kind varchar, parent integer)")
    conn.executemany("insert into inc values (?, ?, ?)", [list(row) for row in inc])
    conn.execute("create table t1 (n integer)")
    if t1:
        conn.executemany("insert into t1 values (?)", [[v] for v in t1])
    conn.close()
    return path


def test_row_tests_over_a_changed_model_are_settled_by_the_rows_it_gained(tmp_path: Path) -> None:
    """The publication passed every test; inc gained rows (and may have lost some). A test is settled (with the
    number of rows checked) when the gained rows pass it; a failing gained row, a parent that lost a key, a filter
    or a warning severity leave it to dbt."""
    m = grown_manifest()
    tests = sorted(m["nodes"].keys() - {"model.erp.inc", "model.erp.t1"})
    old = [(1, "a", 10), (2, "b", 20)]
    published = grown_file(tmp_path / "published.duckdb", old, [10, 20])

    def decided(name: str, inc: list[tuple], t1: list[int] | None = None, changed: tuple = ("model.erp.inc",)):
        build = grown_file(tmp_path / f"{name}.duckdb", inc, [10, 20] if t1 is None else t1)
        return settled.settled_on_added_rows(build, published, m, tests, list(changed))

    everything = {uid: 2 for uid in tests}
    assert decided("ok", [*old, (3, "a", 10), (4, "b", None)]) == everything
    assert decided("null_id", [*old, (None, "a", 10), (4, "b", 20)]).keys() == set(tests) - {"test.erp.id_not_null"}
    assert decided("kind_c", [*old, (3, "c", 10)]).keys() == set(tests) - {"test.erp.kind_accepted"}
    # id 1 again: not unique any more; (1, 'b') is a new combination
    assert decided("id_again", [*old, (1, "b", 10)]).keys() == set(tests) - {"test.erp.id_unique"}
    assert decided("same_row", [*old, (2, "b", 20)]).keys() == set(tests) - {
        "test.erp.id_unique",
        "test.erp.id_kind_unique",
    }
    assert decided("orphan", [*old, (3, "a", 30)]).keys() == set(tests) - {"test.erp.parent_exists"}
    # a published row gone and one changed: the kept rows passed, the gained ones are checked
    assert decided("row_gone", [old[0], (3, "a", 10)]) == {uid: 1 for uid in tests}
    assert decided("row_changed", [old[0], (2, "c", 20)]).keys() == set(tests) - {"test.erp.kind_accepted"}
    assert decided("key_reused", [(2, "a", 10), (2, "b", 20)]).keys() == set(tests) - {"test.erp.id_unique"}
    assert decided("not_changed", [*old, (3, "a", 10)], changed=()) == {}
    # t1 changed too: settled while it kept every key (the published rows still find theirs), else dbt runs it
    grown_parent = decided("parent_gained", [*old, (3, "a", 30)], [10, 20, 30], ("model.erp.inc", "model.erp.t1"))
    assert grown_parent == {uid: 1 for uid in tests}
    lost = decided("parent_lost", [*old, (3, "a", 10)], [10], ("model.erp.inc", "model.erp.t1"))
    assert lost.keys() == set(tests) - {"test.erp.parent_exists"}
    m["nodes"]["test.erp.id_unique"]["config"]["where"] = "id > 1"
    m["nodes"]["test.erp.id_not_null"]["config"]["severity"] = "warn"  # may have warned in the publication
    assert decided("configured", [*old, (3, "a", 10)]).keys() == set(tests) - {
        "test.erp.id_unique",
        "test.erp.id_not_null",
    }
    assert settled.settled_on_added_rows(published, tmp_path / "none.duckdb", m, tests, ["model.erp.inc"]) == {}
    kwargs = m["nodes"]["test.erp.kind_accepted"]["test_metadata"]["kwargs"]
    values = kwargs.pop("values")  # undecidable: dbt's
    assert "test.erp.kind_accepted" not in decided("malformed", [*old, (3, "a", 10)])
    kwargs["values"] = values
    kwargs["column_name"] = "no_such_column"  # DuckDB refuses its query: dbt's, and the other tests still settle
    assert decided("refused", [*old, (3, "a", 10)]).keys() == set(tests) - {
        "test.erp.kind_accepted",
        "test.erp.id_unique",  # configured above
        "test.erp.id_not_null",
    }
    kwargs["column_name"] = "kind"
    conn = duckdb.connect(str(grown_file(tmp_path / "open.duckdb", [*old, (3, "a", 10)], [10, 20])))
    try:  # through dbt's open connection: nothing is left registered and the publication is detached after
        m["nodes"]["test.erp.id_unique"]["config"]["where"] = None
        assert settled.settled_on_added_rows(conn, published, m, tests, ["model.erp.inc"]).keys() == set(tests) - {
            "test.erp.id_not_null"
        }
        assert conn.execute("select database_name from duckdb_databases() where not internal").fetchall() == [("open",)]
        assert conn.execute("select count(*) from duckdb_views() where view_name = 'erp_added_rows'").fetchone() == (0,)
    finally:
        conn.close()


def test_a_model_too_large_to_hash_for_its_tests_is_left_to_dbt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telling gained rows apart hashes the whole model: beyond VALUES_PER_TEST values per test, dbt runs them."""
    m = grown_manifest()
    tests = sorted(m["nodes"].keys() - {"model.erp.inc", "model.erp.t1"})
    old = [(1, "a", 10), (2, "b", 20)]
    published = grown_file(tmp_path / "published.duckdb", old, [10, 20])
    build = grown_file(tmp_path / "build.duckdb", [*old, (3, "a", 10)], [10, 20])
    monkeypatch.setattr(settled, "VALUES_PER_TEST", 1)  # 3 rows x 3 columns = 9 values > 5 tests x 1
    assert settled.settled_on_added_rows(build, published, m, tests, ["model.erp.inc"]) == {}
    monkeypatch.setattr(settled, "VALUES_PER_TEST", 2)  # 9 values <= 5 tests x 2
    assert len(settled.settled_on_added_rows(build, published, m, tests, ["model.erp.inc"])) == len(tests)


def test_a_relationships_test_of_a_model_referring_to_itself_is_settled_while_it_keeps_its_keys(
    tmp_path: Path,
) -> None:
    """inc.parent refers to inc.id (a reversal pointing at the entry it reverses)."""
    m = grown_manifest()
    test = m["nodes"]["test.erp.parent_exists"]
    test["depends_on"]["nodes"] = ["model.erp.inc"]
    test["test_metadata"]["kwargs"] = {"column_name": "parent", "field": "id"}
    tests = ["test.erp.parent_exists"]
    old = [(1, "a", None), (2, "b", 1)]
    published = grown_file(tmp_path / "published.duckdb", old, [])

    def decided(name: str, inc: list[tuple]) -> dict[str, int]:
        build = grown_file(tmp_path / f"{name}.duckdb", inc, [])
        return settled.settled_on_added_rows(build, published, m, tests, ["model.erp.inc"])

    assert decided("refers_back", [*old, (3, "a", 2)]) == {"test.erp.parent_exists": 1}
    assert decided("orphan", [*old, (3, "a", 9)]) == {}
    assert decided("key_gone", [(2, "b", 1), (3, "a", 2)]) == {}  # row 2 may have lost its parent 1


def test_an_append_only_model_is_compared_and_checked_only_where_its_build_can_have_touched_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An append-only model's everyday build replaces only rows keyed above the publication's highest key less the
    look-back (macros/incremental.sql); the rows below are the publication's, so only the others are hashed: the
    comparison, the gained rows and the parent's kept keys cost the new rows, not the model."""
    m = grown_manifest()
    m["nodes"]["model.erp.inc"]["config"].update(unique_key="id", meta={"append_only": True})
    tests = sorted(m["nodes"].keys() - {"model.erp.inc", "model.erp.t1"})
    monkeypatch.setattr(changes, "lookback", lambda: 1)
    old = [(n, "a", 10) for n in range(1, 6)]  # ids 1-5: the build may touch ids above 4
    published = grown_file(tmp_path / "published.duckdb", old, [10, 20])
    build = grown_file(tmp_path / "build.duckdb", [*old, (6, "b", 20), (None, "a", 10)], [10, 20])
    with changes.publication_attached(build, published) as conn:
        assert conn is not None
        touched = changes.touched_rows(conn, m["nodes"]["model.erp.inc"])
        assert touched is not None
        assert conn.execute(f"select id from inc where {touched} order by id").fetchall() == [(5,), (6,), (None,)]
        assert changes.touched_rows(conn, m["nodes"]["model.erp.t1"]) is None  # not append-only
    # 3 rows x 3 columns hashed, not 7 x 3: within 5 tests x 2 values; the id_not_null test finds the row with no key
    monkeypatch.setattr(settled, "VALUES_PER_TEST", 2)
    assert settled.settled_on_added_rows(build, published, m, tests, ["model.erp.inc"]) == {
        uid: 2 for uid in tests if uid != "test.erp.id_not_null"
    }
    # a row below the look-back gone: the rows are not as the incremental build leaves them, so all are hashed
    gone = grown_file(tmp_path / "gone.duckdb", [*old[1:], (6, "b", 20)], [10, 20])
    assert settled.settled_on_added_rows(gone, published, m, tests, ["model.erp.inc"]) == {}
    # the comparison: the same rows again (the look-back re-read) is no change; a touched row changed is one
    same = grown_file(tmp_path / "same.duckdb", old, [10, 20])
    edited = grown_file(tmp_path / "edited.duckdb", [*old[:4], (5, "b", 10)], [10, 20])
    built = ["model.erp.inc"]
    assert changes.changed_models(same, published, m, built, []) == set()
    assert changes.changed_models(edited, published, m, built, []) == {"model.erp.inc"}
    # t1 refers to inc.id: inc kept every key when the touched published rows' keys are all still there
    t1 = m["nodes"]["model.erp.t1"]
    with changes.publication_attached(build, published) as conn:
        assert conn is not None
        assert settled.kept_keys(conn, m["nodes"]["model.erp.inc"], "id")
        assert not settled.kept_keys(conn, t1, "missing_column")
    with changes.publication_attached(grown_file(tmp_path / "lost.duckdb", old[:4], [10, 20]), published) as conn:
        assert conn is not None
        assert not settled.kept_keys(conn, m["nodes"]["model.erp.inc"], "id")


def test_the_look_back_is_the_projects_variable(tmp_path: Path) -> None:
    """The window above is the one macros/incremental.sql reads: the var in dbt_project.yml, which has no default."""
    assert changes.lookback() == 1000
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars:\n  other: 1\n", encoding="utf-8")
    assert changes.lookback(tmp_path) is None
    macro = (changes.DBT_PROJECT_DIR / "macros" / "incremental.sql").read_text(encoding="utf-8")
    assert f"var('{changes.LOOKBACK_VAR}')" in macro and f"var('{changes.LOOKBACK_VAR}', " not in macro


def test_the_row_tests_over_stored_models_are_left_for_the_settlement() -> None:
    m = grown_manifest()
    tests = sorted(uid for uid in m["nodes"] if uid.startswith("test."))
    assert settled.settleable(m, tests) == set(tests)  # every plain row test over a stored model
    nodes = m["nodes"]
    nodes["test.erp.id_not_null"]["config"]["where"] = "kind = 'a'"  # its result depends on more than the rows
    nodes["test.erp.kind_accepted"]["config"]["severity"] = "warn"
    nodes["model.erp.view"] = {"resource_type": "model", "name": "view", "config": {"materialized": "view"}}
    nodes["test.erp.id_unique"]["attached_node"] = "model.erp.view"  # over a view: dbt runs it
    nodes["test.erp.singular"] = {"resource_type": "test", "name": "singular", "config": {}, "depends_on": {}}
    assert settled.settleable(m, [*tests, "test.erp.singular"]) == {"test.erp.id_kind_unique", "test.erp.parent_exists"}
