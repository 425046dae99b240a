"""Payroll history of the demo: a pay run every month, calculated by HR, approved and posted by finance, and
the wages paid; and the budget revisions that add payroll to the running-cost budgets.

Each month's run posts gross pay by cost center on the last day of the month (production workshops to
manufacturing overhead, through posting rules the stage adds for the workshop cost centers, which the seeded
rules do not name). Labour reported on production orders was credited to wages payable when it was charged
to production, so at each month end finance moves that applied labour out of overhead (Dr wages payable /
Cr manufacturing overhead); overhead keeps the indirect labour. On the 10th of the next month the bank pays
the wages with the insurance and housing fund withheld and the employer's own contributions, and the income tax
withheld goes to the tax office:
wages payable and tax payable are then clear, except for the last month, whose pay day is after the as-of date.

Sales staff earn a commission from January of the as-of year (the export push); the budget revisions plan
salaries and raises but not the commission, so sales runs over its budget on pay too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select

from erp import schema as s
from erp.demo.pay_scale import PLANNED_RAISE_PCT, RAISE_MONTH, Person
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, month_end
from erp.services.budgets import approve_budget, copy_budget, save_budget
from erp.services.documents import money
from erp.services.ledger import Postings, post_journal, posting_rule_actions
from erp.services.payroll import (
    active_rates,
    approve_pay_run,
    calculate_pay_run,
    employee_pay_item_actions,
    employer_contributions,
    pay_component_actions,
    post_pay_run,
)

PAY_DAY = 10  # a month's wages are paid on this day of the next month
# Special deductions employees declare (lower their taxable income): (code, name, monthly amount, share).
SPECIAL_DEDUCTIONS = (
    ("CHILD_EDU", "子女教育 Children's education", 2000, 0.3),
    ("RENT", "住房租金 Housing rent", 1500, 0.15),
    ("ELDERLY", "赡养老人 Supporting elderly parents", 3000, 0.25),
)
COMMISSION = ("COMMISSION", "销售提成 Sales commission", Decimal("0.25"))  # of base salary
COMMISSION_CENTER = "SAL"
HEADCOUNT_RESERVE = Decimal("1.06")  # budgets plan this much more pay than today's staff earn, for planned hires


def _next_month_day(day: dt.date, on: int) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, on)


def pay_structure(
    users: DemoSessions, people: list[Person], workshops: Iterable[str], timeline: Timeline, rng: random.Random
) -> Counter[str]:
    """Posting rules for the workshops, pay components and each employee's declared deductions."""
    counts: Counter[str] = Counter()
    for code in workshops:
        posting_rule_actions.create(
            users["finance"],
            {
                "event": "payroll_expense",
                "partner_group": code,
                "debit_account": "5101",
                "credit_account": "2211",
                "description": f"Gross pay of workshop {code}: manufacturing overhead against wages payable",
            },
        )
        counts["posting_rules"] += 1
    hr = users["hr"]
    for code, name, _amount, _share in SPECIAL_DEDUCTIONS:
        pay_component_actions.create(hr, {"code": code, "name": name, "kind": "special_deduction"})
    pay_component_actions.create(hr, {"code": COMMISSION[0], "name": COMMISSION[1], "kind": "allowance"})
    commission_from = dt.date(timeline.as_of.year, 1, 1)
    for person in people:
        if not person.salaries:
            continue
        start = person.salaries[0][0]
        for code, _name, amount, share in SPECIAL_DEDUCTIONS:
            if rng.random() < share:
                row = {"employee": person.code, "component": code, "start_date": start, "amount": amount}
                employee_pay_item_actions.create(hr, row)
                counts["pay_items"] += 1
        if person.cost_center == COMMISSION_CENTER:
            since = max(start, commission_from)
            base = person.salary_on(since)
            assert base is not None
            amount = Decimal(round(float(base * COMMISSION[2]) / 100) * 100)
            row = {"employee": person.code, "component": COMMISSION[0], "start_date": since, "amount": amount}
            employee_pay_item_actions.create(hr, row)
            counts["pay_items"] += 1
    return counts


def _applied_labour(users: DemoSessions) -> dict[tuple[str, str], Decimal]:
    """Labour charged to production orders per month and cost center (credits to wages payable)."""
    je, jl, acc, cc = s.journal_entry, s.journal_line, s.account, s.cost_center
    rows = users.tx.conn.execute(
        select(je.c.entry_date, cc.c.code, jl.c.credit, jl.c.debit)
        .join(je, je.c.id == jl.c.entry_id)
        .join(acc, acc.c.id == jl.c.account_id)
        .join(cc, cc.c.id == jl.c.cost_center_id)
        .where(je.c.source_type == "production_time", acc.c.code == "2211")
    )
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for day, center, credit, debit in rows:
        out[(f"{day:%Y-%m}", center)] += Decimal(str(credit or 0)) - Decimal(str(debit or 0))
    return out


