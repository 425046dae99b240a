"""The general ledger: balanced journal entries, posting rules, accounting periods, manual and recurring journals.

Every document that has a financial effect (a shipment, an invoice, a payment, a stock move) posts its journal
entry through :func:`post_entry` in the same transaction as the document, so the ledger and the documents never
disagree. Which accounts an event hits is data (the ``posting_rule`` table), not code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action, fetch_one
from erp.services.documents import (
    ZERO,
    dec,
    in_list,
    in_params,
    in_size,
    line_field,
    money,
    not_found,
    raise_if,
    validate_document,
)
from erp.services.records import Entity, EntityActions

# Business events that post, and what each one means. Amounts are positive in the rule's direction; a negative
# amount (e.g. a stock decrease) swaps debit and credit.
EVENTS: dict[str, str] = {
    "stock_receipt": N_("Goods received into stock: inventory against goods received not invoiced"),
    "stock_issue": N_("Goods issued from stock to consumption: production cost against inventory"),
    "stock_adjustment": N_("Stock adjustment or count difference: inventory against unsettled gains and losses"),
    "shipment": N_("Goods shipped to a customer: cost of goods sold against inventory"),
    "invoice_revenue": N_("Customer invoice, net amount: receivable against revenue"),
    "invoice_tax": N_("Customer invoice, VAT: receivable against output VAT"),
    "payment": N_("Customer payment allocated to invoices: bank against receivable"),
    "customer_advance": N_("Customer payment not allocated to an invoice: bank against advances from customers"),
    "advance_allocation": N_("Allocating an earlier payment to an invoice: advances against receivable"),
    "fx_difference": N_("Exchange gain on settling a foreign-currency invoice: receivable against financial expenses"),
    "purchase_price_variance": N_(
        "Goods received at an order price above standard: price variance against goods received not invoiced"
    ),
    "supplier_invoice": N_("Supplier invoice matched to receipts: goods received not invoiced against payables"),
    "invoice_price_variance": N_("Supplier invoice above the order price: price variance against payables"),
    "supplier_invoice_tax": N_("Supplier invoice, VAT: input VAT against payables"),
    "supplier_payment": N_("Supplier payment allocated to invoices: payables against bank"),
    "supplier_advance": N_("Supplier payment not allocated to an invoice: prepayments against bank"),
    "supplier_advance_allocation": N_(
        "Allocating an earlier supplier payment to an invoice: payables against prepayments"
    ),
    "supplier_fx_difference": N_(
        "Exchange loss on settling a foreign-currency payable: financial expenses against payables"
    ),
    "production_labour": N_("Labour reported on a production order: work in process against wages payable"),
    "production_overhead": N_("Overhead absorbed by machine hours: work in process against manufacturing overhead"),
    "production_material_variance": N_("Material usage variance on closing a production order"),
    "production_labour_rate_variance": N_("Labour rate variance on closing a production order"),
    "production_labour_efficiency_variance": N_("Labour efficiency variance on closing a production order"),
    "production_overhead_variance": N_("Overhead variance on closing a production order"),
    "production_cost_difference": N_(
        "Difference between a production order's released standard and the item's standard cost"
    ),
    "payroll_expense": N_(
        "Pay run gross pay: expense account by cost center (its code as the partner group) against wages payable"
    ),
    "payroll_tax": N_("Individual income tax withheld in a pay run: its credit account receives the tax"),
    "repair_parts": N_("Parts issued to a billable repair: cost of sales against inventory"),
    "repair_parts_warranty": N_("Parts issued to a warranty repair: warranty expense against inventory"),
    "credit_note": N_("Credit note for returned goods, net amount: revenue against receivable"),
    "credit_note_tax": N_("Credit note for returned goods, VAT: output VAT against receivable"),
}

# Entries created by documents are corrected by documents (returns, credit notes), not by reversing the entry.
REVERSIBLE_SOURCES = ("manual", "recurring", "import", "reversal")


def _check_rule(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    errors = []
    for name in ("debit_account", "credit_account"):
        account = fetch_one(tx.conn, s.account, id=values[f"{name}_id"])
        if account is not None and not account["is_postable"]:
            errors.append(
                FieldError(name, t("account {code} is a summary account; choose a sub-account", code=account["code"]))
            )
    return errors


POSTING_RULES = Entity(
    name="posting_rules",
    label=N_("Posting rules"),
    table=s.posting_rule,
    key=("event", "item_type", "item_group", "partner_group"),
    fields=FieldSet(
        (
            Choice("event", N_("Event"), required=True, choices=tuple(EVENTS), case_insensitive=False),
            Choice("item_type", N_("Item type (* for any)"), default="*", choices=("*", "make", "buy")),
            Text("item_group", N_("Item group / product family (* for any)"), default="*", max_length=80),
            Text("partner_group", N_("Customer or supplier group (* for any)"), default="*", max_length=40),
            Ref("debit_account", N_("Debit account"), required=True, column="debit_account_id", table=s.account),
            Ref("credit_account", N_("Credit account"), required=True, column="credit_account_id", table=s.account),
            Text("description", N_("Description")),
        )
    ),
    permission="ledger.rules",
    audit_name="posting_rule",
    check=_check_rule,
)

posting_rule_actions = EntityActions(POSTING_RULES)


@dataclass
class Line:
    """One journal line; amounts in the base currency."""

    account_id: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    cost_center_id: int | None = None
    customer_id: int | None = None
    supplier_id: int | None = None
    item_id: int | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    description: str | None = None


_RULES_QUERY = select(s.posting_rule).where(s.posting_rule.c.event == bindparam("event"))


class Postings:
    """Collects the lines of one journal entry from the posting rules (rules are read once per event)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lines: list[Line] = []
        self._rules: dict[str, list[dict[str, Any]]] = {}

    def rule(self, event: str, item: Mapping[str, Any] | None = None, partner_group: str | None = None) -> dict:
        if event not in self._rules:
            self._rules[event] = [dict(r) for r in self.conn.execute(_RULES_QUERY, {"event": event}).mappings()]
        item_type = (item or {}).get("item_type") or ""
        item_group = (item or {}).get("product_family") or ""
        best, best_score = None, -1
        for rule in self._rules[event]:
            wanted = (
                (rule["item_group"], item_group, 4),
                (rule["item_type"], item_type, 2),
                (rule["partner_group"], partner_group or "", 1),
            )
            if any(pattern != "*" and pattern != value for pattern, value, _ in wanted):
                continue
            score = sum(weight for pattern, _, weight in wanted if pattern != "*")
            if score > best_score:
                best, best_score = rule, score
        if best is None:
            raise ServiceError(
                FieldError(
                    "posting_rule",
                    t("No posting rule for the event {event}: add one to the posting rules.", event=event),
                )
            )
        return best

    def add(
        self,
        event: str,
        amount: Decimal,
        *,
        item: Mapping[str, Any] | None = None,
        partner_group: str | None = None,
        **dims: Any,
    ) -> None:
        """Post ``amount`` (base currency) by the event's rule: debit its debit account, credit its credit one."""
        amount = money(amount)
        if amount == 0:
            return
        rule = self.rule(event, item, partner_group)
        debit_account, credit_account = rule["debit_account_id"], rule["credit_account_id"]
        if amount < 0:
            debit_account, credit_account, amount = credit_account, debit_account, -amount
        if item is not None:
            dims.setdefault("item_id", item["id"])
        self.lines.append(Line(account_id=debit_account, debit=amount, **dims))
        self.lines.append(Line(account_id=credit_account, credit=amount, **dims))


