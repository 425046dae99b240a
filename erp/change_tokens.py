"""Per-table change tokens in a SQLite store, kept by triggers, so a warehouse build finds what changed cheaply.

Every store table has three triggers (after insert, update and delete) that replace its row of ``store_change``
with a new random token. The everyday warehouse build compares each table's token with the one its publication
was built from (erp/warehouse/changes.py): the same token means no row of the table was written since, whoever
wrote it (the service layer, an import, a hand-made SQL fix). Reading the tokens takes milliseconds; hashing every
row of the store took about two seconds at ten times the demo's volume. Random tokens, not counters: a store
restored from a backup and then changed again can never come back to a token it published with.

A table without all three triggers (one a migration just created or rebuilt) has no trusted token: the build hashes
its rows instead, and the next upgrade gives it triggers and a new token. Triggers cost each written row one update
of a one-page table. PostgreSQL stores have none: their warehouse is built in full (docs/warehouse.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import Connection

TABLE = "store_change"
OPERATIONS = ("insert", "update", "delete")
# Tables that never feed the warehouse, or whose writes would recurse.
UNTRACKED = frozenset({TABLE, "alembic_version"})
SCHEMA_SQL = "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'trigger')"


def trigger_name(table: str, operation: str) -> str:
    return f"trg_{table}_changed_{operation}"


def tracked_tables(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n not in UNTRACKED and not n.startswith("sqlite_"))


def _schema(rows: Iterable[Sequence[str]]) -> tuple[list[str], set[tuple[str, str]]]:
    """The tables (SQLite's own left out) and the (table, trigger) pairs of a store, from ``SCHEMA_SQL``'s rows."""
    rows = list(rows)
    tables = sorted(name for kind, name, _table in rows if kind == "table" and not name.startswith("sqlite_"))
    return tables, {(table, name) for kind, name, table in rows if kind == "trigger"}


def _has_triggers(table: str, triggers: set[tuple[str, str]]) -> bool:
    return all((table, trigger_name(table, op)) in triggers for op in OPERATIONS)


def ensure_change_triggers(conn: Connection) -> list[str]:
    """Give every table of a SQLite store its change triggers and a token (idempotent); the tables that got them.

    A table that had lost its triggers (a migration rebuilt it) also gets a new token: its rows may have changed
    without one."""
    if conn.dialect.name != "sqlite":
        return []
    tables, triggers = _schema(conn.exec_driver_sql(SCHEMA_SQL).all())
    if TABLE not in tables:
        return []
    added = []
    for table in (t for t in tracked_tables(tables) if not _has_triggers(t, triggers)):
        for operation in OPERATIONS:
            if (table, trigger_name(table, operation)) not in triggers:
                conn.exec_driver_sql(
                    f'CREATE TRIGGER "{trigger_name(table, operation)}" AFTER {operation.upper()} ON "{table}" '
                    f"BEGIN UPDATE {TABLE} SET token = random() WHERE table_name = '{table}'; END"
                )
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE} (table_name, token) VALUES (?, random()) "
            "ON CONFLICT (table_name) DO UPDATE SET token = random()",
            (table,),
        )
        added.append(table)
    return added


def read_tokens(path: Path) -> tuple[list[str], dict[str, str]] | None:
    """The tables of the SQLite store at ``path``, and the token of each that has all its triggers (a table
    missing one, or a store from before tokens, has none). Read-only, in milliseconds; None when the file cannot
    be read this way (the caller hashes the tables instead)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables, triggers = _schema(conn.execute(SCHEMA_SQL).fetchall())
            tokens = dict(conn.execute(f"SELECT table_name, token FROM {TABLE}").fetchall()) if TABLE in tables else {}
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return tables, {t: str(token) for t, token in tokens.items() if t in tables and _has_triggers(t, triggers)}
