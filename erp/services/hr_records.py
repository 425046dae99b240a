"""Employee records beyond the master data: skills with levels, confidential personal data, and leave.

Personal data (identity number, birth date, address, bank account) is read and written only by roles holding
``hr.confidential`` (hr and finance); the read functions here take a Session and check it, so no page or export
can show it to anyone else by forgetting a check.

Leave records: requested -> approved -> taken, requested -> rejected, requested or approved -> cancelled.
Leave entitlements give the days an employee may take per year and leave type; a request (and its approval) that
would go beyond them is refused, and a type without an entitlement for the year is not limited. Statutory annual
leave follows the 职工带薪年休假条例 (5, 10 or 15 days after 1, 10 or 20 years of work), counted from the hire date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import ZERO, dec, raise_if
from erp.services.records import Entity, EntityActions
from erp.services.workflow import locked, move

CONFIDENTIAL = "hr.confidential"

SKILLS = Entity(
    name="employee_skills",
    label=N_("Employee skills"),
    table=s.employee_skill,
    key=("employee", "skill"),
    fields=FieldSet(
        (
            Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
            Text("skill", N_("Skill"), required=True, max_length=100),
            Int("level", N_("Level (1 basic to 5 expert)"), required=True, min_value=1, max_value=5),
            Date("certified_on", N_("Certified on")),
        )
    ),
    permission="employees.manage",
    audit_name="employee_skill",
)
skill_actions = EntityActions(SKILLS)


def employee_id(conn: Connection, code: Any, field: str = "employee") -> int:
    found = conn.execute(select(s.employee.c.id).where(s.employee.c.employee_code == str(code or "").strip())).scalar()
    if found is None:
        raise ServiceError(FieldError(field, t("{value} does not exist", value=code)), code="not_found")
    return found


# --- personal data ------------------------------------------------------------------------------------------

PERSONAL = FieldSet(
    (
        Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
        Text("id_number", N_("Identity number"), max_length=40),
        Date("birth_date", N_("Birth date")),
        Text("phone", N_("Phone"), max_length=40),
        Text("address", N_("Address"), max_length=400),
        Text("bank_account", N_("Salary bank account"), max_length=60),
        Text("emergency_contact", N_("Emergency contact")),
    )
)


@action("employee_personal.save", CONFIDENTIAL)
def save_personal_data(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Create or replace an employee's personal data."""
    values, errors = PERSONAL.validate(data, tx.conn)
    raise_if(errors)
    table = s.employee_personal
    before = fetch_one(tx.conn, table, employee_id=values["employee_id"])
    if before is None:
        tx.conn.execute(insert(table).values(**values))
    else:
        tx.conn.execute(update(table).where(table.c.employee_id == values["employee_id"]).values(**values))
    tx.audit("employee_personal", data["employee"], before, values)
    return values


def personal_data(session: Session, employee_code: str) -> dict[str, Any] | None:
    """An employee's personal data; refused to anyone without hr.confidential."""
    session.require(CONFIDENTIAL)
    with session.read() as conn:
        return fetch_one(conn, s.employee_personal, employee_id=employee_id(conn, employee_code))


# --- leave --------------------------------------------------------------------------------------------------

LEAVE_TYPES = ("annual", "sick", "personal", "marriage", "maternity", "paternity", "bereavement", "unpaid")
LEAVE_FLOW = {
    "requested": ("approved", "rejected", "cancelled"),
    "approved": ("taken", "cancelled"),
}
LEAVE_FIELDS = FieldSet(
    (
        Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
        Choice("leave_type", N_("Leave type"), required=True, choices=LEAVE_TYPES),
        Date("start_date", N_("First day"), required=True),
        Date("end_date", N_("Last day"), required=True),
        Dec("days", N_("Days (blank: the weekdays in the range)"), positive=True, max_value=366),
        Text("reason", N_("Reason"), max_length=400),
        Text("reference", N_("Reference"), max_length=60),
    )
)


def weekdays(start: dt.date, end: dt.date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5)