_PERIOD = select(s.fiscal_period.c.id, s.fiscal_period.c.code, s.fiscal_period.c.status).where(
    s.fiscal_period.c.start_date <= bindparam("on", type_=s.fiscal_period.c.start_date.type),
    s.fiscal_period.c.end_date >= bindparam("on", type_=s.fiscal_period.c.end_date.type),
)
_PERIOD_LOCKED = _PERIOD.with_for_update(read=True)


def period_for(conn: Connection, on: dt.date, field: str = "entry_date", *, lock: bool = True) -> int:
    """The id of the open accounting period holding ``on``; refused when there is none or it is closed.

    The period row is read with a shared lock on PostgreSQL so that closing a period waits for postings in
    flight (SQLite serialises writers anyway).
    """
    row = conn.execute(_PERIOD_LOCKED if lock else _PERIOD, {"on": on}).first()
    if row is None:
        raise ServiceError(
            FieldError(field, t("no accounting period covers {date}; open its fiscal year first", date=on))
        )
    if row.status != "open":
        raise ServiceError(FieldError(field, t("the accounting period {period} is closed", period=row.code)))
    return row.id


def post_entry(
    tx: Tx,
    *,
    entry_date: dt.date,
    lines: Sequence[Line],
    source_type: str,
    source_ref: str | None = None,
    description: str | None = None,
    reverses_id: int | None = None,
    date_field: str = "entry_date",
) -> dict[str, Any] | None:
    """Write a balanced journal entry in the current transaction and return its id and number.

    Returns None when there is nothing to post (every amount zero, e.g. items without a standard cost).
    """
    period_id = period_for(tx.conn, entry_date, date_field)
    lines = [ln for ln in lines if ln.debit != 0 or ln.credit != 0]
    if not lines:
        return None
    raise_if(check_lines(tx.conn, lines))
    number = tx.next_number("je")
    entry_id = tx.conn.execute(
        _ENTRY_INSERT,
        {
            "number": number,
            "entry_date": entry_date,
            "period_id": period_id,
            "source_type": source_type,
            "source_ref": source_ref,
            "description": description,
            "status": "draft",
            "reverses_id": reverses_id,
            "created_at": tx.now,
            "created_by": tx.actor.username,
        },
    ).inserted_primary_key[0]
    rows = [{**_line_row(ln), "entry_id": entry_id, "line_no": n} for n, ln in enumerate(lines, start=1)]
    tx.conn.execute(_LINE_INSERT, rows)
    tx.conn.execute(_ENTRY_POST, {"entry": entry_id})
    return {"id": entry_id, "number": number}


