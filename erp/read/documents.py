"""What every document screen reads, whatever the document: a filtered, paged list, and one document opened with
its lines, the journal lines it posted and the audit entries written about it.

A kind of document is described once (:class:`DocumentKind`): the query of its list, whose row is also the header
of an opened document, how its lines are read and which journal entries belong to it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select

from erp import schema as s
from erp.fields import N_
from erp.services.documents import dec, show
from erp.views import DEFAULT_PAGE_SIZE, RecordPage

Rows = list[dict[str, Any]]
# (journal_entry.source_type, journal_entry.source_ref): the entries a document posted.
EntryRef = tuple[str, str]


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document as screens see it.

    ``query`` selects one row per document with labelled columns (``key`` among them); ``labels`` names the
    columns shown, in order (English, translated where shown). ``lines`` reads the lines of one document and
    ``line_labels`` names their columns; ``postings`` reads the journal lines it posted (from its header row).
    """

    name: str  # also the entity name in the audit log
    label: str
    query: Select[Any]
    labels: Mapping[str, str]
    key: str = "number"
    date: str | None = None  # the column the date filter applies to
    choice: str | None = None  # the column of the one choice filter (a status or a type)
    choices: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    lines: Callable[[Connection, str], Rows] | None = None
    line_labels: Mapping[str, str] = field(default_factory=dict)
    postings: Callable[[Connection, Mapping[str, Any]], Rows] | None = None
    order: tuple[str, ...] = ()  # ascending sort columns; default newest first by date, then key


@dataclass(frozen=True)
class ListFilter:
    search: str = ""
    choice: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class Document:
    header: dict[str, Any]
    lines: Rows
    postings: Rows
    audit: Rows


def _filtered(kind: DocumentKind, where: ListFilter) -> Select[Any]:
    sub = kind.query.subquery()
    query = select(sub)
    text = where.search.strip()
    if text and kind.search:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(sub.c[c].ilike(pattern, escape="\\") for c in kind.search)))
    if where.choice and kind.choice:
        query = query.where(sub.c[kind.choice] == where.choice)
    if kind.date and where.date_from:
        query = query.where(sub.c[kind.date] >= where.date_from)
    if kind.date and where.date_to:
        query = query.where(sub.c[kind.date] <= where.date_to)
    if kind.order:
        return query.order_by(*(sub.c[c] for c in kind.order))
    order = [sub.c[kind.date].desc()] if kind.date else []
    return query.order_by(*order, sub.c[kind.key].desc())


def list_documents(
    conn: Connection,
    kind: DocumentKind,
    where: ListFilter = ListFilter(),
    *,
    page: int = 1,
    page_size: int | None = DEFAULT_PAGE_SIZE,
) -> RecordPage:
    """Documents matching the filter, newest first; ``page_size=None`` returns them all (for a download)."""
    query = _filtered(kind, where)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, int(page))
    if page_size is not None:
        query = query.limit(page_size).offset((page - 1) * page_size)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    return RecordPage(rows=rows, total=total, page=page, page_size=page_size or max(total, 1))


def header(conn: Connection, kind: DocumentKind, number: str) -> dict[str, Any] | None:
    sub = kind.query.subquery()
    row = conn.execute(select(sub).where(sub.c[kind.key] == number)).mappings().one_or_none()
    return dict(row) if row is not None else None


def open_document(conn: Connection, kind: DocumentKind, number: str) -> Document | None:
    """A document with its lines, its journal lines and its audit trail, or None when the number is unknown."""
    head = header(conn, kind, number)
    if head is None:
        return None
    lines = kind.lines(conn, number) if kind.lines else []
    posted = kind.postings(conn, head) if kind.postings else []
    return Document(header=head, lines=lines, postings=posted, audit=audit_trail(conn, kind.name, number))


POSTING_LABELS = {
    "entry": N_("Journal entry"),
    "entry_date": N_("Date"),
    "source_type": N_("Source"),
    "account": N_("Account"),
    "account_name": N_("Account name"),
    "cost_center": N_("Cost center"),
    "debit": N_("Debit"),
    "credit": N_("Credit"),
    "description": N_("Description"),
}


def entry_lines(conn: Connection, condition: ColumnElement[bool]) -> Rows:
    """The posted journal lines of the entries ``condition`` picks (a condition on ``journal_entry``)."""
    je, jl, acc, cc = s.journal_entry, s.journal_line, s.account, s.cost_center
    query = (
        select(
            je.c.number.label("entry"),
            je.c.entry_date,
            je.c.source_type,
            acc.c.code.label("account"),
            acc.c.name.label("account_name"),
            cc.c.code.label("cost_center"),
            jl.c.debit,
            jl.c.credit,
            jl.c.description,
        )
        .join(jl, jl.c.entry_id == je.c.id)
        .join(acc, acc.c.id == jl.c.account_id)
        .outerjoin(cc, cc.c.id == jl.c.cost_center_id)
        .where(je.c.status == "posted", condition)
        .order_by(je.c.id, jl.c.line_no)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def posted_lines(conn: Connection, refs: Sequence[EntryRef]) -> Rows:
    """The posted journal lines of the entries named by (source type, source reference), in entry order."""
    if not refs:
        return []
    je = s.journal_entry
    return entry_lines(
        conn, or_(*(and_(je.c.source_type == kind, je.c.source_ref == ref) for kind, ref in sorted(set(refs))))
    )


def entry_postings(conn: Connection, numbers: Sequence[str]) -> Rows:
    """The lines of journal entries given by number (a journal entry and the one reversing it)."""
    if not numbers:
        return []
    return entry_lines(conn, s.journal_entry.c.number.in_(list(numbers)))


AUDIT_LABELS = {"at": N_("Time (UTC)"), "username": N_("User"), "action": N_("Action"), "change": N_("Change")}


def audit_trail(conn: Connection, entity: str, key: str) -> Rows:
    """Audit entries written about one document, oldest first, with their after-state decoded."""
    log = s.audit_log
    query = (
        select(log.c.at, log.c.username, log.c.action, log.c.after_json)
        .where(and_(log.c.entity == entity, log.c.entity_key == key))
        .order_by(log.c.at, log.c.id)
    )
    out = []
    for r in conn.execute(query).mappings():
        row = dict(r)
        raw = row.pop("after_json")
        row["change"] = json.loads(raw) if raw else None
        out.append(row)
    return out


def cell(value: Any) -> Any:
    """A value as a CSV cell shows it: amounts without trailing zeros, dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return show(dec(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_rows(rows: Rows, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: cell(r.get(c)) for c in columns} for r in rows]
