"""Alembic environment: migrations run on the connection the ERP hands over (see erp.store.upgrade)."""

from __future__ import annotations

from alembic import context

from erp.change_tokens import ensure_change_triggers
from erp.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` command line: build an engine from the ERP's settings
    from erp.db import make_engine

    with make_engine().begin() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()
        ensure_change_triggers(connection)  # tables a migration added or rebuilt get theirs
else:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
    ensure_change_triggers(connection)  # tables a migration added or rebuilt get theirs
