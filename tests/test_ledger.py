"""The general ledger: balanced entries (service and database), periods, reversals, recurring journals, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import DBAPIError

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import inventory, ledger
from erp.services.base import Session
from tests.support.store_state import snapshot


def _journal(amount: str = "1000", date: str = "2026-03-05", credit: str | None = None) -> dict:
    return {
        "entry_date": date,
        "description": "Capital paid in",
        "lines": [
            {"account": "1002", "debit": amount, "cost_center": "FIN"},
            {"account": "4001", "credit": credit or amount},
        ],
    }


def _balanced(session: Session) -> None:
    with session.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def test_manual_journal_posts_numbered_balanced_and_audited(make_user: Callable[..., Session]) -> None:
    finance = make_user("li", "finance")
    entry = ledger.post_journal(finance, _journal())
    assert entry["number"] == "JE-000001"
    with finance.read() as conn:
        assert ledger.account_balance(conn, "1002") == Decimal("1000.00")
        assert ledger.account_balance(conn, "4001") == Decimal("-1000.00")
        header = conn.execute(select(s.journal_entry)).mappings().one()
        audit = conn.execute(select(s.audit_log).where(s.audit_log.c.entity == "journal_entry")).mappings().one()
    assert header["status"] == "posted" and header["source_type"] == "manual" and header["created_by"] == "li"
    assert audit["action"] == "journal.post" and audit["entity_key"] == "JE-000001"
    _balanced(finance)


def test_journal_refusals_name_the_field_and_write_nothing(admin: Session, engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as unbalanced:
        ledger.post_journal(admin, _journal(credit="999"))
    assert "must be equal" in unbalanced.value.for_field("lines")[0]
    with pytest.raises(ServiceError) as both:
        ledger.post_journal(
            admin,
            {
                "entry_date": "2026-03-05",
                "lines": [{"account": "1002", "debit": "5", "credit": "5"}, {"account": "4001", "credit": "5"}],
            },
        )
    assert both.value.for_field("lines[1].debit")
    with pytest.raises(ServiceError) as summary:
        ledger.post_journal(
            admin,
            {
                "entry_date": "2026-03-05",
                "lines": [{"account": "2221", "debit": "5"}, {"account": "1002", "credit": "5"}],
            },
        )
    assert "summary account" in summary.value.for_field("lines[1].account")[0]
    with pytest.raises(ServiceError) as unknown:
        ledger.post_journal(admin, {"entry_date": "2026-03-05", "lines": [{"account": "9999", "debit": "5"}]})
    assert unknown.value.for_field("lines[1].account") == ["9999 does not exist"]
    with pytest.raises(ServiceError) as no_period:
        ledger.post_journal(admin, _journal(date="2031-01-01"))
    assert "no accounting period" in no_period.value.for_field("entry_date")[0]
    assert snapshot(engine) == before


def test_only_finance_posts_journals(make_user: Callable[..., Session]) -> None:
    sales = make_user("wang", "sales")
    with pytest.raises(PermissionDenied):
        ledger.post_journal(sales, _journal())
    with pytest.raises(PermissionDenied):
        ledger.close_period(sales, "2026-03")


@pytest.mark.portable
def test_database_refuses_unbalanced_or_changed_posted_entries(backend: str, system: Session, engine: Engine) -> None:
    """The guard below the service layer: a draft flips to posted only when balanced; posted is frozen."""
    entry = ledger.post_journal(system, _journal())
    with engine.connect() as conn:
        period_id = conn.execute(select(s.fiscal_period.c.id).where(s.fiscal_period.c.code == "2026-03")).scalar()
        account = dict(conn.execute(select(s.account.c.code, s.account.c.id)).all())

    def attempt(statement) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(statement)

    header = {
        "entry_date": dt.date(2026, 3, 6),
        "period_id": period_id,
        "source_type": "manual",
        "created_at": dt.datetime(2026, 3, 6),
        "created_by": "x",
    }
    attempt(insert(s.journal_entry).values(number="X-1", status="posted", **header))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        draft = conn.execute(
            insert(s.journal_entry).values(number="X-2", status="draft", **header)
        ).inserted_primary_key[0]
        conn.execute(
            insert(s.journal_line),
            [
                {"entry_id": draft, "line_no": 1, "account_id": account["1002"], "debit": 10, "credit": 0},
                {"entry_id": draft, "line_no": 2, "account_id": account["4001"], "debit": 0, "credit": 9},
            ],
        )
        conn.execute(update(s.journal_entry).where(s.journal_entry.c.id == draft).values(status="posted"))
    attempt(update(s.journal_line).where(s.journal_line.c.entry_id == entry["id"]).values(debit=1))
    attempt(s.journal_line.delete().where(s.journal_line.c.entry_id == entry["id"]))
    attempt(update(s.journal_entry).where(s.journal_entry.c.id == entry["id"]).values(description="changed"))
    attempt(
        insert(s.journal_line).values(entry_id=entry["id"], line_no=3, account_id=account["1002"], debit=1, credit=0)
    )
    with engine.connect() as conn:
        assert conn.execute(select(s.journal_entry.c.number)).scalars().all() == [entry["number"]]
    _balanced(system)


def test_closed_period_refuses_every_posting_until_reopened(sample: Session, engine: Engine) -> None:
    ledger.close_period(sample, "2026-03")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as journal:
        ledger.post_journal(sample, _journal())
    assert journal.value.for_field("entry_date") == ["the accounting period 2026-03 is closed"]
    with pytest.raises(ServiceError) as stock:
        inventory.receive_stock(
            sample, {"move_date": "2026-03-10", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "5"}]}
        )
    assert stock.value.for_field("move_date") == ["the accounting period 2026-03 is closed"]
    assert snapshot(engine) == before
    with pytest.raises(ServiceError):
        ledger.close_period(sample, "2026-03")
    ledger.reopen_period(sample, "2026-03")
    ledger.post_journal(sample, _journal())
    _balanced(sample)


def test_reversal_goes_into_an_open_period_and_happens_once(sample: Session, engine: Engine) -> None:
    original = ledger.post_journal(sample, _journal(date="2026-02-10"))
    ledger.close_period(sample, "2026-02")
    with pytest.raises(ServiceError):
        ledger.reverse_entry(sample, original["number"], dt.date(2026, 2, 28), "wrong month")
    reversal = ledger.reverse_entry(sample, original["number"], dt.date(2026, 3, 1), "posted twice")
    with pytest.raises(ServiceError) as again:
        ledger.reverse_entry(sample, original["number"], dt.date(2026, 3, 2))
    assert "already reversed" in again.value.for_field("number")[0]
    with sample.read() as conn:
        assert ledger.account_balance(conn, "1002") == 0
        row = (
            conn.execute(select(s.journal_entry).where(s.journal_entry.c.number == reversal["number"])).mappings().one()
        )
    assert row["reverses_id"] == original["id"] and row["entry_date"] == dt.date(2026, 3, 1)
    receipt = inventory.receive_stock(
        sample, {"move_date": "2026-03-10", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "5"}]}
    )
    with pytest.raises(ServiceError) as document:
        ledger.reverse_entry(sample, receipt["journal_entry"], dt.date(2026, 3, 11))
    assert "correct it with a document" in document.value.for_field("number")[0]
    _balanced(sample)


def test_recurring_journal_posts_each_due_month_once(sample: Session, engine: Engine) -> None:
    template = {
        "code": "RENT",
        "description": "Warehouse rent",
        "next_date": "2026-01-31",
        "end_date": "2026-12-31",
        "lines": [{"account": "6602", "debit": "8000", "cost_center": "WH"}, {"account": "1002", "credit": "8000"}],
    }
    ledger.save_recurring_journal(sample, template)
    with pytest.raises(ServiceError):
        ledger.save_recurring_journal(
            sample, {**template, "lines": [{"account": "6602", "debit": "1"}, {"account": "1002", "credit": "2"}]}
        )
    posted = ledger.run_recurring_journals(sample, dt.date(2026, 3, 31))
    assert len(posted) == 3
    assert ledger.run_recurring_journals(sample, dt.date(2026, 3, 31)) == []
    with sample.read() as conn:
        assert ledger.account_balance(conn, "6602") == Decimal("24000.00")
        dates = (
            conn.execute(
                select(s.journal_entry.c.entry_date)
                .where(s.journal_entry.c.source_type == "recurring")
                .order_by(s.journal_entry.c.id)
            )
            .scalars()
            .all()
        )
        next_date = conn.execute(select(s.recurring_journal.c.next_date)).scalar()
    assert dates == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert next_date == dt.date(2026, 4, 30)
    ledger.close_period(sample, "2026-05")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as closed:
        ledger.run_recurring_journals(sample, dt.date(2026, 6, 30))
    assert "closed" in closed.value.for_field("RENT")[0]
    assert snapshot(engine) == before
    _balanced(sample)


def test_most_specific_posting_rule_wins(sample: Session) -> None:
    from erp.services.products import item_actions

    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1000"})
    ledger.posting_rule_actions.create(
        sample,
        {
            "event": "stock_adjustment",
            "item_type": "make",
            "item_group": "Pumps",
            "debit_account": "1405",
            "credit_account": "6711",
        },
    )
    inventory.adjust_stock(
        sample,
        {
            "move_date": "2026-03-02",
            "location": "FG",
            "reason": "found",
            "lines": [{"item": "FG-PUMP-100", "quantity": "2"}],
        },
    )
    inventory.adjust_stock(
        sample,
        {
            "move_date": "2026-03-02",
            "location": "FG",
            "reason": "found",
            "lines": [{"item": "SA-HOUSING", "quantity": "1"}],
        },
    )
    with sample.read() as conn:
        assert ledger.account_balance(conn, "6711") == Decimal("-2000.00")
        assert ledger.account_balance(conn, "1405") == Decimal("2000.00")
        assert ledger.account_balance(conn, "1901") == 0  # SA-HOUSING has no standard cost: nothing to post
    with pytest.raises(ServiceError) as summary:
        ledger.posting_rule_actions.create(
            sample, {"event": "shipment", "item_group": "Pumps", "debit_account": "2221", "credit_account": "1405"}
        )
    assert summary.value.for_field("debit_account")
