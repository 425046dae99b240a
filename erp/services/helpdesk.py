"""IT support tickets: any employee raises one; IT answers it against the same kind of service levels as
customer service (see :mod:`erp.services.sla`), and the person who raised it rates the result.

Ticket: new -> assigned (first response) -> in_progress -> resolved -> closed; resolved -> in_progress
(reopened); new or assigned -> cancelled. A ticket about a device also writes an incident into its log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select

from erp import schema as s
from erp.errors import FieldError, PermissionDenied, ServiceError
from erp.fields import N_, Choice, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import raise_if
from erp.services.sla import due_times, parse_time, sla_report
from erp.services.workflow import locked, move, require_status

RAISE, SUPPORT = "tickets.raise", "it.support"
CATEGORIES = ("hardware", "software", "network", "account", "printing", "other")
TICKET_FLOW = {
    "new": ("assigned", "cancelled"),
    "assigned": ("in_progress", "cancelled"),
    "in_progress": ("resolved",),
    "resolved": ("closed", "in_progress"),
}

TICKET_FIELDS = FieldSet(
    (
        Choice("category", N_("Category"), required=True, choices=CATEGORIES),
        Choice("priority", N_("Priority"), default="medium", choices=("low", "medium", "high", "critical")),
        Text("subject", N_("Subject"), required=True),
        Text("description", N_("Description"), max_length=8000),
        Ref("asset", N_("Device (asset tag)"), column="asset_id", table=s.it_asset, key="asset_tag"),
        Ref("application", N_("Application"), column="application_id", table=s.application),
        Text("received_at", N_("Raised at (YYYY-MM-DD HH:MM; blank: now)"), max_length=20),
        Text("reference", N_("Reference"), max_length=60),
    )
)


@action("ticket.raise", RAISE)
def raise_ticket(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """Ask IT for help: ``{category, priority, subject, description, asset, application}``."""
    values, errors = TICKET_FIELDS.validate(data, tx.conn)
    received = parse_time(values.get("received_at"), tx.now) if not errors else None
    if not errors and received is None:
        errors.append(FieldError("received_at", t("must be a date and time like 2026-01-31 14:30")))
    raise_if(errors)
    assert received is not None
    response_due, resolution_due = due_times(tx.conn, "ticket", values["priority"], received)
    user = fetch_one(tx.conn, s.app_user, id=tx.actor.user_id) if tx.actor.user_id else None
    number = tx.next_number("tkt")
    row = {
        **{k: (v if v != "" else None) for k, v in values.items()},
        "number": number,
        "raised_by": tx.actor.username,
        "employee_id": user["employee_id"] if user else None,
        "received_at": received,
        "response_due": response_due,
        "resolution_due": resolution_due,
        "status": "new",
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.support_ticket).values(**row))
    tx.audit("support_ticket", number, None, row)
    if values.get("asset_id"):
        tx.conn.execute(
            insert(s.it_asset_log).values(
                asset_id=values["asset_id"],
                log_date=received.date(),
                kind="incident",
                description=t("Ticket {number}: {subject}", number=number, subject=values["subject"]),
                cost=0,
                recorded_by=tx.actor.username,
                created_at=tx.now,
            )
        )
    return row


def _ticket(conn: Connection, number: str) -> dict[str, Any]:
    return locked(conn, s.support_ticket, number, t("Ticket"), "ticket")


def _at(value: Any, default: dt.datetime) -> dt.datetime:
    when = parse_time(value, default)
    if when is None:
        raise ServiceError(FieldError("at", t("must be a date and time like 2026-01-31 14:30")))
    return when


@action("ticket.assign", SUPPORT)
def assign_ticket(tx: Tx, number: str, assignee: str, at: Any = None) -> dict[str, Any]:
    """Give the ticket to an active user; the first assignment is the response to the person who raised it."""
    ticket = _ticket(tx.conn, number)
    user = fetch_one(tx.conn, s.app_user, username=(assignee or "").strip())
    if user is None or not user["active"]:
        raise ServiceError(FieldError("assignee", t("{value} is not an active user", value=assignee)))
    changes: dict[str, Any] = {"assignee": user["username"]}
    if ticket["responded_at"] is None:
        changes["responded_at"] = _at(at, tx.now)
    if ticket["status"] == "assigned":  # handing over to someone else
        tx.conn.execute(s.support_ticket.update().where(s.support_ticket.c.id == ticket["id"]).values(**changes))
        tx.audit("support_ticket", number, {"assignee": ticket["assignee"]}, changes)
        return {**ticket, **changes}
    return move(tx, s.support_ticket, ticket, "assigned", TICKET_FLOW, "ticket", **changes)


@action("ticket.start", SUPPORT)
def start_ticket(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.support_ticket, _ticket(tx.conn, number), "in_progress", TICKET_FLOW, "ticket")


@action("ticket.resolve", SUPPORT)
def resolve_ticket(tx: Tx, number: str, resolution: str, at: Any = None) -> dict[str, Any]:
    ticket = _ticket(tx.conn, number)
    if not (resolution or "").strip():
        raise ServiceError(FieldError("resolution", t("is required")))
    when = _at(at, tx.now)
    if ticket["status"] == "in_progress" and when < ticket["received_at"]:
        raise ServiceError(FieldError("at", t("must not be before the ticket was raised")))
    return move(
        tx, s.support_ticket, ticket, "resolved", TICKET_FLOW, "ticket", resolution=resolution.strip(), resolved_at=when
    )


@action("ticket.reopen", RAISE)
def reopen_ticket(tx: Tx, number: str) -> dict[str, Any]:
    """Not fixed after all: the person who raised it (or IT) reopens a resolved ticket."""
    ticket = _ticket(tx.conn, number)
    _own_or_support(tx, ticket)
    return move(tx, s.support_ticket, ticket, "in_progress", TICKET_FLOW, "ticket", resolved_at=None)


@action("ticket.close", SUPPORT)
def close_ticket(tx: Tx, number: str) -> dict[str, Any]:
    return move(tx, s.support_ticket, _ticket(tx.conn, number), "closed", TICKET_FLOW, "ticket")


@action("ticket.cancel", RAISE)
def cancel_ticket(tx: Tx, number: str) -> dict[str, Any]:
    ticket = _ticket(tx.conn, number)
    _own_or_support(tx, ticket)
    return move(tx, s.support_ticket, ticket, "cancelled", TICKET_FLOW, "ticket")


def _own_or_support(tx: Tx, ticket: Mapping[str, Any]) -> None:
    if ticket["raised_by"] != tx.actor.username and not tx.actor.can(SUPPORT):
        raise PermissionDenied(
            t("Only the person who raised {number} or IT support can do this.", number=ticket["number"])
        )


@action("ticket.rate", RAISE)
def rate_ticket(tx: Tx, number: str, satisfaction: Any) -> dict[str, Any]:
    """The person who raised the ticket scores IT's help (1-5) once it is resolved."""
    ticket = _ticket(tx.conn, number)
    if ticket["raised_by"] != tx.actor.username:
        raise PermissionDenied(t("Only the person who raised {number} can rate it.", number=number))
    require_status(ticket, ("resolved", "closed"), "ticket", t("rate it"))
    values, errors = FieldSet(
        (Int("satisfaction", N_("Satisfaction"), required=True, min_value=1, max_value=5),)
    ).validate({"satisfaction": satisfaction}, tx.conn)
    raise_if(errors)
    tx.conn.execute(s.support_ticket.update().where(s.support_ticket.c.id == ticket["id"]).values(**values))
    tx.audit("support_ticket", number, {"satisfaction": ticket["satisfaction"]}, values)
    return {**ticket, **values}


def my_tickets(session: Session) -> list[dict[str, Any]]:
    """The tickets the signed-in user raised, newest first."""
    session.require(RAISE)
    st = s.support_ticket
    with session.read() as conn:
        rows = conn.execute(
            select(st.c.number, st.c.subject, st.c.status, st.c.priority, st.c.assignee, st.c.resolution)
            .where(st.c.raised_by == session.actor.username)
            .order_by(st.c.id.desc())
        ).mappings()
        return [dict(r) for r in rows]


def ticket_sla(session: Session, as_of: dt.datetime) -> dict[str, Any]:
    """Tickets with their breaches and the share within target per priority, plus mean satisfaction."""
    report = sla_report(session, s.support_ticket, "priority", SUPPORT, as_of)
    with session.read() as conn:
        scores = [r for (r,) in conn.execute(select(s.support_ticket.c.satisfaction)) if r is not None]
    report["mean_satisfaction"] = round(sum(scores) / len(scores), 2) if scores else None
    return report
