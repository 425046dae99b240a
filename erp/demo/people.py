"""Employees of the demo company with departments, positions, cost centers and a management hierarchy,
and the demo users: one per role, named after the employee who would hold it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from erp.demo.names import COMPANY_DOMAIN, GIVEN_FEMALE, GIVEN_MALE, SURNAMES

EMPLOYEES_PER_SCALE = 150
COMPANY_AGE_YEARS = 17
LEAVER_SHARE = 0.05


@dataclass(frozen=True)
class Staff:
    position: str
    cost_center: str
    weight: float
    team: str = ""  # members of a team report to its lead instead of the department head


@dataclass(frozen=True)
class Department:
    name: str
    cost_center: str
    head: str
    reports_to: str  # the department whose head this head reports to ("" for the general manager)
    share: float
    staff: tuple[Staff, ...]
    team_leads: tuple[tuple[str, str], ...] = ()  # (team, lead position)
    foreman_span: int = 0  # a foreman (班组长) per this many members of a team


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "总经理办公室",
        "ADM",
        "总经理",
        "",
        4,
        (Staff("总经理助理", "ADM", 1), Staff("行政专员", "ADM", 2), Staff("司机", "ADM", 1)),
    ),
    Department(
        "财务部",
        "FIN",
        "财务总监",
        "总经理办公室",
        5,
        (
            Staff("总账会计", "FIN", 1),
            Staff("成本会计", "FIN", 1),
            Staff("应收会计", "FIN", 1),
            Staff("应付会计", "FIN", 1),
            Staff("出纳", "FIN", 1),
        ),
    ),
    Department(
        "销售部",
        "SAL",
        "销售总监",
        "总经理办公室",
        12,
        (
            Staff("销售工程师", "SAL", 3, "华东区"),
            Staff("销售工程师", "SAL", 2, "华北区"),
            Staff("销售工程师", "SAL", 2, "华南区"),
            Staff("外贸业务员", "SAL", 2, "国际业务"),
            Staff("销售内勤", "SAL", 2),
        ),
        (("华东区", "华东区域经理"), ("华北区", "华北区域经理"), ("华南区", "华南区域经理"), ("国际业务", "外贸经理")),
    ),
    Department(
        "生产部",
        "PRD",
        "生产副总经理",
        "总经理办公室",
        60,
        (
            Staff("生产计划员", "PRD", 2),
            Staff("数控操作工", "PRD-MACH", 14, "机加工车间"),
            Staff("设备维修工", "PRD-MACH", 2, "机加工车间"),
            Staff("装配钳工", "PRD-PUMP", 10, "泵装配车间"),
            Staff("焊工", "PRD-PUMP", 3, "泵装配车间"),
            Staff("喷涂工", "PRD-PUMP", 2, "泵装配车间"),
            Staff("绕线工", "PRD-MOTOR", 6, "电机车间"),
            Staff("电机装配工", "PRD-MOTOR", 4, "电机车间"),
            Staff("阀门装配工", "PRD-VALVE", 7, "阀门车间"),
        ),
        (
            ("机加工车间", "机加工车间主任"),
            ("泵装配车间", "泵装配车间主任"),
            ("电机车间", "电机车间主任"),
            ("阀门车间", "阀门车间主任"),
        ),
        foreman_span=10,
    ),
    Department(
        "采购部",
        "PUR",
        "采购经理",
        "生产部",
        4,
        (Staff("采购员", "PUR", 3), Staff("供应商开发工程师", "PUR", 1)),
    ),
    Department(
        "仓储物流部",
        "WH",
        "仓储物流经理",
        "生产部",
        6,
        (Staff("仓管员", "WH", 3), Staff("叉车司机", "WH", 2), Staff("物流专员", "WH", 1)),
    ),
    Department(
        "质量部",
        "QA",
        "质量经理",
        "总经理办公室",
        7,
        (Staff("质量工程师", "QA", 2), Staff("检验员", "QA", 5)),
    ),
    Department(
        "技术研发部",
        "RD",
        "技术总监",
        "总经理办公室",
        8,
        (Staff("研发工程师", "RD", 4), Staff("工艺工程师", "RD", 3), Staff("绘图员", "RD", 1)),
    ),
    Department(
        "人力资源部", "HR", "人力资源经理", "总经理办公室", 2, (Staff("招聘专员", "HR", 1), Staff("薪酬专员", "HR", 1))
    ),
    Department(
        "信息技术部", "IT", "IT经理", "总经理办公室", 2, (Staff("系统管理员", "IT", 1), Staff("ERP专员", "IT", 1))
    ),
    Department(
        "客户服务部",
        "SVC",
        "客户服务经理",
        "销售部",
        6,
        (Staff("售后服务工程师", "SVC", 4), Staff("客服专员", "SVC", 2)),
    ),
)

# Demo users: username -> (role, department whose head the user stands for).
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("exec", "executive", "总经理办公室"),
    ("finance", "finance", "财务部"),
    ("planner", "planner", "生产部"),
    ("production", "production", "生产部"),
    ("sales", "sales", "销售部"),
    ("procurement", "procurement", "采购部"),
    ("hr", "hr", "人力资源部"),
    ("hrofficer", "hr", "人力资源部"),  # records what the HR manager ("hr") approves: requisitions, leave
    ("service", "service", "客户服务部"),
    ("it", "it", "信息技术部"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str


class Namer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()

    def person(self) -> tuple[str, str]:
        """A Chinese name and a unique company e-mail address built from its pinyin."""
        surname, surname_py, _ = self.rng.choices(SURNAMES, weights=[s[2] for s in SURNAMES], k=1)[0]
        pool = GIVEN_MALE if self.rng.random() < 0.65 else GIVEN_FEMALE
        chars = self.rng.sample(pool, 1 if self.rng.random() < 0.35 else 2)
        name = surname + "".join(c for c, _ in chars)
        local = f"{''.join(py for _, py in chars)}.{surname_py}"
        email, n = f"{local}@{COMPANY_DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{COMPANY_DOMAIN}"
        self.emails.add(email)
        return name, email


def _allocate(total: int, weights: list[float]) -> list[int]:
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generate_employees(rng: random.Random, scale: float, as_of: dt.date) -> tuple[list[dict[str, Any]], list[DemoUser]]:
    """Employee rows, managers before the people who report to them, and the demo users."""
    n = max(len(DEPARTMENTS) + 5, round(EMPLOYEES_PER_SCALE * scale))
    namer = Namer(rng)
    founded = as_of - dt.timedelta(days=365 * COMPANY_AGE_YEARS)
    rows: list[dict[str, Any]] = []

    def hire_date(min_years: float, max_years: float) -> dt.date:
        days = int(365 * rng.uniform(min_years, max_years))
        return max(founded, as_of - dt.timedelta(days=max(30, days)))

    def add(position: str, dept: Department, cost_center: str, manager: str, hired: dt.date) -> str:
        name, email = namer.person()
        code = f"E{10001 + len(rows)}"
        rows.append(
            {
                "employee_code": code,
                "name": name,
                "department": dept.name,
                "position": position,
                "cost_center": cost_center,
                "manager": manager,
                "email": email,
                "hire_date": hired.isoformat(),
                "leave_date": "",
                "active": "true",
            }
        )
        return code

    heads: dict[str, str] = {}
    for dept in DEPARTMENTS:  # every head reports to a head listed before it; the first is the founder
        manager = heads[dept.reports_to] if dept.reports_to else ""
        hired = founded if not heads else hire_date(5, COMPANY_AGE_YEARS)
        heads[dept.name] = add(dept.head, dept, dept.cost_center, manager, hired)

    staff_total = n - len(DEPARTMENTS)
    per_dept = _allocate(staff_total, [d.share for d in DEPARTMENTS])
    subordinates: list[int] = []  # rows that may have left (nobody reports to them)
    for dept, count in zip(DEPARTMENTS, per_dept, strict=True):
        positions = _allocate(count, [s.weight for s in dept.staff]) if count else [0] * len(dept.staff)
        members_by_team: dict[str, list[Staff]] = {}
        for staff, k in zip(dept.staff, positions, strict=True):
            members_by_team.setdefault(staff.team, []).extend([staff] * k)
        for team, members in members_by_team.items():
            boss = heads[dept.name]
            lead_title = dict(dept.team_leads).get(team)
            if team and lead_title and len(members) >= 3:
                members.pop()  # the lead is one of the team's headcount
                boss = add(lead_title, dept, members[0].cost_center, boss, hire_date(3, 14))
            foremen: list[str] = []
            if dept.foreman_span and team and len(members) > dept.foreman_span:
                for _ in range(len(members) // (dept.foreman_span + 1)):
                    members.pop()
                    foremen.append(add("班组长", dept, members[0].cost_center, boss, hire_date(2, 12)))
            for i, staff in enumerate(members):
                manager = foremen[i % len(foremen)] if foremen else boss
                add(staff.position, dept, staff.cost_center, manager, hire_date(0.1, _tenure(rng)))
                subordinates.append(len(rows) - 1)

    for index in rng.sample(subordinates, min(len(subordinates), math.floor(len(rows) * LEAVER_SHARE))):
        row = rows[index]
        hired = dt.date.fromisoformat(row["hire_date"])
        span = (as_of - hired).days
        if span > 240:
            row["leave_date"] = (hired + dt.timedelta(days=rng.randint(180, span - 30))).isoformat()
            row["active"] = "false"

    by_code = {r["employee_code"]: r for r in rows}
    users = []
    for username, role, dept_name in DEMO_USERS:
        person = by_code[heads[dept_name]]
        staff_position = {"planner": "生产计划员", "hrofficer": "招聘专员"}.get(username)
        if staff_position:
            person = next((r for r in rows if r["position"] == staff_position and r["active"] == "true"), person)
        users.append(DemoUser(username, role, person["name"]))
    return rows, users


def _tenure(rng: random.Random) -> float:
    """Most staff joined in the last few years; some have been there since the start."""
    return min(COMPANY_AGE_YEARS, 0.3 + rng.expovariate(1 / 4.5))
