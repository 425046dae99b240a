"""The demo company's pay: grades, what each position earns, the yearly raise, and each employee's salary over
the history, which the HR stage records and the payroll and budget stages read back without querying.

Figures are monthly base salaries in CNY for a manufacturer of this size in the Yangtze delta (2024-2026).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# (code, name, min, max): the bands every salary and offer is checked against.
GRADES: tuple[tuple[str, str, int, int], ...] = (
    ("G1", "G1 操作及辅助岗 Operators and support", 5000, 9500),
    ("G2", "G2 技术工人及专员 Skilled workers and officers", 6000, 12500),
    ("G3", "G3 工程师及班组长 Engineers and foremen", 8500, 18500),
    ("G4", "G4 经理及车间主任 Managers and shop heads", 13000, 26000),
    ("G5", "G5 总监 Directors", 25000, 46000),
    ("G6", "G6 总经理 General manager", 40000, 80000),
)

# Position -> (grade, salary range today). Positions not listed are skilled staff of G2.
POSITION_PAY: dict[str, tuple[str, int, int]] = {
    "总经理": ("G6", 58000, 65000),
    "生产副总经理": ("G5", 34000, 42000),
    "财务总监": ("G5", 32000, 40000),
    "销售总监": ("G5", 33000, 42000),
    "技术总监": ("G5", 32000, 40000),
    "采购经理": ("G4", 18000, 23000),
    "仓储物流经理": ("G4", 16000, 20000),
    "质量经理": ("G4", 18000, 23000),
    "人力资源经理": ("G4", 17000, 22000),
    "IT经理": ("G4", 18000, 24000),
    "客户服务经理": ("G4", 16000, 21000),
    "班组长": ("G3", 10500, 13000),
    "研发工程师": ("G3", 11000, 16500),
    "工艺工程师": ("G3", 10500, 15000),
    "质量工程师": ("G3", 10000, 14000),
    "销售工程师": ("G3", 10000, 15000),
    "售后服务工程师": ("G3", 9500, 13000),
    "供应商开发工程师": ("G3", 10000, 14000),
    "系统管理员": ("G3", 11000, 15000),
    "ERP专员": ("G3", 10500, 14500),
    "生产计划员": ("G2", 9000, 12000),
    "总账会计": ("G2", 9500, 12000),
    "成本会计": ("G2", 9000, 11500),
    "总经理助理": ("G2", 10000, 12000),
    "外贸业务员": ("G2", 9000, 12000),
    "采购员": ("G2", 8500, 11000),
    "数控操作工": ("G2", 8000, 10500),
    "设备维修工": ("G2", 8500, 11000),
    "焊工": ("G2", 8500, 11000),
    "装配钳工": ("G2", 7500, 9500),
    "电机装配工": ("G1", 7000, 8800),
    "阀门装配工": ("G1", 7000, 8800),
    "绕线工": ("G1", 6800, 8500),
    "喷涂工": ("G1", 6800, 8500),
    "检验员": ("G1", 7000, 8500),
    "仓管员": ("G1", 6500, 8000),
    "叉车司机": ("G1", 6800, 8200),
    "司机": ("G1", 6500, 8000),
}
DEFAULT_PAY = ("G2", 7000, 9500)
LEAD_PAY = ("G4", 15000, 20000)  # regional sales managers, the export manager and the shop heads

RAISE_MONTH = 4  # raises take effect on 1 April
RAISE_PCT = (3.0, 7.0)
PLANNED_RAISE_PCT = 5  # what the budget assumes
RAISE_AFTER_DAYS = 180  # staff hired less than this before a raise date wait for the next one


def position_pay(position: str) -> tuple[str, int, int]:
    if position in POSITION_PAY:
        return POSITION_PAY[position]
    if position.endswith(("区域经理", "车间主任")) or position == "外贸经理":
        return LEAD_PAY
    return DEFAULT_PAY


def grade_bounds(grade: str) -> tuple[Decimal, Decimal]:
    for code, _name, low, high in GRADES:
        if code == grade:
            return Decimal(low), Decimal(high)
    raise KeyError(grade)


def clamp(grade: str, amount: float) -> Decimal:
    """A salary rounded to 10 CNY, within its grade."""
    low, high = grade_bounds(grade)
    return min(high, max(low, Decimal(round(amount / 10) * 10)))


@dataclass
class Person:
    """An employee as the HR and payroll stages see them (master data or hired from a requisition)."""

    code: str
    name: str
    department: str
    position: str
    cost_center: str
    hired: dt.date
    active: bool
    grade: str
    salaries: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # (effective from, base), ascending

    def salary_on(self, day: dt.date) -> Decimal | None:
        found = None
        for start, amount in self.salaries:
            if start <= day:
                found = amount
        return found
