"""Read models of budgets: versions with their lines, and the budget report (budget against actual and committed)
with totals per account."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from erp import schema as s
from erp.fields import N_
from erp.services.budgets import budget_report
from erp.services.documents import ZERO

from .documents import DocumentKind, Rows

bv, bl, acc, cc = s.budget_version, s.budget_line, s.account, s.cost_center
source = bv.alias("source")

VERSION_STATUSES = ("draft", "approved", "superseded")
LINE_NAMES = ("account", "cost_center", "period", "amount")


def budget_lines(conn: Connection, code: str) -> Rows:
    query = (
        select(
            acc.c.code.label("account"),
            acc.c.name.label("account_name"),
            cc.c.code.label("cost_center"),
            bl.c.period,
            bl.c.amount,
        )
        .join(bv, bv.c.id == bl.c.version_id)
        .join(acc, acc.c.id == bl.c.account_id)
        .join(cc, cc.c.id == bl.c.cost_center_id)
        .where(bv.c.code == code)
        .order_by(acc.c.code, cc.c.code, bl.c.period)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


BUDGET_VERSIONS = DocumentKind(
    name="budget_version",
    label=N_("Budget versions"),
    key="code",
    query=select(
        bv.c.code,
        bv.c.name,
        bv.c.fiscal_year,
        bv.c.status,
        source.c.code.label("copied_from"),
        select(func.coalesce(func.sum(bl.c.amount), 0))
        .where(bl.c.version_id == bv.c.id)
        .scalar_subquery()
        .label("total"),
        bv.c.created_by,
        bv.c.approved_by,
        bv.c.approved_at,
    ).outerjoin(source, source.c.id == bv.c.copied_from_id),
    labels={
        "code": N_("Version code"),
        "name": N_("Name"),
        "fiscal_year": N_("Fiscal year"),
        "status": N_("Status"),
        "copied_from": N_("Copied from"),
        "total": N_("Total"),
        "created_by": N_("Created by"),
        "approved_by": N_("Approved by"),
    },
    choice="status",
    choices=VERSION_STATUSES,
    search=("code", "name", "copied_from"),
    order=("code",),
    lines=budget_lines,
    line_labels={
        "account": N_("Account"),
        "account_name": N_("Account name"),
        "cost_center": N_("Cost center"),
        "period": N_("Month (YYYY-MM)"),
        "amount": N_("Amount"),
    },
)


def version_codes(conn: Connection, *statuses: str) -> list[str]:
    query = select(bv.c.code).order_by(bv.c.code)
    if statuses:
        query = query.where(bv.c.status.in_(statuses))
    return [str(c) for c in conn.execute(query).scalars()]


REPORT_LABELS = {
    "account": N_("Account"),
    "cost_center": N_("Cost center"),
    "period": N_("Month (YYYY-MM)"),
    "budget": N_("Budget"),
    "actual": N_("Actual"),
    "committed": N_("Committed"),
    "available": N_("Available"),
}
AMOUNTS = ("budget", "actual", "committed", "available")


def report(conn: Connection, code: str, *, by_month: bool = True) -> tuple[Rows, dict[str, Decimal]]:
    """The budget report of a version, per month or summed over the year per account and cost center, and the
    totals of each amount column."""
    rows = budget_report(conn, code)
    if not by_month:
        summed: dict[tuple[str, str | None], dict[str, Any]] = {}
        for r in rows:
            key = (r["account"], r["cost_center"])
            into = summed.setdefault(key, {"account": key[0], "cost_center": key[1], "period": None})
            for name in AMOUNTS:
                into[name] = into.get(name, ZERO) + r[name]
        rows = list(summed.values())
    totals = {name: sum((r[name] for r in rows), ZERO) for name in AMOUNTS}
    return rows, totals
