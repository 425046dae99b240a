"""Loading generated rows through the service layer, so the demo obeys every rule real data obeys.

Rows go through each entity's ``create`` action (field checks, references, acyclic bills of materials,
audit log) and users through ``create_user``; a row the services refuse stops the whole demo.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from erp import schema as s
from erp.demo.generator import MasterData
from erp.errors import FieldError, ServiceError
from erp.registry import ENTITIES, import_order
from erp.services.base import Session
from erp.services.users import create_user

# Tables that make a store "already in use" for the demo: loading on top would mix two companies.
MASTER_TABLES = (s.item, s.customer, s.supplier, s.employee, s.work_center)


def existing_data(conn: Connection, usernames: list[str]) -> list[str]:
    """What the store already holds that the demo would collide with: table names and user names."""
    found = [t.name for t in MASTER_TABLES if conn.execute(select(func.count()).select_from(t)).scalar()]
    taken = conn.execute(select(s.app_user.c.username).where(s.app_user.c.username.in_(usernames))).scalars()
    return found + sorted(taken)


def load_master_data(session: Session, data: MasterData, password: str) -> dict[str, int]:
    """Create every row of ``data`` in dependency order, then the demo users; counts by entity."""
    counts: dict[str, int] = {}
    with session.transaction():
        for name in import_order(list(data.rows)):
            actions = ENTITIES[name]
            for row in data.rows[name]:
                try:
                    actions.create(session, row)
                except ServiceError as exc:
                    where = f"{name} {actions.entity.key_text(row)}"
                    raise ServiceError(
                        [FieldError(f"{where}: {e.field}" if e.field else where, e.message) for e in exc.errors],
                        code=exc.code,
                    ) from exc
            counts[name] = len(data.rows[name])
        for user in data.users:
            create_user(session, user.username, password, [user.role], display_name=user.display_name)
        counts["users"] = len(data.users)
    return counts
