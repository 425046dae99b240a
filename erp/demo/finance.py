"""Stage 4 of the demo: the running costs of the company, its budgets, and the monthly closes.

Each month finance books what the departments spent besides materials and production (travel, utilities,
maintenance, trade fairs, software), paid from the bank. The budget of the previous year is entered and
approved, and this year's is a copy of it with a rise; sales spends well over its budget this year (the
export push), so budget reports show a cost center over budget. Every month except the last two is closed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select

from erp import schema as s
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import GROWTH_PER_YEAR, Timeline, add_months, month_end
from erp.services.budgets import approve_budget, copy_budget, save_budget
from erp.services.documents import money
from erp.services.ledger import close_period, post_journal

# Monthly spending at scale 1 (CNY) by account and cost center, besides payroll, materials and production.
SPENDING = (
    ("6602", "ADM", 180_000, "办公及差旅费 Office and travel"),
    ("6602", "FIN", 45_000, "审计及银行费用 Audit and bank charges"),
    ("6602", "HR", 38_000, "招聘及培训费 Recruiting and training"),
    ("6602", "IT", 65_000, "软件及网络费 Software and network"),
    ("6602", "PUR", 30_000, "采购差旅费 Purchasing travel"),
    ("6602", "WH", 52_000, "仓储及叉车费用 Warehouse and forklifts"),
    ("6602", "QA", 40_000, "检测认证费 Testing and certification"),
    ("6601", "SAL", 240_000, "差旅展会及招待费 Travel, trade fairs and entertainment"),
    ("6601", "SVC", 85_000, "售后服务费用 After-sales service costs"),
    ("5301", "RD", 150_000, "研发材料及试验费 R&D materials and testing"),
    ("5101", "PRD", 210_000, "水电及设备维修费 Utilities and maintenance"),
)
OVER_BUDGET = ("6601", "SAL", 1.35)  # this year's spending against budget
BUDGET_RISE_PCT = 6


def _growth(timeline: Timeline, day: dt.date) -> float:
    return (1 + GROWTH_PER_YEAR) ** timeline.elapsed_years(day)


def _month_days(timeline: Timeline) -> list[dt.date]:
    out, day = [], timeline.start
    while day <= timeline.as_of:
        out.append(min(month_end(day), timeline.as_of))
        day = add_months(day, 1)
    return out


def book_spending(users: DemoSessions, timeline: Timeline, rng: random.Random, scale: float) -> int:
    finance = users["finance"]
    for day in _month_days(timeline):
        lines, total = [], Decimal(0)
        for account, center, base, text in SPENDING:
            amount = base * scale * _growth(timeline, day) * rng.uniform(0.9, 1.1)
            if (account, center) == OVER_BUDGET[:2] and day.year == timeline.as_of.year:
                amount *= OVER_BUDGET[2]
            value = money(amount)
            total += value
            lines.append({"account": account, "cost_center": center, "debit": value, "description": text})
        lines.append({"account": "1002", "credit": total, "description": "银行付款 Paid from the bank"})
        post_journal(
            finance,
            {
                "entry_date": day,
                "description": f"{day:%Y-%m} 费用 Operating expenses",
                "reference": f"EXP-{day:%Y%m}",
                "lines": lines,
            },
        )
    return len(_month_days(timeline))


def set_budgets(users: DemoSessions, timeline: Timeline, scale: float) -> int:
    """Last year's budget entered and approved; this year's copied from it with a rise and approved."""
    last, this = timeline.as_of.year - 1, timeline.as_of.year
    lines = []
    for month in range(1, 13):
        day = dt.date(last, month, 15)
        for account, center, base, _text in SPENDING:
            lines.append(
                {
                    "account": account,
                    "cost_center": center,
                    "period": f"{last}-{month:02d}",
                    "amount": money(base * scale * _growth(timeline, day)),
                }
            )
    save_budget(
        users["finance"],
        {"code": f"BUD-{last}", "name": f"{last}年费用预算 Budget {last}", "fiscal_year": last, "lines": lines},
    )
    approve_budget(users["exec"], f"BUD-{last}")
    copy_budget(
        users["finance"], f"BUD-{last}", f"BUD-{this}", f"{this}年费用预算 Budget {this}", this, BUDGET_RISE_PCT
    )
    approve_budget(users["exec"], f"BUD-{this}")
    return 2


def close_months(users: DemoSessions, timeline: Timeline) -> int:
    """Close every open month before the last two of the history (and any before it)."""
    cutoff = add_months(timeline.as_of.replace(day=1), -1)
    fp = users.tx.conn.execute(
        select(s.fiscal_period.c.code)
        .where(s.fiscal_period.c.status == "open", s.fiscal_period.c.end_date < cutoff)
        .order_by(s.fiscal_period.c.start_date)
    ).scalars()
    codes = list(fp)
    for code in codes:
        close_period(users["finance"], code)
    return len(codes)


def run_finance(users: DemoSessions, timeline: Timeline, rng: random.Random, scale: float) -> dict[str, int]:
    return {
        "expense_journals": book_spending(users, timeline, rng, scale),
        "budget_versions": set_budgets(users, timeline, scale),
        "periods_closed": close_months(users, timeline),
    }
