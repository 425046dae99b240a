"""Customer service through the service layer: repairs with parts from stock and billing, returns with
restock or scrap and a replacement or a credit note, complaints against their SLA; the ledger and stock
balanced throughout and every forbidden move refused with the store unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import inventory, ledger, sales, service
from erp.services.base import Session
from erp.services.products import item_actions
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable

D = dt.date


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


def _balanced(session: Session) -> None:
    with session.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        assert inventory.balance_mismatches(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def _balance(session: Session, code: str) -> Decimal:
    with session.read() as conn:
        return ledger.account_balance(conn, code)


@pytest.fixture
def desk(backend: str, sample: Session, engine: Engine) -> Session:
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "FG", "lines": [{"item": "FG-PUMP-100", "quantity": "10"}]}
    )
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "20"}]}
    )
    return quick_user(engine, "hu", "service")


def test_repairs_and_complaints(desk: Session, sample: Session, engine: Engine) -> None:
    repair = service.create_repair_order(
        desk,
        {
            "customer": "C-1001",
            "item": "FG-PUMP-100",
            "serial_no": "P100-0042",
            "fault": "漏水 leaking seal",
            "received_date": "2026-03-02",
        },
    )
    n = repair["number"]
    jump = _refused(engine, lambda: service.return_repair(desk, n, D(2026, 3, 3)))
    assert jump.for_field("repair") == [f"{n} is received; it cannot become returned (allowed: diagnosed, cancelled)"]
    parts = {
        "issue_date": "2026-03-03",
        "location": "RAW",
        "lines": [{"item": "RM-SEAL", "quantity": "2", "unit_price": "50"}],
    }
    early = _refused(engine, lambda: service.consume_parts(desk, n, parts))
    assert early.for_field("repair") == [f"{n} is received; cannot issue parts"]
    service.diagnose_repair(desk, n, "worn mechanical seal", warranty=False, technician="E-003")
    service.start_repair(desk, n)
    too_many = _refused(
        engine,
        lambda: service.consume_parts(
            desk, n, {"issue_date": "2026-03-03", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "50"}]}
        ),
    )
    assert too_many.for_field("lines[1].quantity") == ["only 20 of RM-SEAL on hand at RAW; 50 needed"]
    service.consume_parts(desk, n, parts)
    service.record_labour(desk, n, "3", "200")
    service.complete_repair(desk, n, D(2026, 3, 4))
    returned = service.return_repair(desk, n, D(2026, 3, 5))
    assert returned["status"] == "returned" and returned["invoice"]
    with desk.read() as conn:
        invoice = (
            conn.execute(select(s.customer_invoice).where(s.customer_invoice.c.number == returned["invoice"]))
            .mappings()
            .one()
        )
        assert inventory.on_hand(conn, "RM-SEAL", "RAW") == 18
    # parts 2 x 50 + labour 3 x 200 = 700 net, 13% VAT
    assert (invoice["net_amount"], invoice["gross_amount"]) == (Decimal("700.0000"), Decimal("791.0000"))
    assert _balance(desk, "6401") == Decimal("36.00")  # 2 seals at standard 18, billable: cost of sales

    warranty = service.create_repair_order(
        desk, {"customer": "C-1002", "item": "FG-PUMP-100", "fault": "noise", "received_date": "2026-03-02"}
    )
    w = warranty["number"]
    service.diagnose_repair(desk, w, "seal", warranty=True)
    service.start_repair(desk, w)
    service.consume_parts(
        desk, w, {"issue_date": "2026-03-03", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "1"}]}
    )
    service.complete_repair(desk, w, D(2026, 3, 4))
    assert service.return_repair(desk, w, D(2026, 3, 4))["invoice"] is None
    assert _balance(desk, "6601") == Decimal("18.00")  # warranty expense
    _refused(engine, lambda: service.cancel_repair(desk, w))
    _balanced(desk)
    high = service.log_complaint(
        desk,
        {
            "customer": "C-1001",
            "channel": "phone",
            "category": "quality",
            "severity": "high",
            "subject": "Pump leaks after a week",
            "owner": "E-003",
            "received_at": "2026-03-01 09:00",
        },
    )
    h = high["number"]
    assert high["response_due"] == dt.datetime(2026, 3, 1, 13, 0)
    assert high["resolution_due"] == dt.datetime(2026, 3, 4, 9, 0)
    for jump in (
        lambda: service.close_complaint(desk, h),
        lambda: service.resolve_complaint(desk, h, "replaced"),
        lambda: service.record_complaint_feedback(desk, h, 4),
        lambda: service.add_complaint_note(desk, h, "note"),
    ):
        _refused(engine, jump)
    service.start_investigation(desk, h, "called the customer back", at="2026-03-01 15:00")
    service.add_complaint_note(desk, h, "seal batch 2026-02 suspected", at="2026-03-02 10:00")
    service.resolve_complaint(desk, h, "seal replaced under warranty", at="2026-03-03 10:00")
    bad = _refused(engine, lambda: service.record_complaint_feedback(desk, h, 7))
    assert bad.for_field("score") == ["must be at most 5"]
    service.record_complaint_feedback(desk, h, 4)
    service.close_complaint(desk, h)
    low = service.log_complaint(
        desk,
        {
            "customer": "C-1002",
            "channel": "email",
            "category": "billing",
            "severity": "low",
            "subject": "Invoice address",
            "received_at": "2026-03-01 09:00",
        },
    )
    report = service.complaint_sla(desk, dt.datetime(2026, 3, 20))
    cases = {c["number"]: c for c in report["cases"]}
    assert (cases[h]["response_breached"], cases[h]["resolution_breached"]) == (True, False)
    assert cases[h]["hours_to_resolve"] == Decimal("49.0")
    assert cases[low["number"]]["resolution_breached"] is True  # still open, past its 240 hours
    assert report["by_level"]["high"] == {"cases": 1, "breached": 1, "met_pct": Decimal("0.0")}
    with pytest.raises(PermissionDenied):
        service.complaint_sla(quick_user(engine, "ma", "production"), dt.datetime(2026, 3, 20))


def _shipped(sample: Session) -> dict:
    order = sales.create_sales_order(
        sample,
        {
            "customer": "C-1002",
            "order_date": "2026-03-05",
            "promised_date": "2026-03-20",
            "lines": [{"item": "FG-PUMP-100", "quantity": "4", "unit_price": "2000"}],
        },
    )
    return sales.ship_order(sample, {"order": order["number"], "ship_date": "2026-03-06", "location": "FG"})


def test_returns_with_credit_note_and_replacement(desk: Session, sample: Session, engine: Engine) -> None:
    shipment = _shipped(sample)
    too_many = _refused(
        engine,
        lambda: service.create_rma(
            desk,
            {
                "shipment": shipment["number"],
                "rma_date": "2026-03-10",
                "reason": "defect",
                "resolution": "credit",
                "lines": [{"item": "FG-PUMP-100", "quantity": "5"}],
            },
        ),
    )
    assert too_many.for_field("lines[1].quantity") == ["only 4 can still be returned"]
    credit = service.create_rma(
        desk,
        {
            "shipment": shipment["number"],
            "rma_date": "2026-03-10",
            "reason": "cracked housing",
            "resolution": "credit",
            "lines": [{"item": "FG-PUMP-100", "quantity": "1"}],
        },
    )
    r = credit["number"]
    jump = _refused(engine, lambda: service.resolve_rma(desk, r, D(2026, 3, 12)))
    assert jump.for_field("rma") == [f"{r} is requested; cannot resolve it"]
    service.receive_rma(desk, r, D(2026, 3, 11), "QC")
    missing = _refused(engine, lambda: service.inspect_rma(desk, r, D(2026, 3, 12), []))
    assert missing.for_field("lines") == ["lines not inspected: 1"]
    cogs = _balance(desk, "6401")
    service.inspect_rma(desk, r, D(2026, 3, 12), [{"line_no": 1, "result": "restock", "notes": "cosmetic only"}])
    assert _balance(desk, "6401") == cogs - Decimal("1200.00")
    _refused(engine, lambda: service.cancel_rma(desk, r))
    resolved = service.resolve_rma(desk, r, D(2026, 3, 12))
    assert resolved["gross_amount"] == Decimal("2260.00")
    assert (_balance(desk, "6001"), _balance(desk, "222102"), _balance(desk, "1122")) == (
        Decimal("2000.00"),
        Decimal("260.00"),
        Decimal("-2260.00"),
    )

    exchange = service.create_rma(
        desk,
        {
            "shipment": shipment["number"],
            "rma_date": "2026-03-13",
            "reason": "motor burnt",
            "resolution": "replacement",
            "lines": [{"item": "FG-PUMP-100", "quantity": "1"}],
        },
    )
    x = exchange["number"]
    service.receive_rma(desk, x, D(2026, 3, 13), "QC")
    service.inspect_rma(desk, x, D(2026, 3, 13), [{"line_no": 1, "result": "scrap"}])
    service.resolve_rma(desk, x, D(2026, 3, 14), "FG")
    with desk.read() as conn:
        assert inventory.on_hand(conn, "FG-PUMP-100", "FG") == 5  # 10 - 4 shipped - 1 replacement
        assert inventory.on_hand(conn, "FG-PUMP-100", "QC") == 1  # the restocked one; the scrapped one is gone
    left = _refused(
        engine,
        lambda: service.create_rma(
            desk,
            {
                "shipment": shipment["number"],
                "rma_date": "2026-03-15",
                "reason": "x",
                "resolution": "credit",
                "lines": [{"item": "FG-PUMP-100", "quantity": "3"}],
            },
        ),
    )
    assert left.for_field("lines[1].quantity") == ["only 2 can still be returned"]
    _balanced(desk)
