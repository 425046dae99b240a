"""Recruiting: job requisitions and their postings, candidates, interviews with feedback, offers and hiring.

Requisition: draft -> approved (by someone other than the requester) -> open (first posting) -> filled (all
hired); draft, approved or open -> cancelled.

Candidate: applied -> screening -> interviewing -> offered -> hired (creates the employee and their first
salary); offered -> declined; applied, screening, interviewing or offered -> rejected or withdrawn. An offer
needs a completed interview; an interview is completed when every interviewer has scored it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import dec, raise_if
from erp.services.hr import EMPLOYEES
from erp.services.hr_records import employee_id
from erp.services.payroll import add_salary, check_grade
from erp.services.records import create as create_record
from erp.services.workflow import conflict, locked, move, require_status

PERMISSION = "hr.recruiting"

REQUISITION_FLOW = {
    "draft": ("approved", "cancelled"),
    "approved": ("open", "cancelled"),
    "open": ("filled", "cancelled"),
}
CANDIDATE_FLOW = {
    "applied": ("screening", "rejected", "withdrawn"),
    "screening": ("interviewing", "rejected", "withdrawn"),
    "interviewing": ("offered", "rejected", "withdrawn"),
    "offered": ("hired", "declined", "rejected", "withdrawn"),
}

REQUISITION_FIELDS = FieldSet(
    (
        Text("position", N_("Position"), required=True, max_length=100),
        Text("department", N_("Department"), max_length=100),
        Ref("cost_center", N_("Cost center"), required=True, column="cost_center_id", table=s.cost_center),
        Ref("pay_grade", N_("Pay grade"), column="pay_grade_id", table=s.pay_grade),
        Int("headcount", N_("Headcount"), default=1, min_value=1, max_value=1000),
        Text("description", N_("Description"), max_length=4000),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("job_requisition.create", PERMISSION)
def create_job_requisition(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A draft requisition for ``headcount`` people in a position."""
    values, errors = REQUISITION_FIELDS.validate(data, tx.conn)
    raise_if(errors)
    number = tx.next_number("jr")
    row = {
        **values,
        "number": number,
        "status": "draft",
        "hired_count": 0,
        "requested_by": tx.actor.username,
        "reference": values.get("reference") or None,
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.job_requisition).values(**row))
    tx.audit("job_requisition", number, None, row)
    return row


def _requisition(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.job_requisition, number, t("Job requisition"), "requisition")


@action("job_requisition.approve", PERMISSION)
def approve_job_requisition(tx: Tx, number: str) -> dict[str, Any]:
    req = _requisition(tx.conn, number)
    if req["requested_by"] == tx.actor.username and req["status"] == "draft":
        raise conflict("requisition", t("{number} was requested by you; someone else must approve it", number=number))
    return move(tx, s.job_requisition, req, "approved", REQUISITION_FLOW, "requisition", approved_by=tx.actor.username)


@action("job_requisition.cancel", PERMISSION)
def cancel_job_requisition(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.job_requisition, _requisition(tx.conn, number), "cancelled", REQUISITION_FLOW, "requisition")


POSTING_FIELDS = FieldSet(
    (
        Text("channel", N_("Channel (e.g. company site, job board)"), required=True, max_length=60),
        Date("posted_on", N_("Posted on"), required=True),
        Date("closes_on", N_("Closes on")),
        Text("text", N_("Posting text"), max_length=8000),
    )
)


