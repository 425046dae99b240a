"""What changed since the published warehouse was built, so an everyday build rebuilds only what depends on it.

dbt's per-node overhead, not data volume, dominates a build of the demo company: rebuilding all ~560 nodes after
1% new documents costs about as much as a full build. So a build records, in the warehouse it publishes, a
fingerprint of every operational table (its change token, erp/change_tokens.py, or for a table without one its
row count and a sum of row hashes: inserts, updates and deletes all change either), the as-of date and a hash of
the dbt project's files. The next build compares: unchanged project and as-of date means only the models
downstream of changed tables (and their tests) need building; the other tables in the build file, a copy of the
published one, are still current. Anything unknown (no fingerprints yet, another as-of date, edited models, a
PostgreSQL store) means: build everything. After the models, `changed_models` tells which came out different from
the publication; the tests over the others are not rerun (erp/warehouse/settled.py settles more).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
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
# An incremental model whose config meta sets this is append-only on its unique_key (macros/incremental.sql): an
# everyday build replaces only rows keyed above its highest key less the look-back var (LOOKBACK_VAR).
APPEND_ONLY_META = "append_only"
LOOKBACK_VAR = "incremental_id_lookback"


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
    build: Path | duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: dt.date,
    refreshed: Iterable[str] | None,
    hand_picked: bool = False,
    code_hash: str | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> None:
    """Write into the build file (``build``: its path, or a connection to its open database) the state it holds
    once dbt is done.

    ``refreshed``: the store tables whose dependent models this build rebuilds; None means all of them. The other
    tables keep the fingerprints the file had. A ``hand_picked`` selection (--select) builds some models from the
    store as it is now beside others built from an earlier state, which no fingerprint describes: it records an
    empty state, as does a change-driven build for another as-of date or project, so the next everyday build is a
    full one. ``fingerprints``: the store's, taken by the caller before dbt runs (`publish.PlannedState`), so that a
    change made while dbt runs shows next time; without them they are taken now.
    """
    own = isinstance(build, Path)
    conn = duckdb.connect(str(build), config={"autoinstall_known_extensions": False}) if own else build
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
        if own:
            conn.execute("checkpoint")
    finally:
        if own:
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
    known: Mapping[str, bool] | None = None,
) -> set[str]:
    """The rebuilt models (unique ids) whose content is not identical to the published warehouse's (`Verdicts`).

    Their tests passed on the published content, so a test whose every input is identical gives the same result.
    ``build``: the build file, or a connection to its open database (dbt's, kept open: erp.warehouse.dbt).
    ``known``: verdicts (changed or not) already reached, by unique id (`reuse.InputsCompared`, as models ended).
    """
    rebuilt = set(rebuilt)
    verdicts = Verdicts(manifest, tables, rebuilt, known)
    if rebuilt <= verdicts.verdict.keys():
        return {uid for uid in rebuilt if verdicts.verdict[uid]}
    with publication_attached(build, published) as conn:
        if conn is None:  # no publication to compare with (gone, another DuckDB version): all changed
            return rebuilt
        verdicts.connect = lambda: conn
        return {uid for uid in rebuilt if verdicts.changed(uid)}


class Verdicts:
    """Whether each node of a change-driven build came out changed from the publication, each decided once.

    A changed store table changed; a node the build does not rebuild (not in ``rebuilt``) did not: the published
    table is still current. A stored model is compared row for row (`stored_model_changed`, on the connection
    ``connect`` gives: the build with the publication attached; None: it cannot be compared, so it changed); a view,
    or any model whose rows are not stored, changed when one of its inputs did."""

    def __init__(
        self,
        manifest: Mapping[str, Any],
        tables: Collection[str],
        rebuilt: Collection[str],
        known: Mapping[str, bool] | None = None,
        connect: Callable[[], duckdb.DuckDBPyConnection | None] = lambda: None,
    ) -> None:
        self.nodes: Mapping[str, Any] = manifest["nodes"]
        self.changed_sources = set(source_ids(manifest, tables))
        self.rebuilt = set(rebuilt)
        self.verdict: dict[str, bool] = dict(known or {})
        self.connect = connect

    def changed(self, uid: str) -> bool:
        if uid in self.changed_sources:
            return True
        if uid not in self.rebuilt:
            return False
        if uid not in self.verdict:
            node = self.nodes[uid]
            if node["config"].get("materialized") in STORED:
                conn = self.connect()
                self.verdict[uid] = conn is None or stored_model_changed(conn, node)
            else:
                self.verdict[uid] = any(self.changed(parent) for parent in node["depends_on"]["nodes"])
        return self.verdict[uid]


def stored_model_changed(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> bool:
    """Whether a stored model's rows in the build differ from the publication's (attached as ``PUBLISHED`` on
    ``conn``): the counts first (from DuckDB's metadata: new rows in an incremental model need no hashing), then
    an order-free sum of row hashes; of an append-only model, only the rows its build can have touched
    (`touched_rows`). A model missing from either side changed."""
    counts = _content(conn, None, node, hashed=False), _content(conn, PUBLISHED, node, hashed=False)
    if None in counts or counts[0] != counts[1]:
        return True
    where = touched_rows(conn, node)
    return _content(conn, None, node, where=where) != _content(conn, PUBLISHED, node, where=where)


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


def lookback(project_dir: Path = DBT_PROJECT_DIR) -> int | None:
    """The project's `LOOKBACK_VAR` (dbt_project.yml), None when it does not set a whole number. Read again only
    when the file changed (a build asks once per append-only model and comparison)."""
    path = project_dir / "dbt_project.yml"
    try:
        st = path.stat()
    except OSError:
        return None
    return _project_lookback(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=2)
def _project_lookback(path: Path, _mtime_ns: int, _size: int) -> int | None:
    import yaml

    try:
        found = (yaml.safe_load(path.read_text(encoding="utf-8")) or {})["vars"][LOOKBACK_VAR]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def touched_rows(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> str | None:
    """For an append-only model (`APPEND_ONLY_META`), a filter (SQL) on the rows an everyday build can have
    replaced or added; None for any other model, or when the rows outside the filter are not as many in the build
    as in the publication (attached as ``PUBLISHED``).

    Such a model's build starts from a copy of the publication and replaces only the rows whose key it reads from
    its input, those above its highest key less the look-back (macros/incremental.sql): every row below that is
    the publication's row, untouched. So the build and the publication can differ only in the rows the filter
    keeps, a few thousand, where a comparison of the whole model hashes every row of both (a million journal
    lines at ten times the demo's volume). Rows with no key are kept by the filter."""
    key = node["config"].get("unique_key")
    meta = node["config"].get("meta") or {}
    back = lookback() if meta.get(APPEND_ONLY_META) is True else None
    if node["config"].get("materialized") != "incremental" or not isinstance(key, str) or back is None:
        return None
    name = relation_name(node)
    try:
        row = conn.execute(f"select coalesce(max({key}), 0) - {back} from {PUBLISHED}.{name}").fetchone()
        if row is None or not isinstance(row[0], int):
            return None
        below = f"{key} <= {row[0]}"
        counts = conn.execute(
            f"select (select count(*) from {name} where {below}), "
            f"(select count(*) from {PUBLISHED}.{name} where {below})"
        ).fetchone()
    except duckdb.Error:
        return None
    if counts is None or counts[0] != counts[1]:
        return None
    return f"not coalesce({below}, false)"


def relation_name(node: Mapping[str, Any]) -> str:
    """A model's stored relation, quoted (schema and alias), as the build file and the publication name it."""
    return f'"{node["schema"]}"."{node.get("alias") or node["name"]}"'


def _content(
    conn: duckdb.DuckDBPyConnection,
    database: str | None,
    node: Mapping[str, Any],
    hashed: bool = True,
    where: str | None = None,
) -> tuple | None:
    """``digest`` of a model's stored rows (those ``where`` keeps), in the build file or in the attached
    ``database``."""
    name = f"{database}.{relation_name(node)}" if database else relation_name(node)
    return digest(conn, f"(select * from {name} where {where})" if where else name, hashed)


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
