"""Order to cash through the service layer, with the ledger balanced after every step and every refusal clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import inventory, ledger, sales
from erp.services.base import Session
from erp.services.partners import customer_actions
from erp.services.products import item_actions
from tests.support.store_state import snapshot

D = dt.date


@pytest.fixture
def shop(sample: Session) -> Session:
    """The sample company with standard costs, a default price list and pumps and seals in stock."""
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    sales.save_price_list(
        sample,
        {
            "code": "STD",
            "name": "Standard prices",
            "lines": [{"item": "FG-PUMP-100", "unit_price": "2000"}, {"item": "RM-SEAL", "unit_price": "40"}],
        },
    )
    inventory.receive_stock(
        sample,
        {
            "move_date": "2026-03-01",
            "location": "FG",
            "lines": [{"item": "FG-PUMP-100", "quantity": "10"}, {"item": "RM-SEAL", "quantity": "100"}],
        },
    )
    return sample


def _balanced(session: Session) -> None:
    with session.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        assert inventory.balance_mismatches(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def _balance(session: Session, code: str) -> Decimal:
    with session.read() as conn:
        return ledger.account_balance(conn, code)


def _order(session: Session, customer: str = "C-1002", pumps: str = "4", **extra: object) -> dict:
    data = {
        "customer": customer,
        "order_date": "2026-03-05",
        "promised_date": "2026-03-20",
        "lines": [
            {"item": "FG-PUMP-100", "quantity": pumps},
            {"item": "RM-SEAL", "quantity": "10", "discount_pct": "5"},
        ],
        **extra,
    }
    return sales.create_sales_order(session, data)


def test_quote_to_cash(shop: Session, make_user: Callable[..., Session]) -> None:
    seller, clerk, accountant = make_user("wang", "sales"), make_user("zhao", "production"), make_user("li", "finance")
    quote = sales.create_quotation(
        seller,
        {
            "customer": "C-1002",
            "quote_date": "2026-03-01",
            "valid_until": "2026-03-31",
            "lines": [
                {"item": "FG-PUMP-100", "quantity": "4", "discount_pct": "10"},
                {"item": "RM-SEAL", "quantity": "10", "unit_price": "45"},
            ],
        },
    )
    assert quote["net_amount"] == Decimal("7650.00")  # 4 x 2000 less 10% + 10 x 45
    order = sales.order_from_quotation(seller, quote["number"], D(2026, 3, 5), D(2026, 3, 20))
    assert (order["gross_amount"], order["vat_rate"]) == (Decimal("8644.50"), Decimal("0.13"))
    with pytest.raises(ServiceError):
        sales.order_from_quotation(seller, quote["number"], D(2026, 3, 6), D(2026, 3, 20))  # accepted already
    _balanced(shop)

    first = sales.ship_order(
        clerk,
        {
            "order": order["number"],
            "ship_date": "2026-03-06",
            "location": "FG",
            "lines": [{"line_no": 1, "quantity": "3"}],
        },
    )
    assert first["order_status"] == "partially_shipped"
    assert _balance(shop, "6401") == Decimal("3600.00")
    _balanced(shop)
    invoice = sales.invoice_order(accountant, {"order": order["number"], "invoice_date": "2026-03-07"})
    assert (invoice["net_amount"], invoice["tax_amount"], invoice["due_date"]) == (
        Decimal("5400.00"),
        Decimal("702.00"),
        D(2026, 4, 6),
    )
    _balanced(shop)
    second = sales.ship_order(clerk, {"order": order["number"], "ship_date": "2026-03-08", "location": "FG"})
    assert second["order_status"] == "shipped"
    last = sales.invoice_order(accountant, {"order": order["number"], "invoice_date": "2026-03-09"})
    assert invoice["gross_amount"] + last["gross_amount"] == order["gross_amount"]
    with shop.read() as conn:
        assert conn.execute(select(s.sales_order.c.status, s.sales_order.c.open_amount)).one() == ("closed", 0)
        assert inventory.on_hand(conn, "FG-PUMP-100") == 6
    _balanced(shop)

    partial = sales.receive_payment(
        accountant, {"customer": "C-1002", "payment_date": "2026-03-15", "amount": "5000", "reference": "BANK-1"}
    )
    assert partial["allocations"] == [{"invoice": invoice["number"], "amount": Decimal("5000.00")}]
    rest = sales.receive_payment(
        accountant,
        {
            "customer": "C-1002",
            "payment_date": "2026-03-20",
            "amount": "4000",
            "lines": [
                {"invoice": last["number"], "amount": str(last["gross_amount"])},
                {"invoice": invoice["number"], "amount": "1102"},
            ],
        },
    )
    assert rest["allocated_amount"] == Decimal("3644.50")
    with shop.read() as conn:
        statuses = dict(conn.execute(select(s.customer_invoice.c.number, s.customer_invoice.c.status)).all())
        assert sales.exposure(conn, order["customer_id"]) == Decimal("-355.50")  # paid in advance
    assert set(statuses.values()) == {"paid"}
    assert _balance(shop, "1122") == 0
    assert _balance(shop, "2203") == Decimal("-355.50")
    assert _balance(shop, "1002") == Decimal("9000.00")
    assert _balance(shop, "6001") == Decimal("-7650.00") and _balance(shop, "222102") == Decimal("-994.50")
    assert _balance(shop, "1405") == Decimal("7200.00")  # 10 received at 1200, 4 shipped
    _balanced(shop)


def test_over_the_credit_limit_is_refused_cleanly(shop: Session, engine: Engine) -> None:
    customer_actions.update(shop, {"code": "C-1002"}, {"credit_limit": "10000"})
    _order(shop, pumps="3")  # 6000 + 380 less 5%, with VAT: 7209.40
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        _order(shop, pumps="2")  # 4949.40 more
    assert refused.value.code == "conflict"
    assert "over the credit limit 10000" in refused.value.for_field("customer")[0]
    assert snapshot(engine) == before
    customer_actions.update(shop, {"code": "C-1002"}, {"credit_limit": "0"})  # 0: no limit set
    _order(shop, pumps="1")


def test_expired_quote_is_refused_cleanly(shop: Session, engine: Engine) -> None:
    quote = sales.create_quotation(
        shop,
        {
            "customer": "C-1001",
            "quote_date": "2026-03-01",
            "valid_until": "2026-03-10",
            "lines": [{"item": "FG-PUMP-100", "quantity": "1"}],
        },
    )
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        sales.order_from_quotation(shop, quote["number"], D(2026, 3, 11), D(2026, 3, 20))
    assert refused.value.for_field("quotation") == [f"{quote['number']} expired on 2026-03-10"]
    assert snapshot(engine) == before


def test_shipping_more_than_stock_or_order_is_refused_cleanly(shop: Session, engine: Engine) -> None:
    order = _order(shop, pumps="12")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as stock:
        sales.ship_order(shop, {"order": order["number"], "ship_date": "2026-03-06", "location": "FG"})
    assert stock.value.for_field("lines[1].quantity") == ["only 10 of FG-PUMP-100 on hand at FG; 12 needed"]
    with pytest.raises(ServiceError) as too_many:
        sales.ship_order(
            shop,
            {
                "order": order["number"],
                "ship_date": "2026-03-06",
                "location": "FG",
                "lines": [{"line_no": 2, "quantity": "11"}],
            },
        )
    assert too_many.value.for_field("lines[1].quantity") == ["only 10 left to ship on line 2"]
    with pytest.raises(ServiceError) as nothing:
        sales.invoice_order(shop, {"order": order["number"], "invoice_date": "2026-03-07"})
    assert "nothing shipped" in nothing.value.for_field("order")[0]
    assert snapshot(engine) == before


def test_closed_period_stops_invoicing_cleanly(shop: Session, engine: Engine) -> None:
    order = _order(shop)
    sales.ship_order(shop, {"order": order["number"], "ship_date": "2026-03-06", "location": "FG"})
    ledger.close_period(shop, "2026-03")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        sales.invoice_order(shop, {"order": order["number"], "invoice_date": "2026-03-31"})
    assert refused.value.for_field("invoice_date") == ["the accounting period 2026-03 is closed"]
    assert snapshot(engine) == before
    sales.invoice_order(shop, {"order": order["number"], "invoice_date": "2026-04-01"})
    _balanced(shop)


def test_status_transitions_are_enforced(shop: Session, make_user: Callable[..., Session]) -> None:
    order = _order(shop)
    sales.ship_order(
        shop,
        {
            "order": order["number"],
            "ship_date": "2026-03-06",
            "location": "FG",
            "lines": [{"line_no": 2, "quantity": "1"}],
        },
    )
    with pytest.raises(ServiceError):
        sales.cancel_sales_order(shop, order["number"])  # something was shipped
    other = _order(shop)
    sales.cancel_sales_order(shop, other["number"])
    with pytest.raises(ServiceError):
        sales.ship_order(shop, {"order": other["number"], "ship_date": "2026-03-06", "location": "FG"})
    with pytest.raises(PermissionDenied):
        sales.invoice_order(make_user("wang", "sales"), {"order": order["number"], "invoice_date": "2026-03-07"})


@pytest.mark.portable
def test_prices_come_from_contract_then_customer_list_then_default(backend: str, shop: Session) -> None:
    sales.save_price_list(
        shop,
        {
            "code": "C1002",
            "name": "Hengda",
            "customer": "C-1002",
            "lines": [{"item": "FG-PUMP-100", "unit_price": "1900"}],
        },
    )
    contract = sales.create_sales_contract(
        shop,
        {
            "customer": "C-1002",
            "start_date": "2026-01-01",
            "end_date": "2026-06-30",
            "renewal_date": "2026-05-31",
            "lines": [{"item": "FG-PUMP-100", "agreed_price": "1800", "agreed_qty": "50"}],
        },
    )
    draft_price = _order(shop)
    assert draft_price["net_amount"] == Decimal("7980.00")  # the contract is a draft: 4 x 1900 + 10 x 40 less 5%
    sales.set_contract_status(shop, contract["number"], "active")
    assert _order(shop)["net_amount"] == Decimal("7580.00")
    assert _order(shop, customer="C-1001", pumps="1")["net_amount"] == Decimal("2380.00")
    with shop.read() as conn:
        usage = sales.contract_usage(conn, contract["number"])
    assert usage == [
        {
            "item_code": "FG-PUMP-100",
            "agreed_price": Decimal("1800"),
            "agreed_qty": Decimal("50.000000"),
            "ordered_qty": Decimal("0.000000"),
        }
    ]
    under = _order(shop, contract=contract["number"])
    assert under["contract_id"] == contract["id"]
    with pytest.raises(ServiceError):
        sales.set_contract_status(shop, contract["number"], "draft")
    sales.set_contract_status(shop, contract["number"], "expired")
    renewed = sales.renew_contract(shop, contract["number"], D(2026, 12, 31), D(2026, 11, 30))
    assert renewed["status"] == "active"
    with pytest.raises(ServiceError) as no_price:
        _order(shop, customer="C-1003")  # EUR customer: no EUR price list
    assert no_price.value.for_field("exchange_rate") and no_price.value.for_field("lines[1].unit_price")


def test_foreign_currency_payment_posts_the_exchange_difference(shop: Session) -> None:
    invoice = sales.create_invoice(
        shop,
        {
            "customer": "C-1003",
            "invoice_date": "2026-03-10",
            "exchange_rate": "7.8",
            "vat_rate": "0",
            "lines": [{"description": "Commissioning service", "quantity": "1", "unit_price": "1000"}],
        },
    )
    assert _balance(shop, "1122") == Decimal("7800.00")
    sales.receive_payment(
        shop, {"customer": "C-1003", "payment_date": "2026-04-10", "amount": "600", "exchange_rate": "7.9"}
    )
    payment = sales.receive_payment(
        shop, {"customer": "C-1003", "payment_date": "2026-04-12", "amount": "500", "exchange_rate": "7.7"}
    )
    assert payment["allocated_amount"] == Decimal("400.00")  # 100 EUR stays on account
    sales.create_invoice(
        shop,
        {
            "customer": "C-1003",
            "invoice_date": "2026-04-20",
            "exchange_rate": "7.6",
            "vat_rate": "0",
            "lines": [{"description": "Spare parts", "quantity": "1", "unit_price": "100"}],
        },
    )
    sales.allocate_payment(shop, payment["number"], D(2026, 4, 21))
    assert invoice["gross_amount"] == Decimal("1000.00")
    assert _balance(shop, "1122") == 0 and _balance(shop, "2203") == 0
    assert _balance(shop, "1002") == Decimal("8590.00")  # 600 x 7.9 + 500 x 7.7
    assert _balance(shop, "6603") == Decimal("-30.00")  # +60 - 40 + 10 exchange gains
    _balanced(shop)