_ENTRY_INSERT = insert(s.journal_entry)
_LINE_INSERT = insert(s.journal_line)
_ENTRY_POST = update(s.journal_entry).where(s.journal_entry.c.id == bindparam("entry")).values(status="posted")
_LINE_FIELDS = tuple(f.name for f in dataclass_fields(Line))


def _line_row(line: Line) -> dict[str, Any]:
    """A line's columns (``dataclasses.asdict`` deep-copies every value, which costs more than the insert)."""
    return {name: getattr(line, name) for name in _LINE_FIELDS}


@functools.cache
def _accounts_query(size: int | None) -> Select:
    """Built once per IN-list size, so SQLAlchemy's compiled cache does the rest."""
    acc = s.account
    return select(acc.c.id, acc.c.code, acc.c.is_postable, acc.c.active).where(in_list("ids", acc.c.id, size))


def check_lines(conn: Connection, lines: Sequence[Line], prefix: str = "lines") -> list[FieldError]:
    """Every line one-sided and positive, accounts postable and active, debits equal to credits."""
    errors = []
    for n, ln in enumerate(lines, start=1):
        if ln.debit < 0 or ln.credit < 0 or (ln.debit != 0 and ln.credit != 0):
            errors.append(FieldError(line_field(n, "debit"), t("give either a debit or a credit, not both")))
    ids = {ln.account_id for ln in lines}
    wanted = sorted(i for i in ids if i is not None)
    accounts = (
        {r.id: r for r in conn.execute(_accounts_query(in_size(len(wanted))), in_params("ids", wanted))}
        if wanted
        else {}
    )
    for n, ln in enumerate(lines, start=1):
        acc = accounts.get(ln.account_id)
        if acc is None:
            errors.append(FieldError(line_field(n, "account"), t("does not exist")))
        elif not acc.is_postable:
            errors.append(
                FieldError(
                    line_field(n, "account"),
                    t("account {code} is a summary account; choose a sub-account", code=acc.code),
                )
            )
        elif not acc.active:
            errors.append(FieldError(line_field(n, "account"), t("account {code} is inactive", code=acc.code)))
    debit = sum((ln.debit for ln in lines), ZERO)
    credit = sum((ln.credit for ln in lines), ZERO)
    if debit != credit:
        errors.append(
            FieldError(prefix, t("debits ({debit}) and credits ({credit}) must be equal", debit=debit, credit=credit))
        )
    elif debit == 0:
        errors.append(FieldError(prefix, t("the entry has no amounts")))
    return errors


