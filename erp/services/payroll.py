"""Payroll: pay grades, salary history, allowances and deductions, benefits, and the monthly pay run.

A pay run for a month (YYYY-MM) computes for every active employee with a salary:

- gross = base salary + allowances;
- employee shares of social insurance and the housing fund: each configured rate times gross clamped to the
  rate's contribution base [base_min, base_max];
- individual income tax by the cumulative withholding method (累计预扣法): cumulative taxable income of the
  year = cumulative gross - monthly basic deduction x months paid this year - cumulative insurance and housing
  fund - cumulative special deductions; cumulative tax = taxable x rate - quick deduction of its bracket
  (``income_tax_bracket``); this month's tax = cumulative tax - tax withheld earlier in the year (never below 0);
- net = gross - insurance - housing fund - tax - other deductions (deduction items and benefit contributions);
- the employer's shares of the same funds (each rate's ``employer_rate`` times the same clamped base; 工伤保险 has
  only an employer share): not deducted from pay, a cost on top of gross.

Runs go calculated -> approved (by someone other than who calculated it) -> posted; calculated -> cancelled.
Months of a year are run in order, each after the previous one is posted, so the cumulative figures rest on
posted pay. Posting: per cost center, Dr the expense account of the ``payroll_expense`` rule for that cost
center (its code in the rule's partner group: sales 6601, production 5101, others 6602) / Cr wages payable
2211 for gross less tax, and Cr 222105 for the tax withheld (the ``payroll_tax`` rule's credit account); the
employer's contributions are charged the same way (Dr the expense account / Cr 2211 应付职工薪酬, where social
insurance and the housing fund are owed until paid, 企业会计准则第9号).

Salary and payslip figures are read only through functions here that require ``hr.confidential``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.fields import Bool as BoolField
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import ZERO, dec, money, raise_if, show
from erp.services.ledger import Line, Postings, post_entry
from erp.services.records import Entity, EntityActions
from erp.services.workflow import conflict, locked, move

MANAGE = "payroll.manage"
APPROVE = "payroll.approve"
CONFIDENTIAL = "hr.confidential"
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
RUN_FLOW = {"calculated": ("approved", "cancelled"), "approved": ("posted",)}
# Payslip line kinds of the employer's shares (they are not deductions from pay).
EMPLOYER_KINDS = {"social_insurance": "employer_insurance", "housing_fund": "employer_housing"}


def _check_grade_row(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    if dec(values["max_salary"]) < dec(values["min_salary"]):
        return [FieldError("max_salary", t("must not be below the minimum salary"))]
    return []


def _check_dates(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    if values.get("end_date") and values["end_date"] < values["start_date"]:
        return [FieldError("end_date", t("must not be before the start date"))]
    return []


PAY_GRADES = Entity(
    name="pay_grades",
    label=N_("Pay grades"),
    table=s.pay_grade,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Dec("min_salary", N_("Minimum monthly salary"), required=True, min_value=0),
            Dec("max_salary", N_("Maximum monthly salary"), required=True, min_value=0),
        )
    ),
    permission=MANAGE,
    audit_name="pay_grade",
    check=_check_grade_row,
)

PAY_COMPONENTS = Entity(
    name="pay_components",
    label=N_("Pay components"),
    table=s.pay_component,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Choice(
                "kind",
                N_("Kind: allowance (taxable), deduction (after tax) or special_deduction (lowers taxable income)"),
                required=True,
                choices=("allowance", "deduction", "special_deduction"),
            ),
            BoolField("active", N_("Active"), default=True),
        )
    ),
    permission=MANAGE,
    audit_name="pay_component",
)

EMPLOYEE_PAY_ITEMS = Entity(
    name="employee_pay_items",
    label=N_("Employee allowances and deductions"),
    table=s.employee_pay_item,
    key=("employee", "component", "start_date"),
    fields=FieldSet(
        (
            Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
            Ref("component", N_("Pay component"), required=True, column="component_id", table=s.pay_component),
            Date("start_date", N_("From"), required=True),
            Date("end_date", N_("Until")),
            Dec("amount", N_("Monthly amount"), required=True, positive=True),
        )
    ),
    permission=MANAGE,
    audit_name="employee_pay_item",
    check=_check_dates,
)

BENEFIT_PLANS = Entity(
    name="benefit_plans",
    label=N_("Benefit plans"),
    table=s.benefit_plan,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Dec("employee_contribution", N_("Employee's monthly contribution"), default=ZERO, min_value=0),
            BoolField("active", N_("Active"), default=True),
        )
    ),
    permission=MANAGE,
    audit_name="benefit_plan",
)


def _check_enrolment(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    errors = _check_dates(tx, values, before)
    be = s.benefit_enrolment
    query = select(be.c.start_date, be.c.end_date).where(
        be.c.employee_id == values["employee_id"], be.c.plan_id == values["plan_id"]
    )
    if before is not None:
        query = query.where(be.c.id != before["id"])
    end = values.get("end_date") or dt.date.max
    for other_start, other_end in tx.conn.execute(query):
        if other_start <= end and (other_end or dt.date.max) >= values["start_date"]:
            errors.append(FieldError("start_date", t("overlaps an enrolment from {date}", date=other_start)))
    return errors


BENEFIT_ENROLMENTS = Entity(
    name="benefit_enrolments",
    label=N_("Benefit enrolments"),
    table=s.benefit_enrolment,
    key=("employee", "plan", "start_date"),
    fields=FieldSet(
        (
            Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
            Ref("plan", N_("Benefit plan"), required=True, column="plan_id", table=s.benefit_plan, only_active=True),
            Date("start_date", N_("From"), required=True),
            Date("end_date", N_("Until")),
        )
    ),
    permission=MANAGE,
    audit_name="benefit_enrolment",
    check=_check_enrolment,
)

SOCIAL_INSURANCE_RATES = Entity(
    name="social_insurance_rates",
    label=N_("Social insurance and housing fund rates"),
    table=s.social_insurance_rate,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Choice("kind", N_("Kind"), required=True, choices=("social_insurance", "housing_fund")),
            Dec(
                "employee_rate", N_("Employee share (0.08 = 8%)"), required=True, min_value=0, max_value=Decimal("0.99")
            ),
            Dec(
                "employer_rate", N_("Employer share (0.16 = 16%)"), default=ZERO, min_value=0, max_value=Decimal("0.99")
            ),
            Dec("base_min", N_("Lowest contribution base"), default=ZERO, min_value=0),
            Dec("base_max", N_("Highest contribution base (blank: none)"), min_value=0),
            BoolField("active", N_("Active"), default=True),
        )
    ),
    permission=MANAGE,
    audit_name="social_insurance_rate",
)

INCOME_TAX_BRACKETS = Entity(
    name="income_tax_brackets",
    label=N_("Individual income tax brackets (cumulative, annual)"),
    table=s.income_tax_bracket,
    key=("band",),
    fields=FieldSet(
        (
            Int("band", N_("Band (1 = lowest)"), required=True, min_value=1, max_value=50),
            Dec("up_to", N_("Up to cumulative taxable income (blank: top band)"), positive=True),
            Dec("rate", N_("Rate (0.03 = 3%)"), required=True, min_value=0, max_value=Decimal("0.99")),
            Dec("quick_deduction", N_("Quick deduction"), default=ZERO, min_value=0),
        )
    ),
    permission=MANAGE,
    audit_name="income_tax_bracket",
)

PAYROLL_SETTINGS = Entity(
    name="payroll_settings",
    label=N_("Payroll settings"),
    table=s.payroll_setting,
    key=("code",),
    fields=FieldSet(
        (
            Choice("code", N_("Setting"), required=True, choices=("monthly_basic_deduction",), case_insensitive=False),
            Dec("value", N_("Value"), required=True, min_value=0),
            Text("description", N_("Description")),
        )
    ),
    permission=MANAGE,
    audit_name="payroll_setting",
)

pay_grade_actions = EntityActions(PAY_GRADES)
pay_component_actions = EntityActions(PAY_COMPONENTS)
employee_pay_item_actions = EntityActions(EMPLOYEE_PAY_ITEMS)
benefit_plan_actions = EntityActions(BENEFIT_PLANS)
benefit_enrolment_actions = EntityActions(BENEFIT_ENROLMENTS)
social_insurance_rate_actions = EntityActions(SOCIAL_INSURANCE_RATES)
income_tax_bracket_actions = EntityActions(INCOME_TAX_BRACKETS)
payroll_setting_actions = EntityActions(PAYROLL_SETTINGS)

# Entities whose export shows pay: exporting them needs hr.confidential as well as data.export.
CONFIDENTIAL_ENTITIES = frozenset({"employee_pay_items", "benefit_enrolments"})
# Audit-log entities whose before/after bodies hold pay or personal data (for audit readers to withhold).
CONFIDENTIAL_AUDIT = frozenset(
    {"salary_history", "employee_personal", "employee_pay_item", "benefit_enrolment", "candidate", "pay_run"}
)


# --- salaries -----------------------------------------------------------------------------------------------


def check_grade(conn: Connection, grade_id: int | None, salary: Decimal, field: str) -> list[FieldError]:
    if grade_id is None:
        return []
    grade = fetch_one(conn, s.pay_grade, id=grade_id)
    assert grade is not None
    low, high = dec(grade["min_salary"]), dec(grade["max_salary"])
    if not low <= salary <= high:
        return [
            FieldError(
                field,
                t(
                    "{salary} is outside pay grade {grade} ({low} to {high})",
                    salary=show(salary),
                    grade=grade["code"],
                    low=show(low),
                    high=show(high),
                ),
            )
        ]
    return []


def add_salary(
    tx: Tx, employee_id: int, effective_date: dt.date, base_salary: Decimal, grade_id: int | None, reason: str
) -> dict[str, Any]:
    """Record a monthly base salary from a date on (one change per employee and date)."""
    sh = s.salary_history
    code = tx.conn.execute(select(s.employee.c.employee_code).where(s.employee.c.id == employee_id)).scalar()
    if fetch_one(tx.conn, sh, employee_id=employee_id, effective_date=effective_date) is not None:
        raise conflict(
            "effective_date", t("{employee} already has a salary from {date}", employee=code, date=effective_date)
        )
    row = {
        "employee_id": employee_id,
        "effective_date": effective_date,
        "base_salary": money(base_salary),
        "pay_grade_id": grade_id,
        "reason": reason or None,
        "recorded_by": tx.actor.username,
        "created_at": tx.now,
    }
    tx.conn.execute(insert(sh).values(**row))
    tx.audit("salary_history", f"{code}/{effective_date}", None, row)
    return row


SALARY_FIELDS = FieldSet(
    (
        Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
        Date("effective_date", N_("Effective from"), required=True),
        Dec("base_salary", N_("Monthly base salary"), required=True, positive=True),
        Ref("pay_grade", N_("Pay grade"), column="pay_grade_id", table=s.pay_grade),
        Text("reason", N_("Reason"), max_length=200),
    )
)


@action("salary.set", MANAGE)
def set_salary(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A salary change: ``{employee, effective_date, base_salary, pay_grade, reason}``."""
    values, errors = SALARY_FIELDS.validate(data, tx.conn)
    if not errors:
        errors = check_grade(tx.conn, values.get("pay_grade_id"), values["base_salary"], "base_salary")
    raise_if(errors)
    return add_salary(
        tx,
        values["employee_id"],
        values["effective_date"],
        values["base_salary"],
        values.get("pay_grade_id"),
        values.get("reason") or "",
    )


