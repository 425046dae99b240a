"""Payroll through the service layer: two months computed by hand (social insurance on clamped bases, the
cumulative withholding method crossing a tax band), posting by cost center with the ledger balanced, the run's
state machine and segregation of duties, and salaries visible only to hr and finance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from erp.errors import PermissionDenied, ServiceError
from erp.io.transfer import export_entity
from erp.services import ledger, payroll
from erp.services.base import Session
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable

D = Decimal


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


def _balance(session: Session, code: str) -> Decimal:
    with session.read() as conn:
        return ledger.account_balance(conn, code)


@pytest.fixture
def staff(backend: str, sample: Session, engine: Engine) -> dict[str, Session]:
    """Two salaried employees: E-002 (finance, 20000 + 1000 transport, 2000 special deduction, a 100 benefit)
    and E-003 (production, 40000: above the social insurance ceiling)."""
    hr = quick_user(engine, "zhao", "hr")
    payroll.pay_grade_actions.create(
        hr, {"code": "M2", "name": "Manager 2", "min_salary": "15000", "max_salary": "45000"}
    )
    for code, kind in (("TRANSPORT", "allowance"), ("CHILD_EDU", "special_deduction")):
        payroll.pay_component_actions.create(hr, {"code": code, "name": code, "kind": kind})
    payroll.employee_pay_item_actions.create(
        hr, {"employee": "E-002", "component": "TRANSPORT", "start_date": "2026-01-01", "amount": "1000"}
    )
    payroll.employee_pay_item_actions.create(
        hr, {"employee": "E-002", "component": "CHILD_EDU", "start_date": "2026-01-01", "amount": "2000"}
    )
    payroll.benefit_plan_actions.create(
        hr, {"code": "HEALTH+", "name": "Supplementary health", "employee_contribution": "100"}
    )
    payroll.benefit_enrolment_actions.create(hr, {"employee": "E-002", "plan": "HEALTH+", "start_date": "2026-01-01"})
    payroll.set_salary(
        hr, {"employee": "E-002", "effective_date": "2025-07-01", "base_salary": "20000", "pay_grade": "M2"}
    )
    payroll.set_salary(
        hr, {"employee": "E-003", "effective_date": "2025-07-01", "base_salary": "40000", "pay_grade": "M2"}
    )
    return {
        "hr": hr,
        "finance": quick_user(engine, "qian", "finance"),
        "both": quick_user(engine, "sun", "hr", "finance"),
        "sales": quick_user(engine, "li", "sales"),
    }


def _slips(session: Session, period: str) -> dict[str, dict]:
    return {p["employee_code"]: p for p in payroll.payslips(session, period)}


def test_two_months_by_hand_with_cumulative_withholding(staff: dict[str, Session], engine: Engine) -> None:
    hr, finance = staff["hr"], staff["finance"]
    jan = payroll.calculate_pay_run(hr, "2026-01", "2026-02-05")
    assert jan["payslips"] == 2 and "E-001" in jan["skipped"]
    slips = _slips(finance, "2026-01")
    e2, e3 = slips["E-002"], slips["E-003"]
    # E-002: gross 21000; pension 8%, medical 2%, unemployment 0.5% = 2205; housing fund 7% = 1470.
    # taxable = 21000 - 5000 - 3675 - 2000 = 10325; 3% = 309.75; net = 21000 - 3675 - 309.75 - 100.
    assert (e2["gross"], e2["social_insurance"], e2["housing_fund"]) == (D("21000.00"), D("2205.00"), D("1470.00"))
    assert (e2["cumulative_taxable"], e2["tax"], e2["other_deductions"]) == (D("10325.00"), D("309.75"), D("100.00"))
    assert e2["net"] == D("16915.25")
    assert {ln["code"]: ln["amount"] for ln in e2["lines"]}["HEALTH+"] == D("100.00")
    # E-003: base clamped to 36549: pension 2923.92, medical 730.98, unemployment 182.745 -> 182.75; housing
    # 2558.43; taxable = 40000 - 5000 - 6396.08 = 28603.92; 3% = 858.12.
    assert (e3["social_insurance"], e3["housing_fund"]) == (D("3837.65"), D("2558.43"))
    assert (e3["cumulative_taxable"], e3["tax"], e3["net"]) == (D("28603.92"), D("858.12"), D("32745.80"))
    # The employer's shares on the same bases, not deducted from pay: E-002 pension 16% 3360, medical 9.5% 1995,
    # unemployment 0.5% 105, work injury 0.4% 84; housing fund 7% 1470. E-003 on 36549: 5847.84 + 3472.16
    # (3472.155) + 182.75 (182.745) + 146.20 (146.196) = 9648.95; housing fund 2558.43.
    assert (e2["employer_social_insurance"], e2["employer_housing_fund"]) == (D("5544.00"), D("1470.00"))
    assert (e3["employer_social_insurance"], e3["employer_housing_fund"]) == (D("9648.95"), D("2558.43"))
    e2_lines = {(ln["code"], ln["kind"]): ln["amount"] for ln in e2["lines"]}
    assert e2_lines[("INJURY", "employer_insurance")] == D("84.00") and ("INJURY", "social_insurance") not in e2_lines
    assert jan["employer_contributions"] == D("5544.00") + D("1470.00") + D("9648.95") + D("2558.43")

    # February needs January posted first; January needs an approver other than who calculated it.
    early = _refused(engine, lambda: payroll.calculate_pay_run(hr, "2026-02", "2026-03-05"))
    assert early.for_field("period") == [f"post or cancel {jan['number']} (2026-01) first"]
    with pytest.raises(PermissionDenied):
        payroll.approve_pay_run(hr, jan["number"])
    unapproved = _refused(engine, lambda: payroll.post_pay_run(finance, jan["number"]))
    assert "cannot become posted" in unapproved.for_field("pay_run")[0]
    payroll.approve_pay_run(finance, jan["number"])
    posted = payroll.post_pay_run(finance, jan["number"])
    assert posted["status"] == "posted" and posted["journal_entry"]
    again = _refused(engine, lambda: payroll.cancel_pay_run(hr, jan["number"]))
    assert "it cannot become cancelled" in again.for_field("pay_run")[0]

    # By cost center: finance (6602) and production (5101) expense, gross plus the employer's contributions;
    # wages payable: gross net of tax plus the employer's contributions owed; tax withheld.
    assert _balance(finance, "6602") == D("21000.00") + D("5544.00") + D("1470.00")
    assert _balance(finance, "5101") == D("40000.00") + D("9648.95") + D("2558.43")
    assert _balance(finance, "222105") == D("-1167.87")
    assert _balance(finance, "2211") == D("-59832.13") - D("7014.00") - D("12207.38")

    feb = payroll.calculate_pay_run(hr, "2026-02", "2026-03-05")
    slips = _slips(hr, "2026-02")
    # E-003: cumulative taxable 57207.84 is in the 10% band: 5720.78 - 2520 = 3200.78, less 858.12 withheld.
    assert (slips["E-003"]["cumulative_taxable"], slips["E-003"]["cumulative_tax"]) == (D("57207.84"), D("3200.78"))
    assert (slips["E-003"]["tax"], slips["E-003"]["net"]) == (D("2342.66"), D("31261.26"))
    # E-002: 20650 x 3% = 619.50 cumulative, 309.75 this month.
    assert (slips["E-002"]["cumulative_taxable"], slips["E-002"]["tax"]) == (D("20650.00"), D("309.75"))
    twice = _refused(engine, lambda: payroll.calculate_pay_run(hr, "2026-02", "2026-03-05"))
    assert twice.for_field("period") == [f"2026-02 already has the pay run {feb['number']}"]
    payroll.approve_pay_run(finance, feb["number"])
    payroll.post_pay_run(finance, feb["number"])
    assert _balance(finance, "222105") == D("-1167.87") - D("2342.66") - D("309.75")
    with finance.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def test_segregation_grades_cancel_and_confidentiality(
    staff: dict[str, Session], engine: Engine, tmp_path: Path
) -> None:
    both, hr, sales, finance = staff["both"], staff["hr"], staff["sales"], staff["finance"]
    run = payroll.calculate_pay_run(both, "2026-01", dt.date(2026, 2, 5))
    own = _refused(engine, lambda: payroll.approve_pay_run(both, run["number"]))
    assert own.for_field("pay_run") == [f"{run['number']} was calculated by you; someone else must approve it"]
    payroll.cancel_pay_run(hr, run["number"])
    rerun = payroll.calculate_pay_run(hr, "2026-01", "2026-02-05")  # a cancelled run frees the month
    assert rerun["number"] != run["number"]
    outside = _refused(
        engine,
        lambda: payroll.set_salary(
            hr, {"employee": "E-004", "effective_date": "2026-01-01", "base_salary": "9000", "pay_grade": "M2"}
        ),
    )
    assert outside.for_field("base_salary") == ["9000 is outside pay grade M2 (15000 to 45000)"]
    duplicate = _refused(
        engine,
        lambda: payroll.set_salary(hr, {"employee": "E-002", "effective_date": "2025-07-01", "base_salary": "21000"}),
    )
    assert duplicate.for_field("effective_date") == ["E-002 already has a salary from 2025-07-01"]
    bad_month = _refused(engine, lambda: payroll.calculate_pay_run(hr, "2026-13", "2026-02-05"))
    assert bad_month.for_field("period") == ["must be a month like 2026-01"]
    for read in (
        lambda: payroll.payslips(sales, "2026-01"),
        lambda: payroll.salary_history(sales, "E-002"),
        lambda: export_entity(sales, "employee_pay_items", tmp_path / "pay.csv"),
        lambda: payroll.set_salary(finance, {"employee": "E-002", "effective_date": "2026-03-01", "base_salary": "1"}),
    ):
        with pytest.raises(PermissionDenied):
            read()
    assert not (tmp_path / "pay.csv").exists()
    assert [h["base_salary"] for h in payroll.salary_history(finance, "E-003")] == [D("40000.00")]
    assert export_entity(finance, "employee_pay_items", tmp_path / "pay.csv") == 2
