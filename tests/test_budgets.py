"""Budgets: versions by account, cost center and month, approval, copy from a prior year, and the budget read
against actuals and the commitments of approved purchase orders. Also the CSV import of every procurement,
production and budget document type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.io.transfer import ImportFailed, import_dir
from erp.services import budgets, ledger, procurement
from erp.services.base import Session
from tests.support.people import quick_user
from tests.support.store_state import snapshot

D = dt.date


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


@pytest.mark.portable
def test_budget_versions_copy_and_commitments(backend: str, sample: Session, engine: Engine) -> None:
    controller, boss = quick_user(engine, "li", "finance"), quick_user(engine, "wang", "executive")
    lines = [
        {"account": "1403", "cost_center": "PUR", "period": "2025-03", "amount": "10000"},
        {"account": "5101", "cost_center": "PRD", "period": "2025-03", "amount": "3000"},
        {"account": "5101", "cost_center": "PRD", "period": "2025-04", "amount": "3000.555"},
    ]
    budgets.save_budget(controller, {"code": "FY2025", "name": "Budget 2025", "fiscal_year": "2025", "lines": lines})
    with pytest.raises(PermissionDenied):
        budgets.approve_budget(controller, "FY2025")
    assert budgets.approve_budget(boss, "FY2025")["status"] == "approved"
    frozen = _refused(
        engine,
        lambda: budgets.save_budget(
            controller, {"code": "FY2025", "name": "Budget 2025", "fiscal_year": "2025", "lines": lines[:1]}
        ),
    )
    assert frozen.for_field("code") == ["FY2025 is approved and can no longer change; copy it to a new version"]
    bad = _refused(
        engine,
        lambda: budgets.save_budget(
            controller,
            {
                "code": "BAD",
                "name": "Bad",
                "fiscal_year": "2026",
                "lines": [
                    {"account": "2221", "cost_center": "PRD", "period": "2025-12", "amount": "1"},
                    {"account": "5101", "cost_center": "NOPE", "period": "2026-3", "amount": "x"},
                ],
            },
        ),
    )
    assert bad.for_field("lines[1].account") == ["is a summary account; budget a sub-account"]
    assert bad.for_field("lines[1].period") == ["2025-12 is not in fiscal year 2026"]
    assert bad.for_field("lines[2].cost_center") == ["NOPE does not exist"]
    assert bad.for_field("lines[2].period") == ["must be a month like 2026-03"]
    assert bad.for_field("lines[2].amount") == ["must be a number"]

    copy = budgets.copy_budget(controller, "FY2025", "FY2026", "Budget 2026", 2026, "10")
    assert (copy["status"], copy["lines"]) == ("draft", 3)
    with controller.read() as conn:
        amounts = conn.execute(
            select(s.budget_line.c.period, s.budget_line.c.amount)
            .join(s.budget_version, s.budget_version.c.id == s.budget_line.c.version_id)
            .where(s.budget_version.c.code == "FY2026")
            .order_by(s.budget_line.c.period, s.budget_line.c.amount)
        ).all()
    assert [(p, Decimal(str(a))) for p, a in amounts] == [
        ("2026-03", Decimal("3300.00")),
        ("2026-03", Decimal("11000.00")),
        ("2026-04", Decimal("3300.62")),  # 3000.56 + 10%
    ]
    _refused(engine, lambda: budgets.copy_budget(controller, "FY2025", "FY2026", "Again", 2026, "0"))
    budgets.approve_budget(boss, "FY2026")
    budgets.copy_budget(controller, "FY2026", "FY2026-R1", "Budget 2026, first revision", 2026, "-5")
    revised = budgets.approve_budget(boss, "FY2026-R1")
    assert revised["superseded"] == ["FY2026"]

    procurement.save_approval_limits(sample, [{"user": "wang", "max_amount": "50000"}])
    order = procurement.create_purchase_order(
        sample,
        {
            "supplier": "S-2002",
            "order_date": "2026-03-01",
            "expected_date": "2026-03-15",
            "cost_center": "PUR",
            "lines": [{"item": "RM-STATOR", "quantity": "10", "unit_price": "175"}],
        },
    )
    with sample.read() as conn:
        assert budgets.purchase_commitments(conn) == []  # a draft commits nothing
    procurement.approve_purchase_order(boss, order["number"])
    procurement.receive_goods(
        sample,
        {
            "order": order["number"],
            "receipt_date": "2026-03-10",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "4"}],
        },
    )
    with sample.read() as conn:
        assert budgets.purchase_commitments(conn) == [
            {"account": "1403", "cost_center": "PUR", "period": "2026-03", "committed": Decimal("1050.00")}
        ]
        report = {(r["account"], r["cost_center"], r["period"]): r for r in budgets.budget_report(conn, "FY2026-R1")}
    assert report[("1403", "PUR", "2026-03")] == {
        "account": "1403",
        "cost_center": "PUR",
        "period": "2026-03",
        "budget": Decimal("10450.00"),  # 10000 + 10% - 5%
        "actual": Decimal("720.00"),  # 4 received at the standard cost of 180
        "committed": Decimal("1050.00"),  # 6 still to come at 175
        "available": Decimal("8680.00"),
    }
    assert report[("5101", "PRD", "2026-04")]["available"] == Decimal("3135.59")


FIRST = {
    "approval_limits.csv": "role,user,max_amount\nprocurement,,20000\n",
    "purchase_contracts.csv": "contract_number,supplier,start_date,end_date,status,item,agreed_price,committed_qty\n"
    "K-9,S-2002,2026-01-01,2026-12-31,active,RM-STATOR,175,500\n",
    "purchase_requisitions.csv": "requisition_number,request_date,needed_date,cost_center,item,quantity\n"
    "R-1,2026-03-01,2026-03-20,PRD,RM-BEARING,100\n",
    "purchase_orders.csv": "order_number,supplier,order_date,expected_date,cost_center,price_tolerance_pct,"
    "item,quantity,unit_price,line_expected_date\n"
    "P-7,S-2002,2026-03-02,2026-03-15,PUR,1,RM-STATOR,10,,\n"
    "P-7,S-2002,2026-03-02,2026-03-15,PUR,1,RM-BEARING,100,13,2026-03-18\n",
    "supplier_evaluations.csv": "supplier,period,quality_score,delivery_score,price_score,evaluator\n"
    "S-2001,2025-Q4,80,70,90,E-002\nS-2002,2025-Q4,95,85,75,\n",
    "production_orders.csv": "order_number,item,quantity,start_date,due_date,location,issue_location,status\n"
    "M-3,FG-PUMP-100,5,2026-03-02,2026-03-09,FG,RAW,released\n",
    "budgets.csv": "version,name,fiscal_year,account,cost_center,period,amount\n"
    "B26,Budget 2026,2026,1403,PUR,2026-03,20000\nB26,Budget 2026,2026,5101,PRD,2026-03,4000\n",
}
SECOND = {
    "goods_receipts.csv": "receipt_number,order,receipt_date,location,line_no,quantity\nG-1,P-7,2026-03-10,RAW,,\n",
    "supplier_invoices.csv": "invoice_number,supplier,order,supplier_ref,invoice_date,line_no,quantity,unit_price\n"
    "V-1,S-2002,P-7,CZ-77,2026-03-16,1,10,\nV-1,S-2002,P-7,CZ-77,2026-03-16,2,100,13\n",
    "supplier_payments.csv": "payment_number,supplier,payment_date,amount,invoice,allocated\n"
    "BK-1,S-2002,2026-03-31,2000,V-1,2000\n",
}


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_procurement_production_and_budget_documents_import(sample: Session, engine: Engine, tmp_path: Path) -> None:
    report = import_dir(sample, _write(tmp_path / "first", FIRST))
    assert report.counts["purchase_orders"] == 1 and report.counts["budgets"] == 1
    with sample.read() as conn:
        order = conn.execute(select(s.purchase_order)).mappings().one()
        assert (order["reference"], order["status"], order["net_amount"]) == ("P-7", "draft", Decimal("3050.0000"))
        assert conn.execute(select(s.production_order.c.status, s.production_order.c.reference)).one() == (
            "released",
            "M-3",
        )
        evaluators = conn.execute(select(s.supplier_evaluation.c.evaluator).order_by(s.supplier_evaluation.c.id))
        assert evaluators.scalars().all() == ["E-002", "admin"]
        assert conn.execute(select(s.budget_version.c.code, s.budget_version.c.status)).one() == ("B26", "draft")
    with pytest.raises(ImportFailed) as not_approved:
        import_dir(sample, _write(tmp_path / "early", {"goods_receipts.csv": SECOND["goods_receipts.csv"]}))
    assert "goods can be received only on approved orders" in str(not_approved.value)
    procurement.approve_purchase_order(quick_user(engine, "liu", "procurement"), order["number"])
    report = import_dir(sample, _write(tmp_path / "second", SECOND))
    assert report.counts == {"goods_receipts": 1, "supplier_invoices": 1, "supplier_payments": 1}
    with sample.read() as conn:
        invoice = conn.execute(select(s.supplier_invoice)).mappings().one()
        assert (invoice["status"], invoice["paid_amount"], invoice["reference"]) == (
            "partially_paid",
            Decimal("2000.0000"),
            "V-1",
        )
        assert ledger.account_balance(conn, "220201") == 0
        assert ledger.unbalanced_entries(conn) == []
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as again:
        import_dir(sample, _write(tmp_path / "third", {"supplier_payments.csv": SECOND["supplier_payments.csv"]}))
    assert str(again.value) == "supplier_payments.csv:2: payment_number: BK-1 was already imported as SPAY-000001"
    assert snapshot(engine) == before