@action("job_requisition.post", PERMISSION)
def post_job(tx: Tx, number: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Publish an approved requisition on a channel (it opens on the first posting)."""
    req = _requisition(tx.conn, number)
    require_status(req, ("approved", "open"), "requisition", t("post it"))
    values, errors = POSTING_FIELDS.validate(data, tx.conn)
    if not errors and values.get("closes_on") and values["closes_on"] < values["posted_on"]:
        errors.append(FieldError("closes_on", t("must not be before the posting date")))
    raise_if(errors)
    row = {**values, "requisition_id": req["id"]}
    tx.conn.execute(insert(s.job_posting).values(**row))
    tx.audit("job_posting", number, None, row)
    if req["status"] == "approved":
        move(tx, s.job_requisition, req, "open", REQUISITION_FLOW, "requisition")
    return {**row, "requisition": number}


# --- candidates ---------------------------------------------------------------------------------------------

CANDIDATE_FIELDS = FieldSet(
    (
        Ref(
            "requisition",
            N_("Job requisition"),
            required=True,
            column="requisition_id",
            table=s.job_requisition,
            key="number",
        ),
        Text("name", N_("Name"), required=True),
        Text("email", N_("E-mail")),
        Text("phone", N_("Phone"), max_length=40),
        Text("source", N_("Source (channel or referral)"), max_length=60),
        Text("resume_text", N_("Resume text"), max_length=100_000),
        Text("resume_path", N_("Resume file path"), max_length=400),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("candidate.add", PERMISSION)
def add_candidate(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A candidate applying to an open requisition, with the resume as text or as a file path."""
    values, errors = CANDIDATE_FIELDS.validate(data, tx.conn)
    if not errors and not values.get("resume_text") and not values.get("resume_path"):
        errors.append(FieldError("resume_text", t("give the resume as text or as a file path")))
    if not errors:
        req = fetch_one(tx.conn, s.job_requisition, id=values["requisition_id"])
        assert req is not None
        if req["status"] != "open":
            errors.append(
                FieldError(
                    "requisition",
                    t("{number} is {status}; it takes no candidates", number=req["number"], status=req["status"]),
                )
            )
    raise_if(errors)
    number = tx.next_number("cand")
    row = {
        **{k: (v if v != "" else None) for k, v in values.items()},
        "number": number,
        "status": "applied",
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.candidate).values(**row))
    tx.audit("candidate", number, None, {k: v for k, v in row.items() if k != "resume_text"})
    return row


def _candidate(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.candidate, number, t("Candidate"), "candidate")


@action("candidate.screen", PERMISSION)
def start_screening(tx: Tx, number: str, notes: str = "") -> dict[str, Any]:
    return move(
        tx,
        s.candidate,
        _candidate(tx.conn, number),
        "screening",
        CANDIDATE_FLOW,
        "candidate",
        screening_notes=notes or None,
    )


@action("candidate.reject", PERMISSION)
def reject_candidate(tx: Tx, number: str, notes: str = "") -> dict[str, Any]:
    cand = _candidate(tx.conn, number)
    text = "\n".join(x for x in (cand["screening_notes"], notes) if x) or None
    return move(tx, s.candidate, cand, "rejected", CANDIDATE_FLOW, "candidate", screening_notes=text)


@action("candidate.withdraw", PERMISSION)
def withdraw_candidate(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.candidate, _candidate(tx.conn, number), "withdrawn", CANDIDATE_FLOW, "candidate")


INTERVIEW_FIELDS = FieldSet(
    (
        Text("scheduled_at", N_("Date and time (YYYY-MM-DD HH:MM)"), required=True, max_length=20),
        Text("location", N_("Location or call link"), max_length=200),
    )
)


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        return None


