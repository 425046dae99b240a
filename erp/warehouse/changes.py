"""What changed since the published warehouse was built, so an everyday build rebuilds only what depends on it.

dbt's per-node overhead, not data volume, dominates a build of the demo company: rebuilding all ~560 nodes after
1% new documents costs about as much as a full build. So a build records, in the warehouse it publishes, a
fingerprint of every operational table (its change token, erp/change_tokens.py, or for a table without one its
row count and a sum of row hashes: inserts, updates and deletes all change either), the as-of date and a hash of
the dbt project's files. The next build compares: unchanged project and as-of date means only the models
downstream of changed tables (and their tests) need building; the other tables in the build file, a copy of the
published one, are still current. Anything unknown (no fingerprints yet, another as-of date, edited models, a
PostgreSQL store) means: build everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from erp.change_tokens import read_tokens
from erp.config import Settings
from erp.warehouse.dbt import DBT_PROJECT_DIR, extension_dir
from erp.warehouse.extensions import prepare_extension_dir

FINGERPRINT_TABLE = "erp_meta.source_fingerprint"
STATE_TABLE = "erp_meta.build_state"
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "tests", "snapshots", "analyses")
# A model with this config key reads the previous publication (not a ref): it is rebuilt whenever a child is.
PREVIOUS_PUBLICATION_CONFIG = "published_warehouse"


@dataclass(frozen=True)
class BuildState:
    """What the warehouse in a file was built from."""

    fingerprints: dict[str, str]
    as_of: dt.date | None
    project_hash: str


def project_hash(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash of the contents of every file dbt reads from the project, and of the planning package its Python
    models run (not modification times: a fresh clone of the same commit hashes the same)."""
    digest = hashlib.sha256(importlib.metadata.version("dbt-core").encode())
    parts = [(project_dir, part) for part in PROJECT_PARTS]
    planning = planning_package_dir()
    parts.append((planning.parent, planning.name))
    for root, part in parts:
        path = root / part
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in (f for f in files if not _is_cache(f.relative_to(root))):
            digest.update(f"\0{file.relative_to(root)}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _is_cache(path: Path) -> bool:
    """Files Python and numba write beside the code as it runs (bytecode, compiled kernels in ``__pycache__``):
    not the project's files. Hashed, a build that compiles a kernel would make the next everyday build a full one."""
    return path.suffix == ".pyc" or "__pycache__" in path.parts


def planning_package_dir() -> Path:
    """Where erp.planning lives, found without importing it (its import pulls in pandas: seconds)."""
    spec = importlib.util.find_spec("erp.planning")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def attach_store(conn: duckdb.DuckDBPyConnection, settings: Settings, alias: str = "ops") -> bool:
    """Attach the SQLite store read-only as ``alias``; False when the store is not a SQLite file."""
    path = settings.sqlite_path
    if path is None or not path.exists():
        return False
    ext_dir = prepare_extension_dir(extension_dir(settings))
    conn.execute(f"SET extension_directory = '{_quote(str(ext_dir))}'")
    conn.execute("LOAD sqlite_scanner")
    conn.execute(f"ATTACH '{_quote(str(path))}' AS {alias} (TYPE sqlite, READ_ONLY)")
    return True


def store_fingerprints(
    conn: duckdb.DuckDBPyConnection, alias: str = "ops", only: Collection[str] | None = None
) -> dict[str, str]:
    """``table -> "rows:hash"`` for every table of the attached store, or those of ``only``: a full scan of each
    (about two seconds for a whole store at ten times the demo's volume), for tables without change tokens."""
    tables = [
        row[0]
        for row in conn.execute(
            "select table_name from duckdb_tables() where database_name = ? order by table_name", [alias]
        ).fetchall()
        if only is None or row[0] in only
    ]
    out = {}
    for table in tables:
        row = digest(conn, f'{alias}."{table}"')
        # a table DuckDB cannot read: never "unchanged"
        out[table] = f"unreadable:{time.time_ns()}" if row is None else f"{row[0]}:{row[1]}"
    return out


def digest(conn: duckdb.DuckDBPyConnection, relation: str, hashed: bool = True) -> tuple | None:
    """Row count and order-free sum of row hashes of a table or view (the count alone unless ``hashed``): equal
    for the same rows in any order, different after any insert, update or delete. None when it cannot be read."""
    measure = "count(*), coalesce(sum(hash(t)), 0)" if hashed else "count(*)"
    try:
        return conn.execute(f"select {measure} from {relation} as t").fetchone()
    except duckdb.Error:
        return None


def current_fingerprints(settings: Settings, only: Collection[str] | None = None) -> dict[str, str] | None:
    """The store's fingerprints now (of the tables in ``only``, if given), or None when they cannot be taken (a
    server store): each table's change token (``token:...``, erp/change_tokens.py), or for a table without one
    its row count and hash."""
    path = settings.sqlite_path
    if path is None or not path.exists():
        return None
    found = read_tokens(path)
    out: dict[str, str] = {}
    untracked: Collection[str] | None = only  # tokens unreadable: hash what was asked for
    if found is not None:
        tables, tokens = found
        wanted = [table for table in tables if only is None or table in only]
        out = {table: f"token:{tokens[table]}" for table in wanted if table in tokens}
        untracked = [table for table in wanted if table not in tokens]
        if not untracked:
            return out
    conn = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        if not attach_store(conn, settings):
            return None
        out.update(store_fingerprints(conn, only=untracked))
    finally:
        conn.close()
    return out


def read_state(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> BuildState | None:
    """The build state recorded in a warehouse (``catalog``: an attached one), None when there is none."""
    prefix = f"{catalog}." if catalog else ""
    try:
        fingerprints = dict(conn.execute(f"select table_name, fingerprint from {prefix}{FINGERPRINT_TABLE}").fetchall())
        state = dict(conn.execute(f"select key, value from {prefix}{STATE_TABLE}").fetchall())
    except duckdb.CatalogException:
        return None
    as_of = state.get("as_of")
    return BuildState(
        fingerprints=fingerprints,
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
        project_hash=state.get("project_hash", ""),
    )


def published_state(settings: Settings) -> BuildState | None:
    if not settings.warehouse_path.exists():
        return None
    conn = duckdb.connect(":memory:")
    try:
        conn.execute(f"ATTACH '{_quote(str(settings.warehouse_path))}' AS published (READ_ONLY)")
        return read_state(conn, "published")
    except duckdb.Error:
        return None
    finally:
        conn.close()


def record_state(
    path: Path,
    settings: Settings,
    as_of: dt.date,
    refreshed: Iterable[str] | None,
    hand_picked: bool = False,
    code_hash: str | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> None:
    """Write into the build file at ``path`` the state it will hold once dbt is done (call it before dbt runs).

    ``refreshed``: the store tables whose dependent models this build rebuilds (their fingerprints are taken now,
    so a change made while dbt runs shows next time); None means all of them. The other tables keep the
    fingerprints the file had. A ``hand_picked`` selection (--select) builds some models from the store as it is
    now beside others built from an earlier state, which no fingerprint describes: it records an empty state, as
    does a change-driven build for another as-of date or project, so the next everyday build is a full one.
    ``fingerprints``: the store's, taken by the caller before dbt runs (StoreChanges), saving a second scan.
    """
    conn = duckdb.connect(str(path), config={"autoinstall_known_extensions": False})
    try:
        old = read_state(conn)
        code_hash = code_hash or project_hash()
        kept = dict(old.fingerprints) if old else {}
        trusted = not hand_picked and (
            refreshed is None or (old is not None and old.as_of == as_of and old.project_hash == code_hash)
        )
        fresh: dict[str, str] = dict(fingerprints) if trusted and fingerprints else {}
        if trusted and not fresh:
            fresh = current_fingerprints(settings) or {}
        if not fresh:
            kept, trusted = {}, False
        elif refreshed is None:
            kept = fresh
        else:
            kept.update({t: fresh[t] for t in refreshed if t in fresh})
        conn.execute("create schema if not exists erp_meta")
        conn.execute(f"create or replace table {FINGERPRINT_TABLE} (table_name varchar primary key, fingerprint text)")
        conn.execute(f"create or replace table {STATE_TABLE} (key varchar primary key, value varchar)")
        if kept:
            _insert_pairs(conn, FINGERPRINT_TABLE, sorted(kept.items()))
        if trusted:
            _insert_pairs(conn, STATE_TABLE, [("as_of", as_of.isoformat()), ("project_hash", code_hash)])
        conn.execute("checkpoint")
    finally:
        conn.close()


def _insert_pairs(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[str, str]]) -> None:
    """Insert (text, text) rows in one statement: DuckDB's executemany runs one statement per row, about 3-10 ms
    each here (a second for a store's hundred fingerprints on a busy machine)."""
    conn.execute(f"insert into {table} select unnest(?), unnest(?)", [[r[0] for r in rows], [r[1] for r in rows]])


@dataclass(frozen=True)
class StoreChanges:
    """``tables``: the store tables changed since the published warehouse was built, None when everything must be
    rebuilt; ``fingerprints``: the store's fingerprints they were found with (None when none were taken)."""

    tables: list[str] | None
    fingerprints: dict[str, str] | None


def store_changes(settings: Settings, as_of: dt.date, only: Collection[str] | None = None) -> StoreChanges:
    """Compare the store with the publication's fingerprints (of the tables in ``only``, e.g. those dbt reads, if
    given). The fingerprints taken here may be recorded by the build that follows (``record_state(fingerprints=
    ...)``): taken before dbt reads the store, a change made in between shows as a change next time."""
    old = published_state(settings)
    if old is None or old.as_of != as_of or not old.fingerprints or old.project_hash != project_hash():
        return StoreChanges(None, None)
    now = current_fingerprints(settings, only)
    if now is None:
        return StoreChanges(None, None)
    before = {t: f for t, f in old.fingerprints.items() if only is None or t in only}
    changed = sorted(t for t in now.keys() | before.keys() if now.get(t) != before.get(t))
    return StoreChanges(changed, now)


def dbt_store_changes(settings: Settings, as_of: dt.date, manifest: Mapping[str, Any]) -> StoreChanges:
    """`store_changes` over the store tables the dbt project reads (its sources; not e.g. the alert outbox, which
    the pipeline writes and no model reads)."""
    return store_changes(settings, as_of, only={source["identifier"] for source in manifest["sources"].values()})


def changed_tables(settings: Settings, as_of: dt.date) -> list[str] | None:
    """Store tables changed since the published warehouse was built; None when everything must be rebuilt."""
    return store_changes(settings, as_of).tables


def load_manifest(path: Path) -> dict[str, Any]:
    """dbt's manifest at ``path``, parsed again only when the file changed (several MB of JSON, about 70 ms; a build
    asks twice): shared, so treat it as read-only."""
    st = path.stat()
    return _parsed_manifest(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=2)
def _parsed_manifest(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def models_to_rebuild(manifest: Mapping[str, Any], tables: Iterable[str]) -> list[str]:
    """dbt nodes (models, seeds, snapshots) downstream of the changed store tables, by unique id.

    A model that reads the previous publication instead of a ref (PREVIOUS_PUBLICATION_CONFIG) joins whenever one
    of its children is rebuilt: a plan-to-plan diff must compare with the plan published just before.
    """
    return sorted(_rebuild(manifest, tables)[0])


def dbt_selection(manifest: Mapping[str, Any], tables: Iterable[str]) -> str:
    """A dbt --select expression for exactly what ``models_to_rebuild`` names (and the tests on it): each changed
    source with its descendants, and each previous-publication reader that joins with its descendants.

    Not the models' names: dbt matches each name against every node of the project (about 20 ms a name, a
    second for a day's changes, paid by dbt and again by Dagster's asset selection); a source with its
    descendants is a walk of the graph."""
    selected, sources, readers = _rebuild(manifest, tables)
    if not selected:
        return ""
    return " ".join(
        part for part in (selection_of(manifest, sources, "+"), selection_of(manifest, readers, "+")) if part
    )


def _rebuild(manifest: Mapping[str, Any], tables: Iterable[str]) -> tuple[set[str], list[str], list[str]]:
    """The nodes to rebuild, and where they start: the changed sources and the previous-publication readers."""
    sources = source_ids(manifest, tables)
    child_map: Mapping[str, list[str]] = manifest["child_map"]
    nodes: Mapping[str, Any] = manifest["nodes"]
    buildable = {"model", "seed", "snapshot"}

    def descendants(start: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(start)
        while todo:
            for child in child_map.get(todo.pop(), []):
                if child in nodes and nodes[child]["resource_type"] in buildable and child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    selected = descendants(sources)
    readers = sorted(
        uid
        for uid, node in nodes.items()
        if node["resource_type"] == "model"
        and PREVIOUS_PUBLICATION_CONFIG in node.get("config", {})
        and uid not in selected
        and selected.intersection(child_map.get(uid, []))
    )
    selected.update(readers)
    selected.update(descendants(readers))
    return selected, sources, readers


# Materialisations whose rows are stored in the warehouse file (and can be compared with the published ones).
STORED = frozenset({"table", "incremental"})
PUBLISHED = "erp_published"  # the publication's catalog name while it is compared


def changed_models(
    build: Path | duckdb.DuckDBPyConnection,
    published: Path,
    manifest: Mapping[str, Any],
    rebuilt: Iterable[str],
    tables: Collection[str],
) -> set[str]:
    """The rebuilt models (unique ids) whose content is not identical to the published warehouse's.

    A stored model is compared row for row (count and an order-free sum of row hashes, in the build file and in
    the publication); a view, or any model whose rows are not stored, changed when one of its inputs did (a
    changed store table, or a changed model). A model that cannot be compared (not in the publication) changed.
    Its tests passed on the published content, so a test whose every input is identical gives the same result.
    ``build``: the build file, or a connection to its open database (dbt's, kept open: erp.warehouse.dbt).
    """
    nodes: Mapping[str, Any] = manifest["nodes"]
    changed_sources = set(source_ids(manifest, tables))
    rebuilt = set(rebuilt)
    verdict: dict[str, bool] = {}
    with publication_attached(build, published) as conn:
        if conn is None:  # no publication to compare with (gone, another DuckDB version): all changed
            return rebuilt

        def is_changed(uid: str) -> bool:
            if uid in changed_sources:
                return True
            if uid not in rebuilt:  # not rebuilt: the published table is still current
                return False
            if uid not in verdict:
                node = nodes[uid]
                if node["config"].get("materialized") in STORED:
                    # counts first (from DuckDB's metadata): new rows in an incremental model need no hashing
                    counts = _content(conn, None, node, hashed=False), _content(conn, PUBLISHED, node, hashed=False)
                    verdict[uid] = (
                        None in counts
                        or counts[0] != counts[1]
                        or _content(conn, None, node) != _content(conn, PUBLISHED, node)
                    )
                else:
                    verdict[uid] = any(is_changed(parent) for parent in node["depends_on"]["nodes"])
            return verdict[uid]

        return {uid for uid in rebuilt if is_changed(uid)}


# A relationships test as dbt's schema YAML declares it, with none of the settings that would make its result
# depend on more than its rows (a filter, a custom failure count or threshold, a limit).
PLAIN_TEST_CONFIG = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"}


def settled_relationships(
    build: Path | duckdb.DuckDBPyConnection,
    published: Path,
    manifest: Mapping[str, Any],
    tests: Iterable[str],
    changed: Collection[str],
) -> set[str]:
    """The relationships tests among ``tests`` whose result cannot differ from the publication's, which passed them.

    A relationships test fails for a value of the tested model's column (the child) that the referred model's key
    column (the parent) lacks. When the child is identical to the publication's and the parent kept every key value
    it had there (it only gained rows: a day of new journal entries), every value that found its parent then finds
    it now. After a day of stock receipts these are the eight tests of documents that point at their journal entry
    (shipments, invoices, payments ...), rerun only because the journal entries changed. ``changed``: the models
    (and sources) that came out different (`changed_models`). ``build`` as for `changed_models`.
    """
    nodes: Mapping[str, Any] = manifest["nodes"]
    candidates: dict[str, tuple[str, str]] = {}  # test -> (parent model, parent key column)
    for uid in tests:
        node = nodes.get(uid) or {}
        meta = node.get("test_metadata") or {}
        config = node.get("config") or {}
        child = node.get("attached_node")
        parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p != child]
        if (
            meta.get("name") != "relationships"
            or meta.get("namespace") is not None
            or any(config.get(key) != value for key, value in PLAIN_TEST_CONFIG.items())
            or child is None
            or child in changed
            or len(parents) != 1
            or parents[0] not in nodes
            or nodes[parents[0]]["config"].get("materialized") not in STORED
            or not isinstance(meta.get("kwargs", {}).get("field"), str)
        ):
            continue
        candidates[uid] = (parents[0], meta["kwargs"]["field"])
    if not candidates:
        return set()
    kept: dict[tuple[str, str], bool] = {}  # (parent, key column) -> every published key value still there
    with publication_attached(build, published) as conn:
        if conn is None:
            return set()
        for parent, field in set(candidates.values()):
            if parent not in changed:
                kept[(parent, field)] = True
                continue
            name = _relation(nodes[parent])
            try:
                row = conn.execute(
                    f"select exists (select {field} from {PUBLISHED}.{name} except select {field} from {name})"
                ).fetchone()
            except duckdb.Error:  # not comparable (a column renamed since): rerun
                row = None
            kept[(parent, field)] = row is not None and not row[0]
    return {uid for uid, key in candidates.items() if kept[key]}


# The generic tests whose verdict over a changed model follows from the publication's verdict and from the rows
# the model gained (their SQL in dbt's global project and tests/generic/unique_combination.sql).
ROW_TESTS = frozenset({"not_null", "accepted_values", "unique", "unique_combination", "relationships"})
# Telling a model's gained rows apart hashes every row of it and of its publication: about 40 ns a value (row x
# column) on a 2-core machine, 75 ms for the journal lines at demo scale 1; dbt runs a test in about 30 ms. A model
# is checked here only when it holds at most this many values per test over it, where the check costs less.
VALUES_PER_TEST = 500_000


def settled_on_added_rows(
    build: Path | duckdb.DuckDBPyConnection,
    published: Path,
    manifest: Mapping[str, Any],
    tests: Iterable[str],
    changed: Collection[str],
) -> dict[str, int]:
    """The tests among ``tests`` that pass because the publication passed them and the rows their model gained
    since pass them too, each with the number of rows it was checked on.

    After a day of documents the append-only models (journal lines, stock moves, the audit log, their staging
    models) hold every published row and a few hundred new ones, the balances and stock on hand some changed rows,
    and every not_null, accepted_values, unique and relationships test over them ran again over the whole table
    (52 of an everyday build's 63 tests at demo scale 1, at about 30 ms of dbt's time each). The model's rows
    are now the published ones it kept plus the ones it gained (a changed row counts as a row gone and a row
    gained), and these tests fail only for a row that fails on its own or, for unique, a key held twice. So a
    test passes exactly when the gained rows pass it: none is null or outside the accepted values; no key of one
    is held by another row of the model; each finds its parent in the referred model, which kept every key it
    had in the publication (or did not change), so the kept rows still find theirs. That is checked here, one
    query per test over the gained rows (told apart by their row hashes, as `digest` compares them). A test whose
    check finds a failing row is left to dbt, which reports it. Only tests with dbt's default settings qualify
    (`PLAIN_TEST_CONFIG`, error severity, failures not stored), over a stored model the publication holds with
    the same columns. ``changed``: the models that came out different (`changed_models`); ``build`` as for
    `changed_models`."""
    nodes: Mapping[str, Any] = manifest["nodes"]
    candidates: dict[str, str] = {}  # test -> tested model
    for uid in tests:
        node = nodes.get(uid) or {}
        meta = node.get("test_metadata") or {}
        config = node.get("config") or {}
        model = node.get("attached_node")
        if (
            meta.get("name") not in ROW_TESTS
            or meta.get("namespace") is not None
            or any(config.get(key) != value for key, value in PLAIN_TEST_CONFIG.items())
            or str(config.get("severity", "ERROR")).upper() != "ERROR"
            or config.get("store_failures")
            or model not in changed
            or model not in nodes
            or nodes[model]["config"].get("materialized") not in STORED
        ):
            continue
        candidates[uid] = model
    if not candidates:
        return {}
    settled: dict[str, int] = {}
    with publication_attached(build, published) as conn:
        if conn is None:
            return {}
        by_model: dict[str, list[str]] = {}
        for uid, model in sorted(candidates.items()):
            by_model.setdefault(model, []).append(uid)
        kept: dict[tuple[str, str], bool] = {}  # (referred model, key column) -> kept every published key
        for model, model_tests in by_model.items():
            name = _relation(nodes[model])
            with _added_rows(conn, name, len(model_tests) * VALUES_PER_TEST) as added:
                if added is None:
                    continue
                view, count = added
                for uid in model_tests:
                    try:
                        failures = _failures_in_added_rows(conn, nodes, nodes[uid], name, view, changed, kept)
                    except Exception:  # not decided here (e.g. an expression DuckDB refuses): dbt runs it
                        failures = None
                    if failures == 0:
                        settled[uid] = count
    return settled


@contextmanager
def _added_rows(conn: duckdb.DuckDBPyConnection, name: str, values: int) -> Iterator[tuple[str, int] | None]:
    """The rows the build's ``name`` holds more often than the publication's (by row hash), registered on ``conn``
    as a view while the block runs: (its name, its row count). None when the two cannot be compared, or when the
    model holds more than ``values`` values (rows x columns): dbt's own run of its tests is then no dearer."""
    table = _added_table(conn, name, values)
    view = "erp_added_rows"
    if table is not None:
        try:
            conn.register(view, table)
        except Exception:  # whatever keeps these rows from being read back here, dbt runs the tests instead
            table = None
    if table is None:
        yield None
        return
    try:
        yield view, table.num_rows
    finally:
        conn.unregister(view)


def _added_table(conn: duckdb.DuckDBPyConnection, name: str, values: int) -> Any:
    """`_added_rows`' rows as an Arrow table, or None."""
    try:
        now = (conn.execute(f"select count(*) from {name}").fetchone() or (0,))[0]
        columns = len(conn.execute(f"select * from {name} limit 0").description or [])
        if now * columns > values:
            return None
        rows = conn.execute(
            f"select h, sum(n) from (select hash(t) as h, 1 as n from {name} as t union all "
            f"select hash(t), -1 from {PUBLISHED}.{name} as t) group by h having sum(n) <> 0"
        ).fetchall()
        return conn.execute(
            f"select * from {name} as t where hash(t) in (select unnest($hashes::ubigint[]))",
            {"hashes": [h for h, balance in rows if balance > 0]},
        ).to_arrow_table()
    except duckdb.Error:
        return None


def _failures_in_added_rows(
    conn: duckdb.DuckDBPyConnection,
    nodes: Mapping[str, Any],
    test: Mapping[str, Any],
    name: str,
    added: str,
    changed: Collection[str],
    kept: dict[tuple[str, str], bool],
) -> int | None:
    """How many of the rows added to the model ``name`` (the view ``added``) fail ``test`` as dbt's SQL of it would
    count them; None when the test cannot be decided from them (the model it refers to, which may be the tested
    model itself, lost a key since the publication). ``kept``: the referred models' verdicts so far."""
    meta = test["test_metadata"]
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name")
    kind = meta["name"]
    if kind == "not_null":
        sql = f"select count(*) from {added} where {column} is null"
    elif kind == "accepted_values":
        quote = kwargs.get("quote", True)
        values = ", ".join(f"'{v}'" if quote else str(v) for v in kwargs["values"])
        sql = f"select count(*) from {added} where {column} not in ({values})"
    elif kind == "unique":  # the gained rows' keys held by more than one row of the model
        sql = (
            f"select count(*) from (select {column} from {name} where {column} is not null and {column} in "
            f"(select {column} from {added}) group by {column} having count(*) > 1)"
        )
    elif kind == "unique_combination":  # the same, empty values matching as in the test's GROUP BY
        columns = kwargs["columns"]
        same = " and ".join(f"m.{c} is not distinct from a.{c}" for c in columns)
        key = ", ".join(f"m.{c}" for c in columns)
        sql = (
            f"select count(*) from (select {key} from {name} as m semi join (select distinct {', '.join(columns)} "
            f"from {added}) as a on {same} group by {key} having count(*) > 1)"
        )
    else:  # relationships
        inputs = test["depends_on"]["nodes"]
        referred = [p for p in inputs if p != test["attached_node"]] or inputs  # or the model refers to itself
        field = kwargs.get("field")
        if (
            len(referred) != 1
            or referred[0] not in nodes
            or nodes[referred[0]]["config"].get("materialized") not in STORED
            or not isinstance(field, str)
        ):
            return None
        parent = _relation(nodes[referred[0]])
        if referred[0] in changed and (referred[0], field) not in kept:
            lost = conn.execute(
                f"select exists (select {field} from {PUBLISHED}.{parent} except select {field} from {parent})"
            ).fetchone()
            kept[(referred[0], field)] = lost is not None and not lost[0]
        if not kept.get((referred[0], field), True):
            return None
        sql = (
            f"select count(*) from (select {column} as from_field from {added} where {column} is not null) as child "
            f"left join (select {field} as to_field from {parent}) as parent on child.from_field = parent.to_field "
            "where parent.to_field is null"
        )
    row = conn.execute(sql).fetchone()
    return None if row is None else int(row[0])


@contextmanager
def publication_attached(
    build: Path | duckdb.DuckDBPyConnection, published: Path
) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A connection to the build (``build``'s own, or one opened read-only on the file) with the publication
    attached as ``PUBLISHED``; None when the publication cannot be attached. A shared connection is left as it was;
    one that has it attached already is used as it is (the comparisons after the models share one attachment)."""
    own = isinstance(build, Path)
    conn = duckdb.connect(str(build), read_only=True) if isinstance(build, Path) else build
    try:
        row = conn.execute("select count(*) from duckdb_databases() where database_name = ?", [PUBLISHED]).fetchone()
        if row and row[0]:
            yield conn
            return
        try:
            conn.execute(f"ATTACH '{_quote(str(published))}' AS {PUBLISHED} (READ_ONLY)")
        except duckdb.Error:
            yield None
            return
        try:
            yield conn
        finally:
            if not own:
                conn.execute(f"DETACH {PUBLISHED}")
    finally:
        if own:
            conn.close()


def _relation(node: Mapping[str, Any]) -> str:
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def _content(
    conn: duckdb.DuckDBPyConnection, database: str | None, node: Mapping[str, Any], hashed: bool = True
) -> tuple | None:
    """``digest`` of a model's stored rows, in the build file or in the attached ``database``."""
    name = _relation(node)
    return digest(conn, f"{database}.{name}" if database else name, hashed)


def source_ids(manifest: Mapping[str, Any], tables: Collection[str]) -> list[str]:
    """The dbt sources (unique ids) reading these store tables."""
    wanted = set(tables)
    return sorted(uid for uid, src in manifest["sources"].items() if src["identifier"] in wanted)


def tests_over(manifest: Mapping[str, Any], inputs: Collection[str]) -> list[str]:
    """The data tests (unique ids) with one of ``inputs`` (model or source ids) among their inputs: what dbt's
    eager indirect selection of ``inputs`` runs."""
    wanted = set(inputs)
    return sorted(
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and wanted.intersection(node["depends_on"]["nodes"])
    )


def selection_of(manifest: Mapping[str, Any], inputs: Iterable[str], suffix: str = "") -> str:
    """A dbt --select expression naming these models and sources (their tests come with them); ``suffix`` "+":
    with their descendants."""
    nodes, sources = manifest["nodes"], manifest["sources"]
    names = [
        f"source:{sources[uid]['source_name']}.{sources[uid]['name']}{suffix}"
        if uid in sources
        else f"{nodes[uid]['name']}{suffix}"
        for uid in inputs
    ]
    return " ".join(sorted(names))


def _quote(text: str) -> str:
    return text.replace("'", "''")
