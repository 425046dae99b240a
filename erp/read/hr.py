"""What the HR screens read: leave requests, the recruiting pipeline by stage, training sessions with their
enrolments, and pay runs (their totals; payslips are read through :func:`erp.services.payroll.payslips`, which
checks ``hr.confidential``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, case, func, select

from erp import schema as s
from erp.fields import N_
from erp.read.documents import DocumentKind, Rows, posted_lines

_lr, _emp = s.leave_record, s.employee
LEAVE = DocumentKind(
    name="leave_record",
    label=N_("Leave request"),
    query=select(
        _lr.c.number,
        _emp.c.employee_code.label("employee"),
        _emp.c.name.label("employee_name"),
        _lr.c.leave_type,
        _lr.c.start_date,
        _lr.c.end_date,
        _lr.c.days,
        _lr.c.status,
        _lr.c.reason,
        _lr.c.requested_by,
        _lr.c.decided_by,
    ).join(_emp, _emp.c.id == _lr.c.employee_id),
    labels={
        "number": N_("Number"),
        "employee": N_("Employee"),
        "employee_name": N_("Name"),
        "leave_type": N_("Leave type"),
        "start_date": N_("First day"),
        "end_date": N_("Last day"),
        "days": N_("Days"),
        "status": N_("Status"),
        "reason": N_("Reason"),
        "decided_by": N_("Decided by"),
    },
    date="start_date",
    choice="status",
    choices=("requested", "approved", "rejected", "taken", "cancelled"),
    search=("number", "employee", "employee_name", "reason"),
)

_pr = s.pay_run
PAY_RUNS = DocumentKind(
    name="pay_run",
    label=N_("Pay run"),
    query=select(
        _pr.c.number,
        _pr.c.period,
        _pr.c.pay_date,
        _pr.c.status,
        _pr.c.gross,
        _pr.c.tax,
        _pr.c.net,
        _pr.c.employer_contributions,
        _pr.c.calculated_by,
        _pr.c.approved_by,
    ),
    labels={
        "number": N_("Number"),
        "period": N_("Pay month"),
        "pay_date": N_("Pay date"),
        "status": N_("Status"),
        "gross": N_("Gross"),
        "tax": N_("Income tax"),
        "net": N_("Net"),
        "employer_contributions": N_("Employer contributions"),
        "calculated_by": N_("Calculated by"),
        "approved_by": N_("Approved by"),
    },
    date="pay_date",
    choice="status",
    choices=("calculated", "approved", "posted", "cancelled"),
    search=("number", "period"),
    postings=lambda conn, head: posted_lines(conn, [("pay_run", head["number"])]),
)

PAYSLIP_LABELS = {
    "employee_code": N_("Employee"),
    "name": N_("Name"),
    "base_salary": N_("Base salary"),
    "allowances": N_("Allowances"),
    "gross": N_("Gross"),
    "social_insurance": N_("Social insurance"),
    "housing_fund": N_("Housing fund"),
    "special_deductions": N_("Special deductions"),
    "tax": N_("Income tax"),
    "other_deductions": N_("Other deductions"),
    "net": N_("Net"),
    "employer_social_insurance": N_("Employer social insurance"),
    "employer_housing_fund": N_("Employer housing fund"),
}

# The recruiting board: one column per stage a candidate moves through, in order.
STAGES = ("applied", "screening", "interviewing", "offered", "hired")
CLOSED_STAGES = ("rejected", "declined", "withdrawn")

_req, _cand = s.job_requisition, s.candidate
REQUISITIONS = DocumentKind(
    name="job_requisition",
    label=N_("Job requisition"),
    query=select(
        _req.c.number,
        _req.c.position,
        _req.c.department,
        _req.c.headcount,
        _req.c.hired_count,
        _req.c.status,
        _req.c.requested_by,
        _req.c.approved_by,
    ),
    labels={
        "number": N_("Number"),
        "position": N_("Position"),
        "department": N_("Department"),
        "headcount": N_("Headcount"),
        "hired_count": N_("Hired"),
        "status": N_("Status"),
        "requested_by": N_("Requested by"),
        "approved_by": N_("Approved by"),
    },
    choice="status",
    choices=("draft", "approved", "open", "filled", "cancelled"),
    search=("number", "position", "department"),
)


def candidates_by_stage(conn: Connection, requisition: str = "") -> dict[str, Rows]:
    """Candidates grouped by status (the board's columns), oldest application first within a column."""
    query = (
        select(
            _cand.c.number,
            _cand.c.name,
            _cand.c.status,
            _cand.c.source,
            _req.c.number.label("requisition"),
            _req.c.position,
        )
        .join(_req, _req.c.id == _cand.c.requisition_id)
        .order_by(_cand.c.id)
    )
    if requisition:
        query = query.where(_req.c.number == requisition)
    board: dict[str, Rows] = {stage: [] for stage in (*STAGES, *CLOSED_STAGES)}
    for row in conn.execute(query).mappings():
        board.setdefault(row["status"], []).append(dict(row))
    return board


def candidate_numbers(conn: Connection, statuses: tuple[str, ...]) -> list[str]:
    return list(
        conn.execute(select(_cand.c.number).where(_cand.c.status.in_(statuses)).order_by(_cand.c.number)).scalars()
    )


def interviews(conn: Connection, candidate: str) -> Rows:
    """A candidate's interview rounds with each interviewer's score and feedback."""
    iv, fb = s.interview, s.interview_feedback
    query = (
        select(
            iv.c.round,
            iv.c.scheduled_at,
            iv.c.location,
            iv.c.status,
            _emp.c.employee_code.label("interviewer"),
            fb.c.score,
            fb.c.feedback,
        )
        .join(_cand, _cand.c.id == iv.c.candidate_id)
        .outerjoin(fb, fb.c.interview_id == iv.c.id)
        .outerjoin(_emp, _emp.c.id == fb.c.interviewer_id)
        .where(_cand.c.number == candidate)
        .order_by(iv.c.round, _emp.c.employee_code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


INTERVIEW_LABELS = {
    "round": N_("Round"),
    "scheduled_at": N_("Scheduled at"),
    "location": N_("Venue"),
    "status": N_("Status"),
    "interviewer": N_("Interviewer"),
    "score": N_("Score"),
    "feedback": N_("Feedback"),
}

_ts, _course, _enr = s.training_session, s.course, s.enrolment


def enrolments(conn: Connection, number: str) -> Rows:
    query = (
        select(
            _emp.c.employee_code.label("employee"),
            _emp.c.name,
            _enr.c.status,
            _enr.c.score_before,
            _enr.c.score_after,
        )
        .join(_ts, _ts.c.id == _enr.c.session_id)
        .join(_emp, _emp.c.id == _enr.c.employee_id)
        .where(_ts.c.number == number)
        .order_by(_emp.c.employee_code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


_enrolled = (
    select(func.count()).select_from(_enr).where(_enr.c.session_id == _ts.c.id, _enr.c.status != "withdrawn")
).scalar_subquery()
TRAINING_SESSIONS = DocumentKind(
    name="training_session",
    label=N_("Training session"),
    query=select(
        _ts.c.number,
        _course.c.code.label("course"),
        _course.c.title,
        _ts.c.start_date,
        _ts.c.end_date,
        _ts.c.trainer,
        _ts.c.location,
        _ts.c.capacity,
        _enrolled.label("enrolled"),
        _ts.c.status,
    ).join(_course, _course.c.id == _ts.c.course_id),
    labels={
        "number": N_("Number"),
        "course": N_("Course"),
        "title": N_("Title"),
        "start_date": N_("Start date"),
        "end_date": N_("End date"),
        "trainer": N_("Trainer"),
        "location": N_("Venue"),
        "capacity": N_("Capacity"),
        "enrolled": N_("Enrolled"),
        "status": N_("Status"),
    },
    date="start_date",
    choice="status",
    choices=("planned", "completed", "cancelled"),
    search=("number", "course", "title", "trainer"),
    lines=enrolments,
    line_labels={
        "employee": N_("Employee"),
        "name": N_("Name"),
        "status": N_("Status"),
        "score_before": N_("Score before"),
        "score_after": N_("Score after"),
    },
)


def employee_codes(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            select(_emp.c.employee_code).where(_emp.c.active.is_(True)).order_by(_emp.c.employee_code)
        ).scalars()
    )


def open_requisitions(conn: Connection) -> list[str]:
    return list(conn.execute(select(_req.c.number).where(_req.c.status == "open").order_by(_req.c.number)).scalars())


def leave_summary(conn: Connection, year: int) -> Rows:
    """Per employee and leave type, for leave starting in ``year``: the entitlement (blank where the type is not
    limited), the days granted (approved or taken), the days waiting for a decision, and what is left: the leave
    balances screen."""
    _le = s.leave_entitlement
    granted = func.sum(case((_lr.c.status.in_(("approved", "taken")), _lr.c.days), else_=0))
    pending = func.sum(case((_lr.c.status == "requested", _lr.c.days), else_=0))
    used = (
        select(
            _emp.c.employee_code,
            _emp.c.name,
            _lr.c.leave_type,
            granted.label("granted_days"),
            pending.label("pending_days"),
        )
        .join(_emp, _emp.c.id == _lr.c.employee_id)
        .where(
            _lr.c.status.in_(("requested", "approved", "taken")),
            _lr.c.start_date >= dt.date(year, 1, 1),
            _lr.c.start_date <= dt.date(year, 12, 31),
        )
        .group_by(_emp.c.employee_code, _emp.c.name, _lr.c.leave_type)
    )
    entitled = select(_emp.c.employee_code, _emp.c.name, _le.c.leave_type, _le.c.days).join(
        _emp, _emp.c.id == _le.c.employee_id
    )
    rows: dict[tuple[str, str], dict] = {}
    for code, name, kind, days in conn.execute(entitled.where(_le.c.year == year)):
        rows[(code, kind)] = _balance(code, name, kind, days)
    for code, name, kind, granted_days, pending_days in conn.execute(used):
        row = rows.setdefault((code, kind), _balance(code, name, kind, None))
        row["granted_days"], row["pending_days"] = Decimal(str(granted_days)), Decimal(str(pending_days))
    for row in rows.values():
        if row["entitled_days"] is not None:
            row["remaining_days"] = row["entitled_days"] - row["granted_days"] - row["pending_days"]
    return [rows[key] for key in sorted(rows)]


def _balance(code: str, name: str, kind: str, entitled: object) -> dict:
    return {
        "employee": code,
        "name": name,
        "leave_type": kind,
        "entitled_days": Decimal(str(entitled)) if entitled is not None else None,
        "granted_days": Decimal(0),
        "pending_days": Decimal(0),
        "remaining_days": None,
    }


LEAVE_SUMMARY_LABELS = {
    "employee": N_("Employee"),
    "name": N_("Name"),
    "leave_type": N_("Leave type"),
    "entitled_days": N_("Days entitled"),
    "granted_days": N_("Days approved or taken"),
    "pending_days": N_("Days requested"),
    "remaining_days": N_("Days left"),
}


def skill_levels(conn: Connection) -> Rows:
    """Every recorded skill of an active employee with its level: the rows of the skills matrix."""
    sk = s.employee_skill
    query = (
        select(
            _emp.c.employee_code.label("employee"),
            _emp.c.name,
            _emp.c.department,
            sk.c.skill,
            sk.c.level,
            sk.c.certified_on,
        )
        .join(_emp, _emp.c.id == sk.c.employee_id)
        .where(_emp.c.active.is_(True))
        .order_by(_emp.c.employee_code, sk.c.skill)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def skill_names(conn: Connection) -> list[str]:
    sk = s.employee_skill
    return list(conn.execute(select(sk.c.skill).distinct().order_by(sk.c.skill)).scalars())
