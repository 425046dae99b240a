"""Running the dbt project in-process (dbtRunner) with the environment, profile and project it needs.

The profile (dbt_project/profiles.yml) reads its paths from environment variables; ``dbt_environment`` is the
one place that sets them, so `erp build`, Dagster and a person running dbt by hand agree.
"""

from __future__ import annotations

import gc
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erp.config import PROJECT_ROOT, Settings
from erp.errors import ServiceError
from erp.i18n import t
from erp.warehouse import scheduling
from erp.warehouse.extensions import prepare_extension_dir

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# The manifest `dbt parse` keeps current for Dagster (pipelines/project.py): the project as the assets see it.
PROJECT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"

# dbt must never reach for the network: no usage statistics, no version check against the hub.
OFFLINE_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DO_NOT_TRACK": "1",
}
FAILED_STATUSES = {"error", "fail", "runtime error"}


def extension_dir(settings: Settings) -> Path:
    return settings.home / "duckdb_extensions"


def dbt_target_dir(settings: Settings) -> Path:
    """dbt's target (manifest, compiled SQL, partial-parse state) and logs, per ERP_HOME so homes never mix."""
    return settings.build_dir / "dbt"


def dbt_environment(settings: Settings, build_path: Path) -> dict[str, str]:
    """Environment variables the profile reads, for a DuckDB build into ``build_path``."""
    sqlite_path = settings.sqlite_path
    if sqlite_path is None:
        raise ServiceError(
            t(
                "The embedded warehouse build reads a SQLite store, but ERP_DATABASE_URL names a server database; "
                "run dbt with --target postgres instead."
            )
        )
    if not sqlite_path.exists():
        raise ServiceError(t("The store {path} does not exist: run `erp init` first.", path=sqlite_path))
    ext_dir = prepare_extension_dir(extension_dir(settings))
    return {
        **OFFLINE_ENV,
        "ERP_DBT_TARGET": "duckdb",
        "ERP_WAREHOUSE_BUILD_PATH": str(build_path),
        "ERP_SQLITE_PATH": str(sqlite_path),
        "ERP_DUCKDB_EXTENSION_DIR": str(ext_dir),
        # the warehouse as published before this build: the plan-to-plan diff and alert first-seen dates read it
        "ERP_PUBLISHED_WAREHOUSE": str(settings.warehouse_path),
    }