# --- manual journals ----------------------------------------------------------------------------------------

JOURNAL_HEADER = FieldSet(
    (
        Date("entry_date", N_("Entry date"), required=True),
        Text("description", N_("Description"), max_length=400),
        Text("reference", N_("Reference"), max_length=60),
    )
)

JOURNAL_LINE = FieldSet(
    (
        Ref("account", N_("Account"), required=True, column="account_id", table=s.account),
        Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center),
        Ref("customer", N_("Customer"), column="customer_id", table=s.customer),
        Ref("supplier", N_("Supplier"), column="supplier_id", table=s.supplier),
        Ref("item", N_("Item"), column="item_id", table=s.item, key="item_code"),
        Dec("debit", N_("Debit"), default=ZERO, min_value=0),
        Dec("credit", N_("Credit"), default=ZERO, min_value=0),
        Text("description", N_("Line description"), max_length=400),
    )
)


def _journal_lines(values: list[dict[str, Any]], errors: list[FieldError]) -> list[Line]:
    lines = []
    for n, v in enumerate(values, start=1):
        debit, credit = money(v.get("debit") or 0), money(v.get("credit") or 0)
        if (debit == 0) == (credit == 0):
            errors.append(FieldError(line_field(n, "debit"), t("give either a debit or a credit, not both")))
        lines.append(
            Line(
                account_id=v.get("account_id"),  # type: ignore[arg-type]
                debit=debit,
                credit=credit,
                cost_center_id=v.get("cost_center_id"),
                customer_id=v.get("customer_id"),
                supplier_id=v.get("supplier_id"),
                item_id=v.get("item_id"),
                description=v.get("description") or None,
            )
        )
    return lines


def _manual(tx: Tx, data: Mapping[str, Any], source_type: str) -> dict[str, Any]:
    header, values, errors = validate_document(tx.conn, JOURNAL_HEADER, JOURNAL_LINE, data)
    lines = _journal_lines(values, errors)
    if not errors:
        errors = check_lines(tx.conn, lines)
    raise_if(errors)
    entry = post_entry(
        tx,
        entry_date=header["entry_date"],
        lines=lines,
        source_type=source_type,
        source_ref=header.get("reference") or None,
        description=header.get("description") or None,
    )
    assert entry is not None
    tx.audit("journal_entry", entry["number"], None, {**header, "lines": values})
    return entry


