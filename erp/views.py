"""Read models for screens: paged, searchable lists of any master-data entity, the audit log, and the counts a
home page shows.

Screens hold no SQL; they call these helpers with a read-only connection (``Session.read()``). Lists are built
from an entity's own field descriptions (erp.services.records.Entity), so a new field appears in its list, its
filters and its CSV download without being described twice. Cells are written as in the import format
(references as codes), so what a user downloads can be imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select
from sqlalchemy.sql import FromClause

from erp import schema as s
from erp.fields import Bool, Choice, Ref, Text
from erp.registry import ENTITIES
from erp.services.base import Actor, fetch_one
from erp.services.records import Entity, find
from erp.services.users import actor_for

if TYPE_CHECKING:
    from erp.warehouse.read import Publication as WarehousePublication

DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class RecordPage:
    """One page of a list, with the total so the screen can show "page 2 of 7"."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


# --- generic entity lists ------------------------------------------------------------------------------------


def _columns(entity: Entity) -> tuple[FromClause, dict[str, ColumnElement[Any]]]:
    """The entity's table joined to every referenced table, and one column per field (references as codes)."""
    source: FromClause = entity.table
    columns: dict[str, ColumnElement[Any]] = {}
    for f in entity.fields:
        if isinstance(f, Ref) and f.table is not None:
            target = f.table.alias(f"ref_{f.name}")
            source = source.outerjoin(target, entity.table.c[f.db_column] == target.c.id)
            columns[f.name] = target.c[f.key]
        else:
            columns[f.name] = entity.table.c[f.db_column]
    return source, columns


def _filtered(
    entity: Entity, query: Select[Any], columns: Mapping[str, ColumnElement[Any]], search: str, filters: Mapping
) -> Select[Any]:
    text = (search or "").strip()
    if text:
        # What the user typed is literal text: % and _ are not wildcards here.
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        searchable = [columns[f.name] for f in entity.fields if isinstance(f, Text | Ref)]
        query = query.where(or_(*(c.ilike(pattern, escape="\\") for c in searchable)))
    conditions = []
    for name, value in filters.items():
        if value is None or value == "":
            continue
        is_bool = isinstance(entity.field(name), Bool)  # also rejects an unknown field name
        conditions.append(columns[name].is_(bool(value)) if is_bool else columns[name] == value)
    return query.where(and_(*conditions)) if conditions else query