def run_pay_runs(users: DemoSessions, timeline: Timeline) -> Counter[str]:
    """Every month whose end is on or before the as-of date: calculate (HR), approve and post (finance), clear
    the applied labour, and pay the wages and the tax withheld on pay day."""
    counts: Counter[str] = Counter()
    hr, finance = users["hr"], users["finance"]
    applied = _applied_labour(users)
    for period in timeline.months():
        first = dt.date.fromisoformat(f"{period}-01")
        end = month_end(first)
        if end > timeline.as_of:
            break
        pay_day = _next_month_day(end, PAY_DAY)
        run = calculate_pay_run(hr, period, pay_day)
        approve_pay_run(finance, run["number"])
        post_pay_run(finance, run["number"])
        counts["pay_runs"] += 1
        counts["payslips"] += run["payslips"]
        lines = []
        for (month, center), amount in sorted(applied.items()):
            if month == period and amount > 0:
                text = "转出已计入生产成本的直接人工 Direct labour charged to production"
                lines.append({"account": "2211", "cost_center": center, "debit": money(amount), "description": text})
                lines.append({"account": "5101", "cost_center": center, "credit": money(amount), "description": text})
        if lines:
            post_journal(
                finance,
                {
                    "entry_date": end,
                    "description": f"{period} 直接人工转出 Applied labour cleared from overhead",
                    "reference": f"LAB-{first:%Y%m}",
                    "lines": lines,
                },
            )
            counts["labour_clearing_journals"] += 1
        if pay_day <= timeline.as_of:
            gross, tax, employer = money(run["gross"]), money(run["tax"]), money(run["employer_contributions"])
            post_journal(
                finance,
                {
                    "entry_date": pay_day,
                    "description": f"{period} 工资发放、社保公积金及个税缴纳 Wages, contributions and income tax paid",
                    "reference": f"WAGES-{first:%Y%m}",
                    "lines": [
                        {"account": "2211", "debit": gross - tax, "description": "实发工资及代扣社保公积金 Net pay"},
                        {"account": "222105", "debit": tax, "description": "代扣个人所得税 Income tax withheld"},
                        {
                            "account": "2211",
                            "debit": employer,
                            "description": "单位缴纳社保公积金 Employer social insurance and housing fund",
                        },
                        {"account": "1002", "credit": gross + employer, "description": "银行付款 Paid from the bank"},
                    ],
                },
            )
            counts["wage_payments"] += 1
    return counts


def planned_payroll(users: DemoSessions, people: list[Person], year: int, skip: set[str]) -> dict[tuple, Decimal]:
    """The payroll a budget for ``year`` plans: salaries in force on 1 January of the people employed then, with
    the planned raise from April and a reserve for planned hires, plus the employer's social insurance and
    housing fund on that pay, by expense account (the payroll posting rule), cost center and month."""
    rules = Postings(users.tx.conn)
    accounts = dict(users.tx.conn.execute(select(s.account.c.id, s.account.c.code)).all())
    january = dt.date(year, 1, 1)
    by_center: dict[str, Decimal] = defaultdict(Decimal)
    rates = active_rates(users.tx.conn)
    for person in people:
        base = person.salary_on(january)
        if base is not None and person.cost_center not in skip:
            by_center[person.cost_center] += base + employer_contributions(base, rates)
    out: dict[tuple, Decimal] = {}
    for center, total in sorted(by_center.items()):
        account = accounts[rules.rule("payroll_expense", partner_group=center)["debit_account_id"]]
        for month in range(1, 13):
            factor = Decimal(100 + PLANNED_RAISE_PCT) / 100 if month >= RAISE_MONTH else Decimal(1)
            out[(account, center, f"{year}-{month:02d}")] = money(total * factor * HEADCOUNT_RESERVE)
    return out


def revise_budgets(users: DemoSessions, people: list[Person], timeline: Timeline, workshops: set[str]) -> int:
    """Each approved budget ``BUD-<year>`` copied to ``BUD-<year>-R1`` with payroll added, then approved. The pay
    of cost centers whose people book hours on production orders (the workshops, and quality for its testing)
    is product cost, planned through standard labour rates, so it has no budget line."""
    conn, finance = users.tx.conn, users["finance"]
    workshops = workshops | {center for _month, center in _applied_labour(users)}
    bv, bl, acc, cc = s.budget_version, s.budget_line, s.account, s.cost_center
    revised = 0
    for year in timeline.years():
        source, code = f"BUD-{year}", f"BUD-{year}-R1"
        if conn.execute(select(bv.c.id).where(bv.c.code == source, bv.c.status == "approved")).first() is None:
            continue
        name = f"{year}年预算（含人工）Budget {year} with payroll"
        version = copy_budget(finance, source, code, name, year, 0)
        lines: dict[tuple, Decimal] = defaultdict(Decimal)
        for account, center, period, amount in conn.execute(
            select(acc.c.code, cc.c.code, bl.c.period, bl.c.amount)
            .join(acc, acc.c.id == bl.c.account_id)
            .join(cc, cc.c.id == bl.c.cost_center_id)
            .where(bl.c.version_id == version["id"])
        ):
            lines[(account, center, period)] += Decimal(str(amount))
        for key, amount in planned_payroll(users, people, year, workshops).items():
            lines[key] += amount
        rows = [
            {"account": a, "cost_center": c, "period": p, "amount": money(v)} for (a, c, p), v in sorted(lines.items())
        ]
        save_budget(finance, {"code": code, "name": name, "fiscal_year": year, "lines": rows})
        approve_budget(users["exec"], code)
        revised += 1
    return revised
