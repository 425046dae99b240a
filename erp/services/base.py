"""The service layer's spine: who is acting, one transaction per business action, audit and numbering.

Every write in the ERP is a function decorated with :func:`action`. Called with a :class:`Session`, it
checks the actor's permission, runs in one transaction (a savepoint when an outer transaction such as an
import is already open), and whatever it raises rolls back everything it wrote.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, Select, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.i18n import t
from erp.services.prepared import Prepared

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or the system itself) with the permissions of all its roles."""

    user_id: int | None
    username: str
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    language: str = "zh_CN"

    def can(self, permission: str) -> bool:
        return "*" in self.permissions or permission in self.permissions


SYSTEM = Actor(user_id=None, username="system", roles=frozenset({"admin"}), permissions=frozenset({"*"}))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# Audit records waiting to be written before they are written between two actions of a long transaction.
AUDIT_BATCH = 500

# Built once: every action audits and most number documents, so these are the hottest statements of all.
_AUDIT_COLUMNS = ("at", "user_id", "username", "action", "entity", "entity_key", "before_json", "after_json")
_AUDIT_INSERT = Prepared(insert(s.audit_log), columns=_AUDIT_COLUMNS)
_NEXT_NUMBER = Prepared(
    update(s.doc_sequence)
    .where(s.doc_sequence.c.doc_type == bindparam("wanted"))
    .values(next_number=s.doc_sequence.c.next_number + 1)
    .returning(s.doc_sequence.c.next_number, s.doc_sequence.c.prefix, s.doc_sequence.c.padding)
)