def salary_history(session: Session, employee_code: str) -> list[dict[str, Any]]:
    """An employee's salary changes, oldest first; hr and finance only."""
    session.require(CONFIDENTIAL)
    sh = s.salary_history
    with session.read() as conn:
        rows = conn.execute(
            select(sh.c.effective_date, sh.c.base_salary, s.pay_grade.c.code.label("pay_grade"), sh.c.reason)
            .join(s.employee, s.employee.c.id == sh.c.employee_id)
            .outerjoin(s.pay_grade, s.pay_grade.c.id == sh.c.pay_grade_id)
            .where(s.employee.c.employee_code == employee_code)
            .order_by(sh.c.effective_date)
        ).mappings()
        return [{**r, "base_salary": money(r["base_salary"])} for r in rows]


# --- the pay run --------------------------------------------------------------------------------------------


def period_bounds(period: str, field: str = "period") -> tuple[dt.date, dt.date]:
    match = PERIOD_RE.match(str(period or "").strip())
    if not match:
        raise ServiceError(FieldError(field, t("must be a month like 2026-01")))
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _brackets(conn: Connection) -> list[tuple[Decimal | None, Decimal, Decimal]]:
    rows = conn.execute(
        select(s.income_tax_bracket.c.up_to, s.income_tax_bracket.c.rate, s.income_tax_bracket.c.quick_deduction)
    ).all()
    if not rows or sum(1 for r in rows if r.up_to is None) != 1:
        raise ServiceError(
            FieldError("income_tax_brackets", t("the tax bracket table needs exactly one top band (blank up_to)"))
        )
    ordered = sorted(rows, key=lambda r: (r.up_to is None, dec(r.up_to)))
    return [(None if r.up_to is None else dec(r.up_to), dec(r.rate), dec(r.quick_deduction)) for r in ordered]


