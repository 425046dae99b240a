"""Training: courses with their materials, sessions, enrolment, attendance and scores before and after.

Session: planned -> completed (attendance taken) or cancelled. Enrolment: enrolled -> attended or absent (when
the session completes) or withdrawn (while it is planned). The score before is taken while the session is
planned, the score after only from someone who attended a completed session, so the gain measures the course.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import ZERO, dec, raise_if
from erp.services.hr_records import employee_id
from erp.services.records import Entity, EntityActions
from erp.services.workflow import conflict, locked, move, require_status

PERMISSION = "hr.training"
SESSION_FLOW = {"planned": ("completed", "cancelled")}
ENROLMENT_FLOW = {"enrolled": ("attended", "absent", "withdrawn")}

COURSES = Entity(
    name="courses",
    label=N_("Training courses"),
    table=s.course,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("title", N_("Title"), required=True),
            Text("category", N_("Category (e.g. safety, quality, skills)"), max_length=60),
            Dec("duration_hours", N_("Duration (hours)"), default=ZERO, min_value=0),
            Text("description", N_("Description"), max_length=4000),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission=PERMISSION,
    audit_name="course",
)

COURSE_MATERIALS = Entity(
    name="course_materials",
    label=N_("Course materials"),
    table=s.course_material,
    key=("course", "title"),
    fields=FieldSet(
        (
            Ref("course", N_("Course"), required=True, column="course_id", table=s.course),
            Text("title", N_("Title"), required=True),
            Text("file_path", N_("File (path or link)"), required=True, max_length=400),
        )
    ),
    permission=PERMISSION,
    audit_name="course_material",
)

course_actions = EntityActions(COURSES)
course_material_actions = EntityActions(COURSE_MATERIALS)

SESSION_FIELDS = FieldSet(
    (
        Ref("course", N_("Course"), required=True, column="course_id", table=s.course, only_active=True),
        Date("start_date", N_("Start date"), required=True),
        Date("end_date", N_("End date"), required=True),
        Text("trainer", N_("Trainer")),
        Text("location", N_("Venue")),
        Int("capacity", N_("Places"), required=True, min_value=1, max_value=10_000),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("training_session.create", PERMISSION)
def create_session(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A planned session of a course: ``{course, start_date, end_date, trainer, location, capacity}``."""
    values, errors = SESSION_FIELDS.validate(data, tx.conn)
    if not errors and values["end_date"] < values["start_date"]:
        errors.append(FieldError("end_date", t("must not be before the start date")))
    raise_if(errors)
    number = tx.next_number("trn")
    row = {
        **{k: (v if v != "" else None) for k, v in values.items()},
        "number": number,
        "status": "planned",
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.training_session).values(**row))
    tx.audit("training_session", number, None, row)
    return row


def _session(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.training_session, number, t("Training session"), "session")


def _enrolment(conn: Connection, session: Mapping[str, Any], employee: str) -> dict[str, Any]:
    who = employee_id(conn, employee)
    row = fetch_one(conn, s.enrolment, session_id=session["id"], employee_id=who)
    if row is None:
        raise ServiceError(
            FieldError(
                "employee", t("{employee} is not enrolled in {number}", employee=employee, number=session["number"])
            ),
            code="not_found",
        )
    return {**row, "key": f"{session['number']}/{employee}"}


@action("training_session.enrol", PERMISSION)
def enrol(tx: Tx, number: str, employee: str) -> dict[str, Any]:
    """Enrol an employee in a planned session with a free place."""
    session = _session(tx.conn, number)
    require_status(session, ("planned",), "session", t("enrol anyone"))
    who = employee_id(tx.conn, employee)
    en = s.enrolment
    if fetch_one(tx.conn, en, session_id=session["id"], employee_id=who) is not None:
        raise conflict("employee", t("{employee} is already enrolled in {number}", employee=employee, number=number))
    taken = tx.conn.execute(
        select(func.count()).select_from(en).where(en.c.session_id == session["id"], en.c.status == "enrolled")
    ).scalar()
    if taken >= session["capacity"]:
        raise conflict(
            "session", t("{number} is full ({capacity} places)", number=number, capacity=session["capacity"])
        )
    row = {"session_id": session["id"], "employee_id": who, "status": "enrolled"}
    tx.conn.execute(insert(en).values(**row))
    tx.audit("enrolment", f"{number}/{employee}", None, row)
    return row


