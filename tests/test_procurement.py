"""Procure to pay through the service layer: requisition to payment with the ledger balanced after every step,
and every refusal (segregation of duties, approval limit, over-receipt, three-way match, held invoice, closed
period) leaving the store exactly as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import inventory, ledger, procurement
from erp.services.base import Session
from erp.services.open_supply import open_supply
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable

D = dt.date


def _balanced(session: Session) -> None:
    with session.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        assert inventory.balance_mismatches(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def _balance(session: Session, code: str) -> Decimal:
    with session.read() as conn:
        return ledger.account_balance(conn, code)


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    """Run a call that must be refused, and prove it changed nothing."""
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


@pytest.fixture
def people(backend: str, sample: Session, engine: Engine) -> dict[str, Session]:
    """Buyers, an executive, a warehouse clerk and an accountant; limits: procurement 5000, the boss 50000."""
    procurement.save_approval_limits(
        sample, [{"role": "procurement", "max_amount": "5000"}, {"role": "executive", "max_amount": "1000"}]
    )
    team = {
        "admin": sample,
        "planner": quick_user(engine, "chen", "planner"),
        "buyer": quick_user(engine, "zhou", "procurement"),
        "approver": quick_user(engine, "liu", "procurement"),
        "boss": quick_user(engine, "wang", "executive"),
        "clerk": quick_user(engine, "zhao", "production"),
        "accountant": quick_user(engine, "li", "finance"),
    }
    procurement.save_approval_limits(sample, [{"user": "wang", "max_amount": "50000"}])
    return team


def _order(people: dict[str, Session], **extra: object) -> dict:
    req = procurement.create_requisition(
        people["planner"],
        {
            "request_date": "2026-03-01",
            "needed_date": "2026-03-20",
            "cost_center": "PRD",
            "lines": [{"item": "RM-STATOR", "quantity": "40"}, {"item": "RM-BEARING", "quantity": "200"}],
        },
    )
    data = {
        "supplier": "S-2002",
        "order_date": "2026-03-02",
        "expected_date": "2026-03-15",
        "requisition": req["number"],
        "receipt_tolerance_pct": "5",
        "price_tolerance_pct": "2",
        "lines": [
            {"item": "RM-STATOR", "quantity": "40"},
            {"item": "RM-BEARING", "quantity": "200", "unit_price": "13"},
        ],
        **extra,
    }
    return procurement.create_purchase_order(people["buyer"], data)


@pytest.fixture
def contract(people: dict[str, Session]) -> dict:
    made = procurement.create_purchase_contract(
        people["buyer"],
        {
            "supplier": "S-2002",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "lines": [{"item": "RM-STATOR", "agreed_price": "175", "committed_qty": "500"}],
        },
    )
    procurement.set_purchase_contract_status(people["buyer"], made["number"], "active")
    return made


def test_requisition_to_payment(people: dict[str, Session], contract: dict, engine: Engine) -> None:
    buyer, boss, clerk, accountant = people["buyer"], people["boss"], people["clerk"], people["accountant"]
    order = _order(people)
    assert (order["net_amount"], order["tax_amount"], order["status"]) == (
        Decimal("9600.00"),
        Decimal("1248.00"),
        "draft",
    )  # 40 x 175 (contract) + 200 x 13
    with buyer.read() as conn:
        req = conn.execute(select(s.purchase_requisition.c.status)).scalar()
        assert req == "ordered"
        assert procurement.open_purchase_lines(conn) == []  # a draft is not supply yet

    sod = _refused(engine, lambda: procurement.approve_purchase_order(buyer, order["number"]))
    assert sod.code == "forbidden"
    assert sod.for_field("order") == [f"segregation of duties: zhou created {order['number']} and cannot approve it"]
    limit = _refused(engine, lambda: procurement.approve_purchase_order(people["approver"], order["number"]))
    assert limit.for_field("order") == [f"{order['number']} is worth 9600, over the approval limit 5000 of liu"]
    early = _refused(
        engine,
        lambda: procurement.receive_goods(
            clerk, {"order": order["number"], "receipt_date": "2026-03-10", "location": "RAW"}
        ),
    )
    assert "goods can be received only on approved orders" in early.for_field("order")[0]
    approved = procurement.approve_purchase_order(boss, order["number"])
    assert (approved["status"], approved["approved_by"]) == ("approved", "wang")

    with buyer.read() as conn:
        supply = [r for r in open_supply(conn) if r["source"] == "purchase_order"]
    assert [(r["item_code"], r["quantity"], r["due_date"], r["order_ref"]) for r in supply] == [
        ("RM-BEARING", 200, D(2026, 3, 15), f"{order['number']}/2"),
        ("RM-STATOR", 40, D(2026, 3, 15), f"{order['number']}/1"),
    ]

    first = procurement.receive_goods(
        clerk,
        {
            "order": order["number"],
            "receipt_date": "2026-03-10",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "30"}, {"line_no": 2, "quantity": "200"}],
        },
    )
    assert first["order_status"] == "partially_received"
    assert _balance(buyer, "1403") == Decimal("7900.00")  # at standard: 30 x 180 + 200 x 12.5
    assert _balance(buyer, "220201") == Decimal("-7850.00")  # at the order price: 30 x 175 + 200 x 13
    assert _balance(buyer, "1404") == Decimal("-50.00")  # favourable purchase price variance
    _balanced(buyer)

    over = _refused(
        engine,
        lambda: procurement.receive_goods(
            clerk,
            {
                "order": order["number"],
                "receipt_date": "2026-03-12",
                "location": "RAW",
                "lines": [{"line_no": 1, "quantity": "13"}],
            },
        ),
    )
    assert over.code == "conflict"
    assert over.for_field("lines[1].quantity") == [
        "over-receipt: line 1 would reach 43 of 40 ordered; at most 42 (5% tolerance)"
    ]
    second = procurement.receive_goods(
        clerk,
        {
            "order": order["number"],
            "receipt_date": "2026-03-12",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "12"}],
        },
    )
    assert second["order_status"] == "received"
    with buyer.read() as conn:
        assert inventory.on_hand(conn, "RM-STATOR", "RAW") == 42
        assert procurement.open_purchase_lines(conn) == []
        usage = procurement.contract_consumption(conn, contract["number"])
    assert usage[0]["ordered_qty"] == 40 and usage[0]["received_qty"] == 42 and usage[0]["remaining_qty"] == 460
    _balanced(buyer)

    mismatch = _refused(
        engine,
        lambda: procurement.register_supplier_invoice(
            accountant,
            {
                "supplier": "S-2002",
                "order": order["number"],
                "supplier_ref": "CZ-001",
                "invoice_date": "2026-03-16",
                "lines": [{"line_no": 1, "quantity": "43"}],
            },
        ),
    )
    assert mismatch.for_field("lines[1].quantity") == [
        "three-way match failed: only 42 received and not yet invoiced on line 1"
    ]
    held = procurement.register_supplier_invoice(
        accountant,
        {
            "supplier": "S-2002",
            "order": order["number"],
            "supplier_ref": "CZ-001",
            "invoice_date": "2026-03-16",
            "lines": [{"line_no": 1, "quantity": "42"}, {"line_no": 2, "quantity": "200", "unit_price": "13.5"}],
        },
    )
    assert held["status"] == "held" and held["journal_entry"] is None
    assert held["hold_reason"] == "line 2: price 13.5 differs from the order price 13 by more than 2%"
    assert held["gross_amount"] == Decimal("11356.50")  # (42 x 175 + 200 x 13.5) x 1.13
    assert _balance(buyer, "2202") == 0  # nothing posted while held
    duplicate = _refused(
        engine,
        lambda: procurement.register_supplier_invoice(
            accountant,
            {"supplier": "S-2002", "order": order["number"], "supplier_ref": "CZ-001", "invoice_date": "2026-03-16"},
        ),
    )
    assert duplicate.for_field("supplier_ref") == [f"CZ-001 is already registered as {held['number']}"]
    unpaid = _refused(
        engine,
        lambda: procurement.pay_supplier(
            accountant,
            {
                "supplier": "S-2002",
                "payment_date": "2026-03-20",
                "amount": "1000",
                "lines": [{"invoice": held["number"], "amount": "1000"}],
            },
        ),
    )
    assert "cannot be paid until it is released" in unpaid.for_field("lines[1].invoice")[0]

    released = procurement.release_supplier_invoice(accountant, held["number"])
    assert (released["status"], released["price_variance"]) == ("open", Decimal("100.00"))
    assert _balance(buyer, "220201") == 0  # GR/IR cleared at the order price
    assert _balance(buyer, "1404") == Decimal("-10.00")  # -50 -60 at receipt, +100 on the invoice
    assert _balance(buyer, "222101") == Decimal("1306.50")
    assert _balance(buyer, "2202") == Decimal("-11356.50")
    with buyer.read() as conn:
        assert conn.execute(select(s.purchase_order.c.status)).scalar() == "closed"
    _balanced(buyer)

    partial = procurement.pay_supplier(
        accountant,
        {
            "supplier": "S-2002",
            "payment_date": "2026-03-25",
            "amount": "5000",
            "lines": [{"invoice": held["number"], "amount": "5000"}],
        },
    )
    assert partial["allocated_amount"] == Decimal("5000.00")
    rest = procurement.pay_supplier(accountant, {"supplier": "S-2002", "payment_date": "2026-04-10", "amount": "7000"})
    assert rest["allocations"] == [{"invoice": held["number"], "amount": Decimal("6356.50")}]
    with buyer.read() as conn:
        assert conn.execute(select(s.supplier_invoice.c.status)).scalar() == "paid"
    assert _balance(buyer, "2202") == 0
    assert _balance(buyer, "1123") == Decimal("643.50")  # prepaid for the next invoice
    assert _balance(buyer, "1002") == Decimal("-12000.00")
    _balanced(buyer)


def test_cancel_reject_evaluate_and_closed_period(people: dict[str, Session], contract: dict, engine: Engine) -> None:
    order = _order(people)
    procurement.cancel_purchase_order(people["buyer"], order["number"])
    with people["buyer"].read() as conn:
        assert conn.execute(select(s.purchase_requisition.c.status)).scalar() == "open"
    again = _order(people, requisition=None, lines=[{"item": "RM-STATOR", "quantity": "10"}])
    assert again["net_amount"] == Decimal("1750.00")
    procurement.approve_purchase_order(people["approver"], again["number"])  # within the 5000 of the role
    refused = _refused(engine, lambda: procurement.cancel_purchase_order(people["buyer"], order["number"]))
    assert refused.code == "conflict"
    procurement.receive_goods(
        people["clerk"], {"order": again["number"], "receipt_date": "2026-03-10", "location": "RAW"}
    )
    held = procurement.register_supplier_invoice(
        people["accountant"],
        {
            "supplier": "S-2002",
            "order": again["number"],
            "supplier_ref": "CZ-9",
            "invoice_date": "2026-03-16",
            "lines": [{"line_no": 1, "quantity": "10", "unit_price": "180"}],
        },
    )
    assert held["status"] == "held" and held["order_status"] == "closed"
    procurement.reject_supplier_invoice(people["accountant"], held["number"])
    fixed = procurement.register_supplier_invoice(
        people["accountant"],
        {"supplier": "S-2002", "order": again["number"], "supplier_ref": "CZ-9B", "invoice_date": "2026-03-17"},
    )
    assert (fixed["status"], fixed["net_amount"], fixed["order_status"]) == ("open", Decimal("1750.00"), "closed")
    _balanced(people["admin"])

    # supplier evaluation, with the delivery facts behind it, and open orders as MRP supply
    buyer = people["buyer"]
    order = _order(people, requisition=None)
    procurement.approve_purchase_order(people["boss"], order["number"])
    procurement.receive_goods(
        people["clerk"],
        {
            "order": order["number"],
            "receipt_date": "2026-03-18",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "10"}],
        },
    )
    procurement.receive_goods(
        people["clerk"],
        {
            "order": order["number"],
            "receipt_date": "2026-03-14",
            "location": "RAW",
            "lines": [{"line_no": 2, "quantity": "50"}],
        },
    )
    with buyer.read() as conn:
        assert procurement.delivery_performance(conn, "S-2002", D(2026, 3, 1), D(2026, 3, 31)) == {
            "receipt_lines": 3,  # the 10 stators of the earlier order came on time as well
            "on_time": 2,
            "on_time_pct": Decimal("66.67"),
        }
        supply = {(r["item_code"], r["source"]): r["quantity"] for r in open_supply(conn)}
    assert supply == {("RM-STATOR", "purchase_order"): 30, ("RM-BEARING", "purchase_order"): 150}
    evaluation = procurement.record_supplier_evaluation(
        buyer,
        {"supplier": "S-2002", "period": "2026-Q1", "quality_score": "90", "delivery_score": "50", "price_score": "85"},
    )
    assert (evaluation["overall_score"], evaluation["evaluator"]) == (Decimal("75.00"), "zhou")
    twice = _refused(
        engine,
        lambda: procurement.record_supplier_evaluation(
            buyer,
            {
                "supplier": "S-2002",
                "period": "2026-Q1",
                "quality_score": "1",
                "delivery_score": "1",
                "price_score": "1",
            },
        ),
    )
    assert twice.for_field("period") == ["2026-Q1 was already evaluated by zhou"]
    bad = _refused(
        engine,
        lambda: procurement.record_supplier_evaluation(
            buyer,
            {
                "supplier": "S-2002",
                "period": "2026-13",
                "quality_score": "101",
                "delivery_score": "1",
                "price_score": "1",
            },
        ),
    )
    assert bad.for_field("period") and bad.for_field("quality_score") == ["must be at most 100"]

    # a closed period refuses the receipt; wrong roles are refused before anything is read
    order = _order(people, requisition=None, order_date="2026-03-20", expected_date="2026-03-25")
    procurement.approve_purchase_order(people["boss"], order["number"])
    ledger.close_period(people["admin"], "2026-03")
    closed = _refused(
        engine,
        lambda: procurement.receive_goods(
            people["clerk"], {"order": order["number"], "receipt_date": "2026-03-20", "location": "RAW"}
        ),
    )
    assert closed.for_field("receipt_date") == ["the accounting period 2026-03 is closed"]
    with pytest.raises(PermissionDenied):
        procurement.approve_purchase_order(people["clerk"], order["number"])
    with pytest.raises(PermissionDenied):
        procurement.pay_supplier(people["buyer"], {"supplier": "S-2002", "payment_date": "2026-04-01", "amount": "1"})
    receipt = procurement.receive_goods(
        people["clerk"], {"order": order["number"], "receipt_date": "2026-04-01", "location": "RAW"}
    )
    assert receipt["order_status"] == "received"
    _balanced(people["admin"])
