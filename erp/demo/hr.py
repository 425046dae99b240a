"""HR history of the demo: pay grades and salaries with yearly raises, recruiting, leave, skills and training.

The HR officer (``hrofficer``) records what the HR manager (``hr``) approves: job requisitions and leave
requests; salaries are set by the HR manager. Recruiting follows each requisition through posting, screening,
interviews with the department head and the HR manager, offers and hires (hires become employees with their
first salary); what has not happened by the as-of date is left where it stands, so some requisitions are open,
interviews scheduled and offers out. Everything is dated by its own fields, so the stage can record each
person's or each requisition's story in one go.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from erp.demo.pay_scale import (
    GRADES,
    PLANNED_RAISE_PCT,
    RAISE_AFTER_DAYS,
    RAISE_MONTH,
    RAISE_PCT,
    Person,
    clamp,
    position_pay,
)
from erp.demo.people import DEPARTMENTS, Namer
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, next_working_day
from erp.services.base import Session
from erp.services.hr_records import (
    approve_leave,
    cancel_leave,
    grant_statutory_annual_leave,
    mark_leave_taken,
    reject_leave,
    request_leave,
    skill_actions,
    statutory_annual_days,
)
from erp.services.payroll import pay_grade_actions, set_salary
from erp.services.recruiting import (
    add_candidate,
    approve_job_requisition,
    cancel_job_requisition,
    create_job_requisition,
    decline_offer,
    hire,
    make_offer,
    post_job,
    record_feedback,
    reject_candidate,
    schedule_interview,
    start_screening,
    withdraw_candidate,
)
from erp.services.training import (
    cancel_session,
    complete_session,
    course_actions,
    create_session,
    enrol_many,
    record_scores,
)

# Recruiting: requisitions a quarter at scale 1, candidates per place, and how the process goes.
REQUISITIONS_PER_QUARTER = 3
CANDIDATES_PER_PLACE = (3, 6)
SCREENED_OUT = 0.45  # candidates below this quality are rejected at screening
WITHDRAWN = 0.06
DECLINED_OFFER = 0.12
CHANNELS = ("公司官网 Company site", "前程无忧 51job", "智联招聘 Zhaopin", "BOSS直聘", "员工推荐 Referral")
# Leave per person and year: (type, probability, weekdays (min, max)); windows for annual leave by month.
LEAVE_PLAN = (("annual", 0.45, (3, 5)), ("sick", 0.15, (1, 2)), ("personal", 0.08, (1, 1)), ("marriage", 0.01, (3, 3)))
ANNUAL_LEAVE_MONTHS = (2, 2, 5, 7, 8, 8, 10, 10)  # around the Spring Festival, May Day, summer, National Day
LEAVE_REJECTED, LEAVE_CANCELLED = 0.05, 0.04
LEAVE_AHEAD_DAYS = 45  # requests made for leave up to this far after the as-of date
# Training: sessions a year at scale 1 and who attends.
SESSIONS_PER_YEAR = 12
ENROLLED = (5, 10)
ATTENDANCE = 0.92
SESSION_CANCELLED = 0.04
SHOP_FLOOR = frozenset({"生产部", "仓储物流部", "质量部"})
COURSES: tuple[tuple[str, str, str, int, str], ...] = (  # code, title, category, hours, audience
    ("SAFE-01", "安全生产与劳动防护 Workplace safety", "safety", 8, "shop"),
    ("FIRE-01", "消防安全与应急演练 Fire safety drill", "safety", 4, "all"),
    ("QMS-01", "ISO 9001 质量管理体系 Quality management system", "quality", 16, "shop"),
    ("LEAN-01", "精益生产与5S现场管理 Lean production and 5S", "quality", 8, "shop"),
    ("CNC-01", "数控编程与操作 CNC programming", "skills", 24, "shop"),
    ("WELD-01", "焊接工艺评定 Welding procedure qualification", "skills", 24, "shop"),
    ("ERP-01", "ERP系统操作 Working with the ERP", "systems", 6, "office"),
    ("PROD-01", "泵阀产品知识 Pumps and valves product knowledge", "product", 12, "office"),
)
# Skills by position: (skill, level range, certified).
SKILLS: dict[str, tuple[str, tuple[int, int], bool]] = {
    "数控操作工": ("数控车铣操作 CNC turning and milling", (2, 5), True),
    "设备维修工": ("电工作业证 Electrician licence", (3, 4), True),
    "焊工": ("焊工证 Welder certificate", (2, 5), True),
    "装配钳工": ("钳工装配 Fitting and assembly", (2, 5), False),
    "绕线工": ("电机绕线 Motor winding", (2, 5), False),
    "电机装配工": ("电机装配与试验 Motor assembly and testing", (2, 4), False),
    "阀门装配工": ("阀门装配与试压 Valve assembly and pressure testing", (2, 4), False),
    "喷涂工": ("喷涂作业 Spray painting", (2, 4), True),
    "叉车司机": ("叉车操作证 Forklift licence", (3, 4), True),
    "检验员": ("三坐标测量 CMM measurement", (2, 4), True),
    "质量工程师": ("ISO 9001 内审员 Internal auditor", (3, 5), True),
    "研发工程师": ("SolidWorks 三维设计 3D design", (3, 5), False),
    "工艺工程师": ("CAM 编程 CAM programming", (3, 5), False),
    "销售工程师": ("泵系统选型 Pump system sizing", (2, 5), False),
    "外贸业务员": ("商务英语 Business English", (3, 5), True),
    "售后服务工程师": ("水泵维修 Pump servicing", (3, 5), False),
    "系统管理员": ("网络管理 Network administration", (3, 5), True),
    "ERP专员": ("ERP 实施 ERP implementation", (3, 5), False),
    "总账会计": ("中级会计师 Intermediate accountant", (3, 4), True),
    "成本会计": ("成本核算 Cost accounting", (3, 4), False),
}


@dataclass
class HrResult:
    people: list[Person]
    counts: Counter[str] = field(default_factory=Counter)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _plus_weekdays(start: dt.date, n: int) -> dt.date:
    """The last day of ``n`` weekdays from ``start`` (a weekday)."""
    day, left = start, n - 1
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def raise_dates(timeline: Timeline) -> list[dt.date]:
    return [d for y in timeline.years() if timeline.start < (d := dt.date(y, RAISE_MONTH, 1)) <= timeline.as_of]


class HrHistory:
    def __init__(
        self,
        users: DemoSessions,
        rows: list[dict[str, Any]],
        timeline: Timeline,
        seed_rng: Callable[[str], random.Random],
        scale: float,
    ) -> None:
        self.users, self.timeline, self.scale = users, timeline, scale
        self.rng = seed_rng
        self.counts: Counter[str] = Counter()
        self.people = [
            Person(
                code=r["employee_code"],
                name=r["name"],
                department=r["department"],
                position=r["position"],
                cost_center=r["cost_center"],
                hired=dt.date.fromisoformat(r["hire_date"]),
                active=r["active"] == "true",
                grade=position_pay(r["position"])[0],
            )
            for r in rows
        ]
        self.heads = {
            d.name: next(p.code for p in self.people if p.department == d.name and p.position == d.head)
            for d in DEPARTMENTS
        }
        self.names = {p.code: p.name for p in self.people}
        self.hr_head = self.heads["人力资源部"]
        self.next_code = 10001 + len(rows)
        self.namer = Namer(seed_rng("names"))
        self.namer.emails.update(r["email"] for r in rows)

    # --- pay grades and salaries --------------------------------------------------------------------------

    def salaries(self) -> None:
        hr = self.users["hr"]
        for code, name, low, high in GRADES:
            pay_grade_actions.create(hr, {"code": code, "name": name, "min_salary": low, "max_salary": high})
        rng = self.rng("salaries")
        raises = raise_dates(self.timeline)
        for person in self.people:
            if not person.active:
                continue  # leavers are not paid by the pay runs (they run for active employees)
            grade, low, high = position_pay(person.position)
            steps = [d for d in raises if (d - person.hired).days >= RAISE_AFTER_DAYS]
            today = rng.uniform(low, high)
            start = max(person.hired, self.timeline.start)
            person.salaries.append((start, clamp(grade, today / (1 + PLANNED_RAISE_PCT / 100) ** len(steps))))
            for day in steps:
                person.salaries.append(
                    (day, clamp(grade, float(person.salaries[-1][1]) * (1 + rng.uniform(*RAISE_PCT) / 100)))
                )
            self._record(person, "历史期初薪资 Salary at the start of the records")

    def _record(self, person: Person, first_reason: str) -> None:
        hr = self.users["hr"]
        for n, (day, amount) in enumerate(person.salaries):
            set_salary(
                hr,
                {
                    "employee": person.code,
                    "effective_date": day,
                    "base_salary": amount,
                    "pay_grade": person.grade,
                    "reason": first_reason if n == 0 else "年度调薪 Annual raise",
                },
            )
            self.counts["salary_changes"] += 1

    # --- recruiting ---------------------------------------------------------------------------------------

    def recruiting(self) -> None:
        rng, timeline = self.rng("recruiting"), self.timeline
        quarters = len(timeline.months()) / 3
        n = max(2, round(REQUISITIONS_PER_QUARTER * self.scale * quarters))
        span = (timeline.as_of - timeline.start).days
        openings = [
            (dept, staff)
            for dept in DEPARTMENTS
            for staff in dept.staff
            for _ in range(round(dept.share * staff.weight))
        ]
        hires: list[Person] = []
        for k in range(n):
            # Spread over the history; the last requisition is a fresh one, still open at the as-of date.
            day = timeline.start + dt.timedelta(days=int(span * (k + rng.random()) / n))
            if k == n - 1:
                day = timeline.as_of - dt.timedelta(days=rng.randint(10, 30))
            dept, staff = rng.choice(openings)
            hires += self._requisition(rng, next_working_day(day), dept.name, staff.position, staff.cost_center)
        raises = raise_dates(timeline)
        for person in hires:
            for day in raises:
                if (day - person.hired).days >= RAISE_AFTER_DAYS:
                    grade = person.grade
                    amount = clamp(grade, float(person.salaries[-1][1]) * (1 + rng.uniform(*RAISE_PCT) / 100))
                    person.salaries.append((day, amount))
                    set_salary(
                        self.users["hr"],
                        {
                            "employee": person.code,
                            "effective_date": day,
                            "base_salary": amount,
                            "pay_grade": grade,
                            "reason": "年度调薪 Annual raise",
                        },
                    )
                    self.counts["salary_changes"] += 1
        self.people += hires

    def _requisition(
        self, rng: random.Random, day: dt.date, department: str, position: str, cost_center: str
    ) -> list[Person]:
        as_of, officer, manager = self.timeline.as_of, self.users["hrofficer"], self.users["hr"]
        grade, low, high = position_pay(position)
        headcount = 2 if grade in ("G1", "G2") and rng.random() < 0.3 else 1
        req = create_job_requisition(
            officer,
            {
                "position": position,
                "department": department,
                "cost_center": cost_center,
                "pay_grade": grade,
                "headcount": headcount,
                "description": f"{department}招聘{position} {headcount}名",
                "reference": f"HC-{day:%Y%m}",
            },
        )
        number = req["number"]
        self.counts["job_requisitions"] += 1
        if day + dt.timedelta(days=2) > as_of:
            return []
        approve_job_requisition(manager, number)
        posted = day + dt.timedelta(days=rng.randint(2, 5))
        if posted > as_of:
            return []
        closes = posted + dt.timedelta(days=30)
        for channel in rng.sample(CHANNELS, rng.choice((1, 1, 2))):
            post_job(officer, number, {"channel": channel, "posted_on": posted, "closes_on": closes, "text": position})
            self.counts["job_postings"] += 1
        interviewers = [self.heads[department], self.hr_head]
        if interviewers[0] == interviewers[1]:
            interviewers[0] = self.heads["总经理办公室"]
        applicants = []
        for _ in range(headcount * rng.randint(*CANDIDATES_PER_PLACE)):
            applied = posted + dt.timedelta(days=rng.randint(1, 20))
            if applied <= as_of:
                applicants.append((applied, rng.random()))
        applicants.sort()
        interviewed: list[tuple[float, str, dt.date, str, str]] = []  # (quality, number, interview day, name, email)
        last_interview = posted
        for applied, quality in applicants:
            name, email = self.namer.person()
            cand = add_candidate(
                officer,
                {
                    "requisition": number,
                    "name": name,
                    "email": email.replace(email.split("@")[1], "mail.example.com"),
                    "phone": f"13{rng.randint(100_000_000, 999_999_999)}",
                    "source": rng.choice(CHANNELS),
                    "resume_text": f"{name}：应聘{position}，相关工作经验{rng.randint(1, 15)}年。",
                },
            )
            self.counts["candidates"] += 1
            screened = applied + dt.timedelta(days=3)
            if screened > as_of:
                continue
            if rng.random() < WITHDRAWN:
                withdraw_candidate(officer, cand["number"])
                continue
            start_screening(officer, cand["number"], "简历符合要求 CV fits" if quality >= SCREENED_OUT else "")
            if quality < SCREENED_OUT:
                reject_candidate(officer, cand["number"], "经验不足 Not enough experience")
                continue
            on = _weekday(screened + dt.timedelta(days=rng.randint(3, 10)))
            if on > as_of:
                continue  # still in screening
            schedule_interview(
                officer,
                cand["number"],
                {
                    "scheduled_at": f"{on} {rng.choice(('09:30', '10:30', '14:00', '15:30'))}",
                    "interviewers": interviewers,
                },
            )
            self.counts["interviews"] += 1
            if on >= as_of:
                continue  # scheduled, not held yet
            for who in interviewers:
                score = max(1, min(5, round(1 + quality * 4 + rng.uniform(-0.8, 0.8))))
                record_feedback(officer, cand["number"], 1, who, score, "")
            interviewed.append((quality, cand["number"], on, name, email))
            last_interview = max(last_interview, on)
        hired: list[Person] = []
        decided = last_interview + dt.timedelta(days=rng.randint(2, 6))
        interviewed.sort(reverse=True)
        offered = set()
        if decided <= as_of:
            for _quality, cand_number, _on, name, email in interviewed:
                if len(hired) == headcount:
                    break
                offered.add(cand_number)
                salary = clamp(grade, rng.uniform(low, (low + high) / 2))
                start = decided + dt.timedelta(days=rng.randint(14, 35))
                make_offer(officer, cand_number, {"salary": salary, "offer_date": decided, "start_date": start})
                self.counts["offers"] += 1
                if rng.random() < DECLINED_OFFER:
                    decline_offer(officer, cand_number)
                    continue
                if start > as_of:
                    hired.append(Person("", name, department, position, cost_center, start, True, grade))
                    continue  # accepted; starts after the as-of date
                code = f"E{self.next_code}"
                self.next_code += 1
                hire(officer, cand_number, code, email, interviewers[0])
                self.counts["hires"] += 1
                hired.append(
                    Person(code, name, department, position, cost_center, start, True, grade, [(start, salary)])
                )
            for _quality, cand_number, _on, _name, _email in interviewed:
                if cand_number not in offered:
                    reject_candidate(officer, cand_number, "择优录用 Another candidate was chosen")
            if closes + dt.timedelta(days=60) < as_of and len(hired) < headcount:
                cancel_job_requisition(manager, number)  # the place was not filled in time
        return [p for p in hired if p.code]

    # --- leave --------------------------------------------------------------------------------------------

    def leave(self) -> None:
        rng, timeline = self.rng("leave"), self.timeline
        officer, manager = self.users["hrofficer"], self.users["hr"]
        last = timeline.as_of + dt.timedelta(days=LEAVE_AHEAD_DAYS)
        for year in timeline.years():
            grant_statutory_annual_leave(manager, year)
        for person in self.people:
            if not person.active:
                continue
            taken: list[tuple[dt.date, dt.date]] = []
            first = max(person.hired, timeline.start)
            for year in timeline.years():
                for kind, chance, (low, high) in LEAVE_PLAN:
                    if rng.random() >= chance:
                        continue
                    if kind == "annual":
                        month = rng.choice(ANNUAL_LEAVE_MONTHS)
                        start = _weekday(dt.date(year, month, rng.randint(1, 24)))
                    else:
                        start = _weekday(_day(rng, dt.date(year, 1, 2), dt.date(year, 12, 20)))
                    days = rng.randint(low, high)
                    end = _plus_weekdays(start, days)
                    if start < first or end > last or any(s <= end and e >= start for s, e in taken):
                        continue
                    if kind == "annual" and days > statutory_annual_days(person.hired, year):
                        continue  # beyond the year's entitlement: HR would refuse it
                    taken.append((start, end))
                    self._leave(rng, officer, manager, person.code, kind, start, end)

    def _leave(
        self, rng: random.Random, officer: Session, manager: Session, code: str, kind: str, start: dt.date, end: dt.date
    ) -> None:
        as_of = self.timeline.as_of
        reasons = {"annual": "年假 Annual leave", "sick": "病假 Sick", "personal": "事假 Personal matters"}
        number = request_leave(
            officer,
            {
                "employee": code,
                "leave_type": kind,
                "start_date": start,
                "end_date": end,
                "reason": reasons.get(kind, ""),
            },
        )["number"]
        self.counts["leave_requests"] += 1
        if start > as_of and rng.random() < 0.5:
            return  # requested, not decided yet
        roll = rng.random()
        if end < as_of and roll < LEAVE_REJECTED and kind == "annual":
            reject_leave(manager, number)
            return
        approve_leave(manager, number)
        if end < as_of:
            if roll > 1 - LEAVE_CANCELLED and kind == "annual":
                cancel_leave(officer, number)
            else:
                mark_leave_taken(officer, number)

    # --- skills -------------------------------------------------------------------------------------------

    def skills(self) -> None:
        rng, hr = self.rng("skills"), self.users["hr"]
        for person in self.people:
            found = SKILLS.get(person.position)
            if not found or not person.active:
                continue
            skill, (low, high), certified = found
            row = {"employee": person.code, "skill": skill, "level": rng.randint(low, high)}
            if certified:
                row["certified_on"] = _day(rng, person.hired, self.timeline.as_of)
            skill_actions.create(hr, row)
            self.counts["skills"] += 1

    # --- training -----------------------------------------------------------------------------------------

    def training(self) -> None:
        rng, timeline, officer = self.rng("training"), self.timeline, self.users["hrofficer"]
        for code, title, category, hours, _audience in COURSES:
            course_actions.create(
                officer, {"code": code, "title": title, "category": category, "duration_hours": hours}
            )
        years = len(timeline.months()) / 12
        n = max(2, round(SESSIONS_PER_YEAR * self.scale * years))
        span = (timeline.as_of - timeline.start).days
        for k in range(n):
            start = timeline.start + dt.timedelta(days=int(span * (k + rng.random()) / n))
            if k == n - 1:  # the next session, planned and booked
                start = timeline.as_of + dt.timedelta(days=rng.randint(7, 21))
            self._session(rng, officer, _weekday(start))

    def _session(self, rng: random.Random, officer: Session, start: dt.date) -> None:
        code, _title, _category, hours, audience = rng.choice(COURSES)
        end = _plus_weekdays(start, max(1, hours // 8))
        people = [
            p
            for p in self.people
            if p.active
            and p.hired <= start
            and (audience == "all" or (p.department in SHOP_FLOOR) == (audience == "shop"))
        ]
        if not people:
            return
        external = rng.random() < 0.4
        trainer = {"shop": "生产部", "all": "质量部"}.get(audience, "人力资源部")
        session = create_session(
            officer,
            {
                "course": code,
                "start_date": start,
                "end_date": end,
                "trainer": "外部讲师 External trainer" if external else self.names[self.heads[trainer]],
                "location": "培训室 Training room" if audience != "shop" else "车间现场 Shop floor",
                "capacity": 20,
            },
        )
        number = session["number"]
        self.counts["training_sessions"] += 1
        chosen = rng.sample(people, min(len(people), rng.randint(*ENROLLED)))
        before = {p.code: round(rng.uniform(45, 78)) for p in chosen}
        enrol_many(officer, number, list(before))
        record_scores(officer, number, "before", before)
        self.counts["enrolments"] += len(chosen)
        if end >= self.timeline.as_of:
            return
        if rng.random() < SESSION_CANCELLED:
            cancel_session(officer, number)
            return
        present = [p.code for p in chosen if rng.random() < ATTENDANCE]
        complete_session(officer, number, present)
        if present:
            after = {code: min(100, before[code] + round(rng.uniform(4, 25))) for code in present}
            record_scores(officer, number, "after", after)


def run_hr(
    users: DemoSessions,
    rows: list[dict[str, Any]],
    timeline: Timeline,
    rng: Callable[[str], random.Random],
    scale: float,
) -> HrResult:
    history = HrHistory(users, rows, timeline, rng, scale)
    history.salaries()
    history.recruiting()
    history.leave()
    history.skills()
    history.training()
    return HrResult(history.people, history.counts)