@action("training_session.enrol_many", PERMISSION)
def enrol_many(tx: Tx, number: str, employees: Iterable[str]) -> dict[str, Any]:
    """Enrol a group in a planned session in one go (a department sent to a course): all of them or, when one is
    unknown, listed twice or already enrolled, or the places run out, none."""
    session = _session(tx.conn, number)
    require_status(session, ("planned",), "session", t("enrol anyone"))
    codes = [str(code).strip() for code in employees]
    emp, en = s.employee, s.enrolment
    ids = dict(tx.conn.execute(select(emp.c.employee_code, emp.c.id).where(emp.c.employee_code.in_(codes))).all())
    enrolled = set(
        tx.conn.execute(
            select(en.c.employee_id).where(en.c.session_id == session["id"], en.c.employee_id.in_(ids.values()))
        ).scalars()
    )
    errors, seen = [], set()
    for n, code in enumerate(codes, start=1):
        field = f"employees[{n}]"
        if code not in ids:
            errors.append(FieldError(field, t("{value} does not exist", value=code)))
        elif code in seen:
            errors.append(FieldError(field, t("{value} is listed twice", value=code)))
        elif ids[code] in enrolled:
            errors.append(
                FieldError(field, t("{employee} is already enrolled in {number}", employee=code, number=number))
            )
        seen.add(code)
    if not codes:
        errors.append(FieldError("employees", t("at least one employee is required")))
    raise_if(errors)
    taken = tx.conn.execute(
        select(func.count()).select_from(en).where(en.c.session_id == session["id"], en.c.status == "enrolled")
    ).scalar()
    if taken + len(codes) > session["capacity"]:
        raise conflict(
            "session", t("{number} is full ({capacity} places)", number=number, capacity=session["capacity"])
        )
    tx.conn.execute(
        insert(en), [{"session_id": session["id"], "employee_id": ids[c], "status": "enrolled"} for c in codes]
    )
    tx.audit("enrolment", number, None, {"employees": codes, "status": "enrolled"})
    return {"session": number, "enrolled": len(codes)}


@action("training_session.scores", PERMISSION)
def record_scores(tx: Tx, number: str, when: str, scores: Mapping[str, Any]) -> dict[str, Any]:
    """The evaluation sheet of a whole class: ``when`` is "before" (session planned, people enrolled) or "after"
    (session completed, people who attended); ``scores`` maps employee codes to scores 0-100. All or none."""
    if when not in ("before", "after"):
        raise ServiceError(FieldError("when", t("must be one of: {choices}", choices="before, after")))
    session = _session(tx.conn, number)
    wanted = ("planned", "enrolled") if when == "before" else ("completed", "attended")
    doing = t("record a score before the training") if when == "before" else t("record a score after the training")
    require_status(session, (wanted[0],), "session", doing)
    en, emp = s.enrolment, s.employee
    rows = {
        r.employee_code: r
        for r in tx.conn.execute(
            select(en.c.id, en.c.status, emp.c.employee_code)
            .join(emp, emp.c.id == en.c.employee_id)
            .where(en.c.session_id == session["id"], emp.c.employee_code.in_([str(c) for c in scores]))
        )
    }
    column = f"score_{when}"
    errors, values = [], []
    for code, score in scores.items():
        field = f"scores[{code}]"
        row = rows.get(str(code))
        if row is None:
            errors.append(FieldError(field, t("{employee} is not enrolled in {number}", employee=code, number=number)))
            continue
        if row.status != wanted[1]:
            errors.append(FieldError(field, t("{employee} is {status}", employee=code, status=row.status)))
            continue
        checked, problems = FieldSet(
            (Dec(column, N_("Score (0-100)"), required=True, min_value=0, max_value=100),)
        ).validate({column: score}, tx.conn)
        errors += [FieldError(field, e.message) for e in problems]
        if not problems:
            values.append({"row_id": row.id, "score": checked[column]})
    raise_if(errors)
    if values:
        tx.conn.execute(update(en).where(en.c.id == bindparam("row_id")).values({column: bindparam("score")}), values)
        tx.audit("enrolment", number, None, {column: {str(c): scores[c] for c in scores}})
    return {"session": number, "scores": len(values)}


@action("training_session.withdraw", PERMISSION)
def withdraw(tx: Tx, number: str, employee: str) -> dict[str, Any]:
    session = _session(tx.conn, number)
    require_status(session, ("planned",), "session", t("withdraw anyone"))
    row = _enrolment(tx.conn, session, employee)
    return move(tx, s.enrolment, row, "withdrawn", ENROLMENT_FLOW, "employee", key="key")