@action("journal.post", "ledger.journal")
def post_journal(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Post a manual journal: ``{entry_date, description, reference, lines: [{account, debit, credit, ...}]}``."""
    return _manual(tx, data, "manual")


@action("journal.import", "ledger.journal")
def import_journal(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Post a journal migrated from another system; its old number is kept as the reference, once only."""
    reference = str(data.get("reference") or "").strip()
    if reference:
        exists = tx.conn.execute(
            select(s.journal_entry.c.number).where(
                s.journal_entry.c.source_type == "import", s.journal_entry.c.source_ref == reference
            )
        ).scalar()
        if exists:
            raise ServiceError(
                FieldError("reference", t("{ref} was already imported as {number}", ref=reference, number=exists))
            )
    return _manual(tx, data, "import")


@action("journal.reverse", "ledger.journal")
def reverse_entry(tx: Tx, number: str, reversal_date: dt.date, reason: str = "") -> dict[str, Any]:
    """Cancel a posted entry by posting its mirror image into an open period; the original stays untouched."""
    original = fetch_one(tx.conn, s.journal_entry, number=number)
    if original is None or original["status"] != "posted":
        raise not_found("number", t("Journal entry"), number)
    if original["source_type"] not in REVERSIBLE_SOURCES:
        raise ServiceError(
            FieldError(
                "number",
                t(
                    "{number} was posted by a document ({source}); correct it with a document",
                    number=number,
                    source=original["source_type"],
                ),
            )
        )
    done = tx.conn.execute(
        select(s.journal_entry.c.number).where(s.journal_entry.c.reverses_id == original["id"])
    ).scalar()
    if done:
        raise ServiceError(
            FieldError("number", t("{number} is already reversed by {other}", number=number, other=done)),
            code="conflict",
        )
    rows = tx.conn.execute(
        select(s.journal_line).where(s.journal_line.c.entry_id == original["id"]).order_by(s.journal_line.c.line_no)
    ).mappings()
    lines = [
        Line(
            account_id=r["account_id"],
            debit=dec(r["credit"]),
            credit=dec(r["debit"]),
            cost_center_id=r["cost_center_id"],
            customer_id=r["customer_id"],
            supplier_id=r["supplier_id"],
            item_id=r["item_id"],
            doc_type=r["doc_type"],
            doc_number=r["doc_number"],
            description=r["description"],
        )
        for r in rows
    ]
    entry = post_entry(
        tx,
        entry_date=reversal_date,
        lines=lines,
        source_type="reversal",
        source_ref=number,
        description=reason or t("Reversal of {number}", number=number),
        reverses_id=original["id"],
        date_field="reversal_date",
    )
    assert entry is not None
    tx.audit("journal_entry", entry["number"], None, {"reverses": number, "reason": reason})
    return entry


# --- accounting periods -------------------------------------------------------------------------------------


def _set_period_status(tx: Tx, code: str, status: str) -> dict[str, Any]:
    before = fetch_one(tx.conn, s.fiscal_period, code=code)
    if before is None:
        raise not_found("period", t("Accounting period"), code)
    if before["status"] == status:
        message = (
            t("{period} is already closed", period=code)
            if status == "closed"
            else t("{period} is already open", period=code)
        )
        raise ServiceError(FieldError("period", message), code="conflict")
    tx.conn.execute(update(s.fiscal_period).where(s.fiscal_period.c.id == before["id"]).values(status=status))
    after = {**before, "status": status}
    tx.audit("fiscal_period", code, before, after)
    return after


@action("period.close", "ledger.periods")
def close_period(tx: Tx, code: str) -> dict[str, Any]:
    """Close a period (YYYY-MM): nothing can post into it until it is reopened."""
    return _set_period_status(tx, code, "closed")


@action("period.reopen", "ledger.periods")
def reopen_period(tx: Tx, code: str) -> dict[str, Any]:
    return _set_period_status(tx, code, "open")


# --- recurring journals -------------------------------------------------------------------------------------

RECURRING_HEADER = FieldSet(
    (
        Text("code", N_("Code"), required=True, max_length=40),
        Text("description", N_("Description"), required=True, max_length=400),
        Date("next_date", N_("Next posting date"), required=True),
        Date("end_date", N_("Last posting date")),
        Int("interval_months", N_("Every (months)"), default=1, min_value=1, max_value=12),
        Bool("active", N_("Active"), default=True),
    )
)

RECURRING_LINE = FieldSet(
    (
        Ref("account", N_("Account"), required=True, column="account_id", table=s.account),
        Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center),
        Dec("debit", N_("Debit"), default=ZERO, min_value=0),
        Dec("credit", N_("Credit"), default=ZERO, min_value=0),
        Text("description", N_("Line description"), max_length=400),
    )
)


