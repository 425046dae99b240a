"""Read models of the general ledger: journal entries, accounting periods, recurring journals, the trial balance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from erp import schema as s
from erp.fields import N_
from erp.services.documents import ZERO
from erp.services.ledger import REVERSIBLE_SOURCES
from erp.services.ledger import trial_balance as ledger_trial_balance

from .documents import DocumentKind, Rows, entry_postings, posted_lines

je, jl, acc, cc = s.journal_entry, s.journal_line, s.account, s.cost_center
reversal = je.alias("reversal")
reversed_entry = je.alias("reversed")
_totals = select(func.coalesce(func.sum(jl.c.debit), 0)).where(jl.c.entry_id == je.c.id).scalar_subquery()


def _entry_lines(conn: Connection, number: str) -> Rows:
    query = (
        select(
            jl.c.line_no,
            acc.c.code.label("account"),
            acc.c.name.label("account_name"),
            cc.c.code.label("cost_center"),
            s.customer.c.code.label("customer"),
            s.supplier.c.code.label("supplier"),
            s.item.c.item_code.label("item"),
            jl.c.debit,
            jl.c.credit,
            jl.c.description,
            jl.c.doc_type,
            jl.c.doc_number,
        )
        .join(je, je.c.id == jl.c.entry_id)
        .join(acc, acc.c.id == jl.c.account_id)
        .outerjoin(cc, cc.c.id == jl.c.cost_center_id)
        .outerjoin(s.customer, s.customer.c.id == jl.c.customer_id)
        .outerjoin(s.supplier, s.supplier.c.id == jl.c.supplier_id)
        .outerjoin(s.item, s.item.c.id == jl.c.item_id)
        .where(je.c.number == number)
        .order_by(jl.c.line_no)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


JOURNALS = DocumentKind(
    name="journal_entry",
    label=N_("Journal entries"),
    query=select(
        je.c.number,
        je.c.entry_date,
        s.fiscal_period.c.code.label("period"),
        je.c.source_type,
        je.c.source_ref,
        je.c.description,
        _totals.label("amount"),
        reversed_entry.c.number.label("reverses"),
        reversal.c.number.label("reversed_by"),
        je.c.created_by,
        je.c.created_at,
    )
    .join(s.fiscal_period, s.fiscal_period.c.id == je.c.period_id)
    .outerjoin(reversed_entry, reversed_entry.c.id == je.c.reverses_id)
    .outerjoin(reversal, reversal.c.reverses_id == je.c.id)
    .where(je.c.status == "posted"),
    labels={
        "number": N_("Number"),
        "entry_date": N_("Entry date"),
        "period": N_("Period"),
        "source_type": N_("Source"),
        "source_ref": N_("Source reference"),
        "description": N_("Description"),
        "amount": N_("Amount"),
        "reverses": N_("Reverses"),
        "reversed_by": N_("Reversed by"),
        "created_by": N_("Posted by"),
    },
    date="entry_date",
    choice="source_type",
    search=("number", "source_ref", "description", "period"),
    lines=_entry_lines,
    line_labels={
        "line_no": N_("Line"),
        "account": N_("Account"),
        "account_name": N_("Account name"),
        "cost_center": N_("Cost center"),
        "customer": N_("Customer"),
        "supplier": N_("Supplier"),
        "item": N_("Item"),
        "debit": N_("Debit"),
        "credit": N_("Credit"),
        "description": N_("Line description"),
        "doc_number": N_("Document"),
    },
    # The entry itself and, once reversed, the entry that cancels it.
    postings=lambda conn, head: entry_postings(conn, [n for n in (head["number"], head["reversed_by"]) if n]),
)


def source_types(conn: Connection) -> list[str]:
    """The sources entries were posted from (manual, invoice, shipment...), as the journal list's filter offers."""
    query = select(je.c.source_type).distinct().order_by(je.c.source_type)
    return [str(v) for v in conn.execute(query).scalars()]


def reversible(head: dict[str, Any]) -> bool:
    """Whether the entry may be reversed from the screen (a manual-kind entry not reversed yet)."""
    return head["source_type"] in REVERSIBLE_SOURCES and not head["reversed_by"]


# --- accounting periods -------------------------------------------------------------------------------------


