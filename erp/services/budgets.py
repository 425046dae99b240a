"""Budgets: versions of amounts by account, cost center and month, approved once, copied forward year to year,
and read against the ledger's actuals and the commitments of approved purchase orders.

A version is a draft while it is being worked on (it can be replaced as a whole), then approved; approving a
version supersedes the version approved before it for the same fiscal year. An approved version never changes:
the next round starts from a copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action, fetch_one
from erp.services.documents import (
    ZERO,
    company_settings,
    dec,
    line_field,
    money,
    not_found,
    qty,
    raise_if,
    validate_document,
)

HUNDRED = Decimal(100)
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

BUDGET_HEADER = FieldSet(
    (
        Text("code", N_("Version code"), required=True, max_length=40),
        Text("name", N_("Name"), required=True),
        Int("fiscal_year", N_("Fiscal year"), required=True, min_value=1900, max_value=2999),
    )
)
BUDGET_LINE = FieldSet(
    (
        Ref("account", N_("Account"), required=True, column="account_id", table=s.account),
        Ref("cost_center", N_("Cost center"), required=True, column="cost_center_id", table=s.cost_center),
        Text("period", N_("Month (YYYY-MM)"), required=True, max_length=7),
        Dec("amount", N_("Amount"), required=True),
    )
)


def fiscal_months(conn: Connection, fiscal_year: int) -> list[str]:
    """The twelve calendar months (YYYY-MM) of a fiscal year, as the fiscal calendar names its periods."""
    start = company_settings(conn)["fiscal_year_start_month"]
    year, month = (fiscal_year, 1) if start == 1 else (fiscal_year - 1, start)
    months = []
    for _ in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _shift(period: str, years: int) -> str:
    return f"{int(period[:4]) + years:04d}{period[4:]}"


def _check_lines(conn: Connection, fiscal_year: int, lines: list[dict[str, Any]], errors: list[FieldError]) -> None:
    months = set(fiscal_months(conn, fiscal_year))
    accounts = dict(conn.execute(select(s.account.c.id, s.account.c.is_postable)).all())
    seen: set[tuple[int, int, str]] = set()
    for n, ln in enumerate(lines, start=1):
        period = ln.get("period")
        if period is not None and not MONTH.match(period):
            errors.append(FieldError(line_field(n, "period"), t("must be a month like 2026-03")))
        elif period is not None and period not in months:
            errors.append(
                FieldError(
                    line_field(n, "period"), t("{period} is not in fiscal year {year}", period=period, year=fiscal_year)
                )
            )
        if ln.get("account_id") is not None and not accounts.get(ln["account_id"], True):
            errors.append(FieldError(line_field(n, "account"), t("is a summary account; budget a sub-account")))
        key = (ln.get("account_id"), ln.get("cost_center_id"), period)
        if None not in key and key in seen:
            errors.append(FieldError(line_field(n, "period"), t("this account, cost center and month appear twice")))
        seen.add(key)  # type: ignore[arg-type]


def _write_lines(tx: Tx, version_id: int, lines: list[dict[str, Any]]) -> None:
    tx.conn.execute(s.budget_line.delete().where(s.budget_line.c.version_id == version_id))
    if lines:
        tx.conn.execute(insert(s.budget_line), [{**ln, "version_id": version_id} for ln in lines])


@action("budget.save", "budgets.manage")
def save_budget(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Create or replace a draft version: ``{code, name, fiscal_year, lines: [{account, cost_center, period,
    amount}]}``."""
    header, lines, errors = validate_document(tx.conn, BUDGET_HEADER, BUDGET_LINE, data)
    if not any(e.field == "fiscal_year" for e in errors) and header.get("fiscal_year"):
        _check_lines(tx.conn, header["fiscal_year"], lines, errors)
    raise_if(errors)
    table = s.budget_version
    before = fetch_one(tx.conn, table, code=header["code"])
    if before is None:
        values = {**header, "status": "draft", "created_by": tx.actor.username, "created_at": tx.now}
        version_id = tx.conn.execute(insert(table).values(**values)).inserted_primary_key[0]
    else:
        if before["status"] != "draft":
            raise ServiceError(
                FieldError(
                    "code",
                    t(
                        "{code} is {status} and can no longer change; copy it to a new version",
                        code=header["code"],
                        status=before["status"],
                    ),
                ),
                code="conflict",
            )
        version_id = before["id"]
        tx.conn.execute(update(table).where(table.c.id == version_id).values(**header))
    for ln in lines:
        ln["amount"] = money(ln["amount"])
    _write_lines(tx, version_id, lines)
    tx.audit("budget_version", header["code"], before, {**header, "lines": lines})
    return {"id": version_id, **header, "lines": len(lines)}


