"""State machines for documents with a status: the allowed moves are data, so every refused jump reads the same
and every accepted one is audited with its before and after."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select, update

from erp.errors import FieldError, ServiceError
from erp.i18n import t
from erp.services.base import Tx
from erp.services.documents import not_found

Transitions = Mapping[str, tuple[str, ...]]


def conflict(field: str, message: str) -> ServiceError:
    return ServiceError(FieldError(field, message), code="conflict")


@functools.cache
def _locked_query(table: Table, key: str) -> Select:
    """Built once per table and key, so SQLAlchemy's compiled cache does the rest."""
    return select(table).where(table.c[key] == bindparam("value")).with_for_update()


def locked(conn: Connection, table: Table, value: Any, what: str, field: str, *, key: str = "number") -> dict[str, Any]:
    """The row whose ``key`` is ``value``, locked until commit on PostgreSQL so that two changes take turns."""
    if value is None:  # ``column == None`` means IS NULL, which a bind parameter would not
        query = select(table).where(table.c[key].is_(None)).with_for_update()
        row = conn.execute(query).mappings().one_or_none()
    else:
        row = conn.execute(_locked_query(table, key), {"value": value}).mappings().one_or_none()
    if row is None:
        raise not_found(field, what, value)
    return dict(row)


def check_move(row: Mapping[str, Any], to: str, transitions: Transitions, field: str, *, key: str = "number") -> None:
    """Refuse a status change the machine does not allow (e.g. received straight to returned)."""
    status = row["status"]
    if to not in transitions.get(status, ()):
        allowed = transitions.get(status, ())
        raise conflict(
            field,
            t(
                "{key} is {status}; it cannot become {to} (allowed: {allowed})",
                key=row[key],
                status=status,
                to=to,
                allowed=", ".join(allowed) or "-",
            ),
        )


def move(
    tx: Tx,
    table: Table,
    row: Mapping[str, Any],
    to: str,
    transitions: Transitions,
    field: str,
    *,
    key: str = "number",
    **values: Any,
) -> dict[str, Any]:
    """Check and apply a status change with any other columns it sets; audited as ``table`` / ``row[key]``."""
    check_move(row, to, transitions, field, key=key)
    changes = {"status": to, **values}
    tx.conn.execute(update(table).where(table.c.id == row["id"]).values(**changes))
    before = {k: row[k] for k in changes if k in row}
    tx.audit(table.name, row[key], before, changes)
    return {**row, **changes}


def require_status(
    row: Mapping[str, Any], allowed: tuple[str, ...], field: str, doing: str, *, key: str = "number"
) -> None:
    """Refuse an action that is only possible in some statuses (e.g. parts only while repairing)."""
    if row["status"] not in allowed:
        raise conflict(field, t("{key} is {status}; cannot {doing}", key=row[key], status=row["status"], doing=doing))