@dataclass
class _AuditBuffer:
    """Audit records of one open transaction not yet written, shared by every Tx on its connection.

    They are written before commit, and in between only when no savepoint is open, so that a savepoint
    rolling back never takes with it records of actions outside it: the records of a rolled-back savepoint
    are all still here, and are dropped.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0  # records of the transaction so far, written or still in ``rows``
    depth: int = 0  # savepoints open

    def flush(self, conn: Connection) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            _AUDIT_INSERT.many(conn, rows)

    def forget_since(self, mark: int) -> None:
        """A savepoint opened when ``count`` was ``mark`` rolled back: drop the records made in it."""
        unwritten_from = self.count - len(self.rows)
        assert mark >= unwritten_from, "audit records were written inside a savepoint"
        del self.rows[mark - unwritten_from :]
        self.count = mark


_AUDIT_KEY = "erp.audit_buffer"  # in Connection.info while a Session transaction is open on it


@dataclass
class Tx:
    """An open transaction on behalf of an actor: what an action's body works with."""

    conn: Connection
    actor: Actor
    now: dt.datetime
    action: str = ""

    def audit(self, entity: str, key: Any, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Record what the current action changed (written with the action, in the same transaction).

        Records are collected and written with one statement before the transaction commits (and between
        actions once ``AUDIT_BATCH`` are waiting): imports and the demo run thousands of actions in one
        transaction.
        """
        row = {
            "at": self.now,
            "user_id": self.actor.user_id,
            "username": self.actor.username,
            "action": self.action,
            "entity": entity,
            "entity_key": str(key),
            "before_json": _to_json(before),
            "after_json": _to_json(after),
        }
        buffer: _AuditBuffer | None = self.conn.info.get(_AUDIT_KEY)
        if buffer is None:  # a Tx made outside Session.transaction: write at once
            _AUDIT_INSERT.many(self.conn, [row])
            return
        buffer.rows.append(row)
        buffer.count += 1

    def next_number(self, doc_type: str) -> str:
        """The next document number of a type: gapless, because it commits or rolls back with the document."""
        seq = s.doc_sequence
        row = _NEXT_NUMBER.one_or_none(self.conn, {"wanted": doc_type})
        if row is None:
            try:
                with self.conn.begin_nested():
                    self.conn.execute(
                        insert(seq).values(doc_type=doc_type, prefix=f"{doc_type.upper()}-", next_number=1, padding=6)
                    )
            except IntegrityError:
                pass  # another writer created it first
            row = _NEXT_NUMBER.one_or_none(self.conn, {"wanted": doc_type})
            assert row is not None
        number, prefix, padding = row
        return f"{prefix}{number - 1:0{padding}d}"


class Session:
    """One actor's handle on the store; each action called with it is its own transaction."""

    def __init__(self, engine: Engine, actor: Actor) -> None:
        self.engine = engine
        self.actor = actor
        self._tx: Tx | None = None

    def require(self, permission: str) -> None:
        if not self.actor.can(permission):
            raise PermissionDenied(t("You are not allowed to do this ({permission}).", permission=permission))

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Open a transaction, or a savepoint inside the one already open."""
        if self._tx is not None:
            outer = self._tx
            buffer: _AuditBuffer | None = outer.conn.info.get(_AUDIT_KEY)
            if buffer is None:  # a Tx joined to a connection outside Session.transaction: audits are written at once
                with outer.conn.begin_nested():
                    previous = outer.action
                    try:
                        yield outer
                    finally:
                        outer.action = previous
                return
            if buffer.depth == 0 and len(buffer.rows) >= AUDIT_BATCH:
                buffer.flush(outer.conn)
            mark = buffer.count
            buffer.depth += 1
            try:
                with outer.conn.begin_nested():
                    previous = outer.action
                    try:
                        yield outer
                    except BaseException:
                        buffer.forget_since(mark)
                        raise
                    finally:
                        outer.action = previous
            finally:
                buffer.depth -= 1
            return
        with self.engine.begin() as conn:
            buffer = conn.info[_AUDIT_KEY] = _AuditBuffer()
            self._tx = Tx(conn=conn, actor=self.actor, now=utcnow())
            try:
                yield self._tx
                buffer.flush(conn)
            finally:
                self._tx = None
                conn.info.pop(_AUDIT_KEY, None)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (inside the open transaction, if any, so an import sees its own rows)."""
        if self._tx is not None:
            yield self._tx.conn
            return
        with self.engine.connect().execution_options(readonly=True) as conn, conn.begin():
            yield conn


def action(
    name: str, permission: str
) -> Callable[[Callable[Concatenate[Tx, P], R]], Callable[Concatenate[Session, P], R]]:
    """Make ``fn(tx, ...)`` a business action callable as ``fn(session, ...)``."""

    def decorate(fn: Callable[Concatenate[Tx, P], R]) -> Callable[Concatenate[Session, P], R]:
        @functools.wraps(fn)
        def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
            session.require(permission)
            with session.transaction() as tx:
                tx.action = name
                try:
                    return fn(tx, *args, **kwargs)
                except IntegrityError as exc:
                    raise ServiceError(
                        t("The change conflicts with existing data: {detail}", detail=_integrity_detail(exc)),
                        code="conflict",
                    ) from exc

        run.action_name = name  # type: ignore[attr-defined]
        run.permission = permission  # type: ignore[attr-defined]
        return run

    return decorate


def fetch_one(conn: Connection, table: Any, **where: Any) -> dict[str, Any] | None:
    """The one row of ``table`` whose columns equal the given values, or None."""
    if any(value is None for value in where.values()):  # ``column == None`` means IS NULL: not a bind parameter
        query = select(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        row = conn.execute(query).mappings().one_or_none()
    else:
        query = _fetch_query(table, tuple(where))
        row = conn.execute(query, {f"w_{k}": v for k, v in where.items()}).mappings().one_or_none()
    return dict(row) if row is not None else None


@functools.cache
def _fetch_query(table: Any, columns: tuple[str, ...]) -> Select:
    """Built once per table and key columns: building a statement costs more than running it from the cache."""
    query = select(table)
    for column in columns:
        query = query.where(table.c[column] == bindparam(f"w_{column}"))
    return query


def _integrity_detail(exc: IntegrityError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)


# The text of non-zero finite decimals already audited: documents repeat the same prices, quantities and rates.
# Equal decimals have the same normalized text, except zero (0 and -0), which is never kept.
_DECIMAL_TEXT: dict[Decimal, str] = {}
_DECIMAL_TEXT_MAX = 10_000


def _decimal_text(value: Decimal) -> str:
    if not (value and value.is_finite()):
        return format(value.normalize(), "f")
    text = _DECIMAL_TEXT.get(value)
    if text is None:
        text = format(value.normalize(), "f")
        if len(_DECIMAL_TEXT) < _DECIMAL_TEXT_MAX:
            _DECIMAL_TEXT[value] = text
    return text


def _json_default(value: Any) -> Any:
    kind = type(value)  # the exact types first: every document audits a dozen decimals and dates
    if kind is Decimal:
        return _decimal_text(value)
    if kind is dt.date or kind is dt.datetime:
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# Built once: ``json.dumps`` with options builds a new encoder on every call.
_AUDIT_JSON = json.JSONEncoder(default=_json_default, ensure_ascii=False, sort_keys=True)


def _to_json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return _AUDIT_JSON.encode(data)
