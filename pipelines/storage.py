"""Dagster's SQLite event log, written through kept-open connections.

The stock ``SqliteEventLogStorage`` creates an engine, opens a connection, commits and closes it for every event,
and the close of the last connection to a WAL database checkpoints it: several fsyncs per event. A warehouse run
records a planned event, a materialization or a check evaluation and a few log lines per dbt node (about 2,000
events for the ~570 nodes of a full build), which cost more CPU in the Dagster process than dbt's own work and
half a minute of waiting for the disk on a busy machine. This subclass keeps one pooled engine per database file
(the run's and the index), with ``synchronous=NORMAL`` (WAL mode: a power cut may lose the last events, never
corrupt the file). Same files, same schema: the UI and daemon (stock storage) read them as before.

The UI streams a run's events when the run's ``.db`` file changes, which a WAL write does not do until a
checkpoint: the run's file is checkpointed at most every ``CHECKPOINT_SECONDS`` and when the storage is disposed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy.engine import Connection, Engine

ENGINES_KEPT = 8  # the index and the runs being written; older ones are closed
CHECKPOINT_SECONDS = 1.0


class KeptConnectionEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one pooled engine per shard instead of one engine per statement."""

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._checkpointed: dict[str, float] = {}
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> KeptConnectionEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        db.event.listen(engine, "connect", _relaxed_sync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > ENGINES_KEPT:
            old_shard, old = self._engines.popitem(last=False)
            self._checkpointed.pop(old_shard, None)
            old.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn:
            with conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:
                now = time.monotonic()
                if now - self._checkpointed.get(shard, 0.0) >= CHECKPOINT_SECONDS:
                    self._checkpointed[shard] = now
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def has_table(self, table_name: str) -> bool:
        """Asked before every asset check event is stored (a new engine and a schema reflection each time): a table
        found once stays (only a wipe or upgrade changes the schema)."""
        if table_name in self._tables:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables.add(table_name)
        return found

    def close_engines(self) -> None:
        """Close every kept connection (the last close checkpoints each file)."""
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
            self._checkpointed.clear()

    def wipe(self) -> None:
        self.close_engines()
        self._tables.clear()
        super().wipe()

    def upgrade(self) -> None:
        self.close_engines()
        self._tables.clear()
        super().upgrade()

    def delete_events(self, run_id: str) -> None:
        self.close_engines()
        super().delete_events(run_id)

    def dispose(self) -> None:
        self.close_engines()
        super().dispose()


def _relaxed_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