def cumulative_tax(taxable: Decimal, brackets: list[tuple[Decimal | None, Decimal, Decimal]]) -> Decimal:
    """Tax due on a cumulative taxable income: taxable x rate - quick deduction of the band it falls in."""
    if taxable <= 0:
        return ZERO
    for up_to, rate, quick in brackets:
        if up_to is None or taxable <= up_to:
            return max(ZERO, money(taxable * rate - quick))
    raise AssertionError("the top band has no upper bound")


def _active_items(conn: Connection, start: dt.date, end: dt.date) -> dict[int, list[tuple[str, str, Decimal]]]:
    """(component code, kind, amount) per employee for items and benefit contributions active in the month."""
    epi, pc = s.employee_pay_item, s.pay_component
    out: dict[int, list[tuple[str, str, Decimal]]] = {}
    rows = conn.execute(
        select(epi.c.employee_id, pc.c.code, pc.c.kind, epi.c.amount)
        .join(pc, pc.c.id == epi.c.component_id)
        .where(epi.c.start_date <= end, (epi.c.end_date.is_(None)) | (epi.c.end_date >= start))
        .order_by(pc.c.code)
    )
    for r in rows:
        out.setdefault(r.employee_id, []).append((r.code, r.kind, money(r.amount)))
    be, bp = s.benefit_enrolment, s.benefit_plan
    rows = conn.execute(
        select(be.c.employee_id, bp.c.code, bp.c.employee_contribution)
        .join(bp, bp.c.id == be.c.plan_id)
        .where(be.c.start_date <= end, (be.c.end_date.is_(None)) | (be.c.end_date >= start))
        .order_by(bp.c.code)
    )
    for r in rows:
        if dec(r.employee_contribution) > 0:
            out.setdefault(r.employee_id, []).append((r.code, "deduction", money(r.employee_contribution)))
    return out