@action("interview.schedule", PERMISSION)
def schedule_interview(tx: Tx, number: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Schedule the next interview round: ``{scheduled_at, location, interviewers: [employee codes]}``."""
    cand = _candidate(tx.conn, number)
    require_status(cand, ("screening", "interviewing"), "candidate", t("schedule an interview"))
    raw = dict(data)
    interviewers = raw.pop("interviewers", None) or []
    values, errors = INTERVIEW_FIELDS.validate(raw, tx.conn)
    when = _parse_time(values.get("scheduled_at") or "") if not errors else None
    if not errors and when is None:
        errors.append(FieldError("scheduled_at", t("must be a date and time like 2026-01-31 14:30")))
    ids: list[int] = []
    if not interviewers:
        errors.append(FieldError("interviewers", t("at least one interviewer is required")))
    for n, code in enumerate(interviewers, start=1):
        found = tx.conn.execute(select(s.employee.c.id).where(s.employee.c.employee_code == str(code))).scalar()
        if found is None:
            errors.append(FieldError(f"interviewers[{n}]", t("{value} does not exist", value=code)))
        elif found in ids:
            errors.append(FieldError(f"interviewers[{n}]", t("{value} is listed twice", value=code)))
        else:
            ids.append(found)
    raise_if(errors)
    iv = s.interview
    open_round = tx.conn.execute(
        select(iv.c.round).where(iv.c.candidate_id == cand["id"], iv.c.status == "scheduled")
    ).scalar()
    if open_round is not None:
        raise conflict(
            "candidate", t("round {round} is still scheduled; complete or cancel it first", round=open_round)
        )
    last = tx.conn.execute(select(func.max(iv.c.round)).where(iv.c.candidate_id == cand["id"])).scalar() or 0
    row = {
        "candidate_id": cand["id"],
        "round": last + 1,
        "scheduled_at": when,
        "location": values.get("location") or None,
        "status": "scheduled",
        "created_at": tx.now,
    }
    interview_id = tx.conn.execute(insert(iv).values(**row)).inserted_primary_key[0]
    tx.conn.execute(insert(s.interview_feedback), [{"interview_id": interview_id, "interviewer_id": e} for e in ids])
    tx.audit("interview", f"{number}/{row['round']}", None, {**row, "interviewers": list(interviewers)})
    if cand["status"] == "screening":
        move(tx, s.candidate, cand, "interviewing", CANDIDATE_FLOW, "candidate")
    return row


def _interview(conn: Connection, cand: Mapping[str, Any], round_no: int) -> dict[str, Any]:
    iv = s.interview
    row = (
        conn.execute(select(iv).where(iv.c.candidate_id == cand["id"], iv.c.round == round_no).with_for_update())
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise ServiceError(
            FieldError("round", t("{number} has no interview round {round}", number=cand["number"], round=round_no)),
            code="not_found",
        )
    return dict(row)


@action("interview.feedback", PERMISSION)
def record_feedback(tx: Tx, number: str, round_no: int, interviewer: str, score: Any, feedback: str = "") -> dict:
    """One interviewer's score (1-5) and notes; the interview completes when every interviewer has scored."""
    cand = _candidate(tx.conn, number)
    interview = _interview(tx.conn, cand, round_no)
    if interview["status"] != "scheduled":
        raise conflict("round", t("the interview is {status}; feedback is closed", status=interview["status"]))
    values, errors = FieldSet((Int("score", N_("Score"), required=True, min_value=1, max_value=5),)).validate(
        {"score": score}, tx.conn
    )
    raise_if(errors)
    who = employee_id(tx.conn, interviewer, "interviewer")
    fb = s.interview_feedback
    slot = fetch_one(tx.conn, fb, interview_id=interview["id"], interviewer_id=who)
    if slot is None:
        raise ServiceError(FieldError("interviewer", t("{who} is not on this interview panel", who=interviewer)))
    if slot["score"] is not None:
        raise conflict("interviewer", t("{who} has already given feedback", who=interviewer))
    changes = {"score": values["score"], "feedback": feedback or None, "recorded_at": tx.now}
    tx.conn.execute(update(fb).where(fb.c.id == slot["id"]).values(**changes))
    tx.audit("interview_feedback", f"{number}/{round_no}/{interviewer}", None, changes)
    missing = tx.conn.execute(
        select(func.count()).select_from(fb).where(fb.c.interview_id == interview["id"], fb.c.score.is_(None))
    ).scalar()
    if missing == 0:
        iv = s.interview
        tx.conn.execute(update(iv).where(iv.c.id == interview["id"]).values(status="completed"))
        tx.audit("interview", f"{number}/{round_no}", {"status": "scheduled"}, {"status": "completed"})
    return {"complete": missing == 0, **changes}


@action("interview.cancel", PERMISSION)
def cancel_interview(tx: Tx, number: str, round_no: int) -> None:
    cand = _candidate(tx.conn, number)
    interview = _interview(tx.conn, cand, round_no)
    if interview["status"] != "scheduled":
        raise conflict(
            "round", t("the interview is {status}; only a scheduled one can be cancelled", status=interview["status"])
        )
    tx.conn.execute(update(s.interview).where(s.interview.c.id == interview["id"]).values(status="cancelled"))
    tx.audit("interview", f"{number}/{round_no}", {"status": "scheduled"}, {"status": "cancelled"})


def interview_scores(session: Session, number: str) -> list[dict[str, Any]]:
    """Each round with its mean score and the interviewers' scores (hr.recruiting only)."""
    session.require(PERMISSION)
    iv, fb = s.interview, s.interview_feedback
    with session.read() as conn:
        cand = fetch_one(conn, s.candidate, number=number)
        if cand is None:
            return []
        rows = conn.execute(
            select(iv.c.round, iv.c.status, s.employee.c.employee_code, fb.c.score)
            .join(fb, fb.c.interview_id == iv.c.id)
            .join(s.employee, s.employee.c.id == fb.c.interviewer_id)
            .where(iv.c.candidate_id == cand["id"])
            .order_by(iv.c.round, s.employee.c.employee_code)
        ).all()
    rounds: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = rounds.setdefault(r.round, {"round": r.round, "status": r.status, "scores": {}})
        entry["scores"][r.employee_code] = r.score
    for entry in rounds.values():
        given = [v for v in entry["scores"].values() if v is not None]
        entry["mean"] = (Decimal(sum(given)) / len(given)).quantize(Decimal("0.01")) if given else None
    return list(rounds.values())


OFFER_FIELDS = FieldSet(
    (
        Dec("salary", N_("Offered monthly salary"), required=True, positive=True),
        Date("offer_date", N_("Offer date"), required=True),
        Date("start_date", N_("Start date"), required=True),
    )
)


@action("candidate.offer", PERMISSION)
def make_offer(tx: Tx, number: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Offer a salary (within the requisition's pay grade) to a candidate with a completed interview."""
    cand = _candidate(tx.conn, number)
    values, errors = OFFER_FIELDS.validate(data, tx.conn)
    if not errors and values["start_date"] < values["offer_date"]:
        errors.append(FieldError("start_date", t("must not be before the offer date")))
    req = fetch_one(tx.conn, s.job_requisition, id=cand["requisition_id"])
    assert req is not None
    if not errors:
        errors += check_grade(tx.conn, req["pay_grade_id"], values["salary"], "salary")
    raise_if(errors)
    done = tx.conn.execute(
        select(func.count())
        .select_from(s.interview)
        .where(s.interview.c.candidate_id == cand["id"], s.interview.c.status == "completed")
    ).scalar()
    if cand["status"] == "interviewing" and not done:
        raise conflict("candidate", t("{number} has no completed interview yet", number=number))
    return move(
        tx,
        s.candidate,
        cand,
        "offered",
        CANDIDATE_FLOW,
        "candidate",
        offer_salary=values["salary"],
        offer_date=values["offer_date"],
        start_date=values["start_date"],
    )


@action("candidate.decline", PERMISSION)
def decline_offer(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.candidate, _candidate(tx.conn, number), "declined", CANDIDATE_FLOW, "candidate")


@action("candidate.hire", PERMISSION)
def hire(tx: Tx, number: str, employee_code: str, email: str = "", manager: str = "") -> dict[str, Any]:
    """The candidate accepted: create the employee (position, department and cost center from the requisition)
    with the offered salary from the start date, and count the hire on the requisition."""
    cand = _candidate(tx.conn, number)
    if cand["status"] != "offered":
        move(tx, s.candidate, cand, "hired", CANDIDATE_FLOW, "candidate")  # refuses with the allowed moves
    req = _requisition(tx.conn, fetch_one(tx.conn, s.job_requisition, id=cand["requisition_id"])["number"])
    if req["status"] != "open":
        raise conflict(
            "requisition",
            t("{number} is {status}; nobody can be hired on it", number=req["number"], status=req["status"]),
        )
    cc = fetch_one(tx.conn, s.cost_center, id=req["cost_center_id"])
    try:
        employee = create_record(
            tx,
            EMPLOYEES,
            {
                "employee_code": employee_code,
                "name": cand["name"],
                "department": req["department"] or "",
                "position": req["position"],
                "cost_center": cc["code"] if cc else "",
                "manager": manager,
                "email": email or cand["email"] or "",
                "hire_date": cand["start_date"],
            },
        )
    except ServiceError as exc:
        raise ServiceError([FieldError(e.field, e.message) for e in exc.errors], code=exc.code) from exc
    add_salary(
        tx,
        employee["id"],
        cand["start_date"],
        dec(cand["offer_salary"]),
        req["pay_grade_id"],
        t("Hired from {number}", number=number),
    )
    after = move(tx, s.candidate, cand, "hired", CANDIDATE_FLOW, "candidate", employee_id=employee["id"])
    hired = req["hired_count"] + 1
    tx.conn.execute(update(s.job_requisition).where(s.job_requisition.c.id == req["id"]).values(hired_count=hired))
    tx.audit("job_requisition", req["number"], {"hired_count": req["hired_count"]}, {"hired_count": hired})
    if hired == req["headcount"]:
        move(tx, s.job_requisition, {**req, "hired_count": hired}, "filled", REQUISITION_FLOW, "requisition")
    return {**after, "employee_code": employee["employee_code"]}
