"""Master-data records: one description per entity drives its create/update/save actions, its CSV format
and its export, so the rules of an entity live in one place."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, Table, insert, select
from sqlalchemy import update as sql_update

from erp.errors import FieldError, ServiceError
from erp.fields import Field, FieldSet, Ref, is_blank, ref_id_query
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one

Check = Callable[[Tx, dict[str, Any], dict[str, Any] | None], list[FieldError]]


@dataclass(frozen=True)
class Entity:
    """A kind of master-data record.

    ``name`` is also its CSV file name (``items`` → ``items.csv``); ``key`` names the fields that identify
    a record for people (its natural key, e.g. ``item_code``); ``check`` adds rules that span fields or rows.
    """

    name: str
    label: str
    table: Table
    key: tuple[str, ...]
    fields: FieldSet
    permission: str
    audit_name: str
    check: Check | None = None

    def field(self, name: str) -> Field:
        return self.fields.by_name[name]

    @property
    def depends_on(self) -> set[str]:
        """Tables this entity references (other than itself), for import ordering."""
        return {f.table.name for f in self.fields if isinstance(f, Ref) and f.table is not None} - {self.table.name}

    def key_text(self, data: Mapping[str, Any]) -> str:
        return "/".join(str(data.get(k, "")).strip() for k in self.key)


def find(conn: Connection, entity: Entity, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The stored row for a natural key given as field values (codes), or None."""
    where: dict[str, Any] = {}
    for name in entity.key:
        f = entity.field(name)
        value = key.get(name)
        if is_blank(value):
            return None
        if isinstance(f, Ref):
            assert f.table is not None
            ref_id = conn.execute(ref_id_query(f.table, f.key, False), {"code": str(value).strip()}).scalar()
            if ref_id is None:
                return None
            value = ref_id
        else:
            value = f.parse(value, conn)
        where[f.db_column] = value
    return fetch_one(conn, entity.table, **where)


def create(tx: Tx, entity: Entity, data: Mapping[str, Any]) -> dict[str, Any]:
    values, errors = entity.fields.validate(data, tx.conn)
    if not errors and find(tx.conn, entity, data) is not None:
        errors.append(FieldError(entity.key[-1], t("{key} already exists", key=entity.key_text(data))))
    if not errors and entity.check:
        errors = entity.check(tx, values, None)
    if errors:
        raise ServiceError(errors)
    row = dict(tx.conn.execute(_insert_returning(entity.table), values).mappings().one())
    tx.audit(entity.table.name, entity.key_text(data), None, row)
    return row


def update(tx: Tx, entity: Entity, key: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    before = find(tx.conn, entity, key)
    if before is None:
        raise ServiceError(
            FieldError(entity.key[-1], t("{key} does not exist", key=entity.key_text(key))), code="not_found"
        )
    changes = {k: v for k, v in changes.items() if k not in entity.key or _differs(entity, k, v, key)}
    values, errors = entity.fields.validate(changes, tx.conn, partial=True)
    if not errors and entity.check:
        errors = entity.check(tx, {**before, **values}, before)
    if errors:
        raise ServiceError(errors)
    if values:
        tx.conn.execute(sql_update(entity.table).where(entity.table.c.id == before["id"]).values(**values))
    after = fetch_one(tx.conn, entity.table, id=before["id"])
    assert after is not None
    tx.audit(entity.table.name, entity.key_text(key), before, after)
    return after


@functools.cache
def _insert_returning(table: Table) -> Insert:
    """Built once per table (the values go in as parameters), so SQLAlchemy's compiled cache does the rest."""
    return insert(table).returning(*table.c)


def save(tx: Tx, entity: Entity, data: Mapping[str, Any]) -> dict[str, Any]:
    """Create the record, or update it when its natural key exists (what an import of history needs)."""
    if find(tx.conn, entity, data) is None:
        return create(tx, entity, data)
    changes = {k: v for k, v in data.items() if k not in entity.key}
    return update(tx, entity, data, changes)


def _differs(entity: Entity, name: str, value: Any, key: Mapping[str, Any]) -> bool:
    return str(value).strip() != str(key.get(name, "")).strip()


def export_rows(conn: Connection, entity: Entity) -> list[dict[str, str]]:
    """Every record as CSV cells, references written back as codes."""
    ref_maps: dict[str, dict[int, str]] = {}
    for f in entity.fields:
        if isinstance(f, Ref) and f.table is not None:
            rows = conn.execute(select(f.table.c.id, f.table.c[f.key]))
            ref_maps[f.name] = {row[0]: row[1] for row in rows}
    order = [entity.table.c[entity.field(k).db_column] for k in entity.key]
    out = []
    for row in conn.execute(select(entity.table).order_by(*order)).mappings():
        record = {}
        for f in entity.fields:
            value = row[f.db_column]
            if f.name in ref_maps and value is not None:
                record[f.name] = ref_maps[f.name].get(value, "")
            else:
                record[f.name] = f.format(value)
        out.append(record)
    return out


class EntityActions:
    """The create, update and save actions of one entity, each permission-checked and audited."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        e = entity
        self.create = action(f"{e.audit_name}.create", e.permission)(lambda tx, data: create(tx, e, data))
        self.update = action(f"{e.audit_name}.update", e.permission)(
            lambda tx, key, changes: update(tx, e, key, changes)
        )
        self.save = action(f"{e.audit_name}.save", e.permission)(lambda tx, data: save(tx, e, data))

    def get(self, session: Session, key: Mapping[str, Any]) -> dict[str, Any] | None:
        with session.read() as conn:
            return find(conn, self.entity, key)
