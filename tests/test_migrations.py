"""Migrations build the schema from empty, and the schema in code has no change left without a migration."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from erp.db import make_engine
from erp.schema import metadata
from erp.store import is_initialized, upgrade

pytestmark = pytest.mark.portable


def test_upgrade_from_empty_matches_schema(erp_home, backend: str) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    assert not is_initialized(engine)
    upgrade(engine)
    upgrade(engine)  # a second run is a no-op
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], f"schema changes without a migration: {diff}"
        if backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