def _version(conn: Connection, code: str, field: str = "code") -> dict[str, Any]:
    version = fetch_one(conn, s.budget_version, code=code)
    if version is None:
        raise not_found(field, t("Budget version"), code)
    return version


@action("budget.approve", "budgets.approve")
def approve_budget(tx: Tx, code: str) -> dict[str, Any]:
    """Approve a draft version; the version approved before it for the same year is superseded."""
    version = _version(tx.conn, code)
    if version["status"] != "draft":
        raise ServiceError(
            FieldError("code", t("{code} is {status}, not a draft", code=code, status=version["status"])),
            code="conflict",
        )
    table = s.budget_version
    superseded = (
        tx.conn.execute(
            select(table.c.code).where(table.c.fiscal_year == version["fiscal_year"], table.c.status == "approved")
        )
        .scalars()
        .all()
    )
    tx.conn.execute(
        update(table)
        .where(table.c.fiscal_year == version["fiscal_year"], table.c.status == "approved")
        .values(status="superseded")
    )
    changes = {"status": "approved", "approved_by": tx.actor.username, "approved_at": tx.now}
    tx.conn.execute(update(table).where(table.c.id == version["id"]).values(**changes))
    tx.audit("budget_version", code, {"status": "draft"}, {**changes, "superseded": superseded})
    return {**version, **changes, "superseded": superseded}


@action("budget.copy", "budgets.manage")
def copy_budget(
    tx: Tx, source: str, code: str, name: str, fiscal_year: int, change_pct: Decimal | str = ZERO
) -> dict[str, Any]:
    """Start a new draft from another version: every line moved to the same month of ``fiscal_year`` and changed
    by ``change_pct`` percent (e.g. 5 for +5%, -10 for a 10% cut)."""
    original = _version(tx.conn, source, "source")
    try:
        pct = Decimal(str(change_pct).strip())
    except ArithmeticError:
        raise ServiceError(FieldError("change_pct", t("must be a number"))) from None
    if pct <= -HUNDRED:
        raise ServiceError(FieldError("change_pct", t("must be more than -100")))
    if fetch_one(tx.conn, s.budget_version, code=code) is not None:
        raise ServiceError(FieldError("code", t("{key} already exists", key=code)), code="conflict")
    years = int(fiscal_year) - original["fiscal_year"]
    bl = s.budget_line
    rows = tx.conn.execute(select(bl).where(bl.c.version_id == original["id"])).mappings().all()
    lines = [
        {
            "account_id": r["account_id"],
            "cost_center_id": r["cost_center_id"],
            "period": _shift(r["period"], years),
            "amount": money(dec(r["amount"]) * (HUNDRED + pct) / HUNDRED),
        }
        for r in rows
    ]
    values = {
        "code": code,
        "name": name,
        "fiscal_year": int(fiscal_year),
        "status": "draft",
        "copied_from_id": original["id"],
        "created_by": tx.actor.username,
        "created_at": tx.now,
    }
    errors: list[FieldError] = []
    if not str(name).strip():
        errors.append(FieldError("name", t("is required")))
    _check_lines(tx.conn, int(fiscal_year), lines, errors)
    raise_if(errors)
    version_id = tx.conn.execute(insert(s.budget_version).values(**values)).inserted_primary_key[0]
    _write_lines(tx, version_id, lines)
    tx.audit("budget_version", code, None, {**values, "source": source, "change_pct": pct, "lines": len(lines)})
    return {"id": version_id, **values, "lines": len(lines)}


# --- reading ------------------------------------------------------------------------------------------------


