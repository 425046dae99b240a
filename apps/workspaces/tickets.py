"""IT support tickets: anyone may raise one and follow their own; IT support assigns, works and resolves them.
Only the moves the ticket's status allows are offered."""

from __future__ import annotations

import streamlit as st
from components.documents import (
    action_button,
    browse_documents,
    document_form,
)
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, Choice, FieldSet, Int, Text
from erp.i18n import t
from erp.read.it import TICKETS, own_tickets, support_users
from erp.services import helpdesk

SUBJECTS = FieldSet((Text("ticket", N_("Support ticket")),))

session = page_session(__file__)
actor = session.actor
support = actor.can("it.support")
with session.read() as conn:
    handlers = support_users(conn) if support else []
ASSIGN = FieldSet((*SUBJECTS, Choice("assignee", N_("Assignee"), required=True, choices=tuple(handlers))))
RESOLVE = FieldSet((*SUBJECTS, Text("resolution", N_("Resolution"), required=True)))
RATE = FieldSet((*SUBJECTS, Int("satisfaction", N_("Satisfaction (1 to 5)"), required=True)))

names = [t("All tickets") if support else t("My tickets"), t("Raise a ticket")]
listing, new = st.tabs(names)


def actions(number: str, header: dict) -> None:
    key = f"tkt:doc:{number}"
    status, mine = header["status"], header["raised_by"] == actor.username
    fixed = {"ticket": number}
    drawn: list[str] = []

    def form(name: str, **kwargs) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=2, **kwargs)

    def button(name: str, label: str, call, success, primary: bool = False) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        action_button(
            session, key=f"{key}:{name}", label=label, call=call, success=success, primary=primary, subjects=SUBJECTS
        )

    if support and status in ("new", "assigned"):
        form(
            "assign",
            header=ASSIGN,
            submit=lambda raw: helpdesk.assign_ticket(session, number, raw["assignee"]),
            success=lambda r: t("Assigned {number} to {user}.", number=number, user=r["assignee"]),
            defaults={"assignee": actor.username if actor.username in handlers else None},
            button=N_("Assign"),
        )
    if support and status == "assigned":
        button(
            "start",
            t("Start work"),
            lambda: helpdesk.start_ticket(session, number),
            lambda _: t("Started work on {number}.", number=number),
            primary=True,
        )
    if support and status == "in_progress":
        form(
            "resolve",
            header=RESOLVE,
            submit=lambda raw: helpdesk.resolve_ticket(session, number, raw["resolution"]),
            success=lambda _: t("Resolved {number}.", number=number),
            button=N_("Resolve"),
        )
    if support and status == "resolved":
        button(
            "close",
            t("Close ticket"),
            lambda: helpdesk.close_ticket(session, number),
            lambda _: t("Closed {number}.", number=number),
            primary=True,
        )
    if (mine or support) and status == "resolved":
        button(
            "reopen",
            t("Not fixed: reopen"),
            lambda: helpdesk.reopen_ticket(session, number),
            lambda _: t("Reopened {number}.", number=number),
        )
    if (mine or support) and status in ("new", "assigned"):
        button(
            "cancel",
            t("Cancel ticket"),
            lambda: helpdesk.cancel_ticket(session, number),
            lambda _: t("Cancelled {number}.", number=number),
        )
    if mine and status in ("resolved", "closed") and header["satisfaction"] is None:
        form(
            "rate",
            header=RATE,
            submit=lambda raw: helpdesk.rate_ticket(session, number, raw["satisfaction"]),
            success=lambda _: t("Thank you for rating {number}.", number=number),
            button=N_("Rate"),
        )
    stale_refusals(f"{key}:", drawn)


with listing:
    kind = TICKETS if support else own_tickets(actor.username)
    number, doc = browse_documents(kind, session, "tkt")
    if doc is not None:
        actions(str(number), doc.header)

with new:
    st.caption(t("Describe the problem; IT answers within the target time for its priority."))
    document_form(
        session,
        key="tkt:new",
        header=helpdesk.TICKET_FIELDS,
        submit=lambda raw: helpdesk.raise_ticket(session, raw),
        success=lambda r: t("Raised ticket {number}.", number=r["number"]),
        button=N_("Raise ticket"),
    )
