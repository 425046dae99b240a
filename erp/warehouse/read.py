"""Reading the published warehouse: short-lived, read-only connections that never block a publish.

Each call opens a fresh in-memory DuckDB and attaches the published file read-only. Connecting to the file
directly would reuse DuckDB's per-process instance cache, so a reader opened before a publish would keep
serving the replaced file to every later connection in the same process.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from erp.config import Settings, load_settings
from erp.errors import ServiceError
from erp.i18n import t

if TYPE_CHECKING:  # pandas takes about a second to import: only the readers that return frames need it
    import pandas as pd

CATALOG = "warehouse"
PUBLICATION_TABLE = "erp_meta.publication"


class NotPublished(ServiceError):
    def __init__(self) -> None:
        super().__init__(t("No warehouse has been published yet: run `erp build` first."), code="not_found")


@dataclass(frozen=True)
class Publication:
    """One successful `erp build`: when, for which as-of date, and how many rows each mart got."""

    publication_id: int
    published_at_utc: dt.datetime
    as_of: dt.date
    selection: str
    row_counts: dict[str, int]
    dbt_seconds: float
    run_id: str | None = None
    snapshot: str | None = None


@dataclass(frozen=True)
class BuildFailure:
    """The newest build that failed: which run, when, and why (the published warehouse was left as it was)."""

    run_id: str
    failed_at_utc: dt.datetime
    message: str


@contextmanager
def connect(settings: Settings | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published warehouse, closed on exit. Keep it short: never cache it."""
    settings = settings or load_settings()
    path = settings.warehouse_path
    if not path.exists():
        raise NotPublished()
    conn = duckdb.connect(":memory:")
    try:
        escaped = str(path).replace("'", "''")
        conn.execute(f"ATTACH '{escaped}' AS {CATALOG} (READ_ONLY)")
        conn.execute(f"USE {CATALOG}")
        yield conn
    finally:
        conn.close()


def query(
    sql: str, params: Sequence[Any] | dict[str, Any] | None = None, settings: Settings | None = None
) -> pd.DataFrame:
    """Run one query on the published warehouse and return the result as a DataFrame."""
    with connect(settings) as conn:
        return conn.execute(sql, params or []).df()


def read_publication(conn: duckdb.DuckDBPyConnection, publication_id: int | None = None) -> Publication | None:
    """The newest publication (or the one with ``publication_id``) recorded in the warehouse ``conn`` uses."""
    # one look at the catalog in use (information_schema would list every attached one, twice as slow)
    columns = {
        row[0]
        for row in conn.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'erp_meta' and table_name = 'publication'"
        ).fetchall()
    }
    if not columns:
        return None
    # run_id and snapshot came with the Dagster pipeline; older warehouses lack them
    extra = ", ".join(c if c in columns else f"null as {c}" for c in ("run_id", "snapshot"))
    row = conn.execute(
        f"select publication_id, published_at_utc, as_of, selection, row_counts, dbt_seconds, {extra} "
        f"from {PUBLICATION_TABLE} where ? is null or publication_id = ? order by publication_id desc limit 1",
        [publication_id, publication_id],
    ).fetchone()
    if row is None:
        return None
    return Publication(
        publication_id=int(row[0]),
        published_at_utc=row[1],
        as_of=row[2],
        selection=row[3],
        row_counts={k: int(v) for k, v in json.loads(row[4]).items()},
        dbt_seconds=float(row[5]),
        run_id=row[6],
        snapshot=row[7],
    )


# The publication each published file holds, by file: a publish puts a new file in place (a rename, never a write
# into the served one), so the same file identity means the same publication. The apps ask on every page.
_remembered: dict[Path, tuple[tuple[int, int, int, int], Publication | None]] = {}


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def remember_publication(path: Path, publication: Publication) -> None:
    """Note the publication the file now at ``path`` holds (publish has just put it there)."""
    identity = _identity(path)
    if identity is not None:
        _remembered[path] = (identity, publication)


def last_publication(settings: Settings | None = None) -> Publication | None:
    """The publication currently served, or None when nothing is published yet."""
    settings = settings or load_settings()
    path = settings.warehouse_path
    identity = _identity(path)
    if identity is None:
        return None
    known = _remembered.get(path)
    if known is not None and known[0] == identity:
        return known[1]
    try:
        with connect(settings) as conn:
            publication = read_publication(conn)
    except NotPublished:
        return None
    if _identity(path) == identity:  # not replaced while it was read
        _remembered[path] = (identity, publication)
    return publication


def publication_for_run(settings: Settings, run_id: str) -> Publication | None:
    """The publication a pipeline run made, from the served warehouse's history (None: that run published nothing)."""
    newest = last_publication(settings)
    if newest is None or newest.run_id is None:
        return None
    if newest.run_id == run_id:
        return newest
    try:
        with connect(settings) as conn:
            row = conn.execute(f"select publication_id from {PUBLICATION_TABLE} where run_id = ?", [run_id]).fetchone()
            return read_publication(conn, int(row[0])) if row else None
    except NotPublished:
        return None


def last_failure(settings: Settings | None = None) -> BuildFailure | None:
    """The newest failed build when it is newer than the publication served, else None.

    Apps show it beside the publication time: the data shown is older than the last attempt to refresh it.
    """
    settings = settings or load_settings()
    path = failure_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        failure = BuildFailure(
            run_id=str(data["run_id"]),
            failed_at_utc=dt.datetime.fromisoformat(data["failed_at_utc"]),
            message=str(data["message"]),
        )
    except (OSError, ValueError, KeyError):
        return None
    publication = last_publication(settings)
    if publication is not None and publication.published_at_utc >= failure.failed_at_utc:
        return None
    return failure


def failure_path(settings: Settings) -> Path:
    """Where the newest failed build is noted (a small JSON file beside the build directories)."""
    return settings.build_dir / "last_failure.json"


def public_marts(settings: Settings | None = None) -> list[str]:
    """Names of the marts in the published warehouse (what `erp export` and the apps may read)."""
    publication = last_publication(settings)
    return sorted(publication.row_counts) if publication else []
