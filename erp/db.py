"""Engine creation: SQLite in WAL mode with foreign keys and immediate write locks, or PostgreSQL by URL."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, event

from erp.config import Settings, load_settings

SQLITE_CACHE_KIB = 64 * 1024
SQLITE_WAL_CHECKPOINT_PAGES = 10_000
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(settings: Settings | None = None, url: str | None = None) -> Engine:
    """Create the engine for the operational store.

    SQLite writers take the write lock at BEGIN (BEGIN IMMEDIATE) so that two processes never both read a
    snapshot and then fail to upgrade it; the busy timeout makes the second writer wait instead of failing.
    Connections opened with the execution option ``readonly=True`` begin a deferred transaction instead.
    """
    settings = settings or load_settings()
    url = url or settings.database_url
    if url.startswith("sqlite"):
        path = settings.sqlite_path if url == settings.database_url else None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        _plain_savepoints(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, pool_pre_ping=True)
    _plain_savepoints(engine)
    return engine


def _plain_savepoints(engine: Engine) -> None:
    """Send SAVEPOINT, RELEASE and ROLLBACK TO as plain SQL.

    SQLAlchemy builds and compiles a statement object for each (their names differ, so its compiled cache
    cannot help): about 0.1 ms apiece, and every action nested in an import or the demo opens and releases one.
    The SQL sent is the same.
    """
    dialect = engine.dialect
    quote = dialect.identifier_preparer.quote

    def do_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {quote(name)}")

    def do_release_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {quote(name)}")

    def do_rollback_to_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {quote(name)}")

    dialect.do_savepoint = do_savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = do_release_savepoint  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = do_rollback_to_savepoint  # type: ignore[method-assign]


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # SQLite's default page cache is 2 MB: on a store of a few hundred MB every query re-reads its pages
        # through the kernel (system time grew faster than the data in the demo at scale 10).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # Checkpoint the WAL every 10,000 pages (about 40 MB) instead of SQLite's 1,000: each checkpoint syncs the
        # WAL and the database file and copies back every page changed since the last one, and a busy index or
        # table page changed by every commit is copied once per checkpoint, not once per commit. In order entry a
        # commit writes about 15 pages, so the default checkpointed every 70 orders (the p99 latency) and cost
        # throughput. Readers are unaffected: they look pages up in the WAL index (a hash table per 4,096 pages)
        # and never wait for a checkpoint; the WAL file keeps its largest size, here about 40 MB.
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