def _salaries(conn: Connection, end: dt.date) -> dict[int, Decimal]:
    """Each employee's base salary in force at the end of the month."""
    sh = s.salary_history
    latest = (
        select(sh.c.employee_id, func.max(sh.c.effective_date).label("effective"))
        .where(sh.c.effective_date <= end)
        .group_by(sh.c.employee_id)
        .subquery()
    )
    rows = conn.execute(
        select(sh.c.employee_id, sh.c.base_salary).join(
            latest, (latest.c.employee_id == sh.c.employee_id) & (latest.c.effective == sh.c.effective_date)
        )
    )
    return {r.employee_id: money(r.base_salary) for r in rows}


def _year_to_date(conn: Connection, year: int, before: str) -> dict[int, dict[str, Any]]:
    """Per employee: months paid, gross, insurance + housing fund, special deductions and tax earlier this year."""
    ps, pr = s.payslip, s.pay_run
    rows = conn.execute(
        select(
            ps.c.employee_id,
            func.count().label("months"),
            func.sum(ps.c.gross).label("gross"),
            func.sum(ps.c.social_insurance + ps.c.housing_fund).label("insurance"),
            func.sum(ps.c.special_deductions).label("special"),
            func.sum(ps.c.tax).label("tax"),
        )
        .join(pr, pr.c.id == ps.c.pay_run_id)
        .where(pr.c.status == "posted", pr.c.period >= f"{year}-01", pr.c.period < before)
        .group_by(ps.c.employee_id)
    )
    return {
        r.employee_id: {
            "months": r.months,
            "gross": money(r.gross),
            "insurance": money(r.insurance),
            "special": money(r.special),
            "tax": money(r.tax),
        }
        for r in rows
    }


