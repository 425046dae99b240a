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
from typing import Any

import duckdb
import pandas as pd

from erp.config import Settings, load_settings
from erp.errors import ServiceError
from erp.i18n import t

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


def read_publication(conn: duckdb.DuckDBPyConnection) -> Publication | None:
    """The newest publication recorded in the warehouse ``conn`` is using, if any."""
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'erp_meta' and table_name = 'publication'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute(
        f"select publication_id, published_at_utc, as_of, selection, row_counts, dbt_seconds from {PUBLICATION_TABLE} "
        "order by publication_id desc limit 1"
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
    )


def last_publication(settings: Settings | None = None) -> Publication | None:
    """The publication currently served, or None when nothing is published yet."""
    try:
        with connect(settings) as conn:
            return read_publication(conn)
    except NotPublished:
        return None


def public_marts(settings: Settings | None = None) -> list[str]:
    """Names of the marts in the published warehouse (what `erp export` and the apps may read)."""
    publication = last_publication(settings)
    return sorted(publication.row_counts) if publication else []