@action("leave.request", "hr.leave")
def request_leave(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record a leave request: ``{employee, leave_type, start_date, end_date, days, reason}``."""
    values, errors = LEAVE_FIELDS.validate(data, tx.conn)
    if not errors:
        if values["end_date"] < values["start_date"]:
            errors.append(FieldError("end_date", t("must not be before the first day")))
        elif values.get("days") is None:
            values["days"] = Decimal(weekdays(values["start_date"], values["end_date"]))
            if values["days"] == 0:
                errors.append(FieldError("days", t("the range holds no weekday; give the days")))
    if not errors:
        lr = s.leave_record
        overlap = tx.conn.execute(
            select(lr.c.number).where(
                lr.c.employee_id == values["employee_id"],
                lr.c.status.in_(("requested", "approved", "taken")),
                and_(lr.c.start_date <= values["end_date"], lr.c.end_date >= values["start_date"]),
            )
        ).scalar()
        if overlap:
            errors.append(FieldError("start_date", t("overlaps the leave {number}", number=overlap)))
    if not errors:
        beyond = _beyond_entitlement(tx.conn, values, ("requested", "approved", "taken"))
        if beyond:
            errors.append(beyond)
    raise_if(errors)
    number = tx.next_number("lv")
    row = {
        **values,
        "number": number,
        "status": "requested",
        "reason": values.get("reason") or None,
        "reference": values.get("reference") or None,
        "requested_by": tx.actor.username,
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.leave_record).values(**row))
    tx.audit("leave_record", number, None, row)
    return row


def _decide(tx: Tx, number: str, to: str) -> dict[str, Any]:
    row = locked(tx.conn, s.leave_record, number, t("Leave record"), "number")
    if to == "approved" and row["status"] == "requested":
        beyond = _beyond_entitlement(tx.conn, row, ("approved", "taken"), exclude=row["id"])
        raise_if([beyond] if beyond else [])
    extra = {"decided_by": tx.actor.username} if to in ("approved", "rejected") else {}
    return move(tx, s.leave_record, row, to, LEAVE_FLOW, "number", **extra)


@action("leave.approve", "hr.leave")
def approve_leave(tx: Tx, number: str) -> dict[str, Any]:
    return _decide(tx, number, "approved")


@action("leave.reject", "hr.leave")
def reject_leave(tx: Tx, number: str) -> dict[str, Any]:
    return _decide(tx, number, "rejected")


@action("leave.taken", "hr.leave")
def mark_leave_taken(tx: Tx, number: str) -> dict[str, Any]:
    return _decide(tx, number, "taken")


@action("leave.cancel", "hr.leave")
def cancel_leave(tx: Tx, number: str) -> dict[str, Any]:
    return _decide(tx, number, "cancelled")


def _beyond_entitlement(
    conn: Connection, leave: Mapping[str, Any], counted: tuple[str, ...], exclude: int | None = None
) -> FieldError | None:
    """The refusal of ``leave`` when it and the leave already ``counted`` in its year exceed the entitlement."""
    year = leave["start_date"].year
    le = s.leave_entitlement
    entitled = conn.execute(
        select(le.c.days).where(
            le.c.employee_id == leave["employee_id"], le.c.year == year, le.c.leave_type == leave["leave_type"]
        )
    ).scalar()
    if entitled is None:
        return None
    used = leave_days(conn, leave["employee_id"], year, counted, exclude).get(leave["leave_type"], ZERO)
    left = dec(entitled) - used
    if dec(leave["days"]) <= left:
        return None
    return FieldError(
        "days",
        t(
            "{days} days exceed the {leave_type} entitlement: {left} of {entitled} days are left in {year}",
            days=dec(leave["days"]).normalize(),
            leave_type=t(LEAVE_TYPE_LABELS.get(leave["leave_type"], leave["leave_type"])),
            left=max(left, ZERO).normalize(),
            entitled=dec(entitled).normalize(),
            year=year,
        ),
    )


# --- leave entitlements --------------------------------------------------------------------------------------

LEAVE_TYPE_LABELS = {
    "annual": N_("annual leave"),
    "sick": N_("sick leave"),
    "personal": N_("personal leave"),
    "marriage": N_("marriage leave"),
    "maternity": N_("maternity leave"),
    "paternity": N_("paternity leave"),
    "bereavement": N_("bereavement leave"),
    "unpaid": N_("unpaid leave"),
}

ENTITLEMENTS = Entity(
    name="leave_entitlements",
    label=N_("Leave entitlements"),
    table=s.leave_entitlement,
    key=("employee", "year", "leave_type"),
    fields=FieldSet(
        (
            Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
            Int("year", N_("Year"), required=True, min_value=2000, max_value=2999),
            Choice("leave_type", N_("Leave type"), required=True, choices=LEAVE_TYPES),
            Dec("days", N_("Days per year"), required=True, min_value=0, max_value=366),
            Text("basis", N_("Basis"), max_length=200),
        )
    ),
    permission="hr.leave",
    audit_name="leave_entitlement",
)
entitlement_actions = EntityActions(ENTITLEMENTS)

# 职工带薪年休假条例 art. 3: (years of work, days of paid annual leave), from the longest service down.
STATUTORY_ANNUAL_LEAVE = ((20, 15), (10, 10), (1, 5))


def statutory_annual_days(hire_date: dt.date, year: int) -> int:
    """Paid annual leave for ``year`` of someone working since ``hire_date``.

    Service is counted at 1 January; an employee who completes the first year during ``year`` gets the share of the
    5 days for the rest of the year after that anniversary, whole days only (企业职工带薪年休假实施办法 art. 5)."""
    start = dt.date(year, 1, 1)
    years = start.year - hire_date.year - ((start.month, start.day) < (hire_date.month, hire_date.day))
    for least, days in STATUTORY_ANNUAL_LEAVE:
        if years >= least:
            return days
    try:
        anniversary = hire_date.replace(year=hire_date.year + 1)
    except ValueError:  # hired on 29 February
        anniversary = dt.date(hire_date.year + 1, 3, 1)
    if anniversary.year != year:
        return 0
    remaining = (dt.date(year, 12, 31) - anniversary).days + 1
    return remaining * 5 // 365


@action("leave_entitlement.statutory", "hr.leave")
def grant_statutory_annual_leave(tx: Tx, year: int) -> dict[str, Any]:
    """Give every employee working in ``year`` their statutory annual leave for it, unless an annual-leave
    entitlement for that year is already recorded (what HR set by hand or imported is kept)."""
    if not isinstance(year, int) or not 2000 <= year <= 2999:
        raise ServiceError(FieldError("year", t("must be a year between 2000 and 2999")))
    emp, le = s.employee, s.leave_entitlement
    have = set(
        tx.conn.execute(select(le.c.employee_id).where(le.c.year == year, le.c.leave_type == "annual")).scalars()
    )
    people = tx.conn.execute(
        select(emp.c.id, emp.c.employee_code, emp.c.hire_date)
        .where(
            emp.c.hire_date.is_not(None),
            emp.c.hire_date <= dt.date(year, 12, 31),
            or_(and_(emp.c.leave_date.is_(None), emp.c.active.is_(True)), emp.c.leave_date >= dt.date(year, 1, 1)),
        )
        .order_by(emp.c.employee_code)
    ).all()
    granted = kept = 0
    for person_id, code, hired in people:
        if person_id in have:
            kept += 1
            continue
        days = statutory_annual_days(hired, year)  # 0 in the first year of work: no paid annual leave yet
        row = {
            "employee_id": person_id,
            "year": year,
            "leave_type": "annual",
            "days": Decimal(days),
            "basis": "职工带薪年休假条例",
        }
        tx.conn.execute(insert(le).values(**row))
        tx.audit("leave_entitlement", f"{code}/{year}/annual", None, row)
        granted += 1
    return {"year": year, "granted": granted, "kept": kept}


def leave_days(
    conn: Connection, employee: int, year: int, statuses: tuple[str, ...], exclude: int | None = None
) -> dict[str, Decimal]:
    """Days of an employee's leave in ``statuses`` per type starting in ``year`` (leaving out record ``exclude``)."""
    lr = s.leave_record
    query = (
        select(lr.c.leave_type, func.sum(lr.c.days))
        .where(
            lr.c.employee_id == employee,
            lr.c.status.in_(statuses),
            lr.c.start_date >= dt.date(year, 1, 1),
            lr.c.start_date <= dt.date(year, 12, 31),
        )
        .group_by(lr.c.leave_type)
    )
    if exclude is not None:
        query = query.where(lr.c.id != exclude)
    return {kind: dec(days) if days is not None else ZERO for kind, days in conn.execute(query)}


def leave_taken(session: Session, employee_code: str, year: int) -> dict[str, Decimal]:
    """Days of approved or taken leave per type starting in a year."""
    session.require("hr.leave")
    with session.read() as conn:
        return leave_days(conn, employee_id(conn, employee_code), year, ("approved", "taken"))