def _setting(conn: Connection, code: str) -> Decimal:
    value = conn.execute(select(s.payroll_setting.c.value).where(s.payroll_setting.c.code == code)).scalar()
    if value is None:
        raise ServiceError(FieldError("payroll_settings", t("the payroll setting {code} is missing", code=code)))
    return dec(value)


def active_rates(conn: Connection) -> list[Mapping[str, Any]]:
    """The social insurance and housing fund rates in force, in code order."""
    sir = s.social_insurance_rate
    return list(conn.execute(select(sir).where(sir.c.active.is_(True)).order_by(sir.c.code)).mappings())


def contribution_base(gross: Decimal, rate: Mapping[str, Any]) -> Decimal:
    """Gross pay clamped to the rate's contribution base [base_min, base_max]."""
    base = max(gross, dec(rate["base_min"]))
    return base if rate["base_max"] is None else min(base, dec(rate["base_max"]))


def employer_contributions(gross: Decimal, rates: list[Mapping[str, Any]]) -> Decimal:
    """The employer's shares on ``gross``, as a pay run computes them."""
    return sum((money(contribution_base(gross, r) * dec(r["employer_rate"])) for r in rates), ZERO)


@action("pay_run.calculate", MANAGE)
def calculate_pay_run(tx: Tx, period: str, pay_date: Any) -> dict[str, Any]:
    """Compute the payslips of a month for every active employee with a salary (see the module doc)."""
    start, end = period_bounds(period)
    pay_day, errors = FieldSet((Date("pay_date", N_("Pay date"), required=True),)).validate(
        {"pay_date": pay_date}, tx.conn
    )
    raise_if(errors)
    pr = s.pay_run
    clash = tx.conn.execute(
        select(pr.c.number, pr.c.period, pr.c.status).where(
            pr.c.status != "cancelled",
            ((pr.c.period >= period) | ((pr.c.period < period) & (pr.c.status != "posted"))),
            pr.c.period >= f"{start.year}-01",
        )
    ).first()
    if clash is not None:
        if clash.period == period:
            message = t("{period} already has the pay run {number}", period=period, number=clash.number)
        elif clash.period > period:
            message = t("{number} for {later} exists; months are run in order", number=clash.number, later=clash.period)
        else:
            message = t("post or cancel {number} ({earlier}) first", number=clash.number, earlier=clash.period)
        raise conflict("period", message)
    emp = s.employee
    employees = tx.conn.execute(
        select(emp.c.id, emp.c.employee_code, emp.c.cost_center_id)
        .where(
            emp.c.active.is_(True),
            (emp.c.hire_date.is_(None)) | (emp.c.hire_date <= end),
            (emp.c.leave_date.is_(None)) | (emp.c.leave_date >= start),
        )
        .order_by(emp.c.employee_code)
    ).all()
    salaries = _salaries(tx.conn, end)
    paid = [e for e in employees if e.id in salaries]
    if not paid:
        raise ServiceError(FieldError("period", t("no active employee has a salary in {period}", period=period)))
    errors = [
        FieldError("employee", t("{employee} has no cost center to charge", employee=e.employee_code))
        for e in paid
        if e.cost_center_id is None
    ]
    raise_if(errors)
    rates = active_rates(tx.conn)
    brackets = _brackets(tx.conn)
    basic = _setting(tx.conn, "monthly_basic_deduction")
    items = _active_items(tx.conn, start, end)
    ytd = _year_to_date(tx.conn, start.year, period)
    number = tx.next_number("payrun")
    run_id = tx.conn.execute(
        insert(pr).values(
            number=number,
            period=period,
            pay_date=pay_day["pay_date"],
            status="calculated",
            calculated_by=tx.actor.username,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    totals = {"gross": ZERO, "tax": ZERO, "net": ZERO, "employer_contributions": ZERO}
    slips: list[dict[str, Any]] = []
    slip_lines: list[list[tuple[str, str, Decimal]]] = []
    for e in paid:
        base = salaries[e.id]
        mine = items.get(e.id, [])
        lines = [("BASE", "earning", base)]
        allowances = sum((a for _, kind, a in mine if kind == "allowance"), ZERO)
        lines += [(c, "allowance", a) for c, kind, a in mine if kind == "allowance"]
        gross = base + allowances
        insurance = {"social_insurance": ZERO, "housing_fund": ZERO}
        employer = {"social_insurance": ZERO, "housing_fund": ZERO}
        employer_lines: list[tuple[str, str, Decimal]] = []
        for r in rates:
            if r["employee_rate"]:
                share = money(contribution_base(gross, r) * dec(r["employee_rate"]))
                insurance[r["kind"]] += share
                lines.append((r["code"], r["kind"], share))
            if r["employer_rate"]:
                paid_by_employer = money(contribution_base(gross, r) * dec(r["employer_rate"]))
                employer[r["kind"]] += paid_by_employer
                employer_lines.append((r["code"], EMPLOYER_KINDS[r["kind"]], paid_by_employer))
        special = sum((a for _, kind, a in mine if kind == "special_deduction"), ZERO)
        lines += [(c, "special_deduction", a) for c, kind, a in mine if kind == "special_deduction"]
        other = sum((a for _, kind, a in mine if kind == "deduction"), ZERO)
        before = ytd.get(e.id, {"months": 0, "gross": ZERO, "insurance": ZERO, "special": ZERO, "tax": ZERO})
        months = before["months"] + 1
        taxable = max(
            ZERO,
            before["gross"]
            + gross
            - basic * months
            - before["insurance"]
            - insurance["social_insurance"]
            - insurance["housing_fund"]
            - before["special"]
            - special,
        )
        due = cumulative_tax(taxable, brackets)
        tax = max(ZERO, due - before["tax"])
        lines.append(("IIT", "tax", tax))
        lines += [(c, "deduction", a) for c, kind, a in mine if kind == "deduction"]
        lines += employer_lines
        net = gross - insurance["social_insurance"] - insurance["housing_fund"] - tax - other
        if net < 0:
            raise ServiceError(
                FieldError(
                    "employee",
                    t("{employee}: deductions exceed the pay ({net})", employee=e.employee_code, net=show(net)),
                )
            )
        slip = {
            "pay_run_id": run_id,
            "employee_id": e.id,
            "cost_center_id": e.cost_center_id,
            "base_salary": base,
            "allowances": allowances,
            "gross": gross,
            "social_insurance": insurance["social_insurance"],
            "housing_fund": insurance["housing_fund"],
            "special_deductions": special,
            "cumulative_taxable": taxable,
            "cumulative_tax": due,
            "tax": tax,
            "other_deductions": other,
            "net": net,
            "employer_social_insurance": employer["social_insurance"],
            "employer_housing_fund": employer["housing_fund"],
        }
        slips.append(slip)
        slip_lines.append(lines)
        for key in ("gross", "tax", "net"):
            totals[key] += slip[key]
        totals["employer_contributions"] += employer["social_insurance"] + employer["housing_fund"]
    # Two statements for the whole run (not two per employee): the payslips, then all their lines.
    ids = (
        tx.conn.execute(insert(s.payslip).returning(s.payslip.c.id, sort_by_parameter_order=True), slips)
        .scalars()
        .all()
    )
    tx.conn.execute(
        insert(s.payslip_line),
        [
            {"payslip_id": slip_id, "code": c, "kind": k, "amount": a}
            for slip_id, lines in zip(ids, slip_lines, strict=True)
            for c, k, a in lines
        ],
    )
    tx.conn.execute(update(pr).where(pr.c.id == run_id).values(**totals))
    skipped = [e.employee_code for e in employees if e.id not in salaries]
    tx.audit("pay_run", number, None, {"period": period, **totals, "employees": len(slips), "skipped": skipped})
    return {
        "number": number,
        "period": period,
        "status": "calculated",
        **totals,
        "payslips": len(slips),
        "skipped": skipped,
    }


def _run(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.pay_run, number, t("Pay run"), "pay_run")


@action("pay_run.approve", APPROVE)
def approve_pay_run(tx: Tx, number: str) -> dict[str, Any]:
    run = _run(tx.conn, number)
    if run["status"] == "calculated" and run["calculated_by"] == tx.actor.username:
        raise conflict("pay_run", t("{number} was calculated by you; someone else must approve it", number=number))
    return move(tx, s.pay_run, run, "approved", RUN_FLOW, "pay_run", approved_by=tx.actor.username)


@action("pay_run.cancel", MANAGE)
def cancel_pay_run(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.pay_run, _run(tx.conn, number), "cancelled", RUN_FLOW, "pay_run")


@action("pay_run.post", APPROVE)
def post_pay_run(tx: Tx, number: str) -> dict[str, Any]:
    """Post an approved run on the last day of its month, by cost center (see the module doc)."""
    run = _run(tx.conn, number)
    if run["status"] != "approved":
        move(tx, s.pay_run, run, "posted", RUN_FLOW, "pay_run")  # refuses with the allowed moves
    _, end = period_bounds(run["period"])
    ps, cc = s.payslip, s.cost_center
    per_cc = tx.conn.execute(
        select(
            cc.c.id,
            cc.c.code,
            func.sum(ps.c.gross).label("gross"),
            func.sum(ps.c.tax).label("tax"),
            func.sum(ps.c.employer_social_insurance + ps.c.employer_housing_fund).label("employer"),
        )
        .join(cc, cc.c.id == ps.c.cost_center_id)
        .where(ps.c.pay_run_id == run["id"])
        .group_by(cc.c.id, cc.c.code)
        .order_by(cc.c.code)
    ).all()
    rules = Postings(tx.conn)
    tax_rule = rules.rule("payroll_tax")
    lines: list[Line] = []
    dims = {"doc_type": "pay_run", "doc_number": number}
    for r in per_cc:
        gross, tax = money(r.gross), money(r.tax)
        rule = rules.rule("payroll_expense", partner_group=r.code)
        lines.append(Line(account_id=rule["debit_account_id"], debit=gross, cost_center_id=r.id, **dims))
        lines.append(Line(account_id=rule["credit_account_id"], credit=gross - tax, cost_center_id=r.id, **dims))
        if tax:
            lines.append(Line(account_id=tax_rule["credit_account_id"], credit=tax, cost_center_id=r.id, **dims))
        employer = money(r.employer)
        if employer:
            lines.append(Line(account_id=rule["debit_account_id"], debit=employer, cost_center_id=r.id, **dims))
            lines.append(Line(account_id=rule["credit_account_id"], credit=employer, cost_center_id=r.id, **dims))
    entry = post_entry(
        tx,
        entry_date=end,
        lines=lines,
        source_type="pay_run",
        source_ref=number,
        description=t("Payroll {period}", period=run["period"]),
        date_field="period",
    )
    after = move(tx, s.pay_run, run, "posted", RUN_FLOW, "pay_run", journal_entry_id=entry["id"] if entry else None)
    return {**after, "journal_entry": entry["number"] if entry else None}


def payslips(session: Session, period: str) -> list[dict[str, Any]]:
    """The payslips of the month's run that is not cancelled, with their lines; hr and finance only."""
    session.require(CONFIDENTIAL)
    ps, pr, pl = s.payslip, s.pay_run, s.payslip_line
    with session.read() as conn:
        rows = (
            conn.execute(
                select(
                    ps,
                    s.employee.c.employee_code,
                    s.employee.c.name,
                    pr.c.number.label("pay_run"),
                    pr.c.status.label("run_status"),
                )
                .join(pr, pr.c.id == ps.c.pay_run_id)
                .join(s.employee, s.employee.c.id == ps.c.employee_id)
                .where(pr.c.period == period, pr.c.status != "cancelled")
                .order_by(s.employee.c.employee_code)
            )
            .mappings()
            .all()
        )
        detail: dict[int, list[dict[str, Any]]] = {}
        if rows:
            for line in conn.execute(
                select(pl).where(pl.c.payslip_id.in_([r["id"] for r in rows])).order_by(pl.c.id)
            ).mappings():
                detail.setdefault(line["payslip_id"], []).append(
                    {"code": line["code"], "kind": line["kind"], "amount": money(line["amount"])}
                )
    money_keys = (
        "base_salary",
        "allowances",
        "gross",
        "social_insurance",
        "housing_fund",
        "special_deductions",
        "cumulative_taxable",
        "cumulative_tax",
        "tax",
        "other_deductions",
        "net",
        "employer_social_insurance",
        "employer_housing_fund",
    )
    return [{**dict(r), **{k: money(r[k]) for k in money_keys}, "lines": detail.get(r["id"], [])} for r in rows]