def _cells(entity: Entity, row: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for f in entity.fields:
        value = row[f.name]
        out[f.name] = "" if value is None else (str(value) if isinstance(f, Ref) else f.format(value))
    return out


def list_records(
    conn: Connection,
    entity: Entity,
    *,
    search: str = "",
    filters: Mapping[str, Any] | None = None,
    page: int = 1,
    page_size: int | None = DEFAULT_PAGE_SIZE,
) -> RecordPage:
    """Records of ``entity`` whose text fields or reference codes contain ``search`` and whose fields equal
    ``filters`` (``{field name: value}``; a reference filter is a code), sorted by natural key.

    ``page_size=None`` returns every match on one page (for a download).
    """
    source, columns = _columns(entity)
    base = _filtered(
        entity, select(*(c.label(n) for n, c in columns.items())).select_from(source), columns, search, filters or {}
    )
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    query = base.order_by(*(columns[k] for k in entity.key))
    page = max(1, int(page))
    if page_size is not None:
        query = query.limit(page_size).offset((page - 1) * page_size)
    rows = [_cells(entity, r) for r in conn.execute(query).mappings()]
    return RecordPage(rows=rows, total=total, page=page, page_size=page_size or max(total, 1))


def record_values(conn: Connection, entity: Entity, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """A stored record as typed form values (references as codes), or None when the key is unknown."""
    row = find(conn, entity, key)
    if row is None:
        return None
    values: dict[str, Any] = {}
    for f in entity.fields:
        value = row[f.db_column]
        if isinstance(f, Ref) and f.table is not None and value is not None:
            value = conn.execute(select(f.table.c[f.key]).where(f.table.c.id == value)).scalar_one_or_none()
        values[f.name] = value
    return values


def codes(conn: Connection, field: Ref) -> list[str]:
    """Every code a reference field accepts, sorted (active rows only when the field wants active ones)."""
    assert field.table is not None
    query = select(field.table.c[field.key]).order_by(field.table.c[field.key])
    if field.only_active and "active" in field.table.c:
        query = query.where(field.table.c.active.is_(True))
    return [str(c) for c in conn.execute(query).scalars()]


def key_codes(conn: Connection, entity: Entity) -> list[str]:
    """The natural keys of an entity with a one-field key, sorted: what a "choose a record" box offers."""
    (key,) = entity.key
    column = entity.table.c[entity.field(key).db_column]
    return [str(v) for v in conn.execute(select(column).order_by(column)).scalars()]


def csv_bytes(header: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Rows as a CSV file in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return buffer.getvalue().encode("utf-8-sig")


def filter_options(conn: Connection, entity: Entity, name: str) -> list[str]:
    """The values a filter box on a field offers: its choices, the codes it may reference, or the distinct
    values stored in a text field."""
    f = entity.field(name)
    if isinstance(f, Choice):
        return list(f.choices)
    if isinstance(f, Ref):
        return codes(conn, f)
    column = entity.table.c[f.db_column]
    query = select(column).where(column.is_not(None), column != "").distinct().order_by(column)
    return [str(v) for v in conn.execute(query).scalars()]


# --- home page -----------------------------------------------------------------------------------------------

# Entities a home page counts; roles and grants are administration, not master data.
HOME_ENTITIES = ("items", "bom", "customers", "suppliers", "employees", "work_centers", "accounts", "locations")


def company(conn: Connection) -> dict[str, Any] | None:
    return fetch_one(conn, s.company, id=1)


def master_data_counts(conn: Connection) -> list[tuple[Entity, int]]:
    """How many records each master-data entity holds."""
    out = []
    for name in HOME_ENTITIES:
        entity = ENTITIES[name].entity
        out.append((entity, conn.execute(select(func.count()).select_from(entity.table)).scalar_one()))
    return out


def last_publication() -> WarehousePublication | None:
    """The warehouse publication the apps read, or None when nothing was published or it cannot be read.

    The warehouse reader needs DuckDB and a finished `erp build`; it is imported late so that a store without a
    warehouse still has working screens, and an unreadable file reads as "no publication", never as a crash.
    """
    try:
        import duckdb

        from erp.warehouse.read import last_publication as read_last_publication
    except ImportError:
        return None
    try:
        return read_last_publication()
    except duckdb.Error:
        return None


# --- users and sign-in ---------------------------------------------------------------------------------------


def refresh_actor(conn: Connection, user_id: int) -> Actor | None:
    """The signed-in user's current roles and permissions, or None once the account is disabled or gone.

    Screens call this on every run so that disabling a user or changing their roles takes effect at once.
    """
    user = fetch_one(conn, s.app_user, id=user_id)
    if user is None or not user["active"]:
        return None
    return actor_for(conn, user)


def display_name(conn: Connection, user_id: int) -> str:
    return conn.execute(select(s.app_user.c.display_name).where(s.app_user.c.id == user_id)).scalar() or ""


def role_codes(conn: Connection) -> list[str]:
    return [str(c) for c in conn.execute(select(s.role.c.code).order_by(s.role.c.code)).scalars()]


def usernames(conn: Connection) -> list[str]:
    return [str(u) for u in conn.execute(select(s.app_user.c.username).order_by(s.app_user.c.username)).scalars()]


# --- audit log -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    entity: str = ""
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


def audit_facets(conn: Connection) -> tuple[list[str], list[str]]:
    """The entities and user names that occur in the audit log, for filter boxes."""
    log = s.audit_log
    entities = [str(e) for e in conn.execute(select(log.c.entity).distinct().order_by(log.c.entity)).scalars()]
    users = [str(u) for u in conn.execute(select(log.c.username).distinct().order_by(log.c.username)).scalars()]
    return entities, users


def audit_entries(
    conn: Connection, where: AuditFilter, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> RecordPage:
    """Audit rows, newest first, without their JSON bodies (see :func:`audit_entry`)."""
    log = s.audit_log
    conditions = []
    if where.entity:
        conditions.append(log.c.entity == where.entity)
    if where.username:
        conditions.append(log.c.username == where.username)
    if where.date_from:
        conditions.append(log.c.at >= dt.datetime.combine(where.date_from, dt.time()))
    if where.date_to:
        conditions.append(log.c.at < dt.datetime.combine(where.date_to + dt.timedelta(days=1), dt.time()))
    cols = (log.c.id, log.c.at, log.c.username, log.c.action, log.c.entity, log.c.entity_key)
    query = select(*cols).where(and_(*conditions)) if conditions else select(*cols)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, int(page))
    query = query.order_by(log.c.at.desc(), log.c.id.desc()).limit(page_size).offset((page - 1) * page_size)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    return RecordPage(rows=rows, total=total, page=page, page_size=page_size)


def audit_entry(conn: Connection, entry_id: int, actor: Actor) -> dict[str, Any] | None:
    """One audit row with its before and after states decoded from JSON.

    Pay and personal data stay confidential in the audit log too: their bodies are withheld from readers
    without ``hr.confidential`` (``withheld`` is then True)."""
    from erp.services.payroll import CONFIDENTIAL_AUDIT

    row = fetch_one(conn, s.audit_log, id=entry_id)
    if row is None:
        return None
    row["withheld"] = row["entity"] in CONFIDENTIAL_AUDIT and not actor.can("hr.confidential")
    for name in ("before_json", "after_json"):
        raw = row.pop(name)
        row[name.removesuffix("_json")] = json.loads(raw) if raw and not row["withheld"] else None
    return row