def fiscal_years(conn: Connection) -> list[int]:
    fp = s.fiscal_period
    return [int(y) for y in conn.execute(select(fp.c.fiscal_year).distinct().order_by(fp.c.fiscal_year)).scalars()]


def periods(conn: Connection, fiscal_year: int | None = None) -> Rows:
    """Accounting periods with their status and how many entries each holds."""
    fp = s.fiscal_period
    entries = select(func.count()).where(je.c.period_id == fp.c.id).scalar_subquery()
    query = select(
        fp.c.code,
        fp.c.fiscal_year,
        fp.c.period_no,
        fp.c.start_date,
        fp.c.end_date,
        fp.c.status,
        entries.label("entries"),
    ).order_by(fp.c.start_date)
    if fiscal_year is not None:
        query = query.where(fp.c.fiscal_year == fiscal_year)
    return [dict(r) for r in conn.execute(query).mappings()]


PERIOD_LABELS = {
    "code": N_("Period"),
    "fiscal_year": N_("Fiscal year"),
    "period_no": N_("Period no."),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "status": N_("Status"),
    "entries": N_("Journal entries"),
}


# --- recurring journals -------------------------------------------------------------------------------------

rj, rjl = s.recurring_journal, s.recurring_journal_line
RECURRING = DocumentKind(
    name="recurring_journal",
    label=N_("Recurring journals"),
    key="code",
    query=select(
        rj.c.code,
        rj.c.description,
        rj.c.next_date,
        rj.c.end_date,
        rj.c.interval_months,
        rj.c.active,
        select(func.coalesce(func.sum(rjl.c.debit), 0))
        .where(rjl.c.template_id == rj.c.id)
        .scalar_subquery()
        .label("amount"),
    ),
    labels={
        "code": N_("Code"),
        "description": N_("Description"),
        "next_date": N_("Next posting date"),
        "end_date": N_("Last posting date"),
        "interval_months": N_("Every (months)"),
        "active": N_("Active"),
        "amount": N_("Amount"),
    },
    date="next_date",
    search=("code", "description"),
    order=("code",),
    lines=lambda conn, code: [
        dict(r)
        for r in conn.execute(
            select(
                rjl.c.line_no,
                acc.c.code.label("account"),
                acc.c.name.label("account_name"),
                cc.c.code.label("cost_center"),
                rjl.c.debit,
                rjl.c.credit,
                rjl.c.description,
            )
            .join(rj, rj.c.id == rjl.c.template_id)
            .join(acc, acc.c.id == rjl.c.account_id)
            .outerjoin(cc, cc.c.id == rjl.c.cost_center_id)
            .where(rj.c.code == code)
            .order_by(rjl.c.line_no)
        ).mappings()
    ],
    line_labels={
        "line_no": N_("Line"),
        "account": N_("Account"),
        "account_name": N_("Account name"),
        "cost_center": N_("Cost center"),
        "debit": N_("Debit"),
        "credit": N_("Credit"),
        "description": N_("Line description"),
    },
    postings=lambda conn, head: posted_lines(conn, [("recurring", head["code"])]),
)


def template_codes(conn: Connection) -> list[str]:
    return [str(c) for c in conn.execute(select(rj.c.code).order_by(rj.c.code)).scalars()]


def recurring_due(conn: Connection, as_of: dt.date) -> list[str]:
    """Codes of active templates with an occurrence due on or before ``as_of``."""
    query = select(rj.c.code).where(rj.c.active.is_(True), rj.c.next_date <= as_of).order_by(rj.c.code)
    return [str(c) for c in conn.execute(query).scalars()]


# --- trial balance ------------------------------------------------------------------------------------------

TRIAL_BALANCE_LABELS = {
    "code": N_("Account"),
    "name": N_("Account name"),
    "debit": N_("Debit"),
    "credit": N_("Credit"),
    "balance": N_("Balance (debit - credit)"),
}


def trial_balance(conn: Connection, up_to: dt.date | None = None) -> tuple[Rows, dict[str, Any]]:
    """The operational ledger's trial balance per account with each balance, and the column totals."""
    rows = [{**r, "balance": r["debit"] - r["credit"]} for r in ledger_trial_balance(conn, up_to)]
    debit = sum((r["debit"] for r in rows), ZERO)
    credit = sum((r["credit"] for r in rows), ZERO)
    return rows, {"debit": debit, "credit": credit, "balance": debit - credit}
