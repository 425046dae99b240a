"""Finance, inventory and margin marts built by dbt on a small company posted through the services.

Every expected figure below is worked out by hand from the postings in ``post_company`` (standard costs,
seeds/posting_rules.csv, VAT 13 %), not read back from the warehouse. One store and one build serve the module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from erp.cli import main
from erp.db import make_engine
from erp.io.transfer import import_dir
from erp.services import inventory, ledger, sales
from erp.services.base import SYSTEM, Session
from erp.services.products import item_actions
from erp.store import seed_reference_data, upgrade
from erp.warehouse import read
from tests.conftest import SAMPLE_DIR

AS_OF = dt.date(2026, 6, 30)
D = Decimal


def post_company(session: Session) -> None:
    """The sample pump maker with one prior-year month, six months of 2026 and a few postings after AS_OF."""
    item_actions.update(session, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    sales.save_price_list(
        session,
        {
            "code": "STD",
            "name": "Standard prices",
            "lines": [{"item": "FG-PUMP-100", "unit_price": "2000"}, {"item": "RM-SEAL", "unit_price": "40"}],
        },
    )
    # 2025-06: a sale of 3000 and 1000 of administration, never closed: 2000 of prior-year earnings.
    ledger.post_journal(
        session,
        {
            "entry_date": "2025-06-15",
            "description": "Prior-year trading",
            "lines": [
                {"account": "1002", "debit": "3000"},
                {"account": "6001", "credit": "3000"},
                {"account": "6602", "debit": "1000", "cost_center": "ADM"},
                {"account": "1002", "credit": "1000"},
            ],
        },
    )
    ledger.post_journal(
        session,
        {
            "entry_date": "2026-01-02",
            "description": "Paid-in capital",
            "lines": [{"account": "1002", "debit": "100000"}, {"account": "4001", "credit": "100000"}],
        },
    )
    # 10 pumps at 1200 (Dr 1405 / Cr 5001) and 100 seals at 18 (Dr 1403 / Cr 220201), all at FG.
    inventory.receive_stock(
        session,
        {
            "move_date": "2026-01-05",
            "location": "FG",
            "lines": [{"item": "FG-PUMP-100", "quantity": "10"}, {"item": "RM-SEAL", "quantity": "100"}],
        },
    )
    _sell(session, "C-1002", "2026-01-10", "2026-01-12", "2026-01-15", [("FG-PUMP-100", "2"), ("RM-SEAL", "10")])
    sales.create_invoice(
        session,
        {
            "customer": "C-1001",
            "invoice_date": "2026-02-20",
            "due_date": "2026-04-21",
            "lines": [{"description": "Commissioning", "quantity": "1", "unit_price": "1000"}],
        },
    )
    ledger.post_journal(
        session,
        {
            "entry_date": "2026-02-28",
            "description": "Rent",
            "lines": [
                {"account": "6602", "debit": "5000", "cost_center": "ADM"},
                {"account": "1002", "credit": "5000"},
            ],
        },
    )
    sales.receive_payment(session, {"customer": "C-1002", "payment_date": "2026-03-01", "amount": "1000"})
    _sell(session, "C-1001", "2026-04-01", "2026-04-02", "2026-04-10", [("FG-PUMP-100", "3")])
    sales.create_invoice(
        session,
        {
            "customer": "C-1002",
            "invoice_date": "2026-04-20",
            "lines": [{"description": "Spare parts service", "quantity": "1", "unit_price": "500"}],
        },
    )
    mistake = ledger.post_journal(
        session,
        {
            "entry_date": "2026-05-10",
            "description": "Fair stand, booked twice",
            "lines": [{"account": "6601", "debit": "700", "cost_center": "SAL"}, {"account": "1002", "credit": "700"}],
        },
    )
    ledger.reverse_entry(session, mistake["number"], dt.date(2026, 5, 12), "booked twice")
    _sell(session, "C-1002", "2026-06-01", "2026-06-05", "2026-06-05", [("FG-PUMP-100", "1")])
    sales.create_invoice(
        session,
        {
            "customer": "C-1003",
            "invoice_date": "2026-06-20",
            "exchange_rate": "7.8",
            "lines": [{"item": "RM-SEAL", "description": "Seal, no stock", "quantity": "1", "unit_price": "100"}],
        },
    )
    # After AS_OF: invoice B paid and a new invoice; neither may change the as-of figures.
    invoice_b = _invoice_number(session, "C-1001", dt.date(2026, 4, 10))
    sales.receive_payment(
        session,
        {
            "customer": "C-1001",
            "payment_date": "2026-07-10",
            "amount": "6780",
            "lines": [{"invoice": invoice_b, "amount": "6780"}],
        },
    )
    sales.create_invoice(
        session,
        {
            "customer": "C-1002",
            "invoice_date": "2026-07-02",
            "lines": [{"description": "Late service", "quantity": "1", "unit_price": "100"}],
        },
    )


def _sell(
    session: Session, customer: str, ordered: str, shipped: str, invoiced: str, lines: list[tuple[str, str]]
) -> None:
    order = sales.create_sales_order(
        session,
        {
            "customer": customer,
            "order_date": ordered,
            "promised_date": shipped,
            "lines": [{"item": item, "quantity": quantity} for item, quantity in lines],
        },
    )
    sales.ship_order(session, {"order": order["number"], "ship_date": shipped, "location": "FG"})
    sales.invoice_order(session, {"order": order["number"], "invoice_date": invoiced})


def _invoice_number(session: Session, customer: str, invoice_date: dt.date) -> str:
    from sqlalchemy import select

    from erp import schema as s

    inv, cust = s.customer_invoice, s.customer
    with session.read() as conn:
        return conn.execute(
            select(inv.c.number)
            .join(cust, cust.c.id == inv.c.customer_id)
            .where(cust.c.code == customer, inv.c.invoice_date == invoice_date)
        ).scalar_one()


def make_home(home: Path) -> None:
    """A migrated, seeded store with the sample company and the postings above, in ``home`` (ERP_HOME set)."""
    engine = make_engine()
    upgrade(engine)
    seed_reference_data(engine, "Test Manufacturing Co.", [2025, 2026])
    session = Session(engine, SYSTEM)
    import_dir(session, SAMPLE_DIR)
    post_company(session)
    engine.dispose()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[read.Publication]:
    home = tmp_path_factory.mktemp("finance") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        make_home(home)
        assert main(["build", "--as-of", AS_OF.isoformat()]) == 0
        publication = read.last_publication()
        assert publication is not None
        yield publication


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with read.connect() as conn:
        return conn.execute(sql, params or []).fetchall()


def test_trial_balance_totals_balance_in_every_period(built: read.Publication) -> None:
    totals = dict(
        (period, (debit, credit, balance))
        for period, debit, credit, balance in rows(
            "select fiscal_period, sum(debit), sum(credit), sum(balance) from trial_balance group by 1"
        )
    )
    # June 2026: pump shipped (1200), invoice 2000 + 260 VAT, EUR invoice 100 + 13 at 7.8 (780 + 101.40).
    assert totals["2026-06"] == (D("4341.40"), D("4341.40"), 0)
    # January: capital 100000, receipt 12000 + 1800, shipment 2400 + 180, invoice 4400 + 572.
    assert totals["2026-01"][:2] == (D("121352"), D("121352"))
    assert all(debit == credit and balance == 0 for debit, credit, balance in totals.values())
    assert "2026-07" not in totals  # after the as-of date
    receivable = rows(
        "select opening_balance, debit, credit, balance from trial_balance "
        "where fiscal_period = '2026-06' and account_code = '1122'"
    )
    assert receivable == [(D("12447"), D("3141.40"), 0, D("15588.40"))]


def test_ar_aging_buckets_as_of_the_build_date(built: read.Publication) -> None:
    aging = {
        code: values
        for code, *values in rows(
            "select customer_code, current_amount, days_1_30, days_31_60, days_61_90, over_90, total_open "
            "from ar_aging order by 1"
        )
    }
    assert aging == {
        # 06-05 invoice due 07-05: current; 04-20 due 05-20: 41 days; 01-15 due 02-14 less 1000 paid: 136 days.
        "C-1002": [D("2260"), 0, D("565"), 0, D("3972"), D("6797")],
        # 04-10 due 06-09: 21 days (paid only on 07-10); 02-20 due 04-21: 70 days.
        "C-1001": [0, D("6780"), 0, D("1130"), 0, D("7910")],
        # 113 EUR at 7.8, due 08-04.
        "C-1003": [D("881.40"), 0, 0, 0, 0, D("881.40")],
    }
    (receivable,) = rows("select amount from balance_sheet where fiscal_period = '2026-06' and account_code = '1122'")
    assert receivable[0] == sum(values[-1] for values in aging.values())


def test_balance_sheet_balances_with_unclosed_earnings(built: read.Publication) -> None:
    sheet = {
        code: (section, amount)
        for code, section, amount in rows(
            "select account_code, section, amount from balance_sheet where fiscal_period = '2026-06'"
        )
    }
    # 2026 to June: revenue 14680 - cost of sales 7380 - rent 5000 (the May fair stand was reversed).
    assert sheet["current_year_earnings"] == ("equity", D("2300"))
    assert sheet["prior_years_earnings"] == ("equity", D("2000"))  # 2025: 3000 - 1000, never closed
    assert sheet["1002"] == ("asset", D("98000")) and sheet["5001"] == ("asset", D("-12000"))
    assert sheet["222102"] == ("liability", D("1908.40")) and sheet["4001"] == ("equity", D("100000"))
    assets = sum(amount for section, amount in sheet.values() if section == "asset")
    assert assets == D("108008.40") == sum(amount for section, amount in sheet.values() if section != "asset")


def test_income_statement_with_prior_year(built: read.Publication) -> None:
    lines = {
        line: values
        for line, *values in rows(
            "select line, amount, ytd_amount, prior_year_amount from income_statement where fiscal_period = '2026-06'"
        )
    }
    assert lines["operating_revenue"] == [D("2780"), D("14680"), D("3000")]
    assert lines["cost_of_sales"] == [D("1200"), D("7380"), 0]
    assert lines["gross_profit"] == [D("1580"), D("7300"), D("3000")]
    assert lines["administrative_expenses"] == [0, D("5000"), D("1000")]
    assert lines["net_profit"] == [D("1580"), D("2300"), D("2000")]
    assert rows(
        "select amount from income_statement where fiscal_period = '2026-05' and line = 'selling_expenses'"
    ) == [(0,)]


def test_gross_margin_of_the_pump(built: read.Publication) -> None:
    pump = rows(
        "select fiscal_period, customer_code, shipped_qty, revenue, cost_of_goods_sold, gross_margin, "
        "gross_margin_pct from gross_margin where item_code = 'FG-PUMP-100' order by 1"
    )
    assert pump == [
        ("2026-01", "C-1002", 2, D("4000"), D("2400"), D("1600"), D("40")),
        ("2026-04", "C-1001", 3, D("6000"), D("3600"), D("2400"), D("40")),
        ("2026-06", "C-1002", 1, D("2000"), D("1200"), D("800"), D("40")),
    ]
    by_period = dict(rows("select fiscal_period, sum(gross_margin) from gross_margin group by 1"))
    statement = dict(rows("select fiscal_period, amount from income_statement where line = 'gross_profit'"))
    assert all(statement[period] == margin for period, margin in by_period.items())


def test_stock_cash_and_forecast(built: read.Publication) -> None:
    assert rows(
        "select item_code, location_code, quantity, standard_value, book_value from stock_on_hand order by 1"
    ) == [
        ("FG-PUMP-100", "FG", 4, D("4800"), D("4800")),
        ("RM-SEAL", "FG", 90, D("1620"), D("1620")),
    ]
    assert rows("select sum(balance) from cash_position") == [(D("98000"),)]
    forecast = rows("select week_no, expected_receipts, overdue_receipts, closing_cash from cash_forecast order by 1")
    assert len(forecast) == 13
    # Week 1 (07-01..07-07): everything overdue (12447) and the invoice due 07-05; week 5 holds 08-04.
    assert forecast[0] == (1, D("14707"), D("12447"), D("112707"))
    assert forecast[4] == (5, D("881.40"), 0, D("113588.40"))
    assert forecast[-1][3] == D("113588.40")
    moves = rows("select count(*), sum(move_value) from fct_stock_moves")
    assert moves == [(6, D("6420"))]
    assert rows("select count(*), sum(amount) from fct_journal_lines where reverses_entry_number is not null") == [
        (2, 0)
    ]


def test_public_marts_are_published_and_exported(built: read.Publication, tmp_path: Path) -> None:
    assert {"trial_balance", "balance_sheet", "income_statement", "ar_aging", "gross_margin"} <= set(built.row_counts)
    out = tmp_path / "tb.csv"
    assert main(["export", "trial_balance", "--out", str(out)]) == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["fiscal_period", "account_code", "account_name", "account_type"]
    assert {"debit", "credit", "balance"} <= set(header)