@action("recurring_journal.save", "ledger.journal")
def save_recurring_journal(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Create or replace a recurring journal template (e.g. monthly rent or depreciation)."""
    header, values, errors = validate_document(tx.conn, RECURRING_HEADER, RECURRING_LINE, data)
    lines = _journal_lines(values, errors)
    if not errors:
        errors = check_lines(tx.conn, lines)
    raise_if(errors)
    table = s.recurring_journal
    before = fetch_one(tx.conn, table, code=header["code"])
    if before is None:
        template_id = tx.conn.execute(insert(table).values(**header)).inserted_primary_key[0]
    else:
        template_id = before["id"]
        tx.conn.execute(update(table).where(table.c.id == template_id).values(**header))
        tx.conn.execute(s.recurring_journal_line.delete().where(s.recurring_journal_line.c.template_id == template_id))
    tx.conn.execute(
        insert(s.recurring_journal_line),
        [
            {
                "template_id": template_id,
                "line_no": n,
                "account_id": ln.account_id,
                "cost_center_id": ln.cost_center_id,
                "debit": ln.debit,
                "credit": ln.credit,
                "description": ln.description,
            }
            for n, ln in enumerate(lines, start=1)
        ],
    )
    after = {**header, "lines": values}
    tx.audit("recurring_journal", header["code"], before, after)
    return {"id": template_id, **header}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a month-end stays a month-end (Jan 31 -> Feb 28 -> Mar 31)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


@action("recurring_journal.run", "ledger.journal")
def run_recurring_journals(tx: Tx, as_of: dt.date) -> list[str]:
    """Post every due occurrence of every active template up to ``as_of``; all or nothing."""
    table = s.recurring_journal
    posted = []
    templates = (
        tx.conn.execute(
            select(table).where(table.c.active.is_(True), table.c.next_date <= as_of).order_by(table.c.code)
        )
        .mappings()
        .all()
    )
    for template in templates:
        rows = tx.conn.execute(
            select(s.recurring_journal_line)
            .where(s.recurring_journal_line.c.template_id == template["id"])
            .order_by(s.recurring_journal_line.c.line_no)
        ).mappings()
        lines = [
            Line(
                account_id=r["account_id"],
                debit=dec(r["debit"]),
                credit=dec(r["credit"]),
                cost_center_id=r["cost_center_id"],
                description=r["description"],
            )
            for r in rows
        ]
        day = template["next_date"]
        while day <= as_of and (template["end_date"] is None or day <= template["end_date"]):
            try:
                entry = post_entry(
                    tx,
                    entry_date=day,
                    lines=lines,
                    source_type="recurring",
                    source_ref=template["code"],
                    description=template["description"],
                )
            except ServiceError as exc:
                raise ServiceError([FieldError(template["code"], e.message) for e in exc.errors]) from exc
            assert entry is not None
            posted.append(entry["number"])
            day = add_months(day, template["interval_months"])
        tx.conn.execute(update(table).where(table.c.id == template["id"]).values(next_date=day))
        tx.audit("recurring_journal", template["code"], {"next_date": template["next_date"]}, {"next_date": day})
    return posted


# --- reading the ledger -------------------------------------------------------------------------------------


def trial_balance(conn: Connection, up_to: dt.date | None = None) -> list[dict[str, Any]]:
    """Debit and credit totals per account over posted entries (optionally up to a date)."""
    je, jl, acc = s.journal_entry, s.journal_line, s.account
    query = (
        select(acc.c.code, acc.c.name, func.sum(jl.c.debit).label("debit"), func.sum(jl.c.credit).label("credit"))
        .join(jl, jl.c.account_id == acc.c.id)
        .join(je, je.c.id == jl.c.entry_id)
        .where(je.c.status == "posted")
        .group_by(acc.c.code, acc.c.name)
        .order_by(acc.c.code)
    )
    if up_to is not None:
        query = query.where(je.c.entry_date <= up_to)
    return [
        {"code": r.code, "name": r.name, "debit": money(r.debit or 0), "credit": money(r.credit or 0)}
        for r in conn.execute(query)
    ]


def account_balance(conn: Connection, code: str) -> Decimal:
    """Debit minus credit on one account over posted entries."""
    jl, je = s.journal_line, s.journal_entry
    query = (
        select(func.coalesce(func.sum(jl.c.debit), 0), func.coalesce(func.sum(jl.c.credit), 0))
        .join(je, je.c.id == jl.c.entry_id)
        .join(s.account, s.account.c.id == jl.c.account_id)
        .where(s.account.c.code == code, je.c.status == "posted")
    )
    debit, credit = conn.execute(query).one()
    return money(dec(debit) - dec(credit))


def unbalanced_entries(conn: Connection) -> list[str]:
    """Numbers of entries whose lines do not balance (always empty unless the database was tampered with)."""
    jl, je = s.journal_line, s.journal_entry
    query = (
        select(je.c.number, func.sum(jl.c.debit), func.sum(jl.c.credit))
        .join(jl, jl.c.entry_id == je.c.id)
        .group_by(je.c.number)
    )
    return [number for number, debit, credit in conn.execute(query) if money(debit) != money(credit)]