def _score(value: Any, field: str, conn: Connection) -> Decimal:
    values, errors = FieldSet((Dec(field, N_("Score (0-100)"), required=True, min_value=0, max_value=100),)).validate(
        {field: value}, conn
    )
    raise_if(errors)
    return values[field]


@action("training_session.score_before", PERMISSION)
def record_score_before(tx: Tx, number: str, employee: str, score: Any) -> dict[str, Any]:
    """The evaluation before the training, while the session is still planned."""
    session = _session(tx.conn, number)
    require_status(session, ("planned",), "session", t("record a score before the training"))
    row = _enrolment(tx.conn, session, employee)
    if row["status"] != "enrolled":
        raise conflict("employee", t("{employee} is {status}", employee=employee, status=row["status"]))
    value = _score(score, "score_before", tx.conn)
    tx.conn.execute(update(s.enrolment).where(s.enrolment.c.id == row["id"]).values(score_before=value))
    tx.audit("enrolment", row["key"], {"score_before": row["score_before"]}, {"score_before": value})
    return {**row, "score_before": value}


@action("training_session.complete", PERMISSION)
def complete_session(tx: Tx, number: str, attended: Iterable[str]) -> dict[str, Any]:
    """Take attendance: the employees listed attended, everyone else still enrolled was absent."""
    session = _session(tx.conn, number)
    present = {str(code).strip() for code in attended}
    en, emp = s.enrolment, s.employee
    rows = (
        tx.conn.execute(
            select(en, emp.c.employee_code)
            .join(emp, emp.c.id == en.c.employee_id)
            .where(en.c.session_id == session["id"])
        )
        .mappings()
        .all()
    )
    enrolled = {r["employee_code"]: dict(r) for r in rows if r["status"] == "enrolled"}
    unknown = sorted(present - set(enrolled))
    if unknown:
        raise ServiceError(FieldError("attended", t("not enrolled: {codes}", codes=", ".join(unknown))))
    after = move(tx, s.training_session, session, "completed", SESSION_FLOW, "session")
    for code, row in sorted(enrolled.items()):
        to = "attended" if code in present else "absent"
        move(tx, en, {**row, "key": f"{number}/{code}"}, to, ENROLMENT_FLOW, "attended", key="key")
    return {**after, "attended": len(present), "absent": len(enrolled) - len(present)}


@action("training_session.cancel", PERMISSION)
def cancel_session(tx: Tx, number: str) -> dict[str, Any]:
    session = _session(tx.conn, number)
    after = move(tx, s.training_session, session, "cancelled", SESSION_FLOW, "session")
    en = s.enrolment
    tx.conn.execute(
        update(en).where(en.c.session_id == session["id"], en.c.status == "enrolled").values(status="withdrawn")
    )
    return after


@action("training_session.score_after", PERMISSION)
def record_score_after(tx: Tx, number: str, employee: str, score: Any) -> dict[str, Any]:
    """The evaluation after the training: only for someone who attended a completed session."""
    session = _session(tx.conn, number)
    require_status(session, ("completed",), "session", t("record a score after the training"))
    row = _enrolment(tx.conn, session, employee)
    if row["status"] != "attended":
        raise conflict("employee", t("{employee} did not attend ({status})", employee=employee, status=row["status"]))
    value = _score(score, "score_after", tx.conn)
    tx.conn.execute(update(s.enrolment).where(s.enrolment.c.id == row["id"]).values(score_after=value))
    tx.audit("enrolment", row["key"], {"score_after": row["score_after"]}, {"score_after": value})
    return {**row, "score_after": value}


def evaluation(session: Session, number: str) -> dict[str, Any]:
    """Scores before and after per attendee, and the mean gain of those with both scores."""
    session.require(PERMISSION)
    en, emp, ts = s.enrolment, s.employee, s.training_session
    with session.read() as conn:
        rows = conn.execute(
            select(emp.c.employee_code, en.c.status, en.c.score_before, en.c.score_after)
            .join(emp, emp.c.id == en.c.employee_id)
            .join(ts, ts.c.id == en.c.session_id)
            .where(ts.c.number == number)
            .order_by(emp.c.employee_code)
        ).all()
    people = [
        {
            "employee": r.employee_code,
            "status": r.status,
            "before": None if r.score_before is None else dec(r.score_before),
            "after": None if r.score_after is None else dec(r.score_after),
        }
        for r in rows
    ]
    gains = [p["after"] - p["before"] for p in people if p["before"] is not None and p["after"] is not None]
    mean = (sum(gains, ZERO) / len(gains)).quantize(Decimal("0.01")) if gains else None
    return {"session": number, "people": people, "mean_gain": mean}