def purchase_commitments(conn: Connection, months: list[str] | None = None) -> list[dict[str, Any]]:
    """The value (base currency, net) of approved purchase order lines not received yet, by the account their
    receipt will debit, the order's cost center and the month they are expected."""
    po, pol = s.purchase_order, s.purchase_order_line
    query = (
        select(
            s.account.c.code.label("account"),
            s.cost_center.c.code.label("cost_center"),
            pol.c.expected_date,
            pol.c.quantity,
            pol.c.received_qty,
            pol.c.unit_price,
            po.c.exchange_rate,
            po.c.number,
        )
        .join(po, po.c.id == pol.c.order_id)
        .join(s.account, s.account.c.id == pol.c.account_id)
        .outerjoin(s.cost_center, s.cost_center.c.id == po.c.cost_center_id)
        .where(po.c.status.in_(("approved", "partially_received")), pol.c.received_qty < pol.c.quantity)
    )
    totals: dict[tuple[str, str | None, str], Decimal] = {}
    for r in conn.execute(query):
        period = r.expected_date.strftime("%Y-%m")
        if months is not None and period not in months:
            continue
        open_qty = qty(dec(r.quantity) - dec(r.received_qty))
        key = (r.account, r.cost_center, period)
        totals[key] = totals.get(key, ZERO) + money(open_qty * dec(r.unit_price) * dec(r.exchange_rate))
    return [
        {"account": a, "cost_center": c, "period": p, "committed": v}
        for (a, c, p), v in sorted(totals.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))
    ]


def _actuals(conn: Connection, months: list[str]) -> dict[tuple[str, str | None, str], Decimal]:
    """Debit minus credit of posted lines per account, cost center and month of the fiscal year."""
    je, jl = s.journal_entry, s.journal_line
    query = (
        select(
            s.account.c.code,
            s.cost_center.c.code,
            s.fiscal_period.c.code,
            func.sum(jl.c.debit),
            func.sum(jl.c.credit),
        )
        .join(je, je.c.id == jl.c.entry_id)
        .join(s.fiscal_period, s.fiscal_period.c.id == je.c.period_id)
        .join(s.account, s.account.c.id == jl.c.account_id)
        .outerjoin(s.cost_center, s.cost_center.c.id == jl.c.cost_center_id)
        .where(je.c.status == "posted", s.fiscal_period.c.code.in_(months))
        .group_by(s.account.c.code, s.cost_center.c.code, s.fiscal_period.c.code)
    )
    return {(a, c, p): money(dec(d) - dec(cr)) for a, c, p, d, cr in conn.execute(query)}


def budget_report(conn: Connection, code: str) -> list[dict[str, Any]]:
    """Budget against actual and committed, per account, cost center and month of a version's fiscal year.

    Rows are the version's lines plus any account, cost center and month with commitments but no budget;
    ``available`` is budget - actual - committed (amounts are debit-positive, as expenses and purchases are).
    """
    version = _version(conn, code)
    months = fiscal_months(conn, version["fiscal_year"])
    bl = s.budget_line
    budget = {
        (a, c, p): money(amount)
        for a, c, p, amount in conn.execute(
            select(s.account.c.code, s.cost_center.c.code, bl.c.period, bl.c.amount)
            .join(s.account, s.account.c.id == bl.c.account_id)
            .join(s.cost_center, s.cost_center.c.id == bl.c.cost_center_id)
            .where(bl.c.version_id == version["id"])
        )
    }
    committed = {
        (r["account"], r["cost_center"], r["period"]): r["committed"] for r in purchase_commitments(conn, months)
    }
    actual = _actuals(conn, months)
    keys = sorted(budget.keys() | committed.keys(), key=lambda k: (k[0], k[1] or "", k[2]))
    rows = []
    for key in keys:
        b, a, c = budget.get(key, ZERO), actual.get(key, ZERO), committed.get(key, ZERO)
        rows.append(
            {
                "account": key[0],
                "cost_center": key[1],
                "period": key[2],
                "budget": b,
                "actual": a,
                "committed": c,
                "available": b - a - c,
            }
        )
    return rows