def postgres_environment(settings: Settings, schema: str = "analytics") -> dict[str, str]:
    """Environment variables the profile's ``postgres`` target reads: the database ERP_DATABASE_URL names.

    The models read the operational tables from schema ERP_OPS_SCHEMA (default ``public``) of that database and
    build into ``schema`` of the same database, so sources and models share one connection. A host given as
    ``?host=/socket/dir`` (a Unix socket) is passed on as the host, as libpq reads it.
    """
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if not url.drivername.startswith("postgresql"):
        raise ServiceError(
            t(
                "The postgres warehouse target reads a PostgreSQL store, but ERP_DATABASE_URL names {kind}.",
                kind=url.drivername,
            )
        )
    query_host = url.query.get("host")
    host = query_host if isinstance(query_host, str) else (query_host[0] if query_host else None)
    return {
        **OFFLINE_ENV,
        "ERP_DBT_TARGET": "postgres",
        "ERP_PG_HOST": url.host or host or "localhost",
        "ERP_PG_PORT": str(url.port or 5432),
        "ERP_PG_USER": url.username or "",
        "ERP_PG_PASSWORD": url.password or "",
        "ERP_PG_DBNAME": url.database or "",
        "ERP_PG_SCHEMA": schema,
        "ERP_OPS_SCHEMA": os.environ.get("ERP_OPS_SCHEMA", "public"),
    }


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a dbt call (dbt's env_var() reads os.environ)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@dataclass
class NodeOutcome:
    unique_id: str
    resource_type: str
    status: str
    message: str
    seconds: float


@dataclass
class DbtOutcome:
    """What a dbt invocation did: success, every node's outcome, and an error when dbt itself failed."""

    success: bool
    nodes: list[NodeOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> list[NodeOutcome]:
        return [n for n in self.nodes if n.status in FAILED_STATUSES]


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run.

    dbt-duckdb caches its environment (and the database instance) on a class; left open, it blocks our own
    connection to the build file ("different configuration") and the file's lock outlives the build.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is None:  # nothing was opened (`dbt parse`): no full collection needed
            return
        env.close()
    gc.collect()  # cursors left in reference cycles would keep the database, and its lock, open


# dbt's global flags in a pipeline run (pipelines/resources.py) and in benchmarks/mrp.py. dbt's log file
# (build/runs/<run>/target/dbt.log) holds warnings and errors (a failed node's message). At info level it also had
# two lines per node, each paying a file-size check and a lock handed between dbt's threads (about 0.9 s of an
# everyday build's CPU), and at debug level every SQL statement as formatted JSON (a sixth of dbt's CPU). What
# each node did and how long it took is kept from dbt's events (node_results.json and Dagster's event log), and
# the SQL a node ran stays in the run's target/run/ folder, which a failed run keeps.
DBT_GLOBAL_FLAGS = ["--no-use-colors", "--log-level-file", "warn"]

_kept_open = 0  # nested `duckdb_kept_open` blocks


@contextmanager
def duckdb_kept_open() -> Iterator[Callable[[], None]]:
    """Keep dbt-duckdb's database open from one dbt invocation to the next inside the block (a change-driven
    build's models, then its tests), and close it on leaving.

    Closing the build file after the models checkpoints it (about 0.3 s at the demo's scale) and the tests then
    open it again (attaching the store: 0.1-0.2 s); kept open, it is opened once and checkpointed once, at the
    end. Whatever reads the build file in between uses `dbt_duckdb_cursor` (a connection of its own would be
    refused while dbt's is open).

    The block gets a function that starts the close at once, on a thread of its own, when dbt is done: the close
    writes the build file (its checkpoint: 0.5-0.8 s for an everyday build, more for a full one) while Python goes
    on with what does not touch the file (Dagster storing the step's events), and leaving the block waits for it.
    """
    global _kept_open
    _kept_open += 1
    closing: list[threading.Thread] = []
    failure: list[BaseException] = []

    def close() -> None:
        try:
            release_duckdb()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            failure.append(exc)

    def close_soon() -> None:
        if not closing and _kept_open == 1:  # the outermost block only: an inner one's caller still needs it
            closing.append(threading.Thread(target=close, name="close-build-file", daemon=True))
            closing[0].start()

    try:
        yield close_soon
    finally:
        _kept_open -= 1
        if closing:
            closing[0].join()
        elif not _kept_open:
            release_duckdb()
    if failure:
        raise failure[0]


def open_duckdb_soon() -> Callable[[], None]:
    """Start opening dbt-duckdb's database on a thread, with the profile of the dbt invocation that just ended in
    this process (a change-driven build's `dbt parse`), inside `duckdb_kept_open`; returns a function waiting for it.

    dbt opens it at its first query: the build file, sqlite_scanner loaded, the store attached, 0.15-0.2 s at ten
    times the demo's volume, mostly outside the interpreter. Started here, it overlaps what the next invocation
    does before its first query (flags, the manifest handed over, the selection and the graph). dbt's next
    invocation builds equal credentials from the same profile and environment, so it takes this database
    (`DuckDBConnectionManager.open` compares them); with other credentials it closes this one and opens its own.
    An error here is left to dbt, which meets it again when it opens the database and reports it."""
    from dbt.adapters.duckdb import environments
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import FACTORY

    adapter = FACTORY.adapters.get("duckdb")
    if adapter is None or not _kept_open:
        return lambda: None
    credentials = adapter.config.credentials

    def open_database() -> None:
        try:
            with DuckDBConnectionManager._LOCK:
                if DuckDBConnectionManager._ENV is None:
                    DuckDBConnectionManager._ENV = environments.create(credentials)
                env = DuckDBConnectionManager._ENV
            env.handle().close()  # opens the database (dbt's first query waits for it); kept open: keep_open
        except Exception:  # noqa: BLE001, S110 - dbt opens it again and reports the error
            pass

    thread = threading.Thread(target=open_database, name="open-build-file", daemon=True)
    thread.start()
    return thread.join


@contextmanager
def dbt_duckdb_cursor() -> Iterator[Any]:
    """A cursor on the database dbt-duckdb keeps open in this process (None when it has none open), closed after."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        conn = getattr(DuckDBConnectionManager._ENV, "conn", None)
        cursor = conn.cursor() if conn is not None else None
    try:
        yield cursor
    finally:
        if cursor is not None:
            cursor.close()


Progress = Callable[[NodeOutcome], None]


# Full (oldest-generation) collections while dbt runs: at most one per this many younger ones (CPython's is 10).
FULL_COLLECTION_EVERY = 100
# Young collections while a build runs: one per this many new container objects (CPython's is 700). dbt and Dagster
# keep many of what they allocate for a while (nodes, events), so at 700 most young collections walk objects that
# survive them. Measured with gc.callbacks at scale 10: an everyday build spent 1.1-1.2 s collecting (850 young, 75
# middle, 2 full collections), 0.8-0.9 s at this threshold; a full build 4.8-5.5 s, 4.1-4.3 s.
YOUNG_COLLECTION_EVERY = 10_000
_holding = 0  # nested holds (a build, and dbt inside it)


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """Spare a build most of Python's full garbage collections.

    A build process holds hundreds of thousands of objects before dbt starts (Dagster's definitions and its copy
    of the manifest, the modules of Dagster, dbt and dagster-dbt), dbt adds its manifest and allocates many more
    per node, and every full collection walks them all: about a sixth of a change-driven build's CPU. The objects
    that exist when the hold starts are frozen (left out of collections) until it ends, young collections wait for
    YOUNG_COLLECTION_EVERY new objects, and a full collection runs at most once per FULL_COLLECTION_EVERY younger
    ones; the garbage of the run itself is still collected. All are undone afterwards. Held around every dbt run
    in this process (`invoke`: a Dagster step's, a benchmark's, one by hand) and around a whole `erp build` (run
    creation, events and publish allocate as much again); nested holds thaw with the outermost."""
    global _holding
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(
        max(thresholds[0], YOUNG_COLLECTION_EVERY), thresholds[1], max(thresholds[2], FULL_COLLECTION_EVERY)
    )
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        gc.set_threshold(*thresholds)
        if not _holding:  # held around a whole build too (pipelines/inprocess.py): the outermost hold thaws
            gc.unfreeze()


def invoke(args: Sequence[str], env: Mapping[str, str], callback: Callable[[Any], None], manifest: Any = None) -> Any:
    """dbtRunner in this process with ``env`` (and `OFFLINE_ENV`) set; dbt-duckdb's database is closed afterwards
    (unless inside `duckdb_kept_open`) so that whatever opens the build file next is not refused. Returns dbt's
    ``dbtRunnerResult``. ``manifest``: a project dbt parsed already (a `parse` invocation's result, same
    variables), which dbt then does not parse."""
    from dbt.cli.main import dbtRunner

    scheduling.install()
    with environment({**env, **OFFLINE_ENV}), fewer_full_collections():
        try:
            return dbtRunner(manifest=manifest, callbacks=[callback]).invoke(list(args))
        finally:
            if not _kept_open:
                release_duckdb()


def run_dbt(
    command: list[str],
    env: Mapping[str, str],
    settings: Settings,
    variables: Mapping[str, Any] | None = None,
    on_node: Progress | None = None,
    quiet: bool = True,
    target_dir: Path | None = None,
) -> DbtOutcome:
    """Run one dbt command (e.g. ``["build", "--select", "marts"]``) against the ERP's project and profile."""

    def callback(event: Any) -> None:
        if on_node is None or event.info.name != "NodeFinished":
            return
        info, result = event.data.node_info, event.data.run_result
        on_node(
            NodeOutcome(
                unique_id=info.unique_id,
                resource_type=info.resource_type,
                status=str(result.status),
                message=str(result.message or ""),
                seconds=float(result.execution_time or 0.0),
            )
        )

    target = target_dir or dbt_target_dir(settings)
    args = [
        *command,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target / "target"),
        "--log-path",
        str(target / "logs"),
        *(["--vars", json.dumps(dict(variables))] if variables is not None else []),
        *(["--quiet", *([] if "--no-use-colors" in command else ["--no-use-colors"])] if quiet else []),
    ]
    result = invoke(args, env, callback)
    nodes = []
    for node_result in getattr(result.result, "results", None) or []:
        node = node_result.node
        nodes.append(
            NodeOutcome(
                unique_id=node.unique_id,
                resource_type=str(node.resource_type),
                status=str(node_result.status),
                message=str(node_result.message or ""),
                seconds=float(node_result.execution_time or 0.0),
            )
        )
    error = str(result.exception) if result.exception is not None else None
    return DbtOutcome(success=bool(result.success), nodes=nodes, error=error)


def main(argv: list[str] | None = None) -> int:
    """`python -m erp.warehouse.dbt <dbt arguments>`: any dbt command, e.g. `docs generate`, with the ERP's profile.

    It runs against a scratch copy of the published warehouse (ERP_HOME/build/manual/), never the published
    file, so a `dbt run` by hand cannot change what the apps read; `erp build` is the way to publish. When
    ERP_DATABASE_URL names a PostgreSQL store it runs the ``postgres`` target instead: the models are built
    into schema ``analytics`` of that database (ERP_PG_SCHEMA overrides it).
    """
    import shutil
    import sys

    from erp.config import load_settings

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(t("Usage: python -m erp.warehouse.dbt <dbt command and options>, e.g. docs generate"), file=sys.stderr)
        return 2
    settings = load_settings()
    if settings.sqlite_path is None:
        env = postgres_environment(settings, os.environ.get("ERP_PG_SCHEMA", "analytics"))
        target_dir = settings.build_dir / "manual-postgres" / "dbt"
        outcome = run_dbt(args, env, settings, quiet=False, target_dir=target_dir)
        print(t("dbt target directory: {path}", path=target_dir / "target"))
        return 0 if outcome.success else 1
    path = settings.build_dir / "manual" / settings.warehouse_path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    if settings.warehouse_path.exists():
        shutil.copyfile(settings.warehouse_path, path)
    target_dir = path.parent / "dbt"
    outcome = run_dbt(args, dbt_environment(settings, path), settings, quiet=False, target_dir=target_dir)
    print(t("dbt target directory: {path}", path=target_dir / "target"))
    return 0 if outcome.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
